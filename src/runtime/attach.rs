//! Files for `@path` in the composer and `keyturn ask -a`: paths (with `~`), globs and
//! directories read into attachments within `[attachments]`'s limits, and path completion
//! for Tab. Every limit hit is said with the setting that raises it.

use std::path::{Path, PathBuf};

use crate::chat::Attachment;
use crate::chat::attachment::size_label;
use crate::config::AttachmentsConfig;
use crate::keystore::unlock::expand_home;

/// Directories a directory attachment never descends into.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", "__pycache__", "venv"];

fn is_glob(spec: &str) -> bool {
    spec.contains(['*', '?', '['])
}

/// Whether a word after `@` names a path rather than being a handle (`@alice`): it has a
/// slash, a dot, a glob or a `~`, or exists.
pub fn looks_like_path(spec: &str, cwd: &Path) -> bool {
    spec.contains(['/', '.', '~']) || is_glob(spec) || cwd.join(expand_home(spec)).exists()
}

/// What `spec` names: its files, with the names they are shown and sent under, and
/// whether each was asked for by name (a binary file named is refused; one in a directory
/// is skipped).
fn files_of(
    spec: &str,
    cwd: &Path,
    max_files: usize,
) -> Result<Vec<(PathBuf, String, bool)>, String> {
    let path = expand_home(spec);
    let full = if path.is_absolute() {
        path.clone()
    } else {
        cwd.join(&path)
    };
    let mut out = Vec::new();
    if is_glob(spec) {
        let pattern = full.to_string_lossy().into_owned();
        let paths = glob::glob(&pattern).map_err(|e| format!("@{spec} is not a pattern: {e}"))?;
        for p in paths.flatten().filter(|p| p.is_file()) {
            let name = p
                .strip_prefix(cwd)
                .unwrap_or(&p)
                .to_string_lossy()
                .into_owned();
            out.push((p, name, true));
        }
        if out.is_empty() {
            return Err(format!("@{spec} matches no file"));
        }
    } else if full.is_dir() {
        walk(&full, spec.trim_end_matches('/'), &mut out, max_files + 1);
        if out.is_empty() {
            return Err(format!("@{spec} holds no file"));
        }
    } else if full.is_file() {
        out.push((full, spec.to_string(), true));
    } else {
        return Err(format!("no file {spec} (from @{spec})"));
    }
    if out.len() > max_files {
        let count = if is_glob(spec) {
            out.len().to_string()
        } else {
            format!("more than {max_files}")
        };
        return Err(format!(
            "@{spec} names {count} files, over the limit ([attachments] max_files = {max_files}); narrow it with a glob or raise the limit"
        ));
    }
    Ok(out)
}

/// A directory's files in name order, hidden entries and build directories left out,
/// stopping at `cap`.
fn walk(dir: &Path, shown: &str, out: &mut Vec<(PathBuf, String, bool)>, cap: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        if out.len() >= cap {
            return;
        }
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        let shown = format!("{shown}/{name}");
        match e.file_type() {
            Ok(t) if t.is_dir() && !SKIPPED_DIRS.contains(&name.as_str()) => {
                walk(&path, &shown, out, cap);
            }
            Ok(t) if t.is_file() => out.push((path, shown, false)),
            _ => {}
        }
    }
}

/// Reads what `specs` name into attachments, `already` bytes being attached to the message
/// before them. Any limit, unreadable file or binary file named is an error that says
/// which and why; nothing is attached then.
pub fn load(
    specs: &[String],
    cwd: &Path,
    limits: &AttachmentsConfig,
    already: u64,
) -> Result<Vec<Attachment>, String> {
    let mut out: Vec<Attachment> = Vec::new();
    let mut total = already;
    let mut skipped = 0;
    for spec in specs {
        for (path, name, named) in files_of(spec, cwd, limits.max_files)? {
            let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            if len > limits.max_file_bytes {
                return Err(format!(
                    "{name} is {}, over the limit of {} ([attachments] max_file_bytes)",
                    size_label(len),
                    size_label(limits.max_file_bytes)
                ));
            }
            total += len;
            if total > limits.max_message_bytes {
                return Err(format!(
                    "the attachments come to more than {} ([attachments] max_message_bytes); attach fewer",
                    size_label(limits.max_message_bytes)
                ));
            }
            let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {name}: {e}"))?;
            match Attachment::from_bytes(&name, bytes) {
                Ok(a) if !out.iter().any(|o| o.name == a.name) => out.push(a),
                Ok(_) => {}
                Err(e) if named => return Err(e.to_string()),
                Err(_) => skipped += 1,
            }
        }
    }
    if out.is_empty() && skipped > 0 {
        return Err(format!(
            "{} only binary files ({skipped}); attach text or images",
            specs.join(", ")
        ));
    }
    Ok(out)
}

/// Tab completion of `typed` (what follows `@`): the entries of its directory that start
/// with its last part, directories ending in `/`, in name order. Hidden entries only when
/// the part starts with a dot.
pub fn complete(typed: &str, cwd: &Path) -> Vec<String> {
    let (dir_part, prefix) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed),
    };
    let dir = if dir_part.is_empty() {
        cwd.to_path_buf()
    } else {
        let d = expand_home(dir_part);
        if d.is_absolute() { d } else { cwd.join(d) }
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let slash = if e.path().is_dir() { "/" } else { "" };
            Some(format!("{dir_part}{name}{slash}"))
        })
        .collect();
    out.sort();
    out.truncate(200);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("src/inner")).unwrap();
        std::fs::create_dir_all(d.path().join("src/target")).unwrap();
        std::fs::write(d.path().join("src/main.rs"), "fn main() {}\n").unwrap();
        std::fs::write(d.path().join("src/lib.rs"), "pub mod x;\n").unwrap();
        std::fs::write(d.path().join("src/inner/a.txt"), "a\n").unwrap();
        std::fs::write(d.path().join("src/target/skip.rs"), "x").unwrap();
        std::fs::write(d.path().join("src/.hidden"), "h").unwrap();
        std::fs::write(d.path().join("src/prog"), [0x7F, b'E', b'L', b'F', 0]).unwrap();
        d
    }

    #[test]
    fn files_globs_and_directories_within_limits() {
        let d = tree();
        let limits = AttachmentsConfig::default();
        let one = load(&["src/main.rs".into()], d.path(), &limits, 0).unwrap();
        assert_eq!(one[0].name, "src/main.rs");
        let glob = load(&["src/*.rs".into()], d.path(), &limits, 0).unwrap();
        let names: Vec<&str> = glob.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["src/lib.rs", "src/main.rs"]);
        // A directory: hidden, build and binary files are left out.
        let dir = load(&["src/".into()], d.path(), &limits, 0).unwrap();
        let names: Vec<&str> = dir.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["src/inner/a.txt", "src/lib.rs", "src/main.rs"]);
        // Named, a binary is refused.
        let err = load(&["src/prog".into()], d.path(), &limits, 0).unwrap_err();
        assert!(err.contains("src/prog is a binary file"), "{err}");
        let small = AttachmentsConfig {
            max_files: 2,
            ..Default::default()
        };
        let err = load(&["src/".into()], d.path(), &small, 0).unwrap_err();
        assert!(err.contains("max_files = 2"), "{err}");
        let tiny = AttachmentsConfig {
            max_file_bytes: 5,
            ..Default::default()
        };
        let err = load(&["src/main.rs".into()], d.path(), &tiny, 0).unwrap_err();
        assert!(err.contains("13 B, over the limit of 5 B"), "{err}");
        let err = load(&["nope.rs".into()], d.path(), &limits, 0).unwrap_err();
        assert!(err.contains("no file nope.rs"), "{err}");
    }

    #[test]
    fn completion_lists_entries_with_slashes_for_directories() {
        let d = tree();
        assert_eq!(complete("sr", d.path()), ["src/"]);
        assert_eq!(
            complete("src/", d.path()),
            [
                "src/inner/",
                "src/lib.rs",
                "src/main.rs",
                "src/prog",
                "src/target/"
            ]
        );
        assert_eq!(complete("src/m", d.path()), ["src/main.rs"]);
        assert_eq!(complete("src/.h", d.path()), ["src/.hidden"]);
        assert!(complete("zzz/", d.path()).is_empty());
        assert!(looks_like_path("src", d.path()) && !looks_like_path("alice", d.path()));
    }
}
