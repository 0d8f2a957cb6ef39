//! The dashboards as a person uses them: the real `ClosedeskApp` driven through its
//! accessibility tree, checked against the database it reads.

use crate::support::gui;

use std::path::Path;

use closedesk::clock::Clock;
use closedesk::core::{AccountId, AccountRef, Money, Role as StaffRole};
use closedesk::demo::{DEMO_ACCOUNTS, DEMO_CUSTOMER_PASSWORD, DemoAccount};
use closedesk::store::accounts;
use egui::accesskit::{Role, Toggled};
use egui_kittest::kittest::{By, NodeT as _, Queryable as _};
// A table cell's text shows up twice in the tree (the cell and its label): these stories
// accept duplicates.
use gui::{
    Window, has_any_input as has_role, has_any_label as has_label, open_window_at, ready_to_sign_in, sign_in_customer,
    sign_in_staff, step_until, type_into,
};
use rusqlite::Connection;

/// Wide enough for every column of the tables, tall enough for a window of rows.
const DASHBOARD_WINDOW: egui::Vec2 = egui::vec2(1280.0, 900.0);

/// Opens the window on a new demo database and waits for the sign-in form.
fn sign_in_screen(db: &Path) -> Window {
    ready_to_sign_in(open_window_at(db.to_owned(), Clock::System, DASHBOARD_WINDOW))
}

/// Signs `demo` in and waits for their summary.
fn sign_in_as(harness: &mut Window, demo: &DemoAccount) {
    sign_in_customer(harness, demo.email, DEMO_CUSTOMER_PASSWORD);
    step_until(harness, "the account's summary", |h| has_label(h, "Closure readiness"));
}

fn account_of(conn: &Connection, demo: &DemoAccount) -> AccountId {
    accounts::get_account(conn, &AccountRef::Email(demo.email.to_owned())).expect("a demo account").id
}

/// A node's text: its label, or for a plain label its value (where AccessKit keeps it).
fn text_of(node: &egui_kittest::Node<'_>) -> Option<String> {
    let node = node.accesskit_node();
    node.label().or_else(|| node.value())
}

/// Where a node is on screen, if it has a place (the window's root has none).
fn rect_of(node: &egui_kittest::Node<'_>) -> Option<egui::Rect> {
    let bounds = node.accesskit_node().bounding_box()?;
    Some(egui::Rect::from_min_max(
        egui::pos2(bounds.x0 as f32, bounds.y0 as f32),
        egui::pos2(bounds.x1 as f32, bounds.y1 as f32),
    ))
}

/// The texts of every node on the same line as `anchor` (its vertical middle inside theirs).
fn line_of(harness: &Window, anchor: &str) -> Vec<String> {
    let anchor = harness.get_all_by_label(anchor).next().expect("the anchor is shown").rect();
    let mut line: Vec<(f32, String)> = harness
        .query_all(By::new())
        .filter_map(|node| {
            let rect = rect_of(&node)?;
            let label = text_of(&node)?;
            (rect.y_range().contains(anchor.center().y) && rect.height() < 40.0).then_some((rect.left(), label))
        })
        .collect();
    line.sort_by(|a, b| a.0.total_cmp(&b.0));
    line.into_iter().map(|(_, label)| label).collect()
}

/// Which of `candidates` are on screen, top to bottom.
fn shown_in_order(harness: &Window, candidates: &[String]) -> Vec<String> {
    let mut found: Vec<(f32, String)> = harness
        .query_all(By::new())
        .filter_map(|node| {
            let label = text_of(&node)?;
            let top = rect_of(&node)?.top();
            candidates.contains(&label).then_some((top, label))
        })
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut texts: Vec<String> = found.into_iter().map(|(_, label)| label).collect();
    // A cell's text can show up twice in the tree (the cell and its label); count it once.
    texts.dedup();
    texts
}

fn money_text(amount_minor: i64, currency: &str) -> String {
    Money::new(amount_minor, closedesk::core::Currency::new(currency).expect("a currency code")).to_string()
}

#[test]
fn the_summary_shows_the_accounts_numbers_as_the_database_holds_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = sign_in_screen(&db);
    let demo = DemoAccount::by_situation("gift-card balance").unwrap();
    sign_in_as(&mut harness, demo);
    let conn = Connection::open(&db).unwrap();
    let account = account_of(&conn, demo);

    assert!(has_label(&harness, demo.display_name));
    assert!(has_label(&harness, demo.email));

    // Orders by status: one line each, with the count and the sum.
    let mut stmt = conn
        .prepare(
            "SELECT status, count(*), sum(total_minor), currency FROM orders WHERE account_id = ?1
             GROUP BY status, currency",
        )
        .unwrap();
    let rows: Vec<(String, i64, i64, String)> = stmt
        .query_map([account.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!rows.is_empty());
    for (status, count, sum, currency) in &rows {
        let label = status.parse::<closedesk::core::OrderStatus>().unwrap().label();
        let line = line_of(&harness, label);
        let noun = if *count == 1 { "order" } else { "orders" };
        assert!(line.contains(&format!("{count} {noun}")), "{label}: {line:?}");
        assert!(line.contains(&money_text(*sum, currency)), "{label}: {line:?}");
    }

    // Balances, straight from the ledger.
    let balance = |kind: &str| -> i64 {
        conn.query_row(
            "SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries WHERE account_id = ?1 AND kind = ?2",
            rusqlite::params![account.0, kind],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert!(line_of(&harness, "Gift-card balance").contains(&money_text(balance("gift_card"), "EUR")));
    assert!(line_of(&harness, "Refund balance").contains(&money_text(balance("refund"), "EUR")));

    // Every tab names how many rows it holds.
    let orders: i64 =
        conn.query_row("SELECT count(*) FROM orders WHERE account_id = ?1", [account.0], |r| r.get(0)).unwrap();
    assert!(has_role(&harness, Role::Button, &format!("Orders ({orders})")), "the orders tab shows {orders}");
    let mails: i64 =
        conn.query_row("SELECT count(*) FROM outbox WHERE account_id = ?1", [account.0], |r| r.get(0)).unwrap();
    assert!(has_role(&harness, Role::Button, &format!("Mail received ({mails})")));

    let coupons: i64 = conn
        .query_row(
            "SELECT count(*) FROM coupons WHERE account_id = ?1 AND redeemed_at IS NULL
             AND (expires_at IS NULL OR expires_at > unixepoch())",
            [account.0],
            |r| r.get(0),
        )
        .unwrap();
    let line = line_of(&harness, "Active coupons and benefits");
    assert!(line.iter().any(|text| text.starts_with(&format!("{coupons}, worth "))), "{line:?}");
    assert!(has_label(&harness, "Spending per month"));
    harness.check_accessibility();
}

/// What each demo situation must show in the readiness panel, written out by hand.
fn expected_blockers(situation: &str) -> &'static [&'static str] {
    match situation {
        "pending order" => &["1 order pending"],
        "in-transit order" => &["1 order in transit"],
        "open dispute" => &["1 dispute awaiting seller"],
        "refund balance" => &["Refund balance of EUR 34.50"],
        "gift-card balance" => &["Gift-card balance of EUR 37.01"],
        "awaiting payment" => &["1 order awaiting payment"],
        "closable" | "closure pending" => &[],
        other => panic!("no expectation for {other}"),
    }
}

#[test]
fn the_readiness_panel_names_each_demo_accounts_real_blockers_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = sign_in_screen(&db);
    // An agent can open every account, the one pending closure included.
    sign_in_staff(&mut harness, StaffRole::Agent);
    step_until(&mut harness, "the customer list", |h| has_label(h, DEMO_ACCOUNTS[0].display_name));

    let every_blocker: Vec<&str> =
        DEMO_ACCOUNTS.iter().flat_map(|demo| expected_blockers(demo.situation).iter().copied()).collect();
    for demo in DEMO_ACCOUNTS {
        harness.get_by_role_and_label(Role::Link, demo.display_name).click();
        // Agent screens mask the email.
        let masked = closedesk::core::masking::mask_email(demo.email);
        step_until(&mut harness, demo.situation, |h| has_label(h, "Closure readiness") && has_label(h, &masked));
        let expected = expected_blockers(demo.situation);
        for title in expected {
            assert!(has_role(&harness, Role::Link, title), "{}: {title} is named", demo.situation);
        }
        for title in every_blocker.iter().filter(|title| !expected.contains(title)) {
            assert!(!has_label(&harness, title), "{}: {title} is not its blocker", demo.situation);
        }
        if demo.situation == "closure pending" {
            // A closure already confirmed is not "ready to close": it is scheduled, and says when.
            let scheduled = harness.query_all_by_label_contains("This account is scheduled for deletion on ").count();
            assert!(scheduled > 0, "{}", demo.situation);
            assert!(!has_label(&harness, "Nothing blocks closing this account."));
        } else if expected.is_empty() {
            assert!(has_label(&harness, "Nothing blocks closing this account."), "{}", demo.situation);
        } else {
            let count = expected.len();
            let heading = format!(
                "{count} {} be cleared before this account can close:",
                if count == 1 { "thing must" } else { "things must" }
            );
            assert!(has_label(&harness, &heading), "{}", demo.situation);
        }
        harness.get_by_label("Back to customers").click();
        step_until(&mut harness, "the customer list again", |h| has_label(h, "Search customers"));
    }
}

#[test]
fn clicking_a_blocker_opens_the_table_filtered_to_exactly_those_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = sign_in_screen(&db);
    let demo = DemoAccount::by_situation("in-transit order").unwrap();
    sign_in_as(&mut harness, demo);
    let conn = Connection::open(&db).unwrap();
    let account = account_of(&conn, demo);
    let numbers: Vec<(String, String)> = conn
        .prepare("SELECT order_number, status FROM orders WHERE account_id = ?1")
        .unwrap()
        .query_map([account.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();

    harness.get_by_role_and_label(Role::Link, "1 order in transit").click();
    step_until(&mut harness, "the filtered orders", |h| has_label(h, &format!("1 of {} orders", numbers.len())));
    for (number, status) in &numbers {
        assert_eq!(has_label(&harness, number), status == "in_transit", "order {number} ({status})");
    }
    let chosen = harness.get_by_role_and_label(Role::Button, "Shipped / in transit");
    assert_eq!(chosen.accesskit_node().toggled(), Some(Toggled::True), "the status filter shows what is kept");
    assert!(has_role(&harness, Role::Label, "Shipped / in transit"), "the row's status");
    harness.check_accessibility();

    // "Show all" brings every order back.
    harness.get_by_label("Show all").click();
    step_until(&mut harness, "every order", |h| has_label(h, &format!("{0} of {0} orders", numbers.len())));
    assert!(numbers.iter().all(|(number, _)| has_label(&harness, number)));

    // The parcel arrives (elsewhere): after a refresh the blocker is gone and the rows follow.
    let (in_transit, _) = numbers.iter().find(|(_, status)| status == "in_transit").unwrap();
    conn.execute("UPDATE orders SET status = 'delivered' WHERE order_number = ?1", [in_transit]).unwrap();
    harness.get_by_label("Refresh").click();
    step_until(&mut harness, "the refreshed orders", |h| {
        has_label(h, in_transit) && line_of(h, in_transit).contains(&"Delivered".to_owned())
    });
    harness.get_by_role_and_label(Role::Button, "Summary").click();
    step_until(&mut harness, "the refreshed summary", |h| has_label(h, "Nothing blocks closing this account."));
    assert!(!has_label(&harness, "1 order in transit"));
}

#[test]
fn sorting_filtering_and_expanding_the_orders_table_change_the_rows_shown() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = sign_in_screen(&db);
    let demo = DemoAccount::by_situation("closable").unwrap();
    sign_in_as(&mut harness, demo);
    let conn = Connection::open(&db).unwrap();
    let account = account_of(&conn, demo);
    let ordered = |order_by: &str| -> Vec<String> {
        conn.prepare(&format!("SELECT order_number FROM orders WHERE account_id = ?1 ORDER BY {order_by}"))
            .unwrap()
            .query_map([account.0], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let newest_first = ordered("placed_at DESC, id DESC");
    let total = newest_first.len();

    harness.get_by_role_and_label(Role::Button, &format!("Orders ({total})")).click();
    step_until(&mut harness, "the orders", |h| has_label(h, &newest_first[0]));
    assert_eq!(shown_in_order(&harness, &newest_first), newest_first, "newest first when the tab opens");
    assert!(has_label(&harness, &format!("{total} of {total} orders")));

    harness.get_by_role_and_label(Role::Button, "Total").click();
    let cheapest_first = ordered("total_minor ASC, id ASC");
    step_until(&mut harness, "orders by total", |h| shown_in_order(h, &newest_first) == cheapest_first);
    harness.get_by_role_and_label(Role::Button, "Total").click();
    let dearest_first = ordered("total_minor DESC, id DESC");
    step_until(&mut harness, "orders by total, reversed", |h| shown_in_order(h, &newest_first) == dearest_first);

    // Ctrl+F puts the cursor in the filter; typing narrows the rows.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.step();
    harness.step();
    let filter = harness.get_by_role_and_label(Role::TextInput, "Filter orders");
    assert!(filter.is_focused(), "Ctrl+F focuses the filter");
    filter.type_text("fairy");
    let lights = ordered("id").into_iter().next().unwrap();
    step_until(&mut harness, "the filtered orders", |h| has_label(h, &format!("1 of {total} orders")));
    assert_eq!(
        shown_in_order(&harness, &newest_first),
        std::slice::from_ref(&lights),
        "the order holding fairy lights"
    );

    // The order expands to its items.
    harness.get_by_role_and_label(Role::Button, "2 items").click();
    step_until(&mut harness, "the items", |h| has_label(h, "LED fairy lights, 10 m, warm white"));
    assert!(has_label(&harness, "Linen cushion cover, 45 × 45 cm"));
    // The items are a small table of their own: a line of their titles, each value under its.
    let mut titles = line_of(&harness, "Unit price");
    // A cell's text shows up twice in the tree (the cell and its label).
    titles.dedup();
    assert_eq!(titles, ["Item", "Quantity", "Unit price", "Line total"], "the items' own column titles");
    let cushions = line_of(&harness, "Linen cushion cover, 45 × 45 cm");
    assert!(cushions.contains(&"4".to_owned()) && cushions.contains(&"EUR 26.00".to_owned()), "{cushions:?}");
    for (title, value) in [("Quantity", "4"), ("Line total", "EUR 26.00")] {
        let title = harness.get_all_by_label(title).next().unwrap().rect();
        let under = harness
            .get_all_by_label(value)
            .map(|node| node.rect())
            .find(|rect| rect.top() > title.top())
            .unwrap_or_else(|| panic!("{value} below {title:?}"));
        assert!((under.left() - title.left()).abs() < 1.0, "{value} sits under {title:?}: {under:?}");
    }
    harness.check_accessibility();
}

#[test]
fn an_opened_backup_shows_read_only_with_the_same_counts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = sign_in_screen(&db);
    let demo = DemoAccount::by_situation("open dispute").unwrap();
    let conn = Connection::open(&db).unwrap();
    let account = account_of(&conn, demo);
    let file = dir.path().join("backup.json");
    let now = jiff::Timestamp::now();
    closedesk::backup::export_to_file(&conn, account, &file, closedesk::backup::Format::Json, false, now, &|_| true)
        .unwrap();
    let counts = accounts::account_counts(&conn, account).unwrap();

    // A file that is not a backup is refused with its reason.
    let foreign = dir.path().join("notes.json");
    std::fs::write(&foreign, r#"{"shopping": ["eggs"]}"#).unwrap();
    type_into(&mut harness, Role::TextInput, "Backup file path", &foreign.display().to_string());
    harness.get_by_label("Open").click();
    step_until(&mut harness, "the refusal", |h| h.query_by_label_contains("notes.json").is_some());
    assert!(!has_label(&harness, "Closure readiness"));

    let field = harness.get_by_role_and_label(Role::TextInput, "Backup file path");
    field.focus();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.step();
    type_into(&mut harness, Role::TextInput, "Backup file path", &file.display().to_string());
    // Enter in the field opens it, like the button.
    harness.key_press(egui::Key::Enter);
    step_until(&mut harness, "the backup's summary", |h| has_label(h, "Closure readiness"));

    let banner = harness.get_by_label_contains("Read-only backup of ").value().unwrap_or_default();
    assert!(banner.contains(demo.display_name) && banner.contains(demo.email), "whose backup: {banner}");
    assert!(banner.contains("taken ") && banner.contains("Nothing here can be changed."), "{banner}");
    assert!(has_role(&harness, Role::Button, &format!("Orders ({})", counts.orders)));
    assert!(has_role(&harness, Role::Button, &format!("Disputes ({})", counts.disputes)));
    assert!(has_role(&harness, Role::Button, &format!("Conversations ({})", counts.conversations)));
    assert!(has_role(&harness, Role::Link, "1 dispute awaiting seller"), "the blockers as the backup holds them");
    for action in ["Account settings", "Close account…", "Back up account…", "Sign out"] {
        assert!(harness.query_by_label_contains(action).is_none(), "no {action} in a backup");
    }
    assert!(has_role(&harness, Role::Button, "Close backup"), "nobody is signed in: the backup is closed");

    // Its tables page from the backup like the live ones.
    harness.get_by_role_and_label(Role::Link, "1 dispute awaiting seller").click();
    step_until(&mut harness, "the disputes", |h| has_label(h, &format!("1 of {} disputes", counts.disputes)));
    harness.check_accessibility();

    harness.get_by_label("Close backup").click();
    step_until(&mut harness, "the sign-in form", |h| has_role(h, Role::TextInput, "Email"));
}

#[test]
fn a_large_account_fills_its_orders_table_window_by_window() {
    const ORDERS: i64 = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = sign_in_screen(&db);
    let mut conn = closedesk::store::open_existing(&db).unwrap();
    let phc = closedesk::auth::password::hash(&closedesk::auth::Secret::from(DEMO_CUSTOMER_PASSWORD)).unwrap();
    let tx = conn.transaction().unwrap();
    let account = accounts::insert_account(
        &tx,
        &accounts::NewAccount {
            display_name: "Lars Großkunde",
            email: "lars@example.test",
            phone: None,
            country: "DE",
            created_at: jiff::Timestamp::from_second(1_600_000_000).unwrap(),
            password_phc: &phc,
        },
    )
    .unwrap();
    for k in 0..ORDERS {
        tx.execute(
            "INSERT INTO orders (account_id, order_number, placed_at, status, seller, total_minor, currency)
             VALUES (?1, ?2, ?3, 'completed', 'Bulk Seller', ?4, 'EUR')",
            rusqlite::params![account.0, format!("LG-{k:08}"), 1_600_000_000 + k * 60, 100 + k],
        )
        .unwrap();
    }
    tx.commit().unwrap();

    let large = DemoAccount { email: "lars@example.test", display_name: "Lars Großkunde", situation: "large" };
    sign_in_as(&mut harness, &large);
    assert!(has_label(&harness, "20,000 orders"), "the summary counts them all");
    harness.get_by_role_and_label(Role::Button, "Orders (20,000)").click();
    step_until(&mut harness, "the newest orders", |h| has_label(h, "LG-00019999"));
    assert!(has_label(&harness, "20,000 of 20,000 orders"));
    assert!(!has_label(&harness, "LG-00000000"), "only the rows on screen are laid out");

    // Dragging the scroll bar's handle to the bottom shows the oldest orders, which a worker
    // then loads window by window.
    let first_row = harness.get_all_by_label("LG-00019999").next().expect("the first row").rect();
    let handle = egui::pos2(1280.0 - 16.0 - 3.0, first_row.top() + 4.0);
    let bottom = egui::pos2(handle.x, 900.0);
    harness.hover_at(handle);
    harness.step();
    harness.drag_at(handle);
    harness.step();
    for step in 1..=10 {
        harness.hover_at(handle + (bottom - handle) * (step as f32 / 10.0));
        harness.step();
    }
    harness.drop_at(bottom);
    step_until(&mut harness, "the oldest orders", |h| has_label(h, "LG-00000000"));
    assert!(!has_label(&harness, "LG-00019999"));
}
