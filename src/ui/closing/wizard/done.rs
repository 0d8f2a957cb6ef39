//! The last step (7, or 6 when assisted): the closure is scheduled; how to cancel it before
//! the purge. A customer reads it about their own account; an agent reads what to tell the
//! customer.

use egui::{RichText, Ui};
use jiff::Timestamp;

use crate::ui::closing::command::{AreaPage, ClosureCommand};
use crate::ui::format::local_minute;
use crate::ui::theme;
use crate::ui::widgets::notice_ui;

/// The words of the last step: the notice with the purge date, how to cancel, and what else
/// happened. `assisted` addresses the agent, who tells the customer.
pub fn done_texts(purge_after: Option<Timestamp>, assisted: bool) -> [String; 3] {
    let when = purge_after
        .map_or_else(|| "at the end of the grace period".to_owned(), |at| format!("on {}", local_minute(at)));
    if assisted {
        return [
            format!("The customer's account is scheduled for deletion {when}; tell them how to cancel."),
            "Until then the customer can change their mind: they sign in and choose \"Cancel closure…\" \
             (with their password and a new code mailed to them), or they call again and read out a new code \
             for you to cancel it here. After that date the account cannot be restored."
                .to_owned(),
            "Marketing mail has been switched off. A confirmation was mailed to the customer.".to_owned(),
        ];
    }
    [
        format!("Your account is scheduled for deletion {when}."),
        "Until then you can change your mind: choose \"Cancel closure…\" below, or sign in again and follow \
         the steps. You will need your password and a new code that we mail to you. After that date the account \
         cannot be restored."
            .to_owned(),
        "Marketing mail has been switched off. A confirmation is in your mailbox.".to_owned(),
    ]
}

/// Draws the end of the wizard: the purge date and the way back.
pub fn done_step_ui(ui: &mut Ui, purge_after: Option<Timestamp>, assisted: bool) -> Option<ClosureCommand> {
    let [notice, cancelling, footnote] = done_texts(purge_after, assisted);
    notice_ui(ui, &notice);
    ui.add_space(theme::SPACE_M);
    ui.label(cancelling);
    ui.label(RichText::new(footnote).weak());
    ui.add_space(theme::SPACE_M);
    // The agent's screen already has "Back to the customer" above the wizard.
    let back = if assisted { "Back to the customer's overview" } else { "Back to the overview" };
    ui.horizontal(|ui| {
        if ui.button("Cancel closure…").clicked() {
            Some(ClosureCommand::OpenCancel)
        } else if ui.button(back).clicked() {
            Some(ClosureCommand::ShowPage(AreaPage::Overview))
        } else {
            None
        }
    })
    .inner
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_assisted_end_addresses_the_agent_and_the_customers_own_addresses_them() {
        let purge: Timestamp = "2026-12-02T09:00:00Z".parse().unwrap();
        let [notice, cancelling, footnote] = done_texts(Some(purge), true);
        assert!(notice.starts_with("The customer's account is scheduled for deletion on 2026-12-0"), "{notice}");
        assert!(notice.ends_with("; tell them how to cancel."), "{notice}");
        for text in [&notice, &cancelling, &footnote] {
            assert!(!text.contains("Your account") && !text.contains("your mailbox"), "{text}");
        }
        let [notice, ..] = done_texts(Some(purge), false);
        assert!(notice.starts_with("Your account is scheduled for deletion on "), "{notice}");
        let [notice, ..] = done_texts(None, true);
        assert_eq!(
            notice,
            "The customer's account is scheduled for deletion at the end of the grace period; tell them how to cancel."
        );
    }
}
