//! The account settings and the closure wizard as a customer uses them: the real
//! `ClosedeskApp` (logic and ui) driven through its accessibility tree, against a demo
//! database in a temporary folder, with workers running for real.

use crate::support::gui;

use std::path::Path;

use closedesk::core::AccountStatus;
use closedesk::demo::{DEMO_CUSTOMER_PASSWORD, DemoAccount};
use closedesk::store::{accounts, closure};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui::{
    Window, account_of, customer_signed_in as signed_in, has_input, has_label, has_text, mailed_code, press,
    step_until, type_into,
};

/// Signs `demo` in and opens the account settings.
fn settings_of(db: &Path, demo: &DemoAccount) -> Window {
    let mut harness = signed_in(db, demo);
    step_until(&mut harness, "the customer's top bar", |h| has_label(h, "Account settings"));
    press(&mut harness, "Account settings");
    step_until(&mut harness, "the settings page", |h| has_label(h, "Close account…"));
    harness
}

fn typed_path_export(harness: &mut Window, path: &Path) {
    type_into(harness, Role::TextInput, "Backup file path", &path.display().to_string());
    press(harness, "Save");
    step_until(harness, "the backup", |h| has_text(h, "Backup saved to"));
}

#[test]
fn closable_account_reaches_pending_through_wizard() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("closable").unwrap();
    let mut harness = settings_of(&db, demo);
    harness.check_accessibility();

    press(&mut harness, "Close account…");
    step_until(&mut harness, "the readiness warnings", |h| has_input(h, Role::CheckBox, "I understand"));
    assert!(has_text(&harness, "Nothing stands in the way."));
    assert!(has_text(&harness, "\"Deleted user\""), "the reviews warning is shown");
    harness.check_accessibility();
    press(&mut harness, "I understand");
    press(&mut harness, "Continue");

    step_until(&mut harness, "the password step", |h| has_input(h, Role::PasswordInput, "Password"));
    type_into(&mut harness, Role::PasswordInput, "Password", "not-the-password");
    harness.key_press(egui::Key::Enter);
    harness.step();
    let password = harness.get_by_role_and_label(Role::PasswordInput, "Password").value().unwrap_or_default();
    assert_eq!(password, "", "Enter sent the password and emptied the field");
    step_until(&mut harness, "the refusal", |h| has_text(h, "The password is wrong (4 tries left)."));
    type_into(&mut harness, Role::PasswordInput, "Password", DEMO_CUSTOMER_PASSWORD);
    press(&mut harness, "Continue");

    step_until(&mut harness, "the reasons", |h| has_input(h, Role::RadioButton, "Privacy concerns"));
    press(&mut harness, "Privacy concerns");
    type_into(&mut harness, Role::MultilineTextInput, "Note", "Moving to another shop.");
    press(&mut harness, "Continue");

    step_until(&mut harness, "the backup step", |h| has_label(h, "Continue without a backup"));
    assert!(!has_text(&harness, "under your name"), "the agent's note is not shown to the customer");
    let backup = dir.path().join("last-backup.json");
    typed_path_export(&mut harness, &backup);
    press(&mut harness, "Continue");

    step_until(&mut harness, "the summary", |h| has_label(h, "Send code"));
    assert!(has_text(&harness, "cannot be undone"));
    assert!(has_label(&harness, "Anonymized"), "reviews are anonymized");
    assert!(harness.query_all_by_label("Kept without personal data").count() >= 1, "the tombstone is kept");
    assert!(harness.query_all_by_label("Deleted").count() >= 10, "orders, addresses, cards… are deleted");
    harness.check_accessibility();
    press(&mut harness, "Send code");

    step_until(&mut harness, "the confirmation", |h| has_input(h, Role::TextInput, "Code"));
    assert!(has_text(&harness, "We sent a 6-digit code to am***@example.com"));
    assert!(has_label(&harness, "Mailbox (local outbox)"));
    assert!(has_label(&harness, "Type: Deactivate my account"));
    let code = mailed_code(&db, demo.email);
    type_into(&mut harness, Role::TextInput, "Code", &code);
    type_into(&mut harness, Role::TextInput, "Email", demo.email);
    type_into(&mut harness, Role::TextInput, "Confirmation phrase", "deactivate my account");
    harness.check_accessibility();
    press(&mut harness, "Confirm & Close");

    step_until(&mut harness, "the done step", |h| has_text(h, "Your account is scheduled for deletion on "));
    assert!(has_label(&harness, "Cancel closure…"), "the way back is offered");

    let (conn, id) = account_of(&db, demo);
    assert_eq!(closure::account_state(&conn, id).unwrap(), Some(AccountStatus::ClosurePending));
    let request = accounts::closure_request(&conn, id).unwrap().expect("a closure request");
    assert_eq!(request.reason_code, "privacy");
    let backup_taken: bool = conn
        .query_row("SELECT backup_taken FROM closure_requests WHERE account_id = ?1", [id.0], |row| row.get(0))
        .unwrap();
    assert!(backup_taken, "the backup taken in the wizard is recorded");
    closedesk::backup::verify(&backup, None).expect("the wizard's backup verifies");
}

#[test]
fn blocked_account_cannot_pass_the_readiness_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("pending order").unwrap();
    let mut harness = settings_of(&db, demo);

    press(&mut harness, "Close account…");
    step_until(&mut harness, "the blockers", |h| has_label(h, "What stands in the way"));
    assert!(has_text(&harness, "pending"), "the blocker names the pending order");
    assert!(has_text(&harness, "or cancel it."), "and says what to do");
    assert!(!has_label(&harness, "Continue"), "there is no way on");
    assert!(!has_input(&harness, Role::PasswordInput, "Password"));

    press(&mut harness, "Check again");
    step_until(&mut harness, "the second check", |h| has_label(h, "Check again") && !has_text(h, "Checking"));
    assert!(has_label(&harness, "What stands in the way"));
    assert!(!has_label(&harness, "Continue"));

    let (conn, id) = account_of(&db, demo);
    assert_eq!(closure::account_state(&conn, id).unwrap(), Some(AccountStatus::Active));
}

#[test]
fn a_blocker_in_the_wizard_links_to_its_rows_and_back_to_the_same_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("in-transit order").unwrap();
    let mut harness = settings_of(&db, demo);
    let (conn, id) = account_of(&db, demo);
    let orders: i64 =
        conn.query_row("SELECT count(*) FROM orders WHERE account_id = ?1", [id.0], |r| r.get(0)).unwrap();

    press(&mut harness, "Close account…");
    step_until(&mut harness, "the blockers", |h| has_label(h, "What stands in the way"));
    let step = "Step 1 of 7: Before you close";
    assert!(has_label(&harness, step));
    harness.get_by_role_and_label(Role::Link, "1 order in transit").click();
    step_until(&mut harness, "the filtered orders", |h| has_label(h, &format!("1 of {orders} orders")));
    assert!(!has_label(&harness, "What stands in the way"), "the wizard is set aside");
    harness.check_accessibility();

    press(&mut harness, "Back to closing");
    step_until(&mut harness, "the same step", |h| has_label(h, step));
    assert!(has_label(&harness, "What stands in the way"), "the wizard kept its verdict");
    assert!(!has_label(&harness, "Back to closing"));
}

#[test]
fn closure_pending_account_cancels_with_password_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("closure pending").unwrap();
    let mut harness = signed_in(&db, demo);

    step_until(&mut harness, "the closure-pending screen", |h| {
        has_text(h, "Your account is scheduled for deletion on ")
    });
    let heading =
        harness.get_by_label_contains("Your account is scheduled for deletion on ").value().unwrap_or_default();
    assert!(heading.ends_with('.') && heading.len() > "Your account is scheduled for deletion on .".len(), "{heading}");
    assert!(has_label(&harness, "Cancel the closure?"));
    assert!(!has_label(&harness, "Account settings"), "nothing else is reachable");
    harness.check_accessibility();

    type_into(&mut harness, Role::PasswordInput, "Password", DEMO_CUSTOMER_PASSWORD);
    press(&mut harness, "Continue");
    step_until(&mut harness, "the code field", |h| has_input(h, Role::TextInput, "Code"));
    assert!(!has_input(&harness, Role::PasswordInput, "Password"), "the password form is gone");
    press(&mut harness, "Resend code");
    step_until(&mut harness, "the resend cooldown", |h| has_text(h, "You can ask for another after"));
    assert!(has_text(&harness, "to go)"), "the wait counts down");
    let code = mailed_code(&db, demo.email);
    type_into(&mut harness, Role::TextInput, "Code", &code);
    press(&mut harness, "Cancel closure");

    step_until(&mut harness, "the overview", |h| has_text(h, "The closure was cancelled"));
    assert!(has_label(&harness, "Account settings"), "the normal window is back");
    let (conn, id) = account_of(&db, demo);
    assert_eq!(closure::account_state(&conn, id).unwrap(), Some(AccountStatus::Active));
    assert!(accounts::closure_request(&conn, id).unwrap().is_none());
}

#[test]
fn a_typed_path_in_a_missing_folder_says_it_creates_the_folder_and_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("closable").unwrap();
    let mut harness = settings_of(&db, demo);

    let path = dir.path().join("backups").join("amelie.json");
    type_into(&mut harness, Role::TextInput, "Backup file path", &path.display().to_string());
    let folder = format!("The folder {} does not exist yet: saving creates it.", dir.path().join("backups").display());
    step_until(&mut harness, "the folder note", |h| has_label(h, &folder));
    press(&mut harness, "Save");
    step_until(&mut harness, "the backup", |h| has_text(h, "Backup saved to"));
    closedesk::backup::verify(&path, None).expect("the backup verifies in the folder it created");
    assert!(!has_label(&harness, &folder), "the folder exists now");
}

#[test]
fn typed_path_export_writes_a_verifiable_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("closable").unwrap();
    let mut harness = settings_of(&db, demo);
    assert!(has_label(&harness, "Back up account…"), "the native dialog is offered");

    let path = dir.path().join("amelie.json");
    typed_path_export(&mut harness, &path);
    let report = closedesk::backup::verify(&path, None).expect("the backup verifies");
    let (_conn, id) = account_of(&db, demo);
    assert_eq!(report.header.account, id);

    // The same path again asks before replacing the file.
    press(&mut harness, "Save");
    step_until(&mut harness, "the question", |h| has_text(h, "already exists. Replace it?"));
    press(&mut harness, "Replace it");
    step_until(&mut harness, "the second backup", |h| has_text(h, "Backup saved to"));
    closedesk::backup::verify(&path, None).expect("the replaced backup verifies");

    // The bundle is a zip that verifies too.
    press(&mut harness, "Bundle (.zip with JSON, CSV per table, README)");
    let bundle = dir.path().join("amelie.zip");
    harness.get_by_role_and_label(Role::TextInput, "Backup file path").focus();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.step();
    typed_path_export(&mut harness, &bundle);
    closedesk::backup::verify(&bundle, None).expect("the bundle verifies");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file remains");
}

/// Whether the subscription switch labelled `label` is on.
fn switched_on(harness: &Window, label: &str) -> bool {
    let switch = harness.get_by_role_and_label(Role::CheckBox, label);
    switch.accesskit_node().toggled() == Some(egui::accesskit::Toggled::True)
}

#[test]
fn marketing_mail_stays_off_after_a_cancelled_closure_until_the_customer_turns_it_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("closure pending").unwrap();
    let mut harness = signed_in(&db, demo);
    step_until(&mut harness, "the closure-pending screen", |h| has_label(h, "Cancel the closure?"));
    type_into(&mut harness, Role::PasswordInput, "Password", DEMO_CUSTOMER_PASSWORD);
    press(&mut harness, "Continue");
    step_until(&mut harness, "the code field", |h| has_input(h, Role::TextInput, "Code"));
    let code = mailed_code(&db, demo.email);
    type_into(&mut harness, Role::TextInput, "Code", &code);
    press(&mut harness, "Cancel closure");
    step_until(&mut harness, "the overview", |h| {
        has_text(h, "Marketing mail stays off until you turn it on in Account settings.")
    });

    press(&mut harness, "Account settings");
    step_until(&mut harness, "the subscriptions", |h| {
        h.query_by_role_and_label(Role::CheckBox, "Marketing email").is_some()
    });
    assert!(!switched_on(&harness, "Marketing email"), "the cancelled closure left marketing mail off");
    harness.check_accessibility();

    harness.get_by_role_and_label(Role::CheckBox, "Marketing email").click();
    let (conn, id) = account_of(&db, demo);
    let stored = || -> bool {
        conn.query_row(
            "SELECT enabled FROM subscriptions WHERE account_id = ?1 AND topic = 'marketing_email'",
            [id.0],
            |r| r.get(0),
        )
        .unwrap()
    };
    step_until(&mut harness, "the choice stored", |_| stored());
    // The page reads the subscriptions again: the switch shows what is stored, not what was clicked.
    step_until(&mut harness, "the settings read again", |h| {
        !h.get_by_role_and_label(Role::CheckBox, "Marketing email").accesskit_node().is_disabled()
    });
    assert!(switched_on(&harness, "Marketing email"));
    let filter = closedesk::store::audit::AuditFilter {
        account: Some(id),
        action: Some("subscription_on".into()),
        ..Default::default()
    };
    assert_eq!(closedesk::store::audit::count(&conn, &filter).unwrap(), 1, "and audited");
}
