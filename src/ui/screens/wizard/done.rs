//! Step 7: the closure is scheduled; how to cancel it before the purge.

use egui::{RichText, Ui};
use jiff::Timestamp;

use crate::ui::closure::{AreaPage, ClosureCommand};
use crate::ui::format::local_minute;
use crate::ui::theme;
use crate::ui::widgets::notice_ui;

/// Draws the end of the wizard: the purge date and the way back.
pub fn done_step_ui(ui: &mut Ui, purge_after: Option<Timestamp>) -> Option<ClosureCommand> {
    let when = purge_after
        .map_or_else(|| "at the end of the grace period".to_owned(), |at| format!("on {}", local_minute(at)));
    notice_ui(ui, &format!("Your account is scheduled for deletion {when}."));
    ui.add_space(theme::SPACE_M);
    ui.label(
        "Until then you can change your mind: choose \"Cancel the closure…\" below, or sign in again and follow \
         the steps. You will need your password and a new code that we mail to you. After that date the account \
         cannot be restored.",
    );
    ui.label(RichText::new("Marketing mail has been switched off. A confirmation is in your mailbox.").weak());
    ui.add_space(theme::SPACE_M);
    ui.horizontal(|ui| {
        if ui.button("Cancel the closure…").clicked() {
            Some(ClosureCommand::OpenCancel)
        } else if ui.button("Back to the overview").clicked() {
            Some(ClosureCommand::ShowPage(AreaPage::Overview))
        } else {
            None
        }
    })
    .inner
}
