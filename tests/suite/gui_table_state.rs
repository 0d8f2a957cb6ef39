//! A table's place belongs to the account it shows: the next customer, or a backup opened
//! after someone scrolled, opens at the top with the newest row first, and re-sorting starts
//! at the top again.

use crate::support::{gui, orders};

use closedesk::demo::{DEMO_CUSTOMER_PASSWORD, DemoAccount};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use gui::{Window, press, sign_in_customer, sign_in_screen, step_until, type_into};
use orders::{CUSTOMERS, add_customers, newest, oldest, open_orders, orders_on_screen};

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

/// Where the profile's first line is, against the bottom of the tab bar: below it when the
/// summary is at its top.
fn profile_below_tabs(harness: &Window) -> Option<(f32, f32)> {
    let tabs = harness.get_by_role_and_label(Role::Button, "Summary").rect().bottom();
    let profile = harness.get_all_by_label("Member since").next()?.rect().top();
    Some((profile, tabs))
}

#[test]
fn the_next_customer_opens_their_summary_at_the_top() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = sign_in_screen(&db);
    add_customers(&db);
    let [anna, bram] = &CUSTOMERS;

    sign_in_customer(&mut harness, anna.email, DEMO_CUSTOMER_PASSWORD);
    step_until(&mut harness, "Anna's summary", |h| h.query_all_by_label("Member since").next().is_some());
    for _ in 0..10 {
        harness.get_all_by_label("What the account holds").next().unwrap().scroll_down();
        harness.step();
    }
    harness.run_steps(4);
    let (profile, tabs) = profile_below_tabs(&harness).unwrap();
    assert!(profile < tabs, "the summary was scrolled down: profile at {profile}, tabs end at {tabs}");

    press(&mut harness, "Sign out");
    step_until(&mut harness, "the sign-in form", |h| h.query_by_role_and_label(Role::TextInput, "Email").is_some());
    sign_in_customer(&mut harness, bram.email, DEMO_CUSTOMER_PASSWORD);
    step_until(&mut harness, "Bram's summary", |h| h.query_all_by_label("Member since").next().is_some());
    harness.run_steps(4);
    let (profile, tabs) = profile_below_tabs(&harness).unwrap();
    assert!(profile > tabs, "Bram's summary starts at the top: profile at {profile}, tabs end at {tabs}");
}
