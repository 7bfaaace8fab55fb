//! The preset picker's state: which row is selected. Row 0 is "no preset" (config's
//! `system_prompt`), then each `[presets.<name>]` in config order.

/// The preset pane.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PresetsPane {
    pub selected: usize,
}

impl PresetsPane {
    /// The pane with the preset in use selected (`names` in the pane's order, after row 0).
    pub fn new(names: &[&str], in_use: Option<&str>) -> Self {
        let selected = in_use
            .and_then(|n| names.iter().position(|m| *m == n))
            .map_or(0, |i| i + 1);
        Self { selected }
    }

    /// Moves the selection by `by` rows within `rows`.
    pub fn step(&mut self, by: isize, rows: usize) {
        let last = rows.saturating_sub(1) as isize;
        self.selected = (self.selected as isize + by).clamp(0, last) as usize;
    }
}
