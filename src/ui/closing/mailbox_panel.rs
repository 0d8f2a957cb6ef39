//! "Mailbox (local outbox)": the account's newest mails, so that a person can read the code
//! closedesk "sent" — mail is written to files here, not delivered.

use egui::{RichText, Ui};

use crate::ui::closing::command::ClosureCommand;
use crate::ui::closing::mailbox::MailboxView;
use crate::ui::format::local_minute;
use crate::ui::remote::Remote;
use crate::ui::theme;

use crate::ui::widgets::{error_text_ui, progress_ui};

/// Draws the collapsible mailbox; returns a command when it is to be read again.
pub fn mailbox_panel_ui(ui: &mut Ui, mailbox: &MailboxView) -> Option<ClosureCommand> {
    let mut command = None;
    egui::CollapsingHeader::new("Mailbox (local outbox)").id_salt("closedesk-mailbox").default_open(false).show(
        ui,
        |ui| {
            ui.label(
                RichText::new(
                    "closedesk works offline: instead of sending mail, it writes each mail as an .eml file \
                     into this folder, which any mail program can open.",
                )
                .weak(),
            );
            ui.label(RichText::new(mailbox.folder.display().to_string()).monospace());
            ui.add_space(theme::SPACE_S);
            if ui.button("Refresh mailbox").clicked() {
                command = Some(ClosureCommand::RefreshMailbox);
            }
            match &mailbox.items {
                Remote::Loading => {
                    progress_ui(ui, "Reading the mailbox…");
                }
                Remote::Failed(message) => {
                    error_text_ui(ui, message);
                }
                Remote::Ready(items) if items.is_empty() => {
                    ui.label(RichText::new("No mail for this account yet.").weak());
                }
                Remote::Ready(items) => {
                    for (index, item) in items.iter().enumerate() {
                        let title = format!("{} — {}", local_minute(item.sent_at), item.subject);
                        egui::CollapsingHeader::new(title)
                            .id_salt(("closedesk-mail", index))
                            .default_open(index == 0)
                            .show(ui, |ui| {
                                ui.label(RichText::new(item.body.trim_end()).monospace());
                            });
                    }
                }
            }
        },
    );
    command
}
