//! config.toml: any text is a config or an error naming the file and line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = std::path::Path::new("config.toml");
    if let Err(e) = keyturn::config::Config::parse(path, text) {
        assert!(e.to_string().starts_with("config.toml"), "{e}");
    }
});
