//! Layer 3: the wire. Provider fixtures fed whole, byte by byte and split at every offset.

mod fixtures;
mod images;
mod reasoning;
mod token_counts;
