//! The account settings: back the account up, close it (or cancel its closure), and turn the
//! email and notification subscriptions on or off.

use egui::{RichText, Ui};

use crate::core::AccountStatus;
use crate::ui::closing::command::{ClosingCommand, ClosureCommand};
use crate::ui::closing::export::ExportState;
use crate::ui::closing::export_panel::export_panel_ui;
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::{error_text_ui, notice_ui, progress_ui};

pub use crate::service::account::SettingsData;

/// What the settings page shows besides the backup panel.
#[derive(Debug)]
pub struct SettingsPage<'a> {
    /// The account's status and subscriptions.
    pub data: &'a Remote<SettingsData>,
    /// A wizard was started and not finished.
    pub closing_in_progress: bool,
    /// A subscription change is being made: the switches wait for it.
    pub changing: bool,
    /// Why the last subscription change was refused.
    pub subscription_error: Option<&'a str>,
}

/// Draws the settings page.
pub fn settings_ui(ui: &mut Ui, page: &SettingsPage<'_>, export: &mut ExportState) -> Option<ClosingCommand> {
    let (data, closing_in_progress) = (page.data, page.closing_in_progress);
    let mut command = None;
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        ui.label(RichText::new("Your account settings").size(theme::TITLE_SIZE).strong());
        ui.add_space(theme::SPACE_L);

        ui.label(RichText::new("Back up your account").heading());
        ui.label(
            "Save everything the account holds to a file you choose: a verifiable JSON document, or a zip \
             bundle that adds a CSV file per table for spreadsheets.",
        );
        ui.add_space(theme::SPACE_S);
        command = export_panel_ui(ui, export).map(ClosingCommand::Export);
        ui.add_space(theme::SPACE_L);
        ui.separator();

        ui.label(RichText::new("Close your account").heading());
        match data {
            Remote::Loading => {
                progress_ui(ui, "Loading the settings…");
            }
            Remote::Failed(message) => {
                error_text_ui(ui, message);
                if ui.button("Try again").clicked() {
                    command = Some(ClosingCommand::Closure(ClosureCommand::ReloadSettings));
                }
            }
            Remote::Ready(data) => {
                if let Some(close) = close_section_ui(ui, data.status, closing_in_progress) {
                    command = Some(close);
                }
                ui.add_space(theme::SPACE_L);
                ui.separator();
                if let Some(change) = subscriptions_ui(ui, data, page) {
                    command = Some(change);
                }
            }
        }
    });
    command
}

fn close_section_ui(ui: &mut Ui, status: AccountStatus, closing_in_progress: bool) -> Option<ClosingCommand> {
    match status {
        AccountStatus::Active => {
            ui.label(
                "Closing deletes your orders, addresses, payment details, messages and settings once a grace \
                 period has passed; until then you can cancel. Reviews you left stay on the sellers' pages as by \
                 \"Deleted user\".",
            );
            ui.add_space(theme::SPACE_S);
            let label = if closing_in_progress { "Continue closing…" } else { "Close account…" };
            ui.button(label).clicked().then_some(ClosingCommand::Closure(ClosureCommand::StartClosing))
        }
        AccountStatus::ClosurePending => {
            notice_ui(ui, "This account is already scheduled for deletion.");
            ui.add_space(theme::SPACE_S);
            ui.button("Cancel closure…").clicked().then_some(ClosingCommand::Closure(ClosureCommand::OpenCancel))
        }
        AccountStatus::Closed => {
            ui.label("This account is closed.");
            None
        }
    }
}

/// One switch per subscription; a marketing one cannot be turned on while the account is
/// scheduled for deletion.
fn subscriptions_ui(ui: &mut Ui, data: &SettingsData, page: &SettingsPage<'_>) -> Option<ClosingCommand> {
    let mut command = None;
    ui.label(RichText::new("Email and notification subscriptions").heading());
    if data.subscriptions.is_empty() {
        ui.label(RichText::new("This account has no subscriptions.").weak());
        return None;
    }
    let pending = data.status != AccountStatus::Active;
    egui::Grid::new("subscriptions").num_columns(2).spacing([theme::SPACE_L, theme::SPACE_S]).show(ui, |ui| {
        for subscription in &data.subscriptions {
            let locked = pending && subscription.is_marketing() && !subscription.enabled;
            let mut on = subscription.enabled;
            let switch = ui.add_enabled(!page.changing && !locked, egui::Checkbox::new(&mut on, subscription.label()));
            let switch = if locked {
                switch.on_disabled_hover_text("Marketing mail stays off while the account is scheduled for deletion.")
            } else {
                switch
            };
            if switch.changed() {
                command = Some(ClosingCommand::Closure(ClosureCommand::SetSubscription {
                    topic: subscription.topic.clone(),
                    enabled: on,
                }));
            }
            ui.label(RichText::new(if subscription.is_marketing() { "marketing" } else { "" }).weak());
            ui.end_row();
        }
    });
    if let Some(error) = page.subscription_error {
        error_text_ui(ui, error);
    }
    ui.label(
        RichText::new(
            "Marketing subscriptions are switched off when the account is closed, and stay off if the closure is \
             cancelled, until you turn them on here.",
        )
        .weak(),
    );
    command
}

#[cfg(test)]
mod tests {
    use crate::service::account::Subscription;

    #[test]
    fn topics_read_as_words_and_marketing_is_marked() {
        let subscription = Subscription { topic: "marketing_email".to_owned(), enabled: true };
        assert_eq!(subscription.label(), "Marketing email");
        assert!(subscription.is_marketing());
        assert!(!Subscription { topic: "order_updates".to_owned(), enabled: true }.is_marketing());
    }
}
