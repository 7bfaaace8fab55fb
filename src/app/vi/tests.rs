//! Vi commands on a text area: each case is keys in, text and cursor out.

use super::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Types `keys` in normal mode over `text` (cursor at 0,0): `<esc>`, `<cr>`, `<c-r>` spelled
/// out, every other character as itself.
fn run(text: &str, keys: &str) -> (Vec<String>, (usize, usize), Vi) {
    let mut ta = TextArea::from(text.split('\n').map(str::to_string).collect::<Vec<_>>());
    let mut vi = Vi {
        mode: ViMode::Normal,
        ..Default::default()
    };
    let mut rest = keys;
    while !rest.is_empty() {
        let (key, tail) = if let Some(t) = rest.strip_prefix("<esc>") {
            (KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE), t)
        } else if let Some(t) = rest.strip_prefix("<c-r>") {
            (KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL), t)
        } else {
            let c = rest.chars().next().unwrap();
            (
                KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
                &rest[c.len_utf8()..],
            )
        };
        if vi.key(&mut ta, key) == ViOutcome::Pass {
            // Insert mode types.
            if let KeyCode::Char(c) = key.code {
                ta.insert_char(c);
            }
        }
        rest = tail;
    }
    let c = ta.cursor();
    (ta.lines().to_vec(), (c.0, c.1), vi)
}

fn text(text: &str, keys: &str) -> String {
    run(text, keys).0.join("\n")
}

fn at(text: &str, keys: &str) -> (usize, usize) {
    run(text, keys).1
}

#[test]
fn motions_move_the_cursor_as_vi_does() {
    let t = "fn main() {\n    let x = 42;\n}";
    assert_eq!(at(t, "w"), (0, 3));
    assert_eq!(at(t, "ww"), (0, 7), "punctuation is a word of its own");
    assert_eq!(at(t, "3w"), (0, 10));
    assert_eq!(at(t, "e"), (0, 1));
    assert_eq!(at(t, "$"), (0, 10));
    assert_eq!(at(t, "$b"), (0, 7));
    assert_eq!(at(t, "$bb"), (0, 3));
    assert_eq!(at(t, "j"), (1, 0));
    assert_eq!(at(t, "j^"), (1, 4));
    assert_eq!(at(t, "j$0"), (1, 0));
    assert_eq!(at(t, "G"), (2, 0));
    assert_eq!(at(t, "Ggg"), (0, 0));
    assert_eq!(at(t, "2G"), (1, 4), "a count names the line");
    assert_eq!(at(t, "lllh"), (0, 2));
    assert_eq!(at(t, "$l"), (0, 10), "normal mode stays on a character");
    assert_eq!(at(t, "$jk"), (0, 10));
    assert_eq!(at(t, "jjk"), (1, 0));
    assert_eq!(at(t, "10l"), (0, 10));
}

#[test]
fn operators_take_a_motion_a_line_or_a_word() {
    let t = "one two three";
    assert_eq!(text(t, "x"), "ne two three");
    assert_eq!(text(t, "3x"), " two three");
    assert_eq!(text(t, "dw"), "two three");
    assert_eq!(text(t, "2dw"), "three");
    assert_eq!(text(t, "d2w"), "three");
    assert_eq!(text(t, "wde"), "one  three");
    assert_eq!(text(t, "wd$"), "one ");
    assert_eq!(text(t, "wD"), "one ");
    assert_eq!(text(t, "$db"), "one two e");
    assert_eq!(
        text(t, "cwONE<esc>"),
        "ONE two three",
        "cw changes to the word's end"
    );
    assert_eq!(text(t, "wciwTWO<esc>"), "one TWO three");
    assert_eq!(text(t, "wlldiw"), "one  three");
    assert_eq!(text(t, "wCend<esc>"), "one end");
    let lines = "a\nb\nc";
    assert_eq!(text(lines, "dd"), "b\nc");
    assert_eq!(text(lines, "jdd"), "a\nc");
    assert_eq!(
        text(lines, "Gdd"),
        "a\nb",
        "the last line takes its newline before it"
    );
    assert_eq!(text(lines, "2dd"), "c");
    assert_eq!(text(lines, "dj"), "c");
    assert_eq!(text(lines, "3dd"), "");
    assert_eq!(text(lines, "jccB<esc>"), "a\nB\nc");
    assert_eq!(text("a, b", "dw"), ", b");
    // A word motion stops at the end of its line.
    assert_eq!(text("end\nnext", "dw"), "\nnext");
}

#[test]
fn yank_put_undo_and_redo() {
    let lines = "a\nb\nc";
    assert_eq!(text(lines, "yyp"), "a\na\nb\nc");
    assert_eq!(text(lines, "jyyP"), "a\nb\nb\nc");
    assert_eq!(text(lines, "ddp"), "b\na\nc", "dd then p swaps lines");
    assert_eq!(text(lines, "yjGp"), "a\nb\nc\na\nb");
    assert_eq!(text("one two", "ywP"), "one one two");
    assert_eq!(text("one two", "yw$p"), "one twoone ");
    assert_eq!(text("ab", "xp"), "ba");
    assert_eq!(text("one two", "dwu"), "one two");
    assert_eq!(text("one two", "dwu<c-r>"), "two");
    assert_eq!(text("one two", "xxuu"), "one two");
    assert_eq!(text("one two", "xx2u"), "one two");
    // Cursor after a put: on the last character put.
    assert_eq!(at("ab", "ylp"), (0, 1));
}

#[test]
fn insert_commands_and_esc() {
    assert_eq!(text("ab", "iX<esc>"), "Xab");
    assert_eq!(text("ab", "aX<esc>"), "aXb");
    assert_eq!(text("  ab", "$IX<esc>"), "  Xab");
    assert_eq!(text("ab", "AX<esc>"), "abX");
    assert_eq!(text("ab", "oX<esc>"), "ab\nX");
    assert_eq!(text("ab", "OX<esc>"), "X\nab");
    let (_, c, vi) = run("ab", "A<esc>");
    assert_eq!(
        (c, vi.mode),
        ((0, 1), ViMode::Normal),
        "Esc steps back onto the text"
    );
    let (_, _, vi) = run("ab", "i");
    assert_eq!(vi.mode, ViMode::Insert);
}

#[test]
fn visual_and_visual_line_select_then_operate() {
    let t = "one two three";
    assert_eq!(
        text(t, "wvlld"),
        "one  three",
        "v holds the character under the cursor"
    );
    assert_eq!(text(t, "wvey$p"), "one two threetwo");
    assert_eq!(text(t, "vecX<esc>"), "X two three");
    assert_eq!(text(t, "wv<esc>x"), "one wo three");
    let lines = "a\nb\nc\nd";
    assert_eq!(text(lines, "jVjd"), "a\nd");
    assert_eq!(
        text(lines, "GVkkd"),
        "a",
        "V upwards covers every line passed"
    );
    assert_eq!(text(lines, "VjyGp"), "a\nb\nc\nd\na\nb");
    assert_eq!(text(lines, "VGcX<esc>"), "X");
    let (_, _, vi) = run(lines, "V");
    assert_eq!(vi.mode, ViMode::VisualLine);
    let (_, _, vi) = run(lines, "vV");
    assert_eq!(vi.mode, ViMode::VisualLine);
    let (_, c, vi) = run(lines, "jVj<esc>");
    assert_eq!((vi.mode, c), (ViMode::Normal, (2, 0)));
}

#[test]
fn enter_sends_esc_cancels_and_other_keys_pass() {
    let mut ta = TextArea::from(["hi".to_string()]);
    let mut vi = Vi {
        mode: ViMode::Normal,
        ..Default::default()
    };
    let key = |code, mods| KeyEvent::new(code, mods);
    assert_eq!(
        vi.key(&mut ta, key(KeyCode::Enter, KeyModifiers::NONE)),
        ViOutcome::Submit
    );
    assert_eq!(
        vi.key(&mut ta, key(KeyCode::Esc, KeyModifiers::NONE)),
        ViOutcome::Cancel
    );
    assert_eq!(
        vi.key(&mut ta, key(KeyCode::F(2), KeyModifiers::NONE)),
        ViOutcome::Pass
    );
    assert_eq!(
        vi.key(&mut ta, key(KeyCode::Char('p'), KeyModifiers::CONTROL)),
        ViOutcome::Pass,
        "Ctrl-P still opens the picker"
    );
    vi.mode = ViMode::Insert;
    assert_eq!(
        vi.key(&mut ta, key(KeyCode::Char('x'), KeyModifiers::NONE)),
        ViOutcome::Pass
    );
    assert_eq!(
        vi.key(&mut ta, key(KeyCode::Enter, KeyModifiers::NONE)),
        ViOutcome::Pass,
        "in insert mode Enter is the key map's (send)"
    );
}
