//! `$VISUAL`/`$EDITOR` compose: the draft goes to a private temp file (0600, removed after),
//! the editor runs on the real terminal while the TUI is suspended, and what it saved comes
//! back to the composer.

use std::io::{Read, Seek, Write};
use std::process::Command;

/// Why the editor gave nothing back, in words for the status bar.
#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error(
        "set $VISUAL or $EDITOR to write in an editor (e.g. export EDITOR=vim): neither is set, and none of sensible-editor, editor or vi is installed"
    )]
    NoEditor,
    #[error("could not start the editor {editor:?}: {source}; check $VISUAL/$EDITOR")]
    Spawn {
        editor: String,
        source: std::io::Error,
    },
    #[error("the editor {editor:?} failed ({status}); the draft is unchanged")]
    Failed { editor: String, status: String },
    #[error("could not use a temporary file for the draft: {0}")]
    File(#[from] std::io::Error),
}

/// The editor to run and its arguments: `$VISUAL`, else `$EDITOR` (split on spaces, so
/// `code --wait` works).
pub fn editor_command(visual: Option<&str>, editor: Option<&str>) -> Option<Vec<String>> {
    [visual, editor]
        .into_iter()
        .flatten()
        .map(|v| v.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .find(|words| !words.is_empty())
}

/// Without `$VISUAL` or `$EDITOR`: the system's default editor, as git finds one
/// (`sensible-editor`, `editor`, then `vi`), looked up in `path` ($PATH).
pub fn fallback_editor(path: Option<&std::ffi::OsStr>) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let dirs: Vec<std::path::PathBuf> = std::env::split_paths(path?).collect();
    ["sensible-editor", "editor", "vi"]
        .into_iter()
        .find(|name| {
            dirs.iter().any(|d| {
                std::fs::metadata(d.join(name))
                    .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            })
        })
        .map(str::to_string)
}

/// Writes `draft` to a private temp file, runs the editor on it and returns what it saved.
/// The caller suspends the TUI around this.
pub fn edit(draft: &str) -> Result<String, EditorError> {
    let visual = std::env::var("VISUAL").ok();
    let editor = std::env::var("EDITOR").ok();
    let fallback = fallback_editor(std::env::var_os("PATH").as_deref());
    let words = editor_command(visual.as_deref(), editor.as_deref())
        .or_else(|| editor_command(fallback.as_deref(), None))
        .ok_or(EditorError::NoEditor)?;
    // tempfile makes it 0600 and removes it when dropped, whatever happens below.
    let mut file = tempfile::Builder::new()
        .prefix("keyturn-draft-")
        .suffix(".md")
        .tempfile()?;
    file.write_all(draft.as_bytes())?;
    file.flush()?;
    let status = Command::new(&words[0])
        .args(&words[1..])
        .arg(file.path())
        .status()
        .map_err(|source| EditorError::Spawn {
            editor: words.join(" "),
            source,
        })?;
    if !status.success() {
        return Err(EditorError::Failed {
            editor: words.join(" "),
            status: status.to_string(),
        });
    }
    // Editors often replace the file rather than write into it: read it by its path.
    let mut text = String::new();
    match std::fs::File::open(file.path()) {
        Ok(mut f) => f.read_to_string(&mut text)?,
        Err(_) => {
            file.as_file_mut().rewind()?;
            file.as_file_mut().read_to_string(&mut text)?
        }
    };
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visual_comes_before_editor_and_arguments_are_kept() {
        assert_eq!(
            editor_command(Some("code --wait"), Some("vim")),
            Some(vec!["code".to_string(), "--wait".to_string()])
        );
        assert_eq!(
            editor_command(Some("  "), Some("nano")),
            Some(vec!["nano".to_string()])
        );
        assert_eq!(editor_command(None, None), None);
    }

    #[test]
    fn without_either_variable_the_systems_editor_is_found_on_the_path() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let path = std::env::join_paths([d.path()]).unwrap();
        assert_eq!(fallback_editor(Some(&path)), None);
        let vi = d.path().join("vi");
        std::fs::write(&vi, "#!/bin/sh\n").unwrap();
        assert_eq!(fallback_editor(Some(&path)), None, "not executable");
        std::fs::set_permissions(&vi, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(fallback_editor(Some(&path)).as_deref(), Some("vi"));
        let editor = d.path().join("editor");
        std::fs::write(&editor, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(fallback_editor(Some(&path)).as_deref(), Some("editor"));
    }
}
