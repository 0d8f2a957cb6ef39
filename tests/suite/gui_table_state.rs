//! A table's place belongs to the account it shows: the next customer, or a backup opened
//! after someone scrolled, opens at the top with the newest row first, and re-sorting starts
//! at the top again.

use crate::support::gui;

use std::path::Path;

use closedesk::core::AccountId;
use closedesk::demo::{DEMO_CUSTOMER_PASSWORD, DemoAccount};
use closedesk::store::accounts;
use egui::accesskit::Role;
use egui_kittest::kittest::{By, NodeT as _, Queryable as _};
use gui::{Window, has_any_label, press, sign_in_customer, sign_in_screen, step_until, type_into};

/// Orders each customer holds: many more than a window shows.
const ORDERS: i64 = 300;

/// Two customers whose order numbers start with their letter, numbered oldest to newest.
const CUSTOMERS: [DemoAccount; 2] = [
    DemoAccount { email: "anna@example.test", display_name: "Anna Scroller", situation: "A" },
    DemoAccount { email: "bram@example.test", display_name: "Bram Newcomer", situation: "B" },
];

/// Adds the two customers to the demo database at `db`; returns their ids.
fn add_customers(db: &Path) -> Vec<AccountId> {
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

fn order_number(customer: &DemoAccount, k: i64) -> String {
    format!("{}-{k:05}", customer.situation)
}

fn newest(customer: &DemoAccount) -> String {
    order_number(customer, ORDERS - 1)
}

fn oldest(customer: &DemoAccount) -> String {
    order_number(customer, 0)
}

/// The order numbers of `customer` laid out on screen, top to bottom.
fn orders_on_screen(harness: &Window, customer: &DemoAccount) -> Vec<String> {
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
fn open_orders(harness: &mut Window) {
    step_until(harness, "the account's summary", |h| has_any_label(h, "Closure readiness"));
    harness.get_by_role_and_label(Role::Button, &format!("Orders ({ORDERS})")).click();
    step_until(harness, "the orders", |h| has_any_label(h, &format!("{ORDERS} of {ORDERS} orders")));
    harness.run_steps(4);
}

/// Scrolls the Orders table well down, the way a wheel would, until the newest order is gone.
fn scroll_down_far(harness: &mut Window, customer: &DemoAccount) {
    for _ in 0..40 {
        let shown = orders_on_screen(harness, customer);
        let last = shown.last().expect("rows are on screen");
        harness.get_all_by_label(last).next().unwrap().scroll_down();
        harness.step();
    }
    step_until(harness, "the scrolled rows", |h| {
        let shown = orders_on_screen(h, customer);
        !shown.contains(&newest(customer)) && shown.iter().all(|label| !label.ends_with('…'))
    });
    let shown = orders_on_screen(harness, customer);
    assert!(!shown.contains(&newest(customer)), "the table was scrolled down: {shown:?}");
}

/// Asserts that the first order on screen is `first`.
fn assert_first_order(harness: &mut Window, customer: &DemoAccount, first: &str, when: &str) {
    step_until(harness, when, |h| orders_on_screen(h, customer).first().is_some_and(|label| label == first));
}

#[test]
fn the_next_customer_opens_their_orders_at_the_top_not_where_the_last_one_scrolled_to() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = sign_in_screen(&db);
    add_customers(&db);
    let [anna, bram] = &CUSTOMERS;

    sign_in_customer(&mut harness, anna.email, DEMO_CUSTOMER_PASSWORD);
    open_orders(&mut harness);
    assert_first_order(&mut harness, anna, &newest(anna), "Anna's newest order at the top");
    scroll_down_far(&mut harness, anna);

    press(&mut harness, "Sign out");
    step_until(&mut harness, "the sign-in form", |h| h.query_by_role_and_label(Role::TextInput, "Email").is_some());
    sign_in_customer(&mut harness, bram.email, DEMO_CUSTOMER_PASSWORD);
    open_orders(&mut harness);
    harness.run_steps(4);
    let shown = orders_on_screen(&harness, bram);
    assert_eq!(shown.first(), Some(&newest(bram)), "Bram's newest order is the first row: {shown:?}");
}

#[test]
fn sorting_again_starts_at_the_top_of_the_new_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = sign_in_screen(&db);
    add_customers(&db);
    let anna = &CUSTOMERS[0];

    sign_in_customer(&mut harness, anna.email, DEMO_CUSTOMER_PASSWORD);
    open_orders(&mut harness);
    scroll_down_far(&mut harness, anna);
    // "Placed" is sorted newest first; once more, oldest first.
    press(&mut harness, "Placed");
    assert_first_order(&mut harness, anna, &oldest(anna), "the oldest order at the top");
    harness.run_steps(4);
    let shown = orders_on_screen(&harness, anna);
    assert_eq!(shown.first(), Some(&oldest(anna)), "{shown:?}");
}

#[test]
fn a_backup_opened_after_someone_scrolled_opens_at_its_newest_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = sign_in_screen(&db);
    let ids = add_customers(&db);
    let [anna, bram] = &CUSTOMERS;
    let file = dir.path().join("bram.json");
    let conn = closedesk::store::open_existing(&db).unwrap();
    let now = jiff::Timestamp::now();
    closedesk::backup::export_to_file(&conn, ids[1], &file, closedesk::backup::Format::Json, false, now, &|_| true)
        .unwrap();
    drop(conn);

    sign_in_customer(&mut harness, anna.email, DEMO_CUSTOMER_PASSWORD);
    open_orders(&mut harness);
    scroll_down_far(&mut harness, anna);
    press(&mut harness, "Sign out");
    step_until(&mut harness, "the sign-in form", |h| {
        h.query_by_role_and_label(Role::TextInput, "Backup file path").is_some()
    });

    type_into(&mut harness, Role::TextInput, "Backup file path", &file.display().to_string());
    harness.key_press(egui::Key::Enter);
    open_orders(&mut harness);
    harness.run_steps(4);
    let shown = orders_on_screen(&harness, bram);
    assert_eq!(shown.first(), Some(&newest(bram)), "the backup's newest order is the first row: {shown:?}");
}
