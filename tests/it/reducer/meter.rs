//! The context meter in the reducer: a send waits for the count of exactly what it sends; a
//! request over its window is held with the ways out (leave out the oldest turns, or choose
//! a model that fits); a cap refuses a request whose estimate would cross it.

use crate::support::{press, screen, type_text};
use crossterm::event::KeyCode;
use keyturn::app::meter::{Reading, request_key};
use keyturn::app::{App, AppOptions, Effect, Msg, Overlay, ProviderInfo, Screen, update};
use keyturn::chat::money::Usd;
use keyturn::estimate::windows::{LimitSource, Limits, WindowTable};
use keyturn::estimate::{Counted, priced};
use keyturn::providers::Role;

fn app() -> App {
    let mut app = App::new(AppOptions {
        provider: Some(ProviderInfo {
            id: "openai".into(),
            name: "OpenAI".into(),
            model: "gpt-4o".into(),
        }),
        prices: std::sync::Arc::new(keyturn::usage::prices::PriceTable::shipped()),
        windows: std::sync::Arc::new(WindowTable::shipped()),
        catalogue: vec![keyturn::app::picker::PickerProvider {
            id: "openai".into(),
            name: "OpenAI".into(),
            default_model: "gpt-4o".into(),
            models: vec!["gpt-4o".into(), "gpt-4.1".into(), "gpt-4o-mini".into()],
            needs_key: false,
            env_key: false,
        }],
        ..Default::default()
    });
    app.meter.enabled = true;
    app
}

/// Three finished turns, each message `text`.
fn with_turns(app: &mut App, n: usize) {
    for i in 0..n {
        for role in [Role::User, Role::Assistant] {
            let id = app.session.fresh_msg_id();
            app.session.conversation.push_with_id(
                id,
                role,
                format!("turn {i}"),
                keyturn::chat::TurnState::Done,
            );
        }
    }
}

/// The count the runtime would send for the app as it is: each sent message `per` tokens,
/// the draft and overhead `rest`, in a window of `window`.
fn counted(app: &App, per: u64, rest: u64, window: u64) -> Msg {
    let sent: Vec<(u64, u64)> = app
        .session
        .conversation
        .sent()
        .map(|m| (m.id, per))
        .collect();
    let input = sent.iter().map(|(_, n)| n).sum::<u64>() + rest;
    let estimate = priced(
        Counted {
            provider: "openai",
            model: "gpt-4o",
            input_tokens: input,
            exact: true,
            reserved: 0,
        },
        Limits {
            context_window: Some(window),
            max_output_tokens: Some(16_384),
            source: LimitSource::Shipped,
            images: Some(true),
        },
        app.options.prices.find("openai", "gpt-4o"),
    );
    Msg::Counted(Box::new(Reading {
        key: request_key(app),
        estimate,
        sent: sent.into(),
    }))
}

/// Applies the count of the app as it is.
fn count(app: &mut App, per: u64, rest: u64, window: u64) -> Vec<Effect> {
    let msg = counted(app, per, rest, window);
    update(app, msg)
}

/// A monthly cap of `cap` dollars on openai, `spent` of it spent.
fn capped(app: &mut App, cap: f64, spent: f64) {
    let usd = |v: f64| Usd::from_dollars(v).unwrap();
    app.session.budget.providers = [("openai".to_string(), usd(cap))].into();
    let _ = update(
        app,
        Msg::Spend(keyturn::usage::budget::Spend {
            total: usd(spent),
            by_provider: [("openai".to_string(), usd(spent))].into(),
            since: "1 Nov".into(),
            resets: "1 Dec".into(),
            ..Default::default()
        }),
    );
}

fn started(effects: &[Effect]) -> Option<&keyturn::chat::ChatRequest> {
    match effects {
        [Effect::StartStream { request, .. }] => Some(request),
        _ => None,
    }
}

#[test]
fn a_send_waits_for_the_count_of_what_it_sends_and_a_stale_count_does_not_release_it() {
    let mut app = app();
    type_text(&mut app, "hello");
    let stale = counted(&app, 10, 10, 128_000);
    type_text(&mut app, "!");
    assert!(update(&mut app, press(KeyCode::Enter)).is_empty());
    assert!(app.meter.pending_submit.is_some());
    assert_eq!(
        app.draft(),
        "hello!",
        "nothing is taken from the composer yet"
    );
    // A count of an older draft is shown, but does not send.
    assert!(update(&mut app, stale).is_empty());
    let effects = count(&mut app, 10, 10, 128_000);
    let request = started(&effects).expect("the send goes on its count");
    assert_eq!(request.messages.last().unwrap().content, "hello!");
    assert!(app.meter.pending_submit.is_none());
}

#[test]
fn a_key_after_enter_takes_the_waiting_send_back() {
    let mut app = app();
    type_text(&mut app, "hello");
    assert!(update(&mut app, press(KeyCode::Enter)).is_empty());
    type_text(&mut app, " world");
    assert!(app.meter.pending_submit.is_none());
    assert!(count(&mut app, 10, 10, 128_000).is_empty());
    assert_eq!(app.draft(), "hello world");
}

#[test]
fn over_the_window_nothing_is_sent_and_leaving_out_the_oldest_turns_sends_with_a_marker() {
    let mut app = app();
    with_turns(&mut app, 3);
    type_text(&mut app, "next question");
    assert!(update(&mut app, press(KeyCode::Enter)).is_empty());
    // 6 messages of 1,000 tokens and 500 more in a 5,000 window: 1,500 over, so the oldest
    // turn (2 messages, 2,000 tokens) goes: a cut is always at a turn's start.
    assert!(count(&mut app, 1000, 500, 5000).is_empty());
    let Some(Overlay::Overflow(offer)) = &app.overlay else {
        panic!("no overflow offer: {:?}", app.overlay);
    };
    assert_eq!(offer.over, 1500);
    let plan = offer.drop.unwrap();
    assert_eq!((plan.turns, plan.messages, plan.tokens), (1, 2, 2000));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("This request does not fit"), "{s}");
    assert!(s.contains("1500 over. Nothing was sent."), "{s}");
    assert!(s.contains("Leave out the oldest 1 turn (2 messages"), "{s}");
    assert_eq!(app.draft(), "next question");

    assert!(update(&mut app, press(KeyCode::Char('d'))).is_empty());
    assert_eq!(app.session.conversation.sent_from, 2);
    assert!(app.overlay.is_none());
    let effects = count(&mut app, 1000, 500, 5000);
    let request = started(&effects).expect("sent once it fits");
    let texts: Vec<&str> = request
        .messages
        .iter()
        .map(|m| m.content.as_str())
        .collect();
    assert_eq!(
        texts,
        ["turn 1", "turn 1", "turn 2", "turn 2", "next question"]
    );
    // The transcript keeps every turn, with the cut marked.
    let s = screen(&mut app, 80, 40);
    assert!(s.contains("turn 0"), "{s}");
    assert!(
        s.contains("2 earlier messages left out of requests to fit the context window"),
        "{s}"
    );
}

#[test]
fn when_the_draft_alone_is_over_dropping_is_not_offered_and_esc_keeps_editing() {
    let mut app = app();
    with_turns(&mut app, 1);
    type_text(&mut app, "huge paste");
    let _ = update(&mut app, press(KeyCode::Enter));
    let _ = count(&mut app, 10, 9000, 5000);
    let Some(Overlay::Overflow(offer)) = &app.overlay else {
        panic!("no overflow offer");
    };
    assert_eq!(offer.drop, None);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("the draft alone"), "{s}");
    // `d` does nothing here; Esc closes; nothing is sent, nothing is lost.
    assert!(update(&mut app, press(KeyCode::Char('d'))).is_empty());
    assert_eq!(app.session.conversation.sent_from, 0);
    let _ = update(&mut app, press(KeyCode::Enter));
    let _ = count(&mut app, 10, 9000, 5000);
    assert!(update(&mut app, press(KeyCode::Esc)).is_empty());
    assert!(app.overlay.is_none());
    assert_eq!(app.draft(), "huge paste");
    assert_eq!(app.session.conversation.messages.len(), 2);
}

#[test]
fn choosing_a_model_that_fits_opens_the_picker_on_those_only() {
    let mut app = app();
    type_text(&mut app, "long");
    let _ = update(&mut app, press(KeyCode::Enter));
    // 200,000 tokens: gpt-4o's and gpt-4o-mini's 128k windows are too small; gpt-4.1's
    // million holds it.
    let _ = count(&mut app, 0, 200_000, 128_000);
    let _ = update(&mut app, press(KeyCode::Char('m')));
    let Screen::Picker { picker, .. } = &app.screen else {
        panic!("the picker did not open");
    };
    let listed: Vec<&str> = picker
        .rows()
        .iter()
        .map(|&(p, m)| picker.providers[p].models[m].id.as_str())
        .collect();
    assert_eq!(listed, ["gpt-4.1"]);
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("Models whose window holds this request (200000 tokens)"),
        "{s}"
    );
}

#[test]
fn a_cap_refuses_a_request_whose_estimate_would_cross_it_and_enter_again_sends() {
    let mut app = app();
    capped(&mut app, 10.0, 9.99);
    type_text(&mut app, "hi");
    let _ = update(&mut app, press(KeyCode::Enter));
    // 4,000 input tokens and up to 16,384 out at gpt-4o's prices: about $0.17.
    let count = counted(&app, 0, 4000, 128_000);
    let Msg::Counted(reading) = &count else {
        unreachable!()
    };
    let next = reading.estimate.cost.unwrap();
    assert!(next > Usd::from_dollars(0.01).unwrap());
    assert!(update(&mut app, count).is_empty(), "refused");
    let notice = app.notice.as_ref().unwrap().text.clone();
    assert!(notice.starts_with("Enter again sends anyway"), "{notice}");
    assert!(
        notice.contains(&format!(
            "estimated ${next} would take the monthly budget for openai past its cap"
        )),
        "{notice}"
    );
    assert_eq!(app.draft(), "hi");
    let effects = update(&mut app, press(KeyCode::Enter));
    assert!(started(&effects).is_some(), "{effects:?}");
}

#[test]
fn the_status_bar_shows_the_next_request_and_warns_as_the_window_fills() {
    let mut app = app();
    type_text(&mut app, "hi");
    let _ = count(&mut app, 0, 12_400, 128_000);
    let (bar, _) = crate::support::status_row(&mut app, 100);
    let cost = app.meter.reading.as_ref().unwrap().estimate.cost.unwrap();
    assert!(
        bar.contains(&format!("│ ctx 12.4k/128k · next ≈ ${cost} ")),
        "{bar}"
    );
    // Narrow: the short form, before the model goes.
    let (bar, _) = crate::support::status_row(&mut app, 40);
    assert!(bar.contains("12.4k/128k"), "{bar}");
    assert!(bar.contains("gpt-4o"), "{bar}");
    // 80 % of the window: the warning colour; 95 %: the error colour.
    let theme = keyturn::ui::Theme::default();
    let colour_of = |app: &mut App| {
        let (bar, styles) = crate::support::status_row(app, 100);
        styles[bar[..bar.find("ctx").unwrap()].chars().count()]
    };
    assert_eq!(colour_of(&mut app).fg, theme.status.fg);
    let _ = count(&mut app, 0, 104_000, 128_000);
    assert_eq!(colour_of(&mut app).fg, theme.warning.patch(theme.status).fg);
    let _ = count(&mut app, 0, 122_000, 128_000);
    assert_eq!(colour_of(&mut app).fg, theme.error.patch(theme.status).fg);
}

#[test]
fn an_unknown_window_and_an_unpriced_model_are_said_plainly() {
    let mut app = app();
    let key = request_key(&app);
    let estimate = priced(
        Counted {
            provider: "local",
            model: "gpt-4o",
            input_tokens: 950,
            exact: false,
            reserved: 0,
        },
        Limits {
            context_window: None,
            max_output_tokens: None,
            source: LimitSource::Unknown,
            images: None,
        },
        None,
    );
    let _ = update(
        &mut app,
        Msg::Counted(Box::new(Reading {
            key,
            estimate,
            sent: std::sync::Arc::new([]),
        })),
    );
    let (bar, _) = crate::support::status_row(&mut app, 100);
    assert!(bar.contains("│ ctx ≈950/? "), "{bar}");
    assert!(!bar.contains("next"), "no made-up cost: {bar}");
}

#[test]
fn in_a_small_window_the_offer_is_said_in_a_few_rows() {
    let mut app = app();
    with_turns(&mut app, 2);
    type_text(&mut app, "q");
    let _ = update(&mut app, press(KeyCode::Enter));
    let _ = count(&mut app, 1000, 500, 4000);
    let s = screen(&mut app, 34, 10);
    for line in [
        "over gpt-4o",
        "d  leave out 1 turn",
        "m  a model that fits",
        "Esc  keep editing",
    ] {
        assert!(s.contains(line), "{line}:\n{s}");
    }
}

#[test]
fn summarizing_the_oldest_turns_puts_a_checkpoint_in_their_place_and_sends() {
    let mut app = app();
    with_turns(&mut app, 6);
    type_text(&mut app, "next question");
    let _ = update(&mut app, press(KeyCode::Enter));
    // 12 messages of 1,000 tokens and 500 more in a 10,000 window: 2,500 over. A summary of
    // up to 1,024 tokens takes the place of the turns it stands for, so two turns go in.
    let _ = count(&mut app, 1000, 500, 10_000);
    let Some(Overlay::Overflow(offer)) = &app.overlay else {
        panic!("no offer");
    };
    let plan = offer.summary.clone().expect("a summary is offered");
    assert_eq!((plan.turns.turns, plan.turns.messages), (2, 4));
    let cost = plan.cost.expect("gpt-4o is priced");
    let s = screen(&mut app, 100, 30);
    assert!(
        s.contains("Summarize the oldest 2 turns into a checkpoint"),
        "{s}"
    );
    assert!(
        s.contains(&format!("≈ ${cost}")),
        "the cost is shown first:\n{s}"
    );

    let effects = update(&mut app, press(KeyCode::Char('s')));
    let [Effect::Summarize { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(request.max_tokens, Some(1024));
    let asked = &request.messages[0].content;
    assert!(asked.starts_with(keyturn::history::checkpoint::INSTRUCTION));
    assert!(asked.contains("turn 0") && asked.contains("turn 1") && !asked.contains("turn 2"));
    // Enter while it is being made waits; nothing is sent twice.
    assert!(update(&mut app, press(KeyCode::Enter)).is_empty());
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .contains("checkpoint is being made")
    );

    let req = app.meter.summarizing.as_ref().unwrap().req;
    let effects = update(
        &mut app,
        Msg::Summarized {
            req,
            summary: Ok("They discussed turns 0 and 1.".into()),
        },
    );
    assert!(
        effects.is_empty(),
        "the send waits for its count: {effects:?}"
    );
    let conv = &app.session.conversation;
    assert_eq!(conv.messages.len(), 13, "every turn stays");
    assert_eq!(conv.sent_from, 4);
    assert!(conv.messages[4].checkpoint);
    let effects = count(&mut app, 300, 500, 10_000);
    let request = started(&effects).expect("sent with the checkpoint");
    assert!(
        request.messages[0]
            .content
            .contains("They discussed turns 0 and 1.")
    );
    assert_eq!(request.messages.len(), 1 + 8 + 1);
    assert_eq!(request.messages.last().unwrap().content, "next question");
    let s = screen(&mut app, 80, 60);
    assert!(s.contains("4 earlier messages summarized below"), "{s}");
    assert!(s.contains("Checkpoint"), "{s}");
}

#[test]
fn a_failed_summary_changes_nothing_and_says_why() {
    let mut app = app();
    with_turns(&mut app, 6);
    type_text(&mut app, "q");
    let _ = update(&mut app, press(KeyCode::Enter));
    let _ = count(&mut app, 1000, 500, 10_000);
    let _ = update(&mut app, press(KeyCode::Char('s')));
    let req = app.meter.summarizing.as_ref().unwrap().req;
    let effects = update(
        &mut app,
        Msg::Summarized {
            req,
            summary: Err("OpenAI: rate limited (429).".into()),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(app.session.conversation.messages.len(), 12);
    assert_eq!(app.session.conversation.sent_from, 0);
    assert!(app.meter.summarizing.is_none());
    let notice = &app.notice.as_ref().unwrap().text;
    assert!(
        notice.contains("Could not summarize") && notice.contains("429"),
        "{notice}"
    );
    assert_eq!(app.draft(), "q");
}

#[test]
fn past_the_threshold_auto_drop_leaves_out_the_oldest_turns_and_says_so() {
    let mut app = app();
    app.options.auto_fit = keyturn::config::AutoFit::Drop;
    app.options.fit_threshold = 0.9;
    with_turns(&mut app, 6);
    type_text(&mut app, "q");
    let _ = update(&mut app, press(KeyCode::Enter));
    // Below 90 % of the window: sent as it is.
    let effects = count(&mut app, 500, 500, 10_000);
    assert_eq!(started(&effects).unwrap().messages.len(), 13);

    let mut app = self::app();
    app.options.auto_fit = keyturn::config::AutoFit::Drop;
    app.options.fit_threshold = 0.9;
    with_turns(&mut app, 6);
    type_text(&mut app, "q");
    let _ = update(&mut app, press(KeyCode::Enter));
    // 9,600 + 500 of 10,000: past 9,000 by 1,100, so one turn (1,600) goes, without asking.
    assert!(count(&mut app, 800, 500, 10_000).is_empty());
    assert!(app.overlay.is_none());
    assert_eq!(app.session.conversation.sent_from, 2);
    let notice = &app.notice.as_ref().unwrap().text;
    assert!(
        notice.contains("Past 90% of the window") && notice.contains("oldest 1 turn"),
        "{notice}"
    );
    let effects = count(&mut app, 800, 500, 10_000);
    assert_eq!(started(&effects).unwrap().messages.len(), 11);
}

#[test]
fn past_the_threshold_auto_summarize_asks_for_a_checkpoint() {
    let mut app = app();
    app.options.auto_fit = keyturn::config::AutoFit::Summarize;
    app.options.fit_threshold = 0.9;
    with_turns(&mut app, 6);
    type_text(&mut app, "q");
    let _ = update(&mut app, press(KeyCode::Enter));
    let effects = count(&mut app, 800, 500, 10_000);
    assert!(
        matches!(effects.as_slice(), [Effect::Summarize { .. }]),
        "{effects:?}"
    );
    assert!(app.meter.summarizing.is_some());
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .text
            .starts_with("Past 90% of the window")
    );
}

#[test]
fn no_summary_is_asked_past_a_cap() {
    let mut app = app();
    capped(&mut app, 1.0, 1.5);
    with_turns(&mut app, 6);
    type_text(&mut app, "q");
    let _ = update(&mut app, press(KeyCode::Enter));
    let _ = count(&mut app, 1000, 500, 10_000);
    assert!(matches!(app.overlay, Some(Overlay::Overflow(_))));
    assert!(update(&mut app, press(KeyCode::Char('s'))).is_empty());
    assert!(app.meter.summarizing.is_none());
    let notice = &app.notice.as_ref().unwrap().text;
    assert!(
        notice.starts_with("No summary made") && notice.contains("used up"),
        "{notice}"
    );
}
