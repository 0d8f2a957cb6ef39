//! What "Purge due now" asks before anything goes: the accounts that would be purged, with
//! what each one's purge deletes, and the admin's password again.

use egui::{RichText, Ui};

use crate::core::masking::mask_email;
use crate::service::staff::{PurgePreview, QueueRow};
use crate::ui::format::local_minute;
use crate::ui::operations::command::OpsCommand;
use crate::ui::quantity::{counted, grouped};
use crate::ui::theme;
use crate::ui::widgets::secret_field::{
    SecretField, focus_when_idle, forget_undo_history, secret_input_ui, submitted_with_enter,
};
use crate::ui::widgets::{error_text_ui, escape_pressed};

/// The most room the list of accounts takes before it scrolls.
const LIST_MAX_HEIGHT: f32 = 200.0;

/// The confirmation of a purge: the list as the service counted it, and the password field.
#[derive(Debug, Default)]
pub struct PurgeConfirm {
    /// The due accounts, earliest purge date first.
    pub list: Vec<PurgePreview>,
    /// The admin's password, asked again.
    pub password: SecretField,
    /// Why the last attempt was refused.
    pub error: Option<String>,
}

/// Draws the confirmation; `queue` gives the masked emails the queue already shows.
pub fn purge_confirm_ui(ui: &mut Ui, confirm: &mut PurgeConfirm, queue: &[QueueRow]) -> Option<OpsCommand> {
    let mut command = None;
    theme::card_frame(ui.visuals()).show(ui, |ui| {
        ui.set_width(ui.available_width().min(760.0));
        if confirm.list.is_empty() {
            ui.label("No account is due: nothing would be purged.");
            if ui.button("Close").clicked() || escape_pressed(ui) {
                command = Some(OpsCommand::DismissPurge);
            }
            return;
        }
        let accounts = counted(confirm.list.len() as u64, "account", "accounts");
        ui.label(RichText::new(format!("Purge {accounts} for good?")).strong());
        ui.label(
            "Every row of these accounts is deleted and cannot be brought back, and their mail files \
             are removed. Their reviews stay on the sellers' pages as by \"Deleted user\", and a \
             tombstone keeps each account number.",
        );
        ui.add_space(theme::SPACE_S);
        // Nine columns are wider than the smallest window: the list scrolls sideways too.
        egui::ScrollArea::both().id_salt("purge_list").max_height(LIST_MAX_HEIGHT).show(ui, |ui| {
            list_ui(ui, &confirm.list, queue);
        });
        ui.add_space(theme::SPACE_S);
        let field = secret_input_ui(ui, "Your password, to confirm", &mut confirm.password, true, true);
        focus_when_idle(ui, &field);
        let entered = submitted_with_enter(ui, &field);
        if let Some(error) = &confirm.error {
            error_text_ui(ui, error);
        }
        let ready = !confirm.password.is_empty();
        ui.horizontal(|ui| {
            let purge = ui.add_enabled(ready, egui::Button::new(format!("Purge {accounts}")));
            if (purge.clicked() || entered) && ready {
                forget_undo_history(ui, &field);
                let listed = confirm.list.iter().map(|preview| preview.account).collect();
                command = Some(OpsCommand::ConfirmPurge { password: confirm.password.take(), accounts: listed });
            }
            let keep = ui.button("Keep them").on_hover_text("Close this without purging anything");
            if keep.clicked() || escape_pressed(ui) {
                command = Some(OpsCommand::DismissPurge);
            }
        });
    });
    command
}

/// One line per account: its number, masked email and purge date as the queue shows them, and
/// the counts of what goes.
fn list_ui(ui: &mut Ui, list: &[PurgePreview], queue: &[QueueRow]) {
    egui::Grid::new("purge_list").striped(true).show(ui, |ui| {
        let titles = [
            "Account",
            "Email",
            "Purge date",
            "Orders",
            "Addresses",
            "Payment methods",
            "Messages",
            "Reviews kept",
            "Rows deleted",
        ];
        for title in titles {
            ui.strong(title);
        }
        ui.end_row();
        for preview in list {
            let email = queue.iter().find(|row| row.account == preview.account).map(|row| mask_email(&row.email));
            ui.label(preview.account.to_string());
            ui.label(email.unwrap_or_default());
            ui.label(local_minute(preview.purge_after));
            for count in [
                preview.orders,
                preview.addresses,
                preview.payment_methods,
                preview.messages,
                preview.reviews_kept,
                preview.rows,
            ] {
                ui.label(grouped(count));
            }
            ui.end_row();
        }
    });
}
