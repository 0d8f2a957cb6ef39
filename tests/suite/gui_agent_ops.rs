//! The operations side of the agent desk as support staff use it: the closure queue and its
//! purge, the audit viewer and its CSV export, and the admin page. The real `ClosedeskApp`
//! (logic and ui) is driven through its accessibility tree, against a demo database in a
//! temporary folder, with workers running for real.

use crate::support::gui;

use std::path::{Path, PathBuf};

use closedesk::auth::Credentials;
use closedesk::clock::Clock;
use closedesk::core::audit::{Actor, AuditEvent};
use closedesk::core::permissions::{Action, Principal, authorize};
use closedesk::core::{AccountRef, Role as StaffRole};
use closedesk::demo::DemoAccount;
use closedesk::store::{accounts, agents, audit};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui::{Window, has_any_label, has_label, has_text, mailed_code, open_window_at, press, step_until, type_into};
use jiff::{SignedDuration, Timestamp};

/// The queue, the audit lines and the admin page want a little more room than the default.
const OPS_WINDOW: egui::Vec2 = egui::vec2(1200.0, 800.0);

/// A demo database created at `created`, as on first launch.
fn demo_db(dir: &Path, created: Timestamp) -> PathBuf {
    let db = dir.join("closedesk.db");
    closedesk::demo::open_or_create_with_demo(&db, created).unwrap();
    db
}

/// Opens the window on `db` at `clock` and signs the demo staff member with `role` in.
fn staff_signed_in(db: &Path, clock: Clock, role: StaffRole) -> Window {
    gui::staff_signed_in(open_window_at(db.to_owned(), clock, OPS_WINDOW), role)
}

fn pending_account(db: &Path) -> closedesk::core::AccountId {
    let demo = DemoAccount::by_situation("closure pending").unwrap();
    let conn = closedesk::store::open_existing(db).unwrap();
    accounts::get_account(&conn, &AccountRef::Email(demo.email.to_owned())).unwrap().id
}

#[test]
fn admin_purges_the_due_account_and_sees_its_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let created = Timestamp::now();
    let db = demo_db(dir.path(), created);
    let pending = pending_account(&db);
    // The demo's pending account purges 48 h after the database was created.
    let later = Clock::Fixed(created + SignedDuration::from_hours(49));
    let mut harness = staff_signed_in(&db, later, StaffRole::Admin);

    press(&mut harness, "Closure queue");
    step_until(&mut harness, "the queue with its due account", |h| has_label(h, "due"));
    assert!(has_label(&harness, &format!("Cancel closure of account {pending}…")));
    harness.check_accessibility();

    press(&mut harness, "Purge due now…");
    step_until(&mut harness, "the list of what would go", |h| has_label(h, "Purge 1 account for good?"));
    // The list counts what the purge deletes, by the same statements it runs.
    let conn = closedesk::store::open_existing(&db).unwrap();
    let orders: i64 =
        conn.query_row("SELECT count(*) FROM orders WHERE account_id = ?1", [pending.0], |row| row.get(0)).unwrap();
    drop(conn);
    assert!(has_any_label(&harness, &pending.to_string()), "the account is listed");
    assert!(has_label(&harness, "Orders") && has_any_label(&harness, &orders.to_string()), "its orders are counted");
    let demo = DemoAccount::by_situation("closure pending").unwrap();
    assert!(!has_text(&harness, demo.email), "the list shows the email masked, as the queue does");
    harness.check_accessibility();

    // A wrong password purges nothing, and says so.
    type_into(&mut harness, Role::PasswordInput, "Your password, to confirm", "not my password");
    press(&mut harness, "Purge 1 account");
    step_until(&mut harness, "the refusal", |h| has_label(h, "That is not your password: nothing was purged."));
    let conn = closedesk::store::open_existing(&db).unwrap();
    assert!(accounts::find_account(&conn, &AccountRef::Id(pending)).unwrap().is_some(), "nothing was purged");
    drop(conn);

    let (_, password) = gui::demo_staff(StaffRole::Admin);
    type_into(&mut harness, Role::PasswordInput, "Your password, to confirm", password);
    press(&mut harness, "Purge 1 account");
    step_until(&mut harness, "the receipts", |h| has_label(h, "Purged 1 account"));
    assert!(has_label(&harness, &format!("Receipt for account {pending}")));
    step_until(&mut harness, "the emptied queue", |h| has_label(h, "No account is waiting for its purge."));

    // The customer calls later with their account number: the desk says what became of it.
    press(&mut harness, "Customers");
    type_into(&mut harness, Role::TextInput, "Search customers", &pending.to_string());
    let closed = format!("Account {pending} was closed for good on ");
    step_until(&mut harness, "the purged account's fate", |h| has_text(h, &closed));

    let conn = closedesk::store::open_existing(&db).unwrap();
    let tombstones: i64 =
        conn.query_row("SELECT count(*) FROM tombstones WHERE account_id = ?1", [pending.0], |row| row.get(0)).unwrap();
    assert_eq!(tombstones, 1, "the purged account left its tombstone");
    assert!(accounts::find_account(&conn, &AccountRef::Id(pending)).unwrap().is_none());
    let admin = agents::find_by_name(&conn, "admin").unwrap().unwrap();
    let run = audit::AuditFilter { action: Some("purge_queue_run".into()), ..audit::AuditFilter::default() };
    let runs: Vec<String> = audit::query(&conn, &run, 0, None).unwrap().into_iter().map(|r| r.outcome).collect();
    assert_eq!(runs, ["ok", "wrong_password"], "the admin's purge run and the refused attempt are audited");
    let purge =
        audit::AuditFilter { action: Some("purge".into()), account: Some(pending), ..audit::AuditFilter::default() };
    let line = &audit::query(&conn, &purge, 0, None).unwrap()[0];
    assert_eq!(
        (line.actor_kind.as_str(), line.actor_id),
        ("agent", Some(admin.id.0)),
        "the purge line names the admin"
    );
}

#[test]
fn escape_closes_the_purge_confirmation_and_purges_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let created = Timestamp::now();
    let db = demo_db(dir.path(), created);
    let pending = pending_account(&db);
    let later = Clock::Fixed(created + SignedDuration::from_hours(49));
    let mut harness = staff_signed_in(&db, later, StaffRole::Admin);
    press(&mut harness, "Closure queue");
    step_until(&mut harness, "the queue with its due account", |h| has_label(h, "due"));

    press(&mut harness, "Purge due now…");
    step_until(&mut harness, "the list of what would go", |h| has_label(h, "Purge 1 account for good?"));
    harness.key_press(egui::Key::Escape);
    step_until(&mut harness, "the confirmation gone", |h| !has_label(h, "Purge 1 account for good?"));
    assert!(has_label(&harness, "Purge due now…"), "back at the queue");
    let conn = closedesk::store::open_existing(&db).unwrap();
    assert!(accounts::find_account(&conn, &AccountRef::Id(pending)).unwrap().is_some(), "nothing was purged");
}

#[test]
fn an_agent_sees_neither_the_admin_page_nor_the_purge_and_core_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let created = Timestamp::now();
    let db = demo_db(dir.path(), created);
    let later = Clock::Fixed(created + SignedDuration::from_hours(49));
    let mut harness = staff_signed_in(&db, later, StaffRole::Agent);

    assert!(has_label(&harness, "Closure queue"));
    assert!(has_label(&harness, "Audit trail"));
    assert!(!has_label(&harness, "Admin"), "no admin tab for an agent");
    press(&mut harness, "Closure queue");
    step_until(&mut harness, "the queue", |h| has_label(h, "due"));
    assert!(!has_label(&harness, "Purge due now…"), "no purge button for an agent");

    let conn = closedesk::store::open_existing(&db).unwrap();
    let agent = agents::find_by_name(&conn, "agent").unwrap().unwrap();
    let principal = Principal::Agent { id: agent.id, role: agent.role };
    assert!(authorize(principal, Action::RunPurge).is_err());
    assert!(authorize(principal, Action::ManageAgents).is_err());
    assert!(authorize(principal, Action::BackupDatabase).is_err());
    assert!(authorize(principal, Action::ViewClosureQueue).is_ok());
    assert!(authorize(principal, Action::ViewAudit).is_ok());
}

/// Picks `action` in the audit viewer's drop-down.
fn filter_by_action(harness: &mut Window, action: &str) {
    harness.get_by_role_and_label(Role::ComboBox, "Action").click_accesskit();
    harness.step();
    step_until(harness, "the action list", |h| h.query_all_by_label(action).count() > 0);
    let option = harness.query_all_by_label(action).find(|node| node.accesskit_node().role() != Role::Label);
    option.unwrap_or_else(|| panic!("no option {action}")).click_accesskit();
    harness.step();
}

#[test]
fn the_audit_viewer_filters_by_action_and_exports_the_filtered_view_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), Timestamp::now());
    {
        // A line of another action, which the filter must leave out.
        let conn = closedesk::store::open_existing(&db).unwrap();
        let event = AuditEvent { account: None, actor: Actor::System, action: "agent_added", outcome: "ok" };
        audit::record(&conn, &event, Timestamp::now()).unwrap();
    }
    let mut harness = staff_signed_in(&db, Clock::System, StaffRole::Admin);

    press(&mut harness, "Audit trail");
    step_until(&mut harness, "the audit lines", |h| has_text(h, "matching lines, newest first"));
    filter_by_action(&mut harness, "sign_in");

    let conn = closedesk::store::open_existing(&db).unwrap();
    let sign_ins = audit::AuditFilter { action: Some("sign_in".into()), ..audit::AuditFilter::default() };
    let expected = audit::count(&conn, &sign_ins).unwrap();
    assert!(expected >= 1);
    let total = audit::count(&conn, &audit::AuditFilter::default()).unwrap();
    assert!(total > expected, "the filter leaves lines out");
    let shown = format!("{expected} matching lines, newest first");
    step_until(&mut harness, "the filtered lines", |h| has_label(h, &shown));
    harness.check_accessibility();

    let csv = dir.path().join("audit.csv");
    type_into(&mut harness, Role::TextInput, "CSV file path", &csv.display().to_string());
    press(&mut harness, "Save CSV");
    let saved =
        if expected == 1 { "Saved 1 audit line to".to_owned() } else { format!("Saved {expected} audit lines to") };
    step_until(&mut harness, "the saved CSV", |h| has_text(h, &saved));

    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id,at,account_id,actor_kind,actor_id,action,outcome,prev_hash,hash"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len() as u64, expected, "{text}");
    assert!(rows.iter().all(|row| row.split(',').nth(5) == Some("sign_in")), "{text}");
}

#[test]
fn admin_adds_an_agent_and_disables_it_and_the_agent_cannot_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), Timestamp::now());
    let mut harness = staff_signed_in(&db, Clock::System, StaffRole::Admin);

    press(&mut harness, "Admin");
    step_until(&mut harness, "the agents list", |h| has_label(h, "Disable agent…"));
    assert!(has_label(&harness, "admin (you)"));
    assert!(!has_label(&harness, "Disable admin…"), "an admin is not offered to lock themselves out");
    assert!(has_label(&harness, "Reset password of admin…"));
    type_into(&mut harness, Role::TextInput, "Agent name", "robin");
    type_into(&mut harness, Role::PasswordInput, "New agent's password", "robins-password");
    press(&mut harness, "Add agent");
    step_until(&mut harness, "the new agent", |h| has_label(h, "Added robin as agent."));
    step_until(&mut harness, "robin in the list", |h| has_label(h, "Disable robin…"));
    harness.check_accessibility();

    let signs_in = || {
        let mut conn = closedesk::store::open_existing(&db).unwrap();
        let credentials = Credentials::Agent { name: "robin".into(), password: "robins-password".into() };
        closedesk::auth::sign_in(&mut conn, &credentials, Timestamp::now()).is_ok()
    };
    assert!(signs_in());

    // Disabling says what it does and waits for a yes.
    press(&mut harness, "Disable robin…");
    step_until(&mut harness, "the question", |h| has_label(h, "Disable robin?"));
    assert!(has_text(&harness, "robin can no longer sign in, and a session robin has open ends"));
    press(&mut harness, "Keep robin active");
    step_until(&mut harness, "the question gone", |h| !has_label(h, "Disable robin?"));
    press(&mut harness, "Disable robin…");
    step_until(&mut harness, "the question", |h| has_label(h, "Disable robin?"));
    harness.key_press(egui::Key::Escape);
    step_until(&mut harness, "the question gone with Escape", |h| !has_label(h, "Disable robin?"));
    assert!(signs_in(), "keeping robin changed nothing");
    press(&mut harness, "Disable robin…");
    step_until(&mut harness, "the question", |h| has_label(h, "Disable robin?"));
    press(&mut harness, "Disable robin now");
    step_until(&mut harness, "the disabled agent", |h| has_label(h, "robin can no longer sign in."));
    step_until(&mut harness, "the enable button", |h| has_label(h, "Enable robin"));
    assert!(!signs_in(), "a disabled agent cannot sign in");

    let conn = closedesk::store::open_existing(&db).unwrap();
    let admin = agents::find_by_name(&conn, "admin").unwrap().unwrap();
    let by_admin = audit::AuditFilter { agent: Some(admin.id), ..audit::AuditFilter::default() };
    let actions: Vec<String> = audit::query(&conn, &by_admin, 0, None).unwrap().into_iter().map(|r| r.action).collect();
    assert!(
        actions.contains(&"agent_added".to_owned()) && actions.contains(&"agent_disabled".to_owned()),
        "{actions:?}"
    );
}

#[test]
fn an_agent_cancels_a_closure_from_the_queue_with_the_customers_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path(), Timestamp::now());
    let pending = pending_account(&db);
    let demo = DemoAccount::by_situation("closure pending").unwrap();
    let mut harness = staff_signed_in(&db, Clock::System, StaffRole::Agent);

    press(&mut harness, "Closure queue");
    let cancel = format!("Cancel closure of account {pending}…");
    step_until(&mut harness, "the queue", |h| has_label(h, &cancel));
    press(&mut harness, &cancel);
    step_until(&mut harness, "the code field", |h| {
        h.query_by_role_and_label(Role::TextInput, "Customer's code").is_some()
    });
    assert!(!has_text(&harness, demo.email), "the email stays masked");

    let code = mailed_code(&db, demo.email);
    type_into(&mut harness, Role::TextInput, "Customer's code", &code);
    press(&mut harness, "Cancel closure");
    let done = format!("The closure was cancelled: account {pending} is active again.");
    step_until(&mut harness, "the cancellation", |h| has_label(h, &done));
    step_until(&mut harness, "the emptied queue", |h| has_label(h, "No account is waiting for its purge."));

    let conn = closedesk::store::open_existing(&db).unwrap();
    let account = accounts::get_account(&conn, &AccountRef::Id(pending)).unwrap();
    assert_eq!(account.status, closedesk::core::AccountStatus::Active);
    let agent = agents::find_by_name(&conn, "agent").unwrap().unwrap();
    let by_agent =
        audit::AuditFilter { agent: Some(agent.id), account: Some(pending), ..audit::AuditFilter::default() };
    assert!(audit::count(&conn, &by_agent).unwrap() >= 1, "the audit names the agent");
}

#[test]
fn an_admin_disabled_while_on_the_queue_is_signed_out_by_the_purge_they_ask_for() {
    let dir = tempfile::tempdir().unwrap();
    let created = Timestamp::now();
    let db = demo_db(dir.path(), created);
    let later = Clock::Fixed(created + SignedDuration::from_hours(49));
    let mut harness = staff_signed_in(&db, later, StaffRole::Admin);
    press(&mut harness, "Closure queue");
    step_until(&mut harness, "the queue with its due account", |h| has_label(h, "due"));

    // The database file's owner, at a terminal, adds a second admin and disables this one.
    let owner = closedesk::service::access::Acting::FileOwner;
    let password = closedesk::auth::Secret::from("a second admin's password");
    closedesk::service::agents::add(&db, owner, "second", StaffRole::Admin, &password, created).unwrap();
    let conn = closedesk::store::open_existing(&db).unwrap();
    let me = agents::find_by_name(&conn, gui::demo_staff(StaffRole::Admin).0).unwrap().unwrap().id;
    closedesk::service::agents::set_disabled(&db, owner, me, true, created).unwrap();
    let lines_before = audit::count(&conn, &audit::AuditFilter::default()).unwrap();

    press(&mut harness, "Purge due now…");
    step_until(&mut harness, "the refusal", |h| has_text(h, "Your session has ended"));
    assert!(has_label(&harness, "Support agent"), "the window is back at sign-in");
    assert!(!has_label(&harness, "Closure queue"), "no operations page stays on screen");
    assert_eq!(audit::count(&conn, &audit::AuditFilter::default()).unwrap(), lines_before, "nothing was recorded");
    assert!(accounts::find_account(&conn, &AccountRef::Id(pending_account(&db))).unwrap().is_some(), "nothing purged");
}
