//! Where keyturn keeps its files. `KEYTURN_HOME`/`--home` puts everything under one
//! directory (tests and trials use a fresh one); otherwise the platform's directories.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
    pub config_file: PathBuf,
}

impl Paths {
    /// Everything under `home`: `home/config.toml`, `home/keys.age`, `home/data/`, `home/logs/`.
    pub fn under(home: &Path) -> Self {
        Self {
            config_dir: home.to_path_buf(),
            data_dir: home.join("data"),
            log_dir: home.join("logs"),
            config_file: home.join("config.toml"),
        }
    }

    /// `--home` wins over `KEYTURN_HOME`, which wins over the platform directories.
    /// `--config FILE` only moves the config file.
    pub fn resolve(
        home: Option<PathBuf>,
        config_file: Option<PathBuf>,
    ) -> Result<Self, super::error::NoHomeError> {
        let home = home.or_else(|| {
            std::env::var_os("KEYTURN_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        let mut paths = match home {
            Some(h) => Self::under(&h),
            None => {
                let dirs = directories::ProjectDirs::from("", "", "keyturn")
                    .ok_or(super::error::NoHomeError)?;
                let log_dir = dirs
                    .state_dir()
                    .unwrap_or_else(|| dirs.cache_dir())
                    .to_path_buf();
                Self {
                    config_dir: dirs.config_dir().to_path_buf(),
                    data_dir: dirs.data_dir().to_path_buf(),
                    log_dir,
                    config_file: dirs.config_dir().join("config.toml"),
                }
            }
        };
        if let Some(file) = config_file {
            paths.config_file = file;
        }
        Ok(paths)
    }

    pub fn keys_file(&self) -> PathBuf {
        self.config_dir.join("keys.age")
    }
}
