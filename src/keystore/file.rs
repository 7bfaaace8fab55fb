//! Disk I/O for the key file: refuse anything but a regular file, cap the size, write
//! atomically (0600 temp file in the same directory, fsync, rename, fsync the directory),
//! hold an advisory lock on a sidecar, and check permissions.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::error::KeystoreError;

/// No key file is anywhere near this size; anything larger is not one.
pub const MAX_FILE: u64 = 1 << 20;

fn io(action: &'static str, path: &Path, source: std::io::Error) -> KeystoreError {
    KeystoreError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

fn kind_of(ft: fs::FileType) -> Option<&'static str> {
    if ft.is_file() {
        None
    } else if ft.is_symlink() {
        Some("a symbolic link")
    } else if ft.is_dir() {
        Some("a directory")
    } else if ft.is_fifo() {
        Some("a named pipe (FIFO)")
    } else if ft.is_socket() {
        Some("a socket")
    } else {
        Some("a device")
    }
}

/// Refuses a path that exists and is not a regular file (never follows a symlink).
fn check_regular(path: &Path) -> Result<Option<fs::Metadata>, KeystoreError> {
    match fs::symlink_metadata(path) {
        Ok(meta) => match kind_of(meta.file_type()) {
            Some(kind) => Err(KeystoreError::NotAFile {
                path: path.to_path_buf(),
                kind,
            }),
            None => Ok(Some(meta)),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io("read", path, e)),
    }
}

/// Reads the file, or None when there is none.
pub fn read(path: &Path) -> Result<Option<Vec<u8>>, KeystoreError> {
    let Some(meta) = check_regular(path)? else {
        return Ok(None);
    };
    if meta.len() > MAX_FILE {
        return Err(KeystoreError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            max: MAX_FILE,
        });
    }
    let bytes = fs::read(path).map_err(|e| io("read", path, e))?;
    if bytes.is_empty() {
        return Err(KeystoreError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(Some(bytes))
}

/// Creates the directory (and parents) with mode 0700 when missing.
pub fn ensure_dir(dir: &Path) -> Result<(), KeystoreError> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| io("create the directory", dir, e))
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Replaces `path` with `bytes` atomically. The live file is never truncated in place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), KeystoreError> {
    let dir = parent(path);
    ensure_dir(&dir)?;
    check_regular(path)?;
    // tempfile creates the file with mode 0600 whatever the umask.
    let mut tmp = tempfile::Builder::new()
        .prefix(".keys-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| io("create a temporary file in", &dir, e))?;
    tmp.write_all(bytes)
        .map_err(|e| io("write", tmp.path(), e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| io("sync", tmp.path(), e))?;
    tmp.persist(path)
        .map_err(|e| io("replace", path, e.error))?;
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io("sync the directory", &dir, e))?;
    Ok(())
}

pub fn remove(path: &Path) -> Result<bool, KeystoreError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io("remove", path, e)),
    }
}

/// An exclusive advisory lock on `<file>.lock`, held until dropped. Two keyturn processes
/// serialize their read-merge-write cycles through it.
pub struct StoreLock {
    _file: File,
}

impl StoreLock {
    pub fn acquire(path: &Path) -> Result<Self, KeystoreError> {
        let lock_path = super::with_suffix(path, ".lock");
        ensure_dir(&parent(path))?;
        check_regular(&lock_path)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .custom_flags(libc_o_nofollow())
            .open(&lock_path)
            .map_err(|e| io("open the lock file", &lock_path, e))?;
        file.lock().map_err(|e| io("lock", &lock_path, e))?;
        Ok(Self { _file: file })
    }
}

/// O_NOFOLLOW on Linux; keeps a planted symlink from redirecting the lock file.
const fn libc_o_nofollow() -> i32 {
    0o400000
}

/// Plain-words warnings about permissions wider than owner-only.
pub fn permission_warnings(path: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let checks = [
        (path.to_path_buf(), 0o600, "file"),
        (parent(path), 0o700, "directory"),
    ];
    for (p, want, what) in checks {
        if let Ok(meta) = fs::metadata(&p) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                out.push(format!(
                    "The key {what} {} is readable by others (mode {mode:o}); it should be {want:o}.",
                    p.display()
                ));
            }
        }
    }
    out
}

pub fn fix_permissions(path: &Path) -> Result<(), KeystoreError> {
    let dir = parent(path);
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))
        .map_err(|e| io("set permissions on", &dir, e))?;
    if path.exists() {
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))
            .map_err(|e| io("set permissions on", path, e))?;
    }
    Ok(())
}
