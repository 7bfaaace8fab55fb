//! The markdown renderer: any text renders without a panic, and streaming it in two pieces
//! gives exactly the lines of rendering it whole.
#![no_main]

use keyturn::markdown::{self, StreamRender};
use keyturn::theme::{ColorDepth, Theme};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&w, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let width = 8 + (w as usize % 100);
    let theme = Theme::new(keyturn::config::ThemeName::Dark, ColorDepth::Ansi16, None);
    let whole = markdown::render(text, width, "  ", &theme);
    let mut cut = (w as usize * 7919) % (text.len() + 1);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut streamed = StreamRender::new(width, "  ");
    streamed.update(&text[..cut], false, &theme);
    streamed.update(text, true, &theme);
    assert_eq!(streamed.len(), whole.len());
    for i in 0..whole.len() {
        let (a, b) = (streamed.line(i).unwrap(), whole.line(i).unwrap());
        assert_eq!(a, b, "line {i} differs");
    }
});
