//! `keyturn demo`: the whole TUI against an offline demo provider running in this process
//! (the mock provider's code), in a throw-away home with obviously fake keys, so anyone can
//! try streaming, the model picker and the key manager without an account or network.
//! Nothing touches the user's real config or keys.

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};

use crate::config::{Config, Paths};
use crate::keystore::{KeyEntry, KeyOp, KeyStore, Unlock};
use crate::mock::{MockOptions, MockProvider};

/// The demo keys: fake by their look, and only the first one is accepted by the demo provider.
pub const DEMO_KEY: &str = "sk-demo-NOT-A-REAL-KEY-0000000000000000good";
pub const DEMO_KEY_REVOKED: &str = "sk-demo-NOT-A-REAL-KEY-000000000000revoked";

/// Starts the demo provider and writes a demo home; returns what the TUI needs.
pub async fn prepare(home: &Path) -> Result<(MockProvider, Config, Paths), super::CliError> {
    let mock = MockProvider::start(MockOptions {
        port: 0,
        required_key: Some(DEMO_KEY.into()),
        accept_prefix: Some(crate::app::DEMO_ACCEPTS.into()),
        tokens_per_sec: 60.0,
        models: vec!["demo-fast".into(), "demo-thinking".into()],
        model_info: None,
        stream_headers: Vec::new(),
    })
    .await
    .map_err(|e| {
        super::CliError::Provider(format!("cannot start the demo provider on 127.0.0.1: {e}"))
    })?;
    let paths = Paths::under(home);
    let identity = home.join("demo-identity.txt");
    crate::private_fs::write(
        &identity,
        age::x25519::Identity::generate()
            .to_string()
            .expose_secret()
            .as_bytes(),
    )
    .map_err(|e| super::CliError::Usage(format!("cannot write the demo home: {e}")))?;
    let config_text = format!(
        "# The demo's throw-away config.\ndefault_provider = \"demo\"\n\n[history]\ntitles = \"model\"\n\n[keystore]\nidentity_file = \"{}\"\n\n\
         [providers.demo]\nname = \"Demo (offline)\"\nbase_url = \"{}\"\nauth = \"key\"\ndefault_model = \"demo-fast\"\nmodels = [\"demo-fast\", \"demo-thinking\"]\n",
        identity.display(),
        mock.base_url()
    );
    crate::private_fs::write(&paths.config_file, config_text.as_bytes())
        .map_err(|e| super::CliError::Usage(format!("cannot write the demo config: {e}")))?;
    let mut store = KeyStore::create(
        &paths.keys_file(),
        Unlock::Identity(identity),
        10,
        &mut |_| None,
    )?;
    for (label, key) in [
        ("demo key", DEMO_KEY),
        ("revoked demo key", DEMO_KEY_REVOKED),
    ] {
        let entry = KeyEntry::new(
            "demo",
            label,
            SecretString::from(key.to_string()),
            crate::time::now(),
        );
        store.commit(KeyOp::Add(entry))?;
    }
    let config = Config::parse(&paths.config_file, &config_text)
        .map_err(|e| super::CliError::Usage(e.to_string()))?;
    Ok((mock, config, paths))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_demo_home_has_a_provider_and_fake_keys_unlocked_by_its_identity() {
        crate::install_crypto_provider();
        let home = tempfile::tempdir().unwrap();
        let (mock, config, paths) = prepare(home.path()).await.unwrap();
        let choice = config.provider("demo", None).unwrap();
        assert_eq!(choice.endpoint.base_url, mock.base_url());
        let id = config.keystore.identity_file.clone().unwrap();
        let store =
            KeyStore::open(&paths.keys_file(), Unlock::Identity(id), &mut |_| None).unwrap();
        assert_eq!(store.entries().len(), 2);
        assert_eq!(
            store.active("demo").unwrap().secret.expose_secret(),
            DEMO_KEY
        );
        assert!(paths.config_dir.starts_with(home.path()));
        // Any sk-test- key is accepted, so adding a key can be tried; others are refused.
        let client = crate::providers::http::build_client(config.timeouts());
        let check = |key: &str| {
            let (client, endpoint) = (client.clone(), choice.endpoint.clone());
            let secret = SecretString::from(key.to_string());
            let timeouts = config.timeouts();
            async move {
                crate::providers::validate::check_key(&client, &endpoint, &secret, timeouts)
                    .await
                    .check
            }
        };
        use crate::keystore::KeyCheck;
        assert_eq!(check("sk-test-1234").await, KeyCheck::Valid);
        assert_eq!(check(DEMO_KEY_REVOKED).await, KeyCheck::Invalid);
    }
}
