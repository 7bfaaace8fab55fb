//! Markdown rendering: every construct at several widths (insta), mid-stream states,
//! streaming equals whole (property test), streaming touches only the tail, nothing is
//! wider than the pane.

use keyturn::markdown::{self, StreamRender, highlight};
use keyturn::theme::ColorDepth;
use keyturn::ui::Theme;
use proptest::prelude::*;
use ratatui::style::Color;
use ratatui::text::Line;

fn theme() -> Theme {
    highlight::blocking();
    Theme::new(
        keyturn::config::ThemeName::Dark,
        ColorDepth::TrueColor,
        None,
    )
}

fn text_of(line: &Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

fn all_lines(r: &StreamRender) -> Vec<Line<'static>> {
    (0..r.len()).filter_map(|i| r.line(i).cloned()).collect()
}

fn plain(r: &StreamRender) -> String {
    all_lines(r)
        .iter()
        .map(|l| text_of(l).trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

const SAMPLE: &str = include_str!("../../fixtures/markdown/sample.md");

#[test]
fn every_construct_at_each_width() {
    let t = theme();
    for width in [20, 40, 80, 120] {
        let r = markdown::render(SAMPLE, width, "  ", &t);
        insta::assert_snapshot!(format!("sample_w{width}"), plain(&r));
    }
}

#[test]
fn mid_stream_states_render_sensibly() {
    let t = theme();
    let cuts = [
        ("unclosed_emphasis", "Some **bold text that has not clos"),
        ("fence_being_typed", "Intro\n\n``"),
        (
            "code_in_progress",
            "Intro\n\n```python\ndef f(x):\n    return x *",
        ),
        ("closing_fence_typed", "```sh\nls -la\n``"),
        ("table_in_progress", "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 "),
        ("list_in_progress", "1. one\n2. two\n3. thr"),
    ];
    for (name, text) in cuts {
        let mut r = StreamRender::new(40, "  ");
        r.update(text, false, &t);
        insta::assert_snapshot!(name, plain(&r));
    }
}

#[test]
fn code_is_highlighted_in_colour_and_unknown_languages_are_plain() {
    let t = theme();
    let r = markdown::render(SAMPLE, 80, "  ", &t);
    let lines = all_lines(&r);
    let code_line = lines
        .iter()
        .find(|l| text_of(l).contains("println!"))
        .expect("code line");
    let colours: std::collections::HashSet<_> = code_line
        .spans
        .iter()
        .filter_map(|s| s.style.fg)
        .filter(|c| matches!(c, Color::Rgb(..)))
        .collect();
    assert!(colours.len() >= 3, "{code_line:?}");
    let unknown = lines
        .iter()
        .find(|l| text_of(l).contains("plain text in an unknown"))
        .unwrap();
    assert!(
        unknown
            .spans
            .iter()
            .filter(|s| s.content.contains("plain"))
            .all(|s| s.style == t.code_text)
    );
    let heading = lines
        .iter()
        .find(|l| text_of(l).contains("Heading one"))
        .unwrap();
    assert!(heading.spans.iter().any(|s| s.style == t.heading[0]));
    let wide = markdown::render(SAMPLE, 120, "  ", &t);
    assert!(plain(&wide).contains("a link (https://example.com/docs) and https://auto.link."));
}

#[test]
fn colours_follow_the_terminal_depth() {
    highlight::blocking();
    for (depth, ok) in [
        (
            ColorDepth::Ansi256,
            (|c: Color| matches!(c, Color::Indexed(_))) as fn(Color) -> bool,
        ),
        (ColorDepth::Ansi16, |c| {
            !matches!(c, Color::Indexed(_) | Color::Rgb(..))
        }),
        (ColorDepth::None, |_| false),
    ] {
        let t = Theme::new(keyturn::config::ThemeName::Dark, depth, None);
        let r = markdown::render("```rust\nfn main() { let x = 1; }\n```", 60, "", &t);
        let line = r.line(1).unwrap();
        let fgs: Vec<Color> = line
            .spans
            .iter()
            .filter(|s| s.style != t.code_frame)
            .filter_map(|s| s.style.fg)
            .collect();
        if depth == ColorDepth::None {
            assert!(fgs.is_empty(), "{line:?}");
        } else {
            assert!(
                !fgs.is_empty() && fgs.iter().all(|c| ok(*c)),
                "{depth:?}: {fgs:?}"
            );
        }
    }
}

#[test]
fn nothing_is_wider_than_the_pane() {
    let t = theme();
    // Below 8 columns the indent and list markers alone overflow (the pane clips them);
    // it must still render without panicking.
    for width in 0..8 {
        assert!(!markdown::render(SAMPLE, width, "  ", &t).is_empty());
    }
    for width in 8..=60 {
        let r = markdown::render(SAMPLE, width, "  ", &t);
        for line in all_lines(&r) {
            assert!(line.width() <= width, "width {width}: {:?}", text_of(&line));
        }
    }
}

#[test]
fn code_blocks_are_found_in_render_order() {
    let t = theme();
    let blocks = markdown::code_blocks(SAMPLE);
    let langs: Vec<&str> = blocks.iter().map(|b| b.lang.as_str()).collect();
    assert_eq!(langs, ["rust", "unknownlang", ""]);
    assert!(blocks[0].code.starts_with("fn main() {\n\tprintln!"));
    assert!(blocks[0].code.ends_with('}'));
    let r = markdown::render(SAMPLE, 80, "  ", &t);
    let starts: Vec<usize> = r.code_starts().collect();
    assert_eq!(starts.len(), 3);
    for (start, lang) in starts.iter().zip(["rust", "unknownlang", "code"]) {
        assert!(text_of(r.line(*start).unwrap()).contains(lang));
    }
    // Nested in a list, too.
    let nested = markdown::code_blocks("1. step\n\n   ```sh\n   make\n   ```\n");
    assert_eq!(nested[0].code, "make");
    assert_eq!(nested[0].lang, "sh");
}

fn streamed(text: &str, cuts: &[usize], width: usize, t: &Theme) -> StreamRender {
    let mut r = StreamRender::new(width, "  ");
    let mut cuts: Vec<usize> = cuts
        .iter()
        .map(|c| c % (text.len() + 1))
        .filter(|c| text.is_char_boundary(*c))
        .collect();
    cuts.sort_unstable();
    for c in cuts {
        r.update(&text[..c], false, t);
    }
    r.update(text, false, t);
    r
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Rendering a message streamed in random chunks gives exactly the lines (text and
    /// style) of rendering it whole, mid-stream and once finished.
    #[test]
    fn streamed_equals_whole(cuts in proptest::collection::vec(0usize..4000, 0..40), width in 12usize..100) {
        let t = theme();
        let mut r = streamed(SAMPLE, &cuts, width, &t);
        let mut whole = StreamRender::new(width, "  ");
        whole.update(SAMPLE, false, &t);
        prop_assert_eq!(all_lines(&r), all_lines(&whole));
        r.update(SAMPLE, true, &t);
        let finished = markdown::render(SAMPLE, width, "  ", &t);
        prop_assert_eq!(all_lines(&r), all_lines(&finished));
        prop_assert_eq!(r.code_starts().collect::<Vec<_>>(), finished.code_starts().collect::<Vec<_>>());
    }

    /// Any text at all (not just well-formed markdown) streams to the same lines.
    #[test]
    fn streamed_equals_whole_for_any_text(text in "[a-z #*`~>|\\-\n1.]{0,300}", cuts in proptest::collection::vec(0usize..300, 0..20)) {
        let t = theme();
        let mut r = streamed(&text, &cuts, 30, &t);
        r.update(&text, true, &t);
        let whole = markdown::render(&text, 30, "  ", &t);
        prop_assert_eq!(all_lines(&r), all_lines(&whole));
    }
}

/// Tokens of markdown with code, as the benchmark streams them.
fn tokens(n: usize) -> Vec<&'static str> {
    let words = [
        "The ",
        "quick ",
        "**brown** ",
        "fox ",
        "`jumps` ",
        "over ",
        "the ",
        "lazy ",
        "dog. ",
        "Code:",
        "\n\n```rust\n",
        "fn ",
        "main() ",
        "{\n    ",
        "println!(\"hi\");\n",
        "}\n```\n\n",
        "- a ",
        "list ",
        "item\n",
        "- another ",
        "item\n\n",
        "## Heading\n\n",
        "more ",
        "prose.\n\n",
    ];
    (0..n).map(|i| words[i % words.len()]).collect()
}

#[test]
fn streaming_lays_out_only_the_tail() {
    let t = theme();
    let mut r = StreamRender::new(80, "  ");
    let mut text = String::new();
    let mut relaid = Vec::new();
    for tok in tokens(20_000) {
        text.push_str(tok);
        r.update(&text, false, &t);
        relaid.push(r.relaid);
    }
    assert!(r.len() > 5_000, "{} lines", r.len());
    let early = relaid[..2_000].iter().max().unwrap();
    let late = relaid[18_000..].iter().max().unwrap();
    // A token re-lays out at most its own block, however long the message already is.
    assert!(*late <= 12, "late tokens relaid {late} lines");
    assert_eq!(early, late);
}

#[test]
fn a_huge_code_block_streams_line_by_line() {
    let t = theme();
    let mut r = StreamRender::new(80, "  ");
    let mut text = String::from("```rust\n");
    let mut max = 0;
    for i in 0..5_000 {
        text.push_str(&format!("let v{i} = {i};\n"));
        r.update(&text, false, &t);
        max = max.max(r.relaid);
    }
    assert_eq!(r.open_code_language(), Some("rust"));
    assert!(max <= 2, "relaid {max} lines for one line of code");
    assert_eq!(r.len(), 5_001);
}

#[test]
fn task_list_items_are_checkboxes() {
    let t = theme();
    let r = markdown::render(
        "- [ ] write tests\n- [x] ship it\n- plain item\n",
        40,
        "  ",
        &t,
    );
    let text = plain(&r);
    assert!(text.contains("☐ write tests"), "{text}");
    assert!(text.contains("☑ ship it"), "{text}");
    assert!(text.contains("• plain item"), "{text}");
    assert!(!text.contains("[ ]") && !text.contains("[x]"), "{text}");
}
