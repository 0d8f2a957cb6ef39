//! Step 5: what closing does, table by table, and when it becomes final.

use egui::{RichText, Ui};
use jiff::Timestamp;

use crate::core::words::counted;
use crate::service::dashboard::AccountCounts;
use crate::ui::closure::{ClosureCommand, FlowInfo};
use crate::ui::format::local_minute;
use crate::ui::theme;
use crate::ui::widgets::notice_ui;

use super::back_button;

/// What happens to one kind of data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    /// Erased at the purge.
    Deleted,
    /// Kept, detached from the account.
    Anonymized,
    /// Kept, holding no personal data.
    KeptWithoutPersonalData,
}

impl Fate {
    fn label(self) -> &'static str {
        match self {
            Self::Deleted => "Deleted",
            Self::Anonymized => "Anonymized",
            Self::KeptWithoutPersonalData => "Kept without personal data",
        }
    }
}

/// The summary's rows: what, how much of it this account holds, and what happens to it.
fn rows(counts: &AccountCounts) -> Vec<(&'static str, String, Fate)> {
    vec![
        (
            "Orders and their items",
            format!("{}, {}", counted(counts.orders, "order", "orders"), counted(counts.order_items, "item", "items")),
            Fate::Deleted,
        ),
        ("Shipping addresses", counted(counts.addresses, "address", "addresses"), Fate::Deleted),
        ("Payment methods", counted(counts.payment_methods, "card", "cards"), Fate::Deleted),
        (
            "Conversations and messages",
            format!(
                "{}, {}",
                counted(counts.conversations, "conversation", "conversations"),
                counted(counts.messages, "message", "messages")
            ),
            Fate::Deleted,
        ),
        ("Disputes", counted(counts.disputes, "dispute", "disputes"), Fate::Deleted),
        ("Balance ledger", counted(counts.ledger_entries, "entry", "entries"), Fate::Deleted),
        ("Coupons and benefits", counted(counts.coupons, "coupon", "coupons"), Fate::Deleted),
        ("Subscriptions", counted(counts.subscriptions, "subscription", "subscriptions"), Fate::Deleted),
        ("Mail sent to you", counted(counts.mail, "mail", "mails"), Fate::Deleted),
        ("Sign-in", "your password and sign-in history".to_owned(), Fate::Deleted),
        (
            "Reviews",
            format!(
                "{}, kept on the sellers' pages as by \"Deleted user\"",
                counted(counts.reviews, "review", "reviews")
            ),
            Fate::Anonymized,
        ),
        ("Tombstone", "account id, date closed and reason code".to_owned(), Fate::KeptWithoutPersonalData),
        (
            "Audit trail",
            format!("{}: steps and outcomes with ids only", counted(counts.audit_events, "event", "events")),
            Fate::KeptWithoutPersonalData,
        ),
    ]
}

/// Draws the summary; "Send code" mails the code that confirms it.
pub fn summary_step_ui(ui: &mut Ui, info: Option<&FlowInfo>, now: Timestamp, busy: bool) -> Option<ClosureCommand> {
    let info = info?;
    let purge_after = now + info.policy.grace();
    ui.label(format!(
        "Once you confirm with the code we mail you, {} can no longer sign in normally, marketing mail stops \
         at once, and {} hours later the account is deleted:",
        info.display_name, info.policy.grace_hours
    ));
    ui.add_space(theme::SPACE_S);
    egui::Grid::new("closure-summary").num_columns(3).striped(true).spacing([theme::SPACE_L, theme::SPACE_S]).show(
        ui,
        |ui| {
            for title in ["What", "This account holds", "What happens"] {
                ui.strong(title);
            }
            ui.end_row();
            for (what, held, fate) in rows(&info.counts) {
                ui.label(what);
                ui.label(held);
                let text = RichText::new(fate.label());
                ui.label(if fate == Fate::Deleted { text.strong() } else { text });
                ui.end_row();
            }
        },
    );
    ui.add_space(theme::SPACE_M);
    notice_ui(
        ui,
        &format!(
            "The account will be deleted on {}. Until then you can cancel; after that date it cannot be undone.",
            local_minute(purge_after)
        ),
    );
    ui.add_space(theme::SPACE_M);
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!busy, egui::Button::new("Send code"))
            .on_hover_text("Mail a 6-digit code to confirm")
            .clicked()
        {
            Some(ClosureCommand::SendCode)
        } else if back_button(ui, !busy) {
            Some(ClosureCommand::Back)
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
    fn every_kind_of_data_has_a_fate_and_reviews_are_anonymized() {
        let counts = AccountCounts { orders: 1, order_items: 3, reviews: 2, ..AccountCounts::default() };
        let rows = rows(&counts);
        assert_eq!(rows[0].1, "1 order, 3 items");
        assert!(rows.iter().any(|(what, held, fate)| *what == "Reviews"
            && held.starts_with("2 reviews")
            && *fate == Fate::Anonymized));
        assert!(rows.iter().any(|(what, _, fate)| *what == "Tombstone" && *fate == Fate::KeptWithoutPersonalData));
    }
}
