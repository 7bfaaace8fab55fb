//! Config errors that point at the exact place: file, line, column and the offending key.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}:{line}:{column}: {message}\nFix the line (see config.example.toml) and start keyturn again.", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A provider id that config cannot turn into a provider to talk to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderConfigError {
    #[error("no provider {id:?}; known: {known}")]
    Unknown { id: String, known: String },
    #[error("provider {0:?} has no base_url")]
    NoBaseUrl(String),
    #[error("provider {0:?} has no default_model; set one in config or pass --model")]
    NoModel(String),
    #[error("no preset {name:?}; known: {known}")]
    UnknownPreset { name: String, known: String },
}

/// keyturn could not tell where to keep its files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "cannot find a home directory; set KEYTURN_HOME=DIR to choose where keyturn keeps its files"
)]
pub struct NoHomeError;

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

impl ConfigError {
    pub fn at(
        path: &std::path::Path,
        text: &str,
        span: Option<std::ops::Range<usize>>,
        message: &str,
    ) -> Self {
        let (line, column) = span.map_or((1, 1), |s| line_col(text, s.start));
        Self::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message: message.trim().to_string(),
        }
    }
}
