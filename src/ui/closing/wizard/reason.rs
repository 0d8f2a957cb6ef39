//! Step 3: why the customer leaves, from a fixed list, with an optional note.

use egui::{RichText, Ui};

use crate::core::closure::Reason;
use crate::ui::closing::command::ClosureCommand;
use crate::ui::theme;

use super::back_button;

/// The longest note the state machine accepts, in characters.
const NOTE_MAX_CHARS: usize = 500;

/// Draws the reasons and the note; "Continue" is possible once a reason is picked.
pub fn reason_step_ui(
    ui: &mut Ui,
    reason: &mut Option<Reason>,
    note: &mut String,
    busy: bool,
    assisted: bool,
) -> Option<ClosureCommand> {
    ui.label("Only the reason's code is kept once the account is deleted; the note is deleted with the account.");
    ui.add_space(theme::SPACE_S);
    ui.add_enabled_ui(!busy, |ui| {
        for choice in Reason::ALL {
            let radio = ui.radio_value(reason, Some(*choice), choice.label());
            super::focus_on_arrival(ui, &radio);
        }
        ui.add_space(theme::SPACE_S);
        let label = ui.label("Note");
        ui.add(
            egui::TextEdit::multiline(note)
                .hint_text(if assisted {
                    "Optional: anything the customer would like us to know"
                } else {
                    "Optional: anything you would like us to know"
                })
                .char_limit(NOTE_MAX_CHARS)
                .desired_rows(3)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
        ui.label(RichText::new(format!("{} of {NOTE_MAX_CHARS} characters", note.chars().count())).small().weak());
    });
    ui.add_space(theme::SPACE_S);
    ui.horizontal(|ui| {
        let chosen = (*reason).filter(|_| !busy);
        if ui.add_enabled(chosen.is_some(), egui::Button::new("Continue")).clicked()
            && let Some(reason) = chosen
        {
            Some(ClosureCommand::ChooseReason { reason, note: note.clone() })
        } else if back_button(ui, !busy) {
            Some(ClosureCommand::Back)
        } else {
            None
        }
    })
    .inner
}
