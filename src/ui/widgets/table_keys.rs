//! Page Up, Page Down, Home and End on a table: where each key takes it, given the lines it
//! showed in the last frame. Rows then load as they do when the mouse scrolls.

use std::ops::Range;

use egui::{Align, Id, Ui};

/// The line a key moving a table asks for, given the lines on screen (`lines`) out of `len`,
/// and where that line goes on screen: Page Down brings the last line on screen to the top,
/// Page Up the first one to the bottom, Home and End go to the ends. Keys typed into a text
/// field are the field's.
pub fn key_target(ui: &Ui, lines: Range<usize>, len: usize) -> Option<(usize, Align)> {
    if len == 0 || ui.ctx().egui_wants_keyboard_input() {
        return None;
    }
    let pressed = |key| ui.input_mut(|input| input.consume_key(egui::Modifiers::NONE, key));
    let last = len - 1;
    if pressed(egui::Key::Home) {
        Some((0, Align::TOP))
    } else if pressed(egui::Key::End) {
        Some((last, Align::BOTTOM))
    } else if pressed(egui::Key::PageDown) {
        Some((lines.end.saturating_sub(1).max(lines.start).min(last), Align::TOP))
    } else if pressed(egui::Key::PageUp) {
        Some((lines.start.min(last), Align::BOTTOM))
    } else {
        None
    }
}

/// The lines on screen as one more line is laid out: `seen` grown to hold `line`.
pub fn seen_line(seen: Option<Range<usize>>, line: usize) -> Range<usize> {
    seen.map_or(line..line + 1, |seen| seen.start.min(line)..seen.end.max(line + 1))
}

/// The lines a table under `id` showed in the last frame, for tables whose view keeps no
/// such state (a place in a list of customers or audit lines, kept only while on screen).
pub fn last_lines(ui: &Ui, id: Id) -> Range<usize> {
    ui.data(|data| data.get_temp::<Range<usize>>(id)).unwrap_or(0..0)
}

/// Remembers the lines a table under `id` showed in this frame.
pub fn remember_lines(ui: &Ui, id: Id, lines: Option<Range<usize>>) {
    ui.data_mut(|data| data.insert_temp(id, lines.unwrap_or(0..0)));
}

/// A table builder that follows Page Up/Down, Home and End over `len` rows, for a table whose
/// shown lines are kept under `lines_id` by [`remember_lines`].
pub fn keyed_table(ui: &mut Ui, lines_id: Id, len: usize) -> egui_extras::TableBuilder<'_> {
    let keys = key_target(ui, last_lines(ui, lines_id), len);
    let builder = egui_extras::TableBuilder::new(ui);
    match keys {
        Some((line, align)) => builder.scroll_to_row(line, Some(align)),
        None => builder,
    }
}
