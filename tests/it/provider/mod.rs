//! Layer 4: providers. The mock provider on 127.0.0.1 with scripted faults.

mod limits;
mod retries;
mod stream_faults;
