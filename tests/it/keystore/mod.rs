//! Layer 5: the key store and the key service: round trips, damage, crashes, concurrency, age interop.

mod key_service;
mod store;
