//! The first-run welcome flow: every step, every skip path, and the hand-offs to the key
//! manager and the picker.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use keyturn::app::key_manager::{KeyDialog, KeysEffect, KeysMsg, StoreState};
use keyturn::app::picker::PickerProvider;
use keyturn::app::welcome::{Step, WelcomeResult};
use keyturn::app::{App, AppOptions, Effect, Msg, View, update};

fn app(ssh: bool, env: bool) -> App {
    let mut app = App::new(AppOptions {
        first_run: Some(ssh.then(|| "/home/me/.ssh/id_ed25519".into())),
        store: Some(StoreState::Absent),
        key_providers: vec![("openai".into(), "OpenAI".into())],
        catalogue: vec![PickerProvider {
            id: "openai".into(),
            name: "OpenAI".into(),
            default_model: "gpt-4.1-mini".into(),
            models: vec!["gpt-4.1-mini".into(), "gpt-4.1".into()],
            needs_key: true,
            env_key: false,
        }],
        ..Default::default()
    });
    if env {
        app.key_manager.env_candidates = vec![("OPENAI_API_KEY".into(), "openai".into())];
    }
    app
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn step(app: &App) -> Step {
    app.welcome().unwrap().step
}

fn unlocked() -> Msg {
    Msg::Keys(KeysMsg::Unlocked {
        method: "x".into(),
        entries: vec![],
        warnings: vec![],
        env_candidates: vec![],
    })
}

#[test]
fn skipping_every_step_still_writes_a_config() {
    let mut app = app(false, true);
    assert_eq!(app.view(), View::Welcome);
    for expected in [Step::Protect, Step::Import, Step::FirstKey, Step::Model] {
        assert_eq!(step(&app), expected);
        let effects = key(&mut app, KeyCode::Char('s'));
        if expected == Step::Model {
            assert_eq!(
                effects,
                vec![Effect::FinishWelcome(WelcomeResult {
                    identity_file: None,
                    default: None
                })]
            );
        }
    }
    assert!(app.welcome().is_none());
    assert_eq!(app.view(), View::Chat);
}

#[test]
fn the_import_step_only_appears_when_there_is_something_to_import() {
    let mut app = app(false, false);
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(step(&app), Step::FirstKey);
}

#[test]
fn a_passphrase_is_chosen_in_the_key_manager_then_the_flow_resumes() {
    let mut app = app(false, true);
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(app.view(), View::Keys);
    assert!(matches!(
        app.key_manager.dialog,
        Some(KeyDialog::Passphrase(
            keyturn::app::key_manager::dialogs::Passphrase { creating: true, .. }
        ))
    ));
    for _ in 0..2 {
        for c in "pass".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        key(&mut app, KeyCode::Enter);
    }
    assert_eq!(app.key_manager.state, StoreState::Unlocking);
    assert_eq!(app.view(), View::Keys, "still waiting for the store");
    let env = vec![("OPENAI_API_KEY".to_string(), "openai".to_string())];
    let _ = update(
        &mut app,
        Msg::Keys(KeysMsg::Unlocked {
            method: "x".into(),
            entries: vec![],
            warnings: vec![],
            env_candidates: env,
        }),
    );
    assert_eq!((app.view(), step(&app)), (View::Welcome, Step::Import));
    let effects = key(&mut app, KeyCode::Char('i'));
    assert_eq!(effects, vec![Effect::Keys(KeysEffect::ImportEnv)]);
    assert_eq!(
        step(&app),
        Step::FirstKey,
        "the import runs; the flow goes on"
    );
    // Its result arrives while the welcome shows the next step: it says what was imported.
    let _ = update(
        &mut app,
        Msg::Keys(KeysMsg::Updated {
            entries: vec![],
            note: "Imported OPENAI_API_KEY. Now unset them.".into(),
            backup_holds: None,
            env_candidates: vec![],
            warnings: vec![],
        }),
    );
    assert_eq!(
        app.welcome().unwrap().note.as_deref(),
        Some("Imported OPENAI_API_KEY. Now unset them.")
    );
    let s = crate::support::screen(&mut app, 80, 24);
    assert!(s.contains("✓ Imported OPENAI_API_KEY"), "{s}");
}

#[test]
fn an_ssh_key_is_offered_and_a_failure_keeps_the_step_with_its_reason() {
    let mut app = app(true, false);
    let effects = key(&mut app, KeyCode::Char('3'));
    assert_eq!(
        effects,
        vec![Effect::Keys(KeysEffect::CreateWithIdentity {
            path: "/home/me/.ssh/id_ed25519".into()
        })]
    );
    let _ = update(
        &mut app,
        Msg::Keys(KeysMsg::UnlockFailed {
            error: "it is passphrase-protected".into(),
            wrong_passphrase: false,
            store_exists: false,
        }),
    );
    assert_eq!((app.view(), step(&app)), (View::Welcome, Step::Protect));
    assert!(
        app.welcome()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("passphrase-protected")
    );
    // The identity-file path: the runtime looks for it (the reducer reads no disk); a
    // missing file is refused, an existing one creates the store.
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(step(&app), Step::IdentityPath);
    for c in "/nonexistent/id.txt".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Effect::CheckIdentityFile {
            typed: "/nonexistent/id.txt".into()
        }]
    );
    assert!(
        update(
            &mut app,
            Msg::IdentityChecked {
                path: "/nonexistent/id.txt".into(),
                exists: false
            }
        )
        .is_empty()
    );
    assert!(
        app.welcome()
            .unwrap()
            .error
            .as_ref()
            .unwrap()
            .contains("No identity file")
    );
    assert_eq!(
        update(
            &mut app,
            Msg::IdentityChecked {
                path: "/home/me/id.txt".into(),
                exists: true
            }
        ),
        vec![Effect::Keys(KeysEffect::CreateWithIdentity {
            path: "/home/me/id.txt".into()
        })]
    );
    assert_eq!(app.key_manager.state, StoreState::Unlocking);
    assert_eq!(
        app.welcome().unwrap().identity_file.as_deref(),
        Some(std::path::Path::new("/home/me/id.txt"))
    );
}

#[test]
fn esc_leaves_the_identity_path_step() {
    let mut app = app(false, false);
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(step(&app), Step::IdentityPath);
    key(&mut app, KeyCode::Esc);
    assert_eq!(step(&app), Step::Protect);
}

#[test]
fn the_first_key_and_the_model_steps_hand_off_and_the_choice_is_saved() {
    let mut app = app(true, false);
    key(&mut app, KeyCode::Char('3'));
    let _ = update(&mut app, unlocked());
    assert_eq!(step(&app), Step::FirstKey);
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.view(), View::Keys);
    assert!(matches!(
        app.key_manager.dialog,
        Some(KeyDialog::ChooseProvider(
            keyturn::app::key_manager::dialogs::ChooseProvider { .. }
        ))
    ));
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        (app.view(), step(&app)),
        (View::Welcome, Step::Model),
        "Esc in the key manager skips the step"
    );
    let effects = key(&mut app, KeyCode::Char('m'));
    assert!(matches!(effects.as_slice(), [Effect::Picker(_)]));
    assert_eq!(app.view(), View::Picker);
    key(&mut app, KeyCode::Down);
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::FinishWelcome(WelcomeResult {
            identity_file: Some("/home/me/.ssh/id_ed25519".into()),
            default: Some(("openai".into(), "gpt-4.1".into()))
        })]
    );
    assert_eq!(app.view(), View::Chat);
}

#[test]
fn the_first_screen_offers_the_demo() {
    use keyturn::ui::{self, RenderCache, Theme};
    let app = app(false, false);
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 24)).unwrap();
    term.draw(|f| ui::draw(f, &app, &mut RenderCache::new(Theme::default())))
        .unwrap();
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(
        screen.contains("keyturn demo") && screen.contains("Welcome to keyturn"),
        "{screen}"
    );
}

#[test]
fn ctrl_c_quits_from_every_pane_even_inside_a_dialog() {
    let ctrl_c = || Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    // The welcome.
    let mut a = app(false, false);
    assert_eq!(update(&mut a, ctrl_c()), vec![Effect::Quit]);
    // The key manager with its passphrase dialog open.
    let mut a = app(false, false);
    key(&mut a, KeyCode::Char('1'));
    assert!(matches!(
        a.key_manager.dialog,
        Some(KeyDialog::Passphrase(
            keyturn::app::key_manager::dialogs::Passphrase { .. }
        ))
    ));
    assert_eq!(update(&mut a, ctrl_c()), vec![Effect::Quit]);
    // The picker.
    let mut a = app(false, false);
    key(&mut a, KeyCode::Char('s'));
    key(&mut a, KeyCode::Char('s'));
    key(&mut a, KeyCode::Char('m'));
    assert_eq!(a.view(), View::Picker);
    assert_eq!(update(&mut a, ctrl_c()), vec![Effect::Quit]);
    assert!(a.quit);
}

#[test]
fn a_paste_fills_the_identity_path_not_the_hidden_composer() {
    let mut app = app(false, false);
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(step(&app), Step::IdentityPath);
    let _ = update(&mut app, Msg::Paste("  ~/.config/age/me.txt\n".into()));
    assert_eq!(
        app.welcome().unwrap().path_input.lines().join(""),
        "~/.config/age/me.txt"
    );
    assert_eq!(app.draft(), "");
}

#[test]
fn f1_opens_help_in_the_welcome_and_its_header_stays_over_the_key_manager() {
    let mut app = app(false, false);
    let _ = update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::F(1),
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    let s = crate::support::screen(&mut app, 80, 24);
    assert!(
        s.contains("skip this step") && !s.contains("scroll the conversation"),
        "{s}"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view(), View::Welcome);
    // The passphrase dialog runs in the key manager, under the welcome's header.
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(app.view(), View::Keys);
    let s = crate::support::screen(&mut app, 80, 24);
    assert!(
        s.contains("Welcome to keyturn   step 1 of 4: protect your keys"),
        "{s}"
    );
}
