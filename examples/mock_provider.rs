//! Runs the mock provider by hand so anyone can try keyturn without an account:
//! `cargo run --example mock_provider -- --port 8787 [--rate 40]`;
//! set MOCK_KEY=sk-test-... to make it require that key.

#![allow(clippy::unwrap_used)] // test and measuring code: a failed setup should stop loudly

use clap::Parser;
use keyturn::mock::{MockOptions, MockProvider};

#[derive(Parser)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Tokens per second (0 = as fast as possible).
    #[arg(long, default_value_t = 40.0)]
    rate: f64,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let mock = MockProvider::start(MockOptions {
        port: args.port,
        // The key to require comes from the environment, never argv.
        required_key: std::env::var("MOCK_KEY").ok().filter(|k| !k.is_empty()),
        tokens_per_sec: args.rate,
        ..Default::default()
    })
    .await?;
    println!("mock provider listening on {}", mock.base_url());
    println!(
        "config: [providers.local] base_url = \"{}\" auth = \"none\" default_model = \"mock-model\"",
        mock.base_url()
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
