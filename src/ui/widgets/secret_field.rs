//! Text fields that hold a password or a one-time code.

use egui::{Response, Ui};
use zeroize::Zeroizing;

use crate::auth::Secret;

/// Bytes reserved up front, so that typing never makes the `String` move to a larger buffer
/// and leave an unwiped copy of the start of the secret behind.
const CAPACITY: usize = 512;
/// The longest secret a field takes: four bytes a character at most, so it fits the buffer.
pub const SECRET_MAX_CHARS: usize = CAPACITY / 4;

/// What was typed into a password or code field: wiped from memory when replaced or dropped,
/// and never shown by `Debug`.
pub struct SecretField(Zeroizing<String>);

impl Default for SecretField {
    fn default() -> Self {
        Self(Zeroizing::new(String::with_capacity(CAPACITY)))
    }
}

impl std::fmt::Debug for SecretField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretField(***)")
    }
}

impl SecretField {
    /// Whether nothing was typed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Moves the typed text out into a [`Secret`], leaving the field empty.
    pub fn take(&mut self) -> Secret {
        Secret::new(std::mem::replace(&mut *self.0, String::with_capacity(CAPACITY)))
    }

    /// The text buffer, for the text edit that fills it.
    fn buffer(&mut self) -> &mut String {
        &mut self.0
    }

    /// A single-line text edit over this field, capped so that it never outgrows its buffer.
    /// `masked` hides what is typed.
    pub fn text_edit(&mut self, masked: bool) -> egui::TextEdit<'_> {
        egui::TextEdit::singleline(self.buffer()).password(masked).char_limit(SECRET_MAX_CHARS)
    }

    /// Types `text` into the field, as a test would.
    #[cfg(test)]
    pub fn push_str(&mut self, text: &str) {
        self.buffer().push_str(text);
    }
}

/// A single-line secret input under its label, tied to it for screen readers (and tests).
///
/// `masked` hides what is typed (passwords); codes read from a mail stay visible while typed.
pub fn secret_input_ui(ui: &mut Ui, label: &str, field: &mut SecretField, masked: bool, enabled: bool) -> Response {
    let label = ui.label(label);
    let edit = field.text_edit(masked).desired_width(f32::INFINITY);
    ui.add_enabled(enabled, edit).labelled_by(label.id)
}

/// Whether Enter was pressed in `field` (it loses focus on Enter).
pub fn submitted_with_enter(ui: &Ui, field: &Response) -> bool {
    field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter))
}

/// Puts the cursor in `field` when nothing else has it: when its step appears, and again after
/// a refusal, so that the person can type straight away. Not in a frame where Enter was
/// pressed: the field gave up its focus to submit, and taking it back would undo that.
pub fn focus_when_idle(ui: &Ui, field: &Response) {
    let enter = ui.input(|input| input.key_pressed(egui::Key::Enter));
    if field.enabled() && !enter && ui.memory(|memory| memory.focused().is_none()) {
        field.request_focus();
    }
}

/// egui keeps earlier states of a text field for undo; drop them once the secret was sent, so
/// that no copy of it stays in egui's memory.
pub fn forget_undo_history(ui: &Ui, field: &Response) {
    if let Some(mut state) = egui::text_edit::TextEditState::load(ui.ctx(), field.id) {
        state.clear_undoer();
        state.store(ui.ctx(), field.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taking_the_secret_empties_the_field_and_debug_hides_it() {
        let mut field = SecretField::default();
        field.buffer().push_str("hunter22");
        assert_eq!(format!("{field:?}"), "SecretField(***)");
        assert_eq!(field.take().expose(), "hunter22");
        assert!(field.is_empty());
        assert!(field.0.capacity() >= CAPACITY, "the next secret has room too");
    }
}
