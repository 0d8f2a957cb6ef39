//! The window from the keyboard alone: Tab runs in reading order, each new screen puts the
//! keyboard in its first field, Escape closes the panel on top, and Page Up, Page Down, Home
//! and End move a long table.

use crate::support::{gui, orders};

use closedesk::core::Role as StaffRole;
use closedesk::demo::{DEMO_ACCOUNTS, DEMO_CUSTOMER_PASSWORD, DemoAccount};
use egui::accesskit::Role;
use egui_kittest::kittest::{By, NodeT as _, Queryable as _};
use gui::{
    Window, customer_signed_in, demo_staff, has_label, open_window, press, sign_in_customer, sign_in_screen,
    staff_signed_in, step_until, type_into,
};
use orders::{CUSTOMERS, add_customers, newest, oldest, open_orders, orders_on_screen};

/// The label of the widget that has the keyboard, if one has.
fn focused(harness: &Window) -> Option<String> {
    let has_keyboard = |node: &egui_kittest::kittest::AccessKitNode<'_>| node.is_focused();
    harness.query_all(By::new().predicate(has_keyboard)).find_map(|node| node.accesskit_node().label())
}

fn field_has_keyboard(harness: &Window, role: Role, label: &str) -> bool {
    harness.query_by_role_and_label(role, label).is_some_and(|field| field.is_focused())
}

#[test]
fn tab_runs_through_the_top_bar_from_left_to_right() {
    let dir = tempfile::tempdir().unwrap();
    let demo = DemoAccount::by_situation("closable").unwrap();
    let mut harness = customer_signed_in(&dir.path().join("closedesk.db"), demo);
    step_until(&mut harness, "the summary", |h| has_label(h, "Closure readiness"));

    harness.get_by_role_and_label(Role::Button, "Overview").focus();
    harness.run_steps(2);
    assert_eq!(focused(&harness).as_deref(), Some("Overview"));
    let mut visited = Vec::new();
    for _ in 0..5 {
        harness.key_press(egui::Key::Tab);
        harness.run_steps(2);
        visited.push(focused(&harness).unwrap_or_default());
    }
    assert_eq!(visited, ["Account settings", "System", "Light", "Dark", "Sign out"]);
    // The bar measures its right end once; it does not keep the window repainting.
    assert!(harness.try_run().is_ok(), "the window goes idle");
}

#[test]
fn after_sign_out_the_email_field_has_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let demo = DemoAccount::by_situation("closable").unwrap();
    let mut harness = customer_signed_in(&dir.path().join("closedesk.db"), demo);
    step_until(&mut harness, "the summary", |h| has_label(h, "Closure readiness"));

    press(&mut harness, "Sign out");
    step_until(&mut harness, "the sign-in form", |h| h.query_by_role_and_label(Role::TextInput, "Email").is_some());
    harness.run_steps(2);
    assert!(field_has_keyboard(&harness, Role::TextInput, "Email"), "focused: {:?}", focused(&harness));

    // The agent's form puts it in Name.
    press(&mut harness, "Support agent");
    step_until(&mut harness, "the agent form", |h| h.query_by_role_and_label(Role::TextInput, "Name").is_some());
    harness.run_steps(2);
    assert!(field_has_keyboard(&harness, Role::TextInput, "Name"), "focused: {:?}", focused(&harness));
}

#[test]
fn the_agent_desk_opens_with_the_keyboard_in_the_customer_search() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = staff_signed_in(open_window(dir.path().join("closedesk.db")), StaffRole::Agent);
    harness.run_steps(2);
    assert!(field_has_keyboard(&harness, Role::TextInput, "Search customers"), "focused: {:?}", focused(&harness));
}

#[test]
fn escape_closes_the_reveal_form_and_the_password_reset_form() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = staff_signed_in(open_window(dir.path().join("closedesk.db")), StaffRole::Admin);
    let demo = &DEMO_ACCOUNTS[1];
    type_into(&mut harness, Role::TextInput, "Search customers", demo.email);
    step_until(&mut harness, "the customer", |h| has_label(h, demo.display_name));
    press(&mut harness, demo.display_name);
    step_until(&mut harness, "the customer's dashboards", |h| has_label(h, "Reveal"));

    press(&mut harness, "Reveal");
    step_until(&mut harness, "the reveal form", |h| has_label(h, "Reveal personal data"));
    harness.key_press(egui::Key::Escape);
    harness.run_steps(3);
    assert!(!has_label(&harness, "Reveal personal data"), "Escape closed the reveal form");
    assert!(has_label(&harness, "Back to customers"), "and only the form: the customer stays open");

    press(&mut harness, "Admin");
    let (agent, _) = demo_staff(StaffRole::Agent);
    let reset = format!("Reset password of {agent}…");
    step_until(&mut harness, "the agents", |h| has_label(h, &reset));
    press(&mut harness, &reset);
    let field = format!("New password for {agent}");
    step_until(&mut harness, "the reset form", |h| h.query_by_role_and_label(Role::PasswordInput, &field).is_some());
    harness.run_steps(2);
    assert!(field_has_keyboard(&harness, Role::PasswordInput, &field), "the form's field has the keyboard");
    harness.key_press(egui::Key::Escape);
    harness.run_steps(3);
    assert!(harness.query_by_role_and_label(Role::PasswordInput, &field).is_none(), "Escape closed the reset form");
}

#[test]
fn page_down_page_up_home_and_end_move_the_orders_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = sign_in_screen(&db);
    add_customers(&db);
    let anna = &CUSTOMERS[0];
    sign_in_customer(&mut harness, anna.email, DEMO_CUSTOMER_PASSWORD);
    open_orders(&mut harness);
    let first_page = orders_on_screen(&harness, anna);
    assert_eq!(first_page.first(), Some(&newest(anna)));

    harness.key_press(egui::Key::PageDown);
    step_until(&mut harness, "the next page", |h| orders_on_screen(h, anna).first() != Some(&newest(anna)));
    harness.run_steps(10);
    let second_page = orders_on_screen(&harness, anna);
    let last_seen = first_page.last().unwrap();
    assert!(second_page.contains(last_seen), "the page's last row stays in sight: {second_page:?}");
    // The table lays out the row half hidden above the top too: allow for it.
    assert!(
        first_page[..first_page.len() - 2].iter().all(|row| !second_page.contains(row)),
        "a page further: {first_page:?} then {second_page:?}"
    );

    harness.key_press(egui::Key::End);
    step_until(&mut harness, "the oldest order", |h| orders_on_screen(h, anna).contains(&oldest(anna)));
    harness.key_press(egui::Key::Home);
    step_until(&mut harness, "the newest order again", |h| orders_on_screen(h, anna).first() == Some(&newest(anna)));
    harness.key_press(egui::Key::PageDown);
    step_until(&mut harness, "the next page", |h| orders_on_screen(h, anna).first() != Some(&newest(anna)));
    harness.key_press(egui::Key::PageUp);
    step_until(&mut harness, "the first page again", |h| orders_on_screen(h, anna).first() == Some(&newest(anna)));
}

/// The customers' names on screen in the agent's list, top to bottom.
fn customers_on_screen(harness: &Window) -> Vec<String> {
    labels_on_screen(harness, Role::Link, |_| true)
}

/// The labels of the `role` nodes on screen that `wanted` keeps, top first.
fn labels_on_screen(harness: &Window, role: Role, wanted: impl Fn(&str) -> bool) -> Vec<String> {
    let mut nodes: Vec<(f32, String)> = harness
        .query_all_by_role(role)
        .filter_map(|node| Some((node.rect().top(), node.accesskit_node().label()?)))
        .filter(|(_, label)| wanted(label))
        .collect();
    nodes.sort_by(|a, b| a.0.total_cmp(&b.0));
    nodes.into_iter().map(|(_, name)| name).collect()
}

#[test]
fn end_and_home_move_the_agents_customer_list_once_the_search_field_lets_go() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = staff_signed_in(open_window(db.clone()), StaffRole::Agent);
    let mut conn = closedesk::store::open_existing(&db).unwrap();
    let spec = closedesk::demo::seed::SeedSpec { accounts: 60, orders_per_account: 0, seed: 3 };
    closedesk::demo::seed::seed(&mut conn, &spec, jiff::Timestamp::now(), &mut |_| {}).unwrap();
    drop(conn);
    type_into(&mut harness, Role::TextInput, "Search customers", "synthetic");
    step_until(&mut harness, "a full page of customers", |h| h.query_by_label_contains("Showing the first").is_some());
    harness.run_steps(2);
    let top = customers_on_screen(&harness);
    assert!(top.len() > 5, "{top:?}");

    // The search field has the keyboard; Escape lets go of it, and the keys reach the table.
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    harness.key_press(egui::Key::End);
    step_until(&mut harness, "the end of the list", |h| !customers_on_screen(h).contains(&top[0]));
    harness.key_press(egui::Key::Home);
    step_until(&mut harness, "the top of the list", |h| customers_on_screen(h).first() == top.first());
}

#[test]
fn each_agent_page_with_fields_opens_with_the_keyboard_in_its_first_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = staff_signed_in(open_window(dir.path().join("closedesk.db")), StaffRole::Agent);
    press(&mut harness, "Audit trail");
    step_until(&mut harness, "the audit filters", |h| {
        h.query_by_role_and_label(Role::TextInput, "Account id").is_some()
    });
    harness.run_steps(2);
    assert!(field_has_keyboard(&harness, Role::TextInput, "Account id"), "focused: {:?}", focused(&harness));
    press(&mut harness, "Customers");
    harness.run_steps(2);
    assert!(field_has_keyboard(&harness, Role::TextInput, "Search customers"), "focused: {:?}", focused(&harness));
}

#[test]
fn the_admin_page_opens_with_the_keyboard_in_the_new_agents_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = staff_signed_in(open_window(dir.path().join("closedesk.db")), StaffRole::Admin);
    press(&mut harness, "Admin");
    step_until(&mut harness, "the add-agent form", |h| {
        h.query_by_role_and_label(Role::TextInput, "Agent name").is_some()
    });
    harness.run_steps(2);
    assert!(field_has_keyboard(&harness, Role::TextInput, "Agent name"), "focused: {:?}", focused(&harness));
}

#[test]
fn each_wizard_step_with_a_field_opens_with_the_keyboard_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let demo = DemoAccount::by_situation("closable").unwrap();
    let mut harness = customer_signed_in(&dir.path().join("closedesk.db"), demo);
    step_until(&mut harness, "the customer's top bar", |h| has_label(h, "Account settings"));
    press(&mut harness, "Account settings");
    step_until(&mut harness, "the settings page", |h| has_label(h, "Close account…"));
    press(&mut harness, "Close account…");
    step_until(&mut harness, "the readiness warnings", |h| {
        h.query_by_role_and_label(Role::CheckBox, "I understand").is_some()
    });
    harness.run_steps(2);
    assert!(field_has_keyboard(&harness, Role::CheckBox, "I understand"), "focused: {:?}", focused(&harness));

    press(&mut harness, "I understand");
    press(&mut harness, "Continue");
    step_until(&mut harness, "the password step", |h| {
        h.query_by_role_and_label(Role::PasswordInput, "Password").is_some()
    });
    harness.run_steps(2);
    assert!(field_has_keyboard(&harness, Role::PasswordInput, "Password"), "focused: {:?}", focused(&harness));
    type_into(&mut harness, Role::PasswordInput, "Password", DEMO_CUSTOMER_PASSWORD);
    press(&mut harness, "Continue");

    let first_reason = closedesk::core::closure::Reason::ALL[0].label();
    step_until(&mut harness, "the reasons", |h| h.query_by_role_and_label(Role::RadioButton, first_reason).is_some());
    harness.run_steps(2);
    assert!(field_has_keyboard(&harness, Role::RadioButton, first_reason), "focused: {:?}", focused(&harness));
}

/// The accounts whose "Cancel closure of account N…" button is on screen, top first.
fn queue_on_screen(harness: &Window) -> Vec<String> {
    labels_on_screen(harness, Role::Button, |label| label.starts_with("Cancel closure of account"))
}

#[test]
fn end_and_home_move_a_long_closure_queue() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = staff_signed_in(open_window(db.clone()), StaffRole::Admin);
    let mut conn = closedesk::store::open_existing(&db).unwrap();
    let spec = closedesk::demo::seed::SeedSpec { accounts: 60, orders_per_account: 0, seed: 4 };
    closedesk::demo::seed::seed(&mut conn, &spec, jiff::Timestamp::now(), &mut |_| {}).unwrap();
    // Sixty closures confirmed, as the wizard would leave them: the queue is longer than the window.
    let later = jiff::Timestamp::now().as_second() + 3 * 86_400;
    conn.execute_batch(&format!(
        "INSERT INTO closure_requests (account_id, requested_at, purge_after, reason_code, backup_taken)
             SELECT id, 0, {later}, 'privacy', 0 FROM accounts WHERE email LIKE 'synthetic-%';
         UPDATE accounts SET status = 'closure_pending' WHERE email LIKE 'synthetic-%';"
    ))
    .unwrap();
    drop(conn);
    press(&mut harness, "Closure queue");
    step_until(&mut harness, "a queue longer than the window", |h| queue_on_screen(h).len() > 5);
    harness.run_steps(2);
    let top = queue_on_screen(&harness);
    assert!(top.len() < 60, "the window shows only part of the queue: {}", top.len());
    // The customer search, which had the keyboard, is no longer on screen: the keys are the page's.
    assert!(!harness.ctx.egui_wants_keyboard_input(), "a field off screen keeps the keyboard");

    harness.key_press(egui::Key::End);
    step_until(&mut harness, "the end of the queue", |h| !queue_on_screen(h).contains(&top[0]));
    harness.key_press(egui::Key::Home);
    step_until(&mut harness, "the top of the queue", |h| queue_on_screen(h).first() == top.first());
}
