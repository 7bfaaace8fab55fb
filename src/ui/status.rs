//! The status bar: provider, model, phase of the current turn, token counts, and notices.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::app::{App, TurnState};
use crate::text::wrap::{str_width, truncate};

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// Rows the bar needs: one, or up to three for an error that does not fit in one (never
/// more than a quarter of the window, so the conversation keeps its room).
pub fn height(app: &App, width: u16, window_height: u16) -> u16 {
    let rows = error_lines(app, width as usize).map_or(1, |l| l.len() as u16);
    rows.clamp(1, 3).min((window_height / 4).max(1))
}

/// An error notice wrapped at `width`, when there is one (continuation rows indented
/// under the text, past the mark).
fn error_lines(app: &App, width: usize) -> Option<Vec<String>> {
    let n = app.notice.as_ref().filter(|n| n.is_error())?;
    let inner = width.saturating_sub(3).max(1);
    let lines = crate::text::wrap::wrap_paragraph(&n.text, inner)
        .into_iter()
        .enumerate()
        .map(|(i, r)| format!("{}{}", if i == 0 { " ✗ " } else { "   " }, &n.text[r]))
        .map(|l| truncate(&l, width))
        .collect();
    Some(lines)
}

/// The bar's cells, kept while its rows stay the same (most frames of a streaming reply).
pub type StatusCache = super::kept::Kept<Vec<Line<'static>>>;

pub fn render(
    area: Rect,
    buf: &mut Buffer,
    app: &App,
    theme: &Theme,
    help_key: &str,
    cache: &mut StatusCache,
) {
    let rows = rows(area, app, theme, help_key);
    cache.draw(rows, area, buf, |rows, cells| {
        cells.set_style(area, theme.status);
        for (row, line) in rows.iter().enumerate() {
            cells.set_line(area.x, area.y + row as u16, line, area.width);
        }
    });
}

/// What the bar shows, a line per row.
fn rows(area: Rect, app: &App, theme: &Theme, help_key: &str) -> Vec<Line<'static>> {
    let width = area.width as usize;
    // An error takes the whole bar, on as many rows as it was given: it is what the user
    // needs to read.
    if let Some(lines) = error_lines(app, width) {
        return lines
            .iter()
            .take(area.height as usize)
            .enumerate()
            .map(|(row, text)| {
                let mut text = text.clone();
                if row + 1 == area.height as usize && row + 1 < lines.len() {
                    // More than fits: say so at the end of the last row (a row that already
                    // fills the width gives its last column to the mark).
                    text = truncate(&format!("{text}…"), width);
                }
                Line::from(Span::styled(text, theme.error.patch(theme.status)))
            })
            .collect();
    }
    if let Some(search) = app.chat.search.as_ref().filter(|s| s.editing) {
        // Typing a search query: the bar is the prompt.
        let count = match search.hits.len() {
            0 if search.query.text().is_empty() => String::new(),
            0 => " · no match".to_string(),
            n => format!(" · {n} match{}", if n == 1 { "" } else { "es" }),
        };
        let (before, after) = search.query.split();
        let text = format!(" /{before}▏{after}{count} · Enter keeps · Esc clears");
        return vec![Line::from(Span::styled(
            truncate(&text, width),
            theme.status_accent,
        ))];
    }
    let segments = segments(app, theme);
    let right = Segment::new(KEEP_LAST, format!(" {help_key} help "), theme.status);
    vec![fit(segments, right, width, theme)]
}

/// How much a part of the bar matters: at a narrow width the least important go first.
const KEEP_LAST: u8 = 0;
const SPEND: u8 = 3;
const TOKENS: u8 = 4;
const PHASE_DONE: u8 = 5;
const CONTEXT: u8 = 6;
/// The reasoning effort for the next message: beside the context meter.
const REASONING: u8 = 6;
/// The preset in use: beside the reasoning effort.
const PRESET: u8 = 6;
const SEARCH: u8 = 7;
const PHASE_ACTIVE: u8 = 8;
const MODEL: u8 = 9;
const NEWS: u8 = 10;

/// One part of the bar, with a shorter form for narrow windows.
struct Segment {
    rank: u8,
    text: String,
    short: Option<String>,
    style: ratatui::style::Style,
}

impl Segment {
    fn new(rank: u8, text: String, style: ratatui::style::Style) -> Self {
        Self {
            rank,
            text,
            short: None,
            style,
        }
    }

    fn or_short(mut self, short: String) -> Self {
        self.short = Some(short);
        self
    }
}

/// The phase of the current or last turn (spinning while it is open).
fn phase_segment(app: &App, theme: &Theme) -> Option<Segment> {
    let spin = SPINNER[(app.tick as usize) % SPINNER.len()];
    let retrying = app
        .session
        .conversation
        .messages
        .last()
        .is_some_and(|m| m.retry.is_some());
    // Editing the last question: the turn on screen before it is not "this" turn.
    if app.chat.editing.is_some() {
        return Some(
            Segment::new(
                PHASE_ACTIVE,
                "│ ✎ editing · Enter sends a new branch · Esc cancels ".into(),
                theme.status,
            )
            .or_short("│ ✎ ".into()),
        );
    }
    let phase = match app.phase() {
        Some(TurnState::Connecting) if retrying => {
            Some((PHASE_ACTIVE, format!("{spin} waiting to retry")))
        }
        Some(TurnState::Connecting) => Some((PHASE_ACTIVE, format!("{spin} connecting"))),
        Some(TurnState::Streaming) => Some((PHASE_ACTIVE, format!("{spin} streaming"))),
        Some(TurnState::Done) => Some((PHASE_DONE, "✓ done".to_string())),
        Some(TurnState::Cancelled) => Some((PHASE_DONE, "⊘ cancelled".to_string())),
        Some(TurnState::Failed(_)) => Some((PHASE_ACTIVE, "✗ error".to_string())),
        None => None,
    };
    let (rank, p) = phase?;
    let short = p.split(' ').next().unwrap_or("").to_string();
    Some(Segment::new(rank, format!("│ {p} "), theme.status).or_short(format!("│ {short} ")))
}

fn segments(app: &App, theme: &Theme) -> Vec<Segment> {
    let mut out = Vec::new();
    if app.options.demo {
        out.push(Segment::new(
            MODEL,
            " DEMO ".into(),
            theme.help_key.patch(theme.status),
        ));
    }
    if app.options.vi_mode {
        // The mode leads the bar, as in vi: what a key will do depends on it.
        let mode = app.chat.vi.mode.label();
        out.push(
            Segment::new(MODEL, format!(" {mode} "), theme.status_accent)
                .or_short(format!(" {} ", &mode[..1])),
        );
    }
    match &app.session.provider {
        Some(p) => {
            out.push(Segment::new(
                MODEL,
                format!(" {} ", p.name),
                theme.status_accent,
            ));
            out.push(Segment::new(MODEL, format!("{} ", p.model), theme.status));
            if let Some(r) = app.session.reasoning {
                let effort = r.effort.name();
                out.push(
                    Segment::new(REASONING, format!("│ think {effort} "), theme.status)
                        .or_short(format!("│ {effort} ")),
                );
            }
        }
        None => out.push(Segment::new(
            MODEL,
            " no provider ".into(),
            theme.status_accent,
        )),
    }
    if let Some(p) = &app.session.preset {
        let name = crate::text::sanitize::sanitize_line(&p.name);
        out.push(
            Segment::new(PRESET, format!("│ preset {name} "), theme.status)
                .or_short(format!("│ {name} ")),
        );
    }
    out.extend(phase_segment(app, theme));
    if let Some(u) = app
        .session
        .conversation
        .messages
        .last()
        .and_then(|m| m.usage)
    {
        out.push(Segment::new(
            TOKENS,
            format!("│ ↑{} ↓{} tok ", u.input_tokens, u.output_tokens),
            theme.status,
        ));
    }
    out.extend(context_segment(app, theme));
    if let Some(search) = app.chat.search.as_ref().filter(|s| !s.hits.is_empty()) {
        let count = format!("{}/{}", search.current + 1, search.hits.len());
        out.push(
            Segment::new(
                SEARCH,
                format!("│ /{} {count} ", search.query.text()),
                theme.status_accent,
            )
            .or_short(format!("│ /{count} ")),
        );
    }
    if let Some(n) = &app.notice {
        let style = if n.is_error() {
            theme.error.patch(theme.status)
        } else {
            theme.status_accent
        };
        out.push(Segment::new(NEWS, format!("│ {} ", n.text), style));
    }
    out.extend(spend_segments(app, theme));
    out
}

/// "12.4k", "200k", "1.05M", "950".
pub fn short_count(n: u64) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..99_950 => format!("{:.1}k", n as f64 / 1e3),
        99_950..999_500 => format!("{}k", (n + 500) / 1_000),
        _ => format!("{:.2}M", n as f64 / 1e6),
    }
}

/// The next request as counted: tokens of the window and what it may cost,
/// `ctx 12.4k/200k · next ≈ $0.031` ("≈" on a count that is an estimate; "?" for a window
/// that is unknown). Warned at 80 % of the window, an error colour at 95 %.
fn context_segment(app: &App, theme: &Theme) -> Option<Segment> {
    let e = &app.meter.reading.as_ref()?.estimate;
    if app.session.provider.as_ref().map(|p| &p.model) != Some(&e.model) {
        return None;
    }
    let approx = if e.exact { "" } else { "≈" };
    let used = short_count(e.input_tokens + e.reserved_output_tokens);
    let window = e.context_window.map_or("?".to_string(), short_count);
    let cost = match (e.cost, e.input_cost) {
        (Some(c), _) => format!(" · next ≈ ${}", c),
        (None, Some(c)) => format!(" · next ≥ ${}", c),
        (None, None) => String::new(),
    };
    let style = match crate::app::meter::fill_percent(e) {
        Some(p) if p >= 95 => theme.error.patch(theme.status),
        Some(p) if p >= 80 => theme.warning.patch(theme.status),
        _ => theme.status,
    };
    Some(
        Segment::new(
            CONTEXT,
            format!("│ ctx {approx}{used}/{window}{cost} "),
            style,
        )
        .or_short(format!("│ {approx}{used}/{window} ")),
    )
}

/// This turn's cost and the month's spend for the provider in use; a budget warning.
fn spend_segments(app: &App, theme: &Theme) -> Vec<Segment> {
    let (Some(spend), Some(p)) = (&app.session.spend, &app.session.provider) else {
        return Vec::new();
    };
    let month = spend.by_provider.get(&p.id).copied().unwrap_or_default();
    // Nothing to say for a provider with no known cost (a local server).
    let capped = app.session.budget.monthly_usd.is_some()
        || app.session.budget.providers.contains_key(&p.id);
    let zero = crate::chat::money::Usd::ZERO;
    if !(month > zero || spend.last_cost.is_some_and(|c| c > zero) || capped) {
        return Vec::new();
    }
    let turn = spend
        .last_cost
        .map(|c| format!("${c} · "))
        .unwrap_or_default();
    let mut out = vec![
        Segment::new(SPEND, format!("│ {turn}${month} this month "), theme.status)
            .or_short(format!("│ ${month}/mo ")),
    ];
    use crate::usage::budget::Verdict;
    let verdict = app.budget_verdict();
    if let Verdict::Warn(w) | Verdict::Over(w) = &verdict {
        // "85% of the monthly budget for openai (…)": the figure is the news.
        let short = w.split(';').next().unwrap_or(w).to_string();
        let tiny = match short.split(' ').next() {
            _ if matches!(verdict, Verdict::Over(_)) => "│ ⚠ over budget ".to_string(),
            Some(figure) if figure.ends_with('%') => format!("│ ⚠ {figure} of budget "),
            _ => "│ ⚠ budget ".to_string(),
        };
        out.push(
            Segment::new(
                NEWS,
                format!("│ ⚠ {short} "),
                theme.warning.patch(theme.status),
            )
            .or_short(tiny),
        );
    }
    if let Verdict::Unpriced(_) = &verdict {
        out.push(
            Segment::new(
                NEWS,
                format!("│ ⚠ no price for {}: cap not enforced ", p.model),
                theme.warning.patch(theme.status),
            )
            .or_short("│ ⚠ cap: no price ".to_string()),
        );
    }
    out
}

/// The least important part that `can` change (the rightmost of equals).
fn least(parts: &[Segment], can: impl Fn(&Segment) -> bool) -> Option<usize> {
    parts
        .iter()
        .enumerate()
        .filter(|(_, p)| can(p))
        .min_by_key(|(i, p)| (p.rank, std::cmp::Reverse(*i)))
        .map(|(i, _)| i)
}

/// Lays the parts out in one line of `width`: all of them when they fit; else without the
/// help hint, then the least important parts in their shorter form or not at all, and as a
/// last resort cut at the edge.
fn fit(mut parts: Vec<Segment>, right: Segment, width: usize, theme: &Theme) -> Line<'static> {
    let used = |parts: &[Segment]| parts.iter().map(|p| str_width(&p.text)).sum::<usize>();
    let right_w = str_width(&right.text);
    let show_right = used(&parts) + right_w <= width;
    // Shorter forms first (least important first), then parts left out.
    while !show_right && used(&parts) > width {
        let Some(i) = least(&parts, |p| p.short.is_some()) else {
            break;
        };
        parts[i].text = parts[i].short.take().unwrap_or_default();
    }
    while !show_right && used(&parts) > width {
        let Some(i) = least(&parts, |p| p.rank < MODEL) else {
            break;
        };
        parts.remove(i);
    }
    let total = used(&parts);
    if total > width {
        let text: String = parts.iter().map(|p| p.text.as_str()).collect();
        return Line::from(Span::styled(truncate(&text, width), theme.status));
    }
    let mut spans: Vec<Span> = parts
        .into_iter()
        .map(|p| Span::styled(p.text, p.style))
        .collect();
    let pad = width - total - if show_right { right_w } else { 0 };
    spans.push(Span::styled(" ".repeat(pad), theme.status));
    if show_right {
        spans.push(Span::styled(right.text, right.style));
    }
    Line::from(spans)
}
