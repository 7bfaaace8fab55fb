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
