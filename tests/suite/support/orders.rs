//! Customers with many orders, for the stories about moving through a long table: each
//! customer's order numbers start with their letter and count up from the oldest.

use std::path::Path;

use closedesk::core::AccountId;
use closedesk::demo::{DEMO_CUSTOMER_PASSWORD, DemoAccount};
use closedesk::store::accounts;
use egui::accesskit::Role;
use egui_kittest::kittest::{By, NodeT as _, Queryable as _};

use super::gui::{Window, has_any_label, step_until};

/// Orders each customer holds: many more than a window shows.
pub const ORDERS: i64 = 300;

/// Two customers whose order numbers start with their letter, numbered oldest to newest.
pub const CUSTOMERS: [DemoAccount; 2] = [
    DemoAccount { email: "anna@example.test", display_name: "Anna Scroller", situation: "A" },
    DemoAccount { email: "bram@example.test", display_name: "Bram Newcomer", situation: "B" },
];

/// Adds the two customers to the demo database at `db`; returns their ids.
pub fn add_customers(db: &Path) -> Vec<AccountId> {
    let mut conn = closedesk::store::open_existing(db).unwrap();
    let phc = closedesk::auth::password::hash(&closedesk::auth::Secret::from(DEMO_CUSTOMER_PASSWORD)).unwrap();
    let tx = conn.transaction().unwrap();
    let mut ids = Vec::new();
    for customer in &CUSTOMERS {
        let account = accounts::insert_account(
            &tx,
            &accounts::NewAccount {
                display_name: customer.display_name,
                email: customer.email,
                phone: None,
                country: "NL",
                created_at: jiff::Timestamp::from_second(1_600_000_000).unwrap(),
                password_phc: &phc,
            },
        )
        .unwrap();
        for k in 0..ORDERS {
            tx.execute(
                "INSERT INTO orders (account_id, order_number, placed_at, status, seller, total_minor, currency)
                 VALUES (?1, ?2, ?3, 'completed', 'Any Seller', ?4, 'EUR')",
                rusqlite::params![account.0, order_number(customer, k), 1_600_000_000 + k * 3600, 100 + k],
            )
            .unwrap();
        }
        ids.push(account);
    }
    tx.commit().unwrap();
    ids
}

pub fn order_number(customer: &DemoAccount, k: i64) -> String {
    format!("{}-{k:05}", customer.situation)
}

pub fn newest(customer: &DemoAccount) -> String {
    order_number(customer, ORDERS - 1)
}

pub fn oldest(customer: &DemoAccount) -> String {
    order_number(customer, 0)
}

/// The order numbers of `customer` laid out on screen, top to bottom.
pub fn orders_on_screen(harness: &Window, customer: &DemoAccount) -> Vec<String> {
    let prefix = format!("{}-", customer.situation);
    // A plain label keeps its text as its value.
    let text = |node: &egui_kittest::kittest::AccessKitNode<'_>| node.label().or_else(|| node.value());
    let mut found: Vec<(f32, String)> = harness
        .query_all(By::new().predicate(move |node| text(node).is_some_and(|label| label.starts_with(&prefix))))
        .filter_map(|node| Some((node.rect().top(), text(&node.accesskit_node())?)))
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut labels: Vec<String> = found.into_iter().map(|(_, label)| label).collect();
    // A cell's text can show up twice in the tree (the cell and its label).
    labels.dedup();
    labels
}

/// Opens the Orders tab of the account on screen and waits for its newest order.
pub fn open_orders(harness: &mut Window) {
    step_until(harness, "the account's summary", |h| has_any_label(h, "Closure readiness"));
    harness.get_by_role_and_label(Role::Button, &format!("Orders ({ORDERS})")).click();
    step_until(harness, "the orders", |h| has_any_label(h, &format!("{ORDERS} of {ORDERS} orders")));
    harness.run_steps(4);
}
