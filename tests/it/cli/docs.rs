//! The README's key table and the help overlay come from the same key map.

use keyturn::app::Keymap;
use keyturn::keymap::markdown_table;

#[test]
fn readme_key_table_matches_the_key_map() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = markdown_table(&Keymap::default());
    assert!(
        readme.contains(&table),
        "README.md's key table is out of date; replace it with:\n\n{table}"
    );
}

/// The README and the crate docs name only files that exist.
#[test]
fn docs_point_only_at_files_that_exist() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for doc in ["README.md", "src/lib.rs", "ARCHITECTURE.md"] {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        for word in text.split(|c: char| c.is_whitespace() || "`()[]<>,;:\"'".contains(c)) {
            let word = word.trim_end_matches('.');
            // Documents of the repository are named in capitals (README.md, ARCHITECTURE.md);
            // lower-case names are examples (`-o chat.md`).
            let named_doc = word.ends_with(".md")
                && word.starts_with(|c: char| c.is_ascii_uppercase())
                && !word.contains("://");
            if named_doc {
                assert!(
                    root.join(word).is_file(),
                    "{doc} names {word}, which is not in the repo"
                );
            }
        }
    }
}

/// No two top-level modules import each other (ARCHITECTURE.md, rule 4), and the vocabulary
/// and the other leaves import none.
#[test]
fn no_module_cycles_and_the_leaves_stay_leaves() {
    use std::collections::{BTreeMap, BTreeSet};
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeSet::new();
    for e in std::fs::read_dir(&src).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let name = name.trim_end_matches(".rs").to_string();
        if name != "lib" && name != "main" {
            modules.insert(name);
        }
    }
    fn files(p: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        if p.is_dir() {
            for e in std::fs::read_dir(p).unwrap() {
                files(&e.unwrap().path(), out);
            }
        } else if p.is_file() && p.extension().is_some_and(|x| x == "rs") {
            out.push(p.to_path_buf());
        }
    }
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &modules {
        let mut found = Vec::new();
        files(&src.join(m), &mut found);
        files(&src.join(format!("{m}.rs")), &mut found);
        let deps = uses.entry(m.clone()).or_default();
        for f in found {
            let text = std::fs::read_to_string(f).unwrap();
            for other in modules.iter().filter(|o| *o != m) {
                if text.contains(&format!("crate::{other}::"))
                    || text.contains(&format!("crate::{other};"))
                    || text.contains(&format!("crate::{other}::{{"))
                {
                    deps.insert(other.clone());
                }
            }
        }
    }
    for (m, deps) in &uses {
        for d in deps {
            assert!(
                !uses[d].contains(m),
                "{m} and {d} import each other (ARCHITECTURE.md, rule 4)"
            );
        }
    }
    for leaf in ["chat", "keymap", "theme", "time", "text"] {
        assert!(
            uses[leaf].is_empty(),
            "{leaf} is a leaf but uses {:?}",
            uses[leaf]
        );
    }
}

/// Every argument of every command, with the path of commands that leads to it.
fn every_arg(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Arg)>) {
    for arg in cmd.get_arguments() {
        out.push((path.to_string(), arg.clone()));
    }
    for sub in cmd.get_subcommands() {
        every_arg(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn every_flag_and_argument_in_help_has_a_description() {
    use clap::CommandFactory;
    let mut cmd = keyturn::cli::command::Cli::command();
    cmd.build();
    let mut args = Vec::new();
    every_arg(&cmd, "keyturn", &mut args);
    let missing: Vec<String> = args
        .iter()
        .filter(|(_, a)| a.get_id() != "help" && a.get_id() != "version")
        .filter(|(_, a)| a.get_help().is_none() && a.get_long_help().is_none())
        .map(|(path, a)| format!("{path}: {}", a.get_id()))
        .collect();
    assert!(missing.is_empty(), "no description: {missing:#?}");
    for sub in cmd.get_subcommands() {
        assert!(
            sub.get_about().is_some(),
            "{} has no description",
            sub.get_name()
        );
    }
}
