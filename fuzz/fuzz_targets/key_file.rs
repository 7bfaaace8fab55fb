//! The key file: any bytes are judged by the offline structure check and the document
//! decoder without a panic (a damaged keys.age is an error, never a crash).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = keyturn::keystore::crypto::check_structure(data);
    let _ = keyturn::keystore::document::decode(data);
});
