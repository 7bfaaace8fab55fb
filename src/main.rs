//! keyturn's entry point: parses the command line, sets up logging to a file, loads the
//! config, then hands off to the TUI or a subcommand. Fatal errors before the TUI go to stderr.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use keyturn::cli::command::{Cli, Command};
use keyturn::cli::{self, CliError};
use keyturn::config::{Config, Paths};

fn init_logging(paths: &Paths) {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let _ = std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&paths.log_dir);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(paths.log_dir.join("keyturn.log"));
    let Ok(file) = file else { return };
    let filter = tracing_subscriber::EnvFilter::try_from_env("KEYTURN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init();
}

/// One thread for the loop and the network: a streamed token then wakes one thread, not a
/// worker that hands it to another (a reply at 100 tokens a second cost a fifth more CPU on
/// two workers). Blocking work (scrypt, the key store's files) goes to `spawn_blocking`.
fn new_runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Provider(format!("cannot start the async runtime: {e}")))
}

/// Writes generated text to stdout; a reader that closes early (`| head`) is not an error.
fn print_generated(bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// The full-screen TUI reads keys from stdin and draws on stdout: both must be a terminal.
fn needs_terminal() -> Result<(), CliError> {
    use std::io::IsTerminal;
    // Piped text (`git diff | keyturn`) is attached; keys are read from /dev/tty.
    let keys = std::io::stdin().is_terminal() || std::fs::File::open("/dev/tty").is_ok();
    if keys && std::io::stdout().is_terminal() {
        return Ok(());
    }
    Err(CliError::Usage(
        "the full-screen keyturn needs a terminal (its output is not one here, or there is no /dev/tty to read keys from); \
         for scripts and pipes use `keyturn ask \"your question\"`"
            .into(),
    ))
}

/// Text piped into the full-screen keyturn (`git diff | keyturn`), attached to the first
/// message as "stdin" within `[attachments] max_file_bytes`.
fn piped_attachment(config: &Config) -> Result<Vec<keyturn::chat::Attachment>, CliError> {
    use std::io::{IsTerminal, Read};
    if std::io::stdin().is_terminal() {
        return Ok(Vec::new());
    }
    let limit = config.attachments.max_file_bytes;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::Usage(format!("cannot read stdin: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(CliError::Usage(format!(
            "stdin is over {} bytes ([attachments] max_file_bytes); pipe less, or raise the limit",
            limit
        )));
    }
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    keyturn::chat::Attachment::from_bytes("stdin", bytes)
        .map(|a| vec![a])
        .map_err(|e| CliError::Usage(e.to_string()))
}

/// `keyturn demo`: a throw-away home and an in-process demo provider.
fn run_demo() -> Result<(), CliError> {
    // SAFETY: called before any other thread exists (the async runtime is built below).
    // The demo's own identity must win over the real setup's unlock variables.
    let unlocking = keyturn::keystore::unlock::SECRET_VARIABLES;
    for var in unlocking.into_iter().chain(["KEYTURN_HOME"]) {
        unsafe { std::env::remove_var(var) };
    }
    let home = tempfile::Builder::new()
        .prefix("keyturn-demo-")
        .tempdir()
        .map_err(|e| CliError::Usage(format!("cannot create the demo's temporary home: {e}")))?;
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700));
    }
    init_logging(&Paths::under(home.path()));
    let runtime = new_runtime()?;
    let result = runtime.block_on(async {
        let (mock, config, paths) = cli::demo::prepare(home.path()).await?;
        let mut options =
            keyturn::runtime::options::tui_options(&config, &paths, None, None, None)?;
        options.demo = true;
        let result = keyturn::runtime::run_tui(config, paths, options)
            .await
            .map_err(|e| CliError::Provider(format!("terminal error: {e}")));
        drop(mock);
        result
    });
    runtime.shutdown_timeout(QUIT_GRACE);
    result
}

/// How long quitting the TUI waits for background work (a key being saved) before it goes.
const QUIT_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

fn main() -> ExitCode {
    keyturn::runtime::PROCESS_START.get_or_init(std::time::Instant::now);
    // A shell asking for completions (COMPLETE=bash …) is answered here, and nothing else runs.
    clap_complete::CompleteEnv::with_factory(Cli::command).complete();
    keyturn::install_crypto_provider();
    ExitCode::from(cli::finish(run(Cli::parse())))
}

/// Every subcommand and the TUI return their error here; `main` prints it once.
fn run(cli: Cli) -> Result<(), CliError> {
    match &cli.command {
        Some(Command::Demo) => {
            if cli.home.is_some() || cli.config.is_some() {
                return Err(CliError::Usage(
                    "keyturn demo always runs in a throw-away home and its own config; --home and --config do not apply to it".into(),
                ));
            }
            needs_terminal()?;
            return run_demo();
        }
        Some(Command::Completions { shell }) => {
            let mut out = Vec::new();
            cli::complete::registration(&shell.to_string(), &mut out)?;
            return print_generated(&out);
        }
        Some(Command::Man { page, dir }) => {
            let pages = cli::man::pages(Cli::command())?;
            if let Some(dir) = dir {
                std::fs::create_dir_all(dir)?;
                for (name, text) in &pages {
                    std::fs::write(dir.join(name), text)?;
                }
                return print_generated(
                    format!("Wrote {} man pages to {}.\n", pages.len(), dir.display()).as_bytes(),
                );
            }
            let want = match page {
                Some(p) => format!("keyturn-{p}.1"),
                None => "keyturn.1".into(),
            };
            return match pages.iter().find(|(name, _)| *name == want) {
                Some((_, text)) => print_generated(text),
                None => Err(CliError::Usage(format!(
                    "no man page {want}; there are: {}",
                    pages
                        .iter()
                        .map(|(n, _)| n.trim_end_matches(".1"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            };
        }
        _ => {}
    }
    let paths = Paths::resolve(cli.home.clone(), cli.config.clone())?;
    init_logging(&paths);
    if let Some(Command::Doctor(args)) = &cli.command {
        // The doctor reports a broken config itself instead of refusing to start.
        return new_runtime()?.block_on(cli::doctor::run(&paths, args.clone()));
    }
    let config = Config::load(&paths.config_file).map_err(|e| CliError::Usage(e.to_string()))?;
    let runtime = new_runtime()?;
    match cli.command {
        Some(Command::Ask(args)) => runtime.block_on(cli::ask::run(&paths, &config, args)),
        Some(Command::Keys(cmd)) => runtime.block_on(cli::keys::run(&paths, &config, cmd)),
        Some(Command::History(cmd)) => cli::history::run_history(&paths, cmd),
        Some(Command::Usage(args)) => cli::history::run_usage(&paths, args),
        Some(
            Command::Demo | Command::Doctor(_) | Command::Completions { .. } | Command::Man { .. },
        ) => Ok(()),
        None => {
            needs_terminal()?;
            let mut options = keyturn::runtime::options::tui_options(
                &config,
                &paths,
                cli.provider.clone(),
                cli.model.as_deref(),
                cli.preset.as_deref(),
            )?;
            options.initial_attachments = piped_attachment(&config)?;
            // First run: no config and no key store.
            if !paths.config_file.exists()
                && !keyturn::keystore::KeyStore::exists(&paths.keys_file())
            {
                let ssh = std::env::var_os("HOME")
                    .map(|h| std::path::PathBuf::from(h).join(".ssh/id_ed25519"));
                let ssh = ssh
                    .filter(|p| p.is_file() && keyturn::keystore::with_suffix(p, ".pub").is_file());
                options.first_run = Some(ssh);
            }
            tracing::info!("starting the TUI");
            let result = runtime
                .block_on(keyturn::runtime::run_tui(config, paths.clone(), options))
                .map_err(|e| CliError::Provider(format!("terminal error: {e}")));
            // Quitting never waits long on background work (a hung passphrase command).
            runtime.shutdown_timeout(QUIT_GRACE);
            result
        }
    }
}
