//! Step 1: what stands in the way of closing, and what is lost or kept.

use egui::{RichText, Ui};

use crate::core::readiness::Readiness;
use crate::ui::closing::command::ClosureCommand;
use crate::ui::dashboards::readiness::blocker_rows;
use crate::ui::theme;

/// Draws the readiness verdict; the wizard goes on only without blockers and, when there are
/// warnings, once "I understand" is ticked. An `assisted` wizard leads back to the customer's
/// overview, a customer's own to their settings.
pub fn readiness_step_ui(
    ui: &mut Ui,
    readiness: Option<&Readiness>,
    acknowledged: &mut bool,
    busy: bool,
    assisted: bool,
) -> Option<ClosureCommand> {
    let back = if assisted { "Back to the customer's overview" } else { "Back to settings" };
    ui.label(
        "Before an account can close, every order must be finished, every dispute resolved and every balance \
         withdrawn: afterwards none of them can be reached.",
    );
    ui.add_space(theme::SPACE_M);
    let Some(readiness) = readiness else {
        return leave_row(ui, busy, false, back);
    };

    if !readiness.can_close() {
        ui.label(RichText::new("What stands in the way").heading());
        let mut shown = None;
        for blocker in &readiness.blockers {
            // The same link as on the overview; "Back to closing" there returns to this step.
            let (listing, statuses) = blocker_rows(blocker);
            let link = ui
                .link(RichText::new(blocker.title()).strong().color(theme::error_text(ui.visuals())))
                .on_hover_text(format!("Show these rows in {}; \"Back to closing\" returns here", listing.label()));
            if link.clicked() && !busy {
                shown = Some(ClosureCommand::ShowBlockerRows { listing, statuses });
            }
            ui.label(RichText::new(blocker.what_to_do()).weak());
            ui.add_space(theme::SPACE_S);
        }
        ui.label("Clear these first, then check again.");
        ui.add_space(theme::SPACE_S);
        return leave_row(ui, busy, true, back).or(shown);
    }

    ui.label(RichText::new("Nothing stands in the way.").strong());
    if !readiness.warnings.is_empty() {
        ui.add_space(theme::SPACE_S);
        let heading =
            if assisted { "What the customer loses, and what stays" } else { "What you lose, and what stays" };
        ui.label(RichText::new(heading).heading());
        for warning in &readiness.warnings {
            ui.label(format!("• {}", warning.title()));
        }
        ui.add_space(theme::SPACE_S);
        let understood = ui.add_enabled(!busy, egui::Checkbox::new(acknowledged, "I understand"));
        super::focus_on_arrival(ui, &understood);
    }
    ui.add_space(theme::SPACE_S);
    let mut command = None;
    ui.horizontal(|ui| {
        if ui.add_enabled(!busy && *acknowledged, egui::Button::new("Continue")).clicked() {
            command = Some(ClosureCommand::AcknowledgeWarnings);
        }
        if ui.add_enabled(!busy, egui::Button::new(back)).clicked() {
            command = Some(ClosureCommand::LeaveWizard);
        }
    });
    command
}

/// "Check again" (while blocked) and the way `back`.
fn leave_row(ui: &mut Ui, busy: bool, check_again: bool, back: &str) -> Option<ClosureCommand> {
    ui.horizontal(|ui| {
        if check_again && ui.add_enabled(!busy, egui::Button::new("Check again")).clicked() {
            Some(ClosureCommand::CheckReadiness)
        } else if ui.add_enabled(!busy, egui::Button::new(back)).clicked() {
            Some(ClosureCommand::LeaveWizard)
        } else {
            None
        }
    })
    .inner
}
