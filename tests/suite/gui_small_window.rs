//! The window at its smallest (`MIN_WINDOW_SIZE`): nothing on screen overlaps, and what does
//! not fit can still be scrolled to.

use crate::support::gui;

use closedesk::clock::Clock;
use closedesk::core::Role as StaffRole;
use closedesk::core::closure::Reason;
use closedesk::demo::DemoAccount;
use closedesk::demo::seed::{SeedSpec, seed};
use closedesk::ui::MIN_WINDOW_SIZE;
use egui_kittest::kittest::{AccessKitNode, By, NodeT as _, Queryable as _};
use gui::{Window, has_label, open_window_at, press, ready_to_sign_in, sign_in_customer, step_until};
use jiff::{SignedDuration, Timestamp};

fn smallest_window(db: &std::path::Path, clock: Clock) -> Window {
    ready_to_sign_in(open_window_at(db.to_owned(), clock, MIN_WINDOW_SIZE))
}

fn on_screen(rect: egui::Rect) -> bool {
    egui::Rect::from_min_size(egui::Pos2::ZERO, MIN_WINDOW_SIZE).contains_rect(rect)
}

#[test]
fn the_open_backup_form_below_the_sign_in_card_scrolls_into_view() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = smallest_window(&dir.path().join("closedesk.db"), Clock::System);
    let open = harness.get_by_label("Open").rect();
    assert!(!on_screen(open), "the test needs the button below the fold: {open:?}");

    harness.get_by_label("Open").scroll_to_me();
    harness.run_steps(4);
    let open = harness.get_by_label("Open").rect();
    assert!(on_screen(open), "the button was scrolled into view: {open:?}");
}

#[test]
fn the_signed_in_name_gives_way_to_the_page_buttons() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = smallest_window(&dir.path().join("closedesk.db"), Clock::System);
    // The demo login with the longest name and email.
    let demo = DemoAccount::by_situation("closable").unwrap();
    sign_in_customer(&mut harness, demo.email, closedesk::demo::DEMO_CUSTOMER_PASSWORD);
    let who = format!("{} <", demo.display_name);
    let shows_who = |node: &AccessKitNode<'_>| {
        node.label().or_else(|| node.value()).is_some_and(|text| text.starts_with(who.as_str()))
    };
    step_until(&mut harness, "the name in the top bar", |h| {
        h.query_all(By::new().predicate(shows_who)).next().is_some()
    });

    let settings = harness.get_by_label("Account settings").rect();
    // The label and its text are two nodes with one place.
    let identity = harness.query_all(By::new().predicate(shows_who)).next().unwrap().rect();
    assert!(on_screen(settings) && on_screen(identity), "{settings:?} {identity:?}");
    assert!(!settings.intersects(identity), "the name covers the page button: {settings:?} {identity:?}");
}

#[test]
fn a_purge_of_many_accounts_keeps_the_queue_on_screen_below_its_receipts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let created = Timestamp::now();
    let (mut conn, _) = closedesk::demo::open_or_create_with_demo(&db, created).unwrap();
    seed(&mut conn, &SeedSpec { accounts: 40, orders_per_account: 0, seed: 5 }, created, &mut |_| {}).unwrap();
    let synthetic: Vec<i64> = conn
        .prepare("SELECT id FROM accounts WHERE status = 'active' AND email LIKE '%synthetic%'")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(synthetic.len(), 40);
    for id in synthetic {
        let account = closedesk::core::AccountId(id);
        closedesk::store::closure::commit_close(&conn, account, created, Reason::Privacy, None, false, created)
            .unwrap();
    }
    drop(conn);

    // Past the demo's own pending account's deadline too: 41 accounts are due.
    let later = Clock::Fixed(created + SignedDuration::from_hours(49));
    let mut harness = gui::staff_signed_in(open_window_at(db.clone(), later, MIN_WINDOW_SIZE), StaffRole::Admin);
    press(&mut harness, "Closure queue");
    step_until(&mut harness, "the due accounts", |h| h.query_all_by_label("due").count() > 0);
    let is_cancel = |node: &AccessKitNode<'_>| node.label().is_some_and(|l| l.starts_with("Cancel closure of account"));
    let cancel = harness.query_all(By::new().predicate(is_cancel)).next().unwrap().rect();
    assert!(on_screen(cancel), "the first row's cancel button is in the window: {cancel:?}");
    assert!(cancel.height() < 30.0, "the cancel button is one line, not a tower of words: {cancel:?}");
    press(&mut harness, "Purge due now…");
    step_until(&mut harness, "the purge's question", |h| has_label(h, "Purge 41 accounts for good?"));
    let (_, password) = gui::demo_staff(StaffRole::Admin);
    gui::type_into(&mut harness, egui::accesskit::Role::PasswordInput, "Your password, to confirm", password);
    press(&mut harness, "Purge 41 accounts");
    step_until(&mut harness, "the receipts", |h| has_label(h, "Purged 41 accounts"));
    step_until(&mut harness, "the emptied queue", |h| has_label(h, "No account is waiting for its purge."));

    let emptied = harness.get_by_label("No account is waiting for its purge.").rect();
    assert!(on_screen(emptied), "the queue was pushed off the window by the receipts: {emptied:?}");
}

/// Where a table's header row shows `last`, its last column's title: on the same line as
/// `first`, the first column's title (cells and filter bars may hold the same words).
fn header_named(harness: &Window, first: &str, last: &str) -> Option<egui::Rect> {
    let named = |title: &str| {
        let title = title.to_owned();
        move |node: &AccessKitNode<'_>| node.label().or_else(|| node.value()).is_some_and(|text| text == title)
    };
    let firsts: Vec<f32> = harness.query_all(By::new().predicate(named(first))).map(|node| node.rect().top()).collect();
    harness
        .query_all(By::new().predicate(named(last)))
        .map(|node| node.rect())
        .find(|rect| firsts.iter().any(|top| (top - rect.top()).abs() < 0.5))
}

/// Scrolls the header `last` into view the way a screen reader does, and says where it is.
fn brought_into_view(harness: &mut Window, first: &str, last: &str) -> egui::Rect {
    let rect = header_named(harness, first, last).unwrap_or_else(|| panic!("no header {last}"));
    let named = |node: &AccessKitNode<'_>| node.label().or_else(|| node.value()).is_some_and(|text| text == last);
    let header = harness
        .query_all(By::new().predicate(named))
        .find(|node| node.rect() == rect)
        .unwrap_or_else(|| panic!("no header {last}"));
    header.scroll_to_me();
    harness.run_steps(6);
    header_named(harness, first, last).unwrap_or_else(|| panic!("the header {last} went away"))
}

#[test]
fn every_dashboard_table_can_bring_its_last_column_into_the_smallest_window() {
    use closedesk::service::dashboard::Listing;
    let dir = tempfile::tempdir().unwrap();
    let mut harness = smallest_window(&dir.path().join("closedesk.db"), Clock::System);
    let demo = DemoAccount::by_situation("open dispute").unwrap();
    sign_in_customer(&mut harness, demo.email, closedesk::demo::DEMO_CUSTOMER_PASSWORD);
    step_until(&mut harness, "the summary", |h| h.query_all_by_label("Closure readiness").next().is_some());

    let mut checked = Vec::new();
    for listing in Listing::ALL {
        let tab = format!("{} (", listing.label());
        let is_tab = |node: &AccessKitNode<'_>| node.label().is_some_and(|label| label.starts_with(tab.as_str()));
        let Some(button) = harness.query_all(By::new().predicate(is_tab)).next() else {
            panic!("no tab for {listing}");
        };
        if button.accesskit_node().label().is_some_and(|label| label.ends_with("(0)")) {
            continue;
        }
        button.click_accesskit();
        harness.step();
        let columns = listing.columns();
        let (first, last) = (columns[0].title, columns.last().unwrap().title);
        step_until(&mut harness, "the table", |h| {
            header_named(h, first, last).is_some() && h.query_all_by_label("…").count() == 0
        });
        let header = brought_into_view(&mut harness, first, last);
        assert!(on_screen(header), "{listing}: the last column, {last}, is out of reach at {header:?}");
        checked.push(listing);
    }
    assert!(checked.contains(&Listing::Orders) && checked.len() >= 8, "tables with rows: {checked:?}");
}

#[test]
fn every_agent_table_can_bring_its_last_column_into_the_smallest_window() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = gui::staff_signed_in(open_window_at(db, Clock::System, MIN_WINDOW_SIZE), StaffRole::Admin);
    let pages = [
        ("Customers", "Id", "Status"),
        ("Closure queue", "Account", "Action"),
        ("Audit trail", "Line", "Outcome"),
        ("Admin", "Name", "Actions"),
    ];
    for (page, first, last) in pages {
        press(&mut harness, page);
        step_until(&mut harness, page, |h| header_named(h, first, last).is_some());
        harness.run_steps(2);
        let header = brought_into_view(&mut harness, first, last);
        assert!(on_screen(header), "{page}: the last column, {last}, is out of reach at {header:?}");
    }
}
