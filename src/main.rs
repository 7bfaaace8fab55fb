//! keyturn's entry point: parses the command line, sets up logging to a file, loads the
//! config, then hands off to the TUI or a subcommand. Fatal errors before the TUI go to stderr.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use keyturn::app::{AppOptions, ProviderInfo};
use keyturn::cli::{self, ask::AskArgs, exit};
use keyturn::config::{Config, Paths};

#[derive(Debug, Parser)]
#[command(
    name = "keyturn",
    version,
    about = "Chat with LLMs from your terminal, on your own API keys"
)]
struct Cli {
    /// Keep config, keys, data and logs under DIR (also KEYTURN_HOME).
    #[arg(long, global = true, value_name = "DIR")]
    home: Option<PathBuf>,
    /// Read the config from FILE instead of the config directory.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Provider id to start with (default: default_provider in config).
    #[arg(long)]
    provider: Option<String>,
    /// Model to start with.
    #[arg(long)]
    model: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Ask one question and stream the answer to stdout.
    Ask(AskArgs),
    /// Manage the encrypted API keys (list, add, test, rotate, undo, rm, passwd, ...).
    #[command(subcommand)]
    Keys(keyturn::cli::keys::KeysCmd),
}

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

fn setup_hint(paths: &Paths) -> String {
    format!(
        "Welcome to keyturn. No provider is configured yet.\n\n\
         Add one to {}, for example:\n\n\
         [providers.local]\nbase_url = \"http://127.0.0.1:8787/v1\"\nauth = \"none\"\ndefault_model = \"mock-model\"\n\n\
         To try keyturn without an account, run the mock provider in another terminal:\n\
         cargo run --release --example mock_provider -- --port 8787\n\n\
         See config.example.toml for every option. Ctrl-C quits.",
        paths.config_file.display()
    )
}

fn main() -> ExitCode {
    keyturn::install_crypto_provider();
    let cli = Cli::parse();
    let paths = match Paths::resolve(cli.home.clone(), cli.config.clone()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("keyturn: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    init_logging(&paths);
    let config = match Config::load(&paths.config_file) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("keyturn: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("keyturn: cannot start the async runtime: {e}");
            return ExitCode::from(exit::PROVIDER);
        }
    };
    match cli.command {
        Some(Command::Ask(args)) => {
            ExitCode::from(runtime.block_on(cli::ask::run(&paths, &config, args)))
        }
        Some(Command::Keys(cmd)) => {
            ExitCode::from(runtime.block_on(cli::keys::run(&paths, &config, cmd)))
        }
        None => {
            let provider_id = cli.provider.clone().or_else(|| config.start_provider_id());
            let choice = match provider_id.map(|id| config.provider(&id, cli.model.as_deref())) {
                Some(Ok(choice)) => Some(choice),
                Some(Err(e)) => {
                    eprintln!("keyturn: {e}");
                    return ExitCode::from(exit::USAGE);
                }
                None => None,
            };
            let provider = choice.as_ref().map(|c| ProviderInfo {
                id: c.endpoint.id.clone(),
                name: c.endpoint.name.clone(),
                model: c.model.clone(),
            });
            let (temperature, max_tokens) = choice
                .as_ref()
                .map_or((None, None), |c| (c.temperature, c.max_tokens));
            let provider_needs_key = choice.as_ref().is_some_and(|c| {
                c.auth == keyturn::config::AuthKind::Key
                    && c.api_key_env
                        .as_ref()
                        .is_none_or(|v| std::env::var_os(v).is_none())
            });
            let options = AppOptions {
                setup_hint: provider.is_none().then(|| setup_hint(&paths)),
                provider_needs_key,
                provider,
                system_prompt: config.system_prompt.clone(),
                show_reasoning: config.ui.show_reasoning,
                temperature,
                max_tokens,
                keymap: Default::default(),
                ..Default::default()
            };
            tracing::info!("starting the TUI");
            match runtime.block_on(keyturn::runtime::run_tui(config, paths.clone(), options)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("keyturn: terminal error: {e}");
                    ExitCode::from(exit::PROVIDER)
                }
            }
        }
    }
}
