//! Step 5: what closing does, table by table, and when it becomes final.

use egui::{RichText, Ui};
use jiff::Timestamp;

use crate::core::personal::{self, Fate};
use crate::service::dashboard::AccountCounts;
use crate::ui::closing::command::ClosureCommand;
use crate::ui::closing::flow::FlowInfo;
use crate::ui::format::local_minute;
use crate::ui::theme;
use crate::ui::widgets::notice_ui;

use super::back_button;

/// `1,234 orders`: a count of the account's rows, grouped by thousands.
fn counted(count: i64, one: &str, many: &str) -> String {
    crate::ui::quantity::counted(u64::try_from(count).unwrap_or_default(), one, many)
}

/// The words for what the purge does with a kind of data.
fn fate_label(fate: Fate) -> &'static str {
    match fate {
        Fate::Deleted => "Deleted",
        Fate::Anonymized => "Anonymized",
        Fate::KeptWithoutPersonalData => "Kept without personal data",
        Fate::NotAccountData => "Not the account's data",
    }
}

/// The tables behind each row of the summary, by its title: what happens to a row's data is
/// what the list of personal data says the purge does with those tables.
const ROW_TABLES: &[(&str, &[&str])] = &[
    ("Orders and their items", &["orders", "order_items"]),
    ("Shipping addresses", &["addresses"]),
    ("Payment methods", &["payment_methods"]),
    ("Conversations and messages", &["conversations", "messages"]),
    ("Disputes", &["disputes"]),
    ("Balance ledger", &["ledger_entries"]),
    ("Coupons and benefits", &["coupons"]),
    ("Subscriptions", &["subscriptions"]),
    ("Mail sent to the account", &["outbox"]),
    ("Sign-in", &["credentials", "sign_in_failures"]),
    ("Reviews", &["reviews"]),
    ("Tombstone", &["tombstones", "erasures"]),
    ("Audit trail", &["audit_events"]),
];

/// What the purge does with the data of the summary row `what`; a row the list does not
/// know is said to be deleted, the promise the purge keeps for every table of the account.
fn fate(what: &str) -> Fate {
    ROW_TABLES
        .iter()
        .find(|(title, _)| *title == what)
        .and_then(|(_, tables)| tables.iter().find_map(|name| personal::table(name)))
        .map_or(Fate::Deleted, |table| table.fate)
}

/// The summary's rows: what, how much of it this account holds, and what happens to it.
fn rows(counts: &AccountCounts) -> Vec<(&'static str, String, Fate)> {
    let rows: Vec<(&'static str, String)> = vec![
        (
            "Orders and their items",
            format!("{}, {}", counted(counts.orders, "order", "orders"), counted(counts.order_items, "item", "items")),
        ),
        ("Shipping addresses", counted(counts.addresses, "address", "addresses")),
        ("Payment methods", counted(counts.payment_methods, "card", "cards")),
        (
            "Conversations and messages",
            format!(
                "{}, {}",
                counted(counts.conversations, "conversation", "conversations"),
                counted(counts.messages, "message", "messages")
            ),
        ),
        ("Disputes", counted(counts.disputes, "dispute", "disputes")),
        ("Balance ledger", counted(counts.ledger_entries, "entry", "entries")),
        ("Coupons and benefits", counted(counts.coupons, "coupon", "coupons")),
        ("Subscriptions", counted(counts.subscriptions, "subscription", "subscriptions")),
        ("Mail sent to the account", counted(counts.mail, "mail", "mails")),
        ("Sign-in", "the account's password and sign-in history".to_owned()),
        (
            "Reviews",
            format!(
                "{}, kept on the sellers' pages as by \"Deleted user\"",
                counted(counts.reviews, "review", "reviews")
            ),
        ),
        ("Tombstone", "account id, date closed and reason code".to_owned()),
        (
            "Audit trail",
            format!("{}: steps and outcomes with ids only", counted(counts.audit_events, "event", "events")),
        ),
    ];
    rows.into_iter().map(|(what, held)| (what, held, fate(what))).collect()
}

/// Draws the summary; "Send code" mails the code that confirms it. An `assisted` summary
/// speaks to the agent about the customer.
pub fn summary_step_ui(
    ui: &mut Ui,
    info: Option<&FlowInfo>,
    now: Timestamp,
    busy: bool,
    assisted: bool,
) -> Option<ClosureCommand> {
    let info = info?;
    let purge_after = now + info.policy.grace();
    let code = if assisted { "the code mailed to the customer" } else { "the code we mail you" };
    ui.label(format!(
        "Once you confirm with {code}, {} can no longer sign in normally, marketing mail stops at once, and {} \
         hours later the account is deleted:",
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
                let text = RichText::new(fate_label(fate));
                ui.label(if fate == Fate::Deleted { text.strong() } else { text });
                ui.end_row();
            }
        },
    );
    ui.add_space(theme::SPACE_M);
    notice_ui(
        ui,
        &format!(
            "The account will be deleted on {}. Until then {} can cancel; after that date it cannot be undone.",
            local_minute(purge_after),
            if assisted { "the customer" } else { "you" }
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

    #[test]
    fn every_table_of_the_account_is_in_the_summary_with_the_fate_the_list_gives() {
        let rows = rows(&AccountCounts::default());
        assert_eq!(rows.len(), ROW_TABLES.len());
        for (what, _, fate) in &rows {
            let (_, tables) = ROW_TABLES.iter().find(|(title, _)| title == what).unwrap();
            for name in *tables {
                assert_eq!(personal::table(name).map(|t| t.fate), Some(*fate), "{what}: {name}");
            }
        }
        // The account's own row is what the summary's first sentence says is deleted; the
        // closure's request and attempt are the closure being confirmed; the full-text indexes
        // are of the account's row.
        let said_elsewhere = ["accounts", "closure_requests", "closure_attempts"];
        let indexes = ["account_search", "account_name_pairs"];
        for table in personal::TABLES.iter().filter(|t| t.fate != Fate::NotAccountData) {
            if said_elsewhere.contains(&table.name) || indexes.iter().any(|index| table.name.starts_with(index)) {
                continue;
            }
            assert!(
                ROW_TABLES.iter().any(|(_, tables)| tables.contains(&table.name)),
                "{} is not in the summary",
                table.name
            );
        }
    }
}
