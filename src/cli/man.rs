//! Man pages: keyturn(1) and one page per subcommand (keyturn-ask(1), keyturn-keys-add(1),
//! …), generated from the command line so they never drift from `--help`. The main page adds
//! ENVIRONMENT, FILES, EXIT STATUS and KEY BINDINGS; every subcommand page has EXIT STATUS
//! and SEE ALSO.

use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use crate::keymap::{Keymap, Scope};

/// (file name, roff text) of every page: the command and each subcommand, recursively.
pub fn pages(cmd: clap::Command) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    collect(&cmd, true, &mut out)?;
    Ok(out)
}

fn collect(
    cmd: &clap::Command,
    main: bool,
    out: &mut Vec<(String, Vec<u8>)>,
) -> std::io::Result<()> {
    let man = Man::new(cmd.clone());
    let mut text = Vec::new();
    man.render(&mut text)?;
    let mut extra = Roff::default();
    if main {
        environment(&mut extra);
        files(&mut extra);
    }
    exit_status(&mut extra);
    if main {
        key_bindings(&mut extra);
    } else {
        extra.control("SH", ["SEE ALSO"]);
        extra.text([bold("keyturn"), roman("(1)")]);
    }
    extra.to_writer(&mut text)?;
    out.push((man.get_filename(), text));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, false, out)?;
    }
    Ok(())
}

/// A `.TP` paragraph: the term in bold, then its text.
fn item(roff: &mut Roff, term: &str, text: &str) {
    roff.control("TP", []);
    roff.text([bold(term)]);
    roff.text([roman(text)]);
}

fn environment(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    for (var, what) in [
        (
            "KEYTURN_HOME",
            "Keep config, keys, data and logs under this directory (as --home).",
        ),
        (
            "KEYTURN_IDENTITY",
            "An age identity (or SSH key) file that unlocks keys.age; wins over the passphrase sources.",
        ),
        (
            "KEYTURN_PASSPHRASE_COMMAND",
            "A shell command whose output is the passphrase (a password manager).",
        ),
        (
            "KEYTURN_PASSPHRASE_FILE",
            "A file holding the passphrase (keep it 0600).",
        ),
        (
            "KEYTURN_PASSPHRASE",
            "The passphrase itself; prefer the two above, which keep it out of the environment.",
        ),
        (
            "KEYTURN_NEW_PASSPHRASE",
            "The new passphrase for keyturn keys passwd without a terminal.",
        ),
        (
            "KEYTURN_LOG",
            "Log filter for the log file (error, warn, info, debug); secrets are never logged.",
        ),
        ("NO_COLOR", "Any value turns colour off."),
        (
            "COLORTERM, TERM",
            "Colour depth (truecolor, 256, 16) unless ui.color says.",
        ),
        (
            "HTTPS_PROXY, HTTP_PROXY, NO_PROXY",
            "Proxies for requests to providers.",
        ),
        (
            "OPENAI_API_KEY, ANTHROPIC_API_KEY, …",
            "Provider keys read from the environment when a provider's api_key_env names them; keyturn keys import-env stores them in keys.age.",
        ),
    ] {
        item(roff, var, what);
    }
}

fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    roff.text([roman(
        "Under $KEYTURN_HOME (or --home) when set; otherwise config in ~/.config/keyturn, data in ~/.local/share/keyturn and the log in ~/.local/state/keyturn.",
    )]);
    for (file, what) in [
        (
            "config.toml",
            "Settings; config.example.toml documents every option.",
        ),
        (
            "prices.toml",
            "Your corrections and additions to the shipped price table.",
        ),
        ("keys.age", "The API keys, encrypted with age (0600)."),
        (
            "keys.age.bak",
            "The previous version, encrypted the same way; keyturn keys undo restores it.",
        ),
        (
            "conversations/ID.jsonl",
            "Saved conversations (in the data directory), one JSON line per event.",
        ),
        (
            "usage/YYYY-MM.jsonl",
            "The usage ledger (in the data directory): one line per request, with its tokens and cost.",
        ),
        (
            "exports/",
            "Conversations exported from the TUI (x) as Markdown.",
        ),
        (
            "models/",
            "Cached model lists, one file per provider, kept for a day.",
        ),
        ("keyturn.log", "The log (in the log directory)."),
    ] {
        item(roff, file, what);
    }
}

fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for (code, what) in [
        ("0", "Done (ask: answered)."),
        (
            "1",
            "The provider or the network failed, a key test failed, a doctor check failed, a search found nothing, or the output could not be written.",
        ),
        ("2", "Bad usage, input or config: nothing was sent."),
        (
            "3",
            "The key store could not be opened or saved (locked with no way to ask, a wrong passphrase, a damaged file).",
        ),
        ("130", "Interrupted by Ctrl-C."),
    ] {
        item(roff, code, what);
    }
}

fn key_bindings(roff: &mut Roff) {
    roff.control("SH", ["KEY BINDINGS"]);
    roff.text([roman(
        "The defaults; [keys] in config.toml rebinds them, and F1 in the TUI lists the keys of the pane in view.",
    )]);
    let keymap = Keymap::default();
    let scopes = [
        Scope::Global,
        Scope::Composer,
        Scope::Conversation,
        Scope::Picker,
        Scope::Keys,
        Scope::Dialog,
        Scope::Conversations,
        Scope::Usage,
    ];
    for scope in scopes {
        roff.control("SS", [scope.title()]);
        for (_, keys, action) in keymap.help_rows_for(&[scope]) {
            item(roff, &keys, action.describe());
        }
    }
}
