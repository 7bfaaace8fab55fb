//! Attachments' bytes, kept once each under `data/attachments/<sha256>` (0600 files in a
//! 0700 directory) so that resume, regenerate, branches and export read what was sent.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::chat::Attachment;
use crate::chat::attachment::{Kind, sha256_hex};

/// The attachments directory beside the conversations directory.
pub fn dir(conversations: &Path) -> PathBuf {
    conversations
        .parent()
        .unwrap_or(conversations)
        .join("attachments")
}

/// A well-formed content address (64 lowercase hex digits): nothing else becomes a path.
fn valid(sha: &str) -> bool {
    sha.len() == 64
        && sha
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Writes `a`'s bytes unless they are there already (same address, same bytes).
pub fn write(dir: &Path, a: &Attachment) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if !valid(&a.sha256) {
        return Err(std::io::Error::other("not a content address"));
    }
    let path = dir.join(&a.sha256);
    if path.is_file() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    // Written aside and renamed: a crash never leaves a torn file under the address.
    let tmp = dir.join(format!(".{}.tmp", a.sha256));
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(&a.data)?;
    f.sync_data()?;
    std::fs::rename(&tmp, &path)
}

/// The bytes at `sha`, checked against it.
pub fn read(dir: &Path, sha: &str) -> Result<Vec<u8>, String> {
    if !valid(sha) {
        return Err("its address in the file is damaged".into());
    }
    let bytes = std::fs::read(dir.join(sha)).map_err(|e| e.to_string())?;
    if sha256_hex(&bytes) != sha {
        return Err("its stored bytes are damaged".into());
    }
    Ok(bytes)
}

/// What a conversation file says of an attachment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavedAttachment {
    pub name: String,
    pub mime: String,
    pub sha256: String,
    pub size: u64,
}

impl From<&Attachment> for SavedAttachment {
    fn from(a: &Attachment) -> Self {
        Self {
            name: a.name.clone(),
            mime: a.mime.clone(),
            sha256: a.sha256.clone(),
            size: a.size() as u64,
        }
    }
}

impl SavedAttachment {
    /// The attachment without its bytes yet (the store reads them).
    pub fn unread(&self) -> Attachment {
        Attachment {
            name: self.name.clone(),
            mime: self.mime.clone(),
            kind: if self.mime.starts_with("image/") {
                Kind::Image
            } else {
                Kind::Text
            },
            sha256: self.sha256.clone(),
            data: std::sync::Arc::from(Vec::new()),
        }
    }
}
