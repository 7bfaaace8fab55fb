//! Footer hints from the live key map, fitted to the width they are drawn in.

use super::{Action, Keymap, Scope};

impl Keymap {
    /// A footer hint from the live map: " Enter open · Ctrl-N new", each key as bound in
    /// `scope` (so a rebinding shows where it is used).
    pub fn hint(&self, scope: Scope, items: &[(Action, &str)]) -> String {
        items
            .iter()
            .map(|(action, label)| format!(" {} {label}", self.key_in(scope, *action)))
            .collect::<Vec<_>>()
            .join(" ·")
    }

    /// [`hint`](Self::hint) cut to `width` columns by whole items, most important (first)
    /// kept, ending with where the rest are ("F1 all keys") when any had to go.
    pub fn hint_fitting(&self, scope: Scope, items: &[(Action, &str)], width: usize) -> String {
        // Key names and labels are narrow characters: a count of chars is their width.
        let fits = |s: &str| s.chars().count() <= width;
        let full = self.hint(scope, items);
        if fits(&full) {
            return full;
        }
        let more = format!(" · {} all keys", self.key_in(Scope::Global, Action::Help));
        let mut kept = items.len();
        while kept > 0 {
            let line = self.hint(scope, &items[..kept]) + &more;
            if fits(&line) {
                return line;
            }
            kept -= 1;
        }
        format!(" {}", more.trim_start_matches(" · "))
            .chars()
            .take(width)
            .collect()
    }
}
