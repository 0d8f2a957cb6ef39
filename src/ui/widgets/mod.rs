//! Small pieces shared by the screens.

use egui::{Response, RichText, Ui};

use super::theme;

pub mod code_entry;
pub mod countdown;
pub mod figures;
pub mod save_file;
pub mod secret_field;
pub mod table_keys;

/// Lays out `add_contents` in a column of at most `width` points, centred in the available space.
pub fn centered_column<R>(ui: &mut Ui, width: f32, add_contents: impl FnOnce(&mut Ui) -> R) -> R {
    let width = width.min(ui.available_width());
    let left = ((ui.available_width() - width) / 2.0).max(0.0);
    ui.horizontal_top(|ui| {
        ui.add_space(left);
        ui.vertical(|ui| {
            ui.set_width(width);
            add_contents(ui)
        })
        .inner
    })
    .inner
}

/// A spinner with a line saying what is happening.
pub fn progress_ui(ui: &mut Ui, text: &str) -> Response {
    ui.horizontal(|ui| {
        ui.add(egui::Spinner::new().size(theme::SPINNER_SIZE));
        ui.label(text);
    })
    .response
}

/// Where a panel's last action stands: what it is doing, what it did, or why it failed.
pub fn outcome_ui(ui: &mut Ui, busy: Option<&str>, notice: Option<&str>, error: Option<&str>) {
    if let Some(busy) = busy {
        progress_ui(ui, busy);
    }
    if let Some(notice) = notice {
        ui.label(RichText::new(notice).color(theme::accent(ui.visuals())));
    }
    if let Some(error) = error {
        error_text_ui(ui, error);
    }
}

/// A line of error text in the theme's error colour.
pub fn error_text_ui(ui: &mut Ui, text: &str) -> Response {
    let color = theme::error_text(ui.visuals());
    ui.label(RichText::new(text).color(color))
}

/// A single-line text input under its label, tied to the label for screen readers (and tests).
pub fn labelled_input_ui(ui: &mut Ui, label: &str, edit: egui::TextEdit<'_>) -> Response {
    let label = ui.label(label);
    ui.add(edit.desired_width(f32::INFINITY)).labelled_by(label.id)
}

/// A table in a frame that scrolls sideways when its columns do not all fit the window, as in
/// the smallest window, rather than leaving the last ones past its edge.
pub fn sideways_ui<R>(ui: &mut Ui, id_salt: impl egui::AsIdSalt, add_table: impl FnOnce(&mut Ui) -> R) -> R {
    egui::ScrollArea::horizontal().id_salt(id_salt).auto_shrink([false, true]).show(ui, add_table).inner
}

/// Whether Escape was pressed; takes the key, so that one press closes one panel: the one
/// drawn first, which is the one on top.
pub fn escape_pressed(ui: &Ui) -> bool {
    ui.input_mut(|input| input.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
}

/// Puts the keyboard in `field`, the first field of a screen or panel, the first time it is
/// drawn; `focused` remembers that it was, so that the person can move on with Tab.
pub fn focus_first_field(field: &Response, focused: &mut bool) {
    if !*focused && field.enabled() {
        field.request_focus();
        *focused = true;
    }
}

/// A framed warning, such as a scheduled deletion.
pub fn notice_ui(ui: &mut Ui, text: &str) -> Response {
    let visuals = ui.visuals().clone();
    theme::notice_frame(&visuals)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(text).color(theme::notice_text(&visuals)).strong());
        })
        .response
}
