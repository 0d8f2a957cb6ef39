//! Support-agent mode as an agent uses it: the real `ClosedeskApp` (logic and ui) driven
//! through its accessibility tree, against a demo database in a temporary folder, with the
//! workers running for real.

use crate::support::gui;

use std::path::Path;
use std::time::Duration;

use closedesk::core::masking::{mask_email, mask_postal_code, mask_street};
use closedesk::core::{AccountStatus, Role};
use closedesk::demo::seed::{SeedSpec, seed};
use closedesk::demo::{DEMO_ACCOUNTS, DemoAccount};
use closedesk::store::search::PAGE;
use closedesk::store::{agents, audit, closure};
use egui::accesskit::Role as A11yRole;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui::{
    Window, account_of, demo_staff, has_any_label, has_input, has_label, has_text, mailed_code, open_window, press,
    shows, staff_signed_in, step_until, type_into,
};

/// Opens a new demo database and signs the demo agent in, on the customer list.
fn agent_signed_in(db: &Path) -> Window {
    let mut harness = staff_signed_in(open_window(db.to_owned()), Role::Agent);
    step_until(&mut harness, "the customer list", |h| has_label(h, DEMO_ACCOUNTS[1].display_name));
    harness
}

/// Types a search, waits until only `demo` is listed, and opens them.
fn search_and_open(harness: &mut Window, demo: &DemoAccount, search: &str) {
    let other = DEMO_ACCOUNTS.iter().find(|other| other.email != demo.email).unwrap();
    type_into(harness, A11yRole::TextInput, "Search customers", search);
    step_until(harness, "the search results", |h| has_label(h, demo.display_name) && !has_label(h, other.display_name));
    assert!(has_label(harness, &mask_email(demo.email)), "the list masks emails");
    press(harness, demo.display_name);
    step_until(harness, "the customer's dashboards", |h| has_label(h, "Reveal") && has_label(h, "Member since"));
}

fn agent_id(conn: &rusqlite::Connection) -> i64 {
    agents::credential_by_name(conn, demo_staff(Role::Agent).0).unwrap().unwrap().0.id.0
}

#[test]
fn agent_searches_by_typing_sees_a_masked_customer_and_reveals_it_with_an_audited_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("pending order").unwrap();
    let mut harness = agent_signed_in(&db);
    search_and_open(&mut harness, demo, "kenji");

    let masked = mask_email(demo.email);
    assert!(has_label(&harness, &masked), "the profile shows {masked}");
    assert!(!shows(&harness, demo.email), "no unmasked email on an agent screen");
    assert!(has_text(&harness, "Personal data is masked"));
    harness.check_accessibility();

    press(&mut harness, "Reveal");
    step_until(&mut harness, "the reveal form", |h| has_input(h, A11yRole::TextInput, "Reason for revealing"));
    assert!(harness.get_by_label("Show unmasked").accesskit_node().is_disabled(), "a reason is required");
    press(&mut harness, "Identity check");
    assert!(harness.get_by_label("Show unmasked").accesskit_node().is_disabled(), "the agent's words are required too");
    let words = "caller gave the street of the delivery";
    type_into(&mut harness, A11yRole::TextInput, "Reason for revealing", words);
    harness.check_accessibility();
    press(&mut harness, "Show unmasked");
    step_until(&mut harness, "the unmasked email", |h| has_label(h, demo.email));
    assert!(has_label(&harness, "Unmasked"));

    let (conn, id) = account_of(&db, demo);
    let agent = agent_id(&conn);
    let lines = audit::list(&conn, Some(id), 1000).unwrap();
    let reveal = lines.iter().find(|line| line.action == "reveal_personal_data").expect("a reveal line");
    assert_eq!((reveal.outcome.as_str(), reveal.actor_kind.as_str(), reveal.actor_id), ("ok", "agent", Some(agent)));
    assert_eq!(reveal.account_id, Some(id.0));
    assert!(
        lines.iter().any(|line| line.action == "reveal_reason" && line.outcome == "identity_check"),
        "the reason code is kept"
    );
    let local = demo.email.split('@').next().unwrap();
    for line in &lines {
        for field in [&line.action, &line.outcome, &line.actor_kind] {
            assert!(!field.contains('@') && !field.contains(local), "no email in the audit: {field}");
            assert!(!field.contains("street") && !field.contains("caller"), "no typed words in the audit: {field}");
        }
    }

    // Done with it: the agent masks the customer again, without leaving them.
    press(&mut harness, "Mask again");
    step_until(&mut harness, "the masked email again", |h| has_label(h, &masked));
    assert!(!shows(&harness, demo.email), "the unmasked email is gone");
    assert!(!has_label(&harness, "Unmasked"));
    assert!(!harness.get_by_label("Reveal").accesskit_node().is_disabled(), "and can be revealed again");
}

#[test]
fn agent_assists_a_closure_to_pending_and_cancels_it_with_the_customers_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("closable").unwrap();
    let mut harness = agent_signed_in(&db);
    search_and_open(&mut harness, demo, demo.email);

    press(&mut harness, "Assist closure");
    step_until(&mut harness, "the readiness warnings", |h| has_input(h, A11yRole::CheckBox, "I understand"));
    assert!(has_label(&harness, "Close the customer's account (assisted)"));
    assert!(has_label(&harness, "Back to the customer's overview"), "an agent has no settings page to go back to");
    assert!(!has_label(&harness, "Back to settings"));
    // Every step speaks to the agent about the customer, never as if the agent were them.
    assert!(has_label(&harness, "What the customer loses, and what stays"));
    assert!(!has_text(&harness, "What you lose"));
    press(&mut harness, "I understand");
    press(&mut harness, "Continue");

    step_until(&mut harness, "the reasons", |h| has_input(h, A11yRole::RadioButton, "Privacy concerns"));
    assert!(!has_input(&harness, A11yRole::PasswordInput, "Password"), "no password step when assisted");
    assert!(has_label(&harness, "Step 2 of 6: Why is the customer leaving?"), "six steps, the password one left out");
    press(&mut harness, "Privacy concerns");
    press(&mut harness, "Continue");
    step_until(&mut harness, "the backup step", |h| has_label(h, "Continue without a backup"));
    assert!(has_text(&harness, "recorded in the audit trail under your name"), "the agent is told a backup is audited");
    assert!(has_text(&harness, "keep a copy of the customer's orders"), "{}", "not \"your orders\"");
    press(&mut harness, "Continue without a backup");
    step_until(&mut harness, "the summary", |h| has_label(h, "Send code"));
    assert!(has_text(&harness, "Once you confirm with the code mailed to the customer, "));
    assert!(has_text(&harness, "Until then the customer can cancel"));
    assert!(!has_text(&harness, "we mail you") && !has_label(&harness, "Mail sent to you"));
    press(&mut harness, "Send code");

    step_until(&mut harness, "the confirmation", |h| has_input(h, A11yRole::TextInput, "Code"));
    assert!(has_text(&harness, &format!("We sent a 6-digit code to {}", mask_email(demo.email))));
    assert!(!has_label(&harness, "Mailbox (local outbox)"), "the agent never sees the customer's mail");
    assert!(has_text(&harness, "Ask the customer to read the code"));
    harness.check_accessibility();
    let code = mailed_code(&db, demo.email);
    type_into(&mut harness, A11yRole::TextInput, "Code", &code);
    type_into(&mut harness, A11yRole::TextInput, "Email", demo.email);
    type_into(&mut harness, A11yRole::TextInput, "Confirmation phrase", "Deactivate my account");
    press(&mut harness, "Confirm & Close");
    step_until(&mut harness, "the done step", |h| has_text(h, "scheduled for deletion on "));
    assert!(has_label(&harness, "Step 6 of 6: Closure scheduled"));
    let notice = harness.get_by_label_contains("The customer's account is scheduled for deletion on ");
    assert!(
        notice.value().unwrap_or_default().ends_with("; tell them how to cancel."),
        "the agent is told what to say"
    );
    assert!(!has_text(&harness, "Your account"), "the agent is not addressed as the customer");

    let (conn, id) = account_of(&db, demo);
    let agent = agent_id(&conn);
    assert_eq!(closure::account_state(&conn, id).unwrap(), Some(AccountStatus::ClosurePending));
    let lines = audit::list(&conn, Some(id), 1000).unwrap();
    let confirm = lines.iter().find(|line| line.action == "closure_confirm" && line.outcome == "ok").unwrap();
    assert_eq!((confirm.actor_kind.as_str(), confirm.actor_id), ("agent", Some(agent)), "the agent is the actor");
    assert!(!lines.iter().any(|line| line.action == "closure_identity"), "no password was asked");

    // The customer changes their mind: the agent cancels with a new code read out.
    press(&mut harness, "Back to the customer");
    step_until(&mut harness, "the pending customer", |h| has_label(h, "Cancel closure…"));
    press(&mut harness, "Cancel closure…");
    step_until(&mut harness, "the cancel code field", |h| has_input(h, A11yRole::TextInput, "Customer's code"));
    assert!(has_text(&harness, "Cancelling keeps the customer's account and everything it holds"), "what it does");
    let code = mailed_code(&db, demo.email);
    type_into(&mut harness, A11yRole::TextInput, "Customer's code", &code);
    // The same words as the mail's and every other cancel button's.
    press(&mut harness, "Cancel closure");
    step_until(&mut harness, "the cancellation", |h| has_text(h, "The closure is cancelled"));
    assert_eq!(closure::account_state(&conn, id).unwrap(), Some(AccountStatus::Active));
    let cancel = audit::list(&conn, Some(id), 1000).unwrap().into_iter().rfind(|line| line.action == "closure_cancel");
    assert_eq!(cancel.map(|line| (line.outcome, line.actor_kind)), Some(("ok".to_owned(), "agent".to_owned())));
}

#[test]
fn an_assisted_wizards_blocker_links_to_the_customers_rows_and_back_to_the_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("in-transit order").unwrap();
    let mut harness = agent_signed_in(&db);
    search_and_open(&mut harness, demo, demo.email);
    let (conn, id) = account_of(&db, demo);
    let orders: i64 =
        conn.query_row("SELECT count(*) FROM orders WHERE account_id = ?1", [id.0], |r| r.get(0)).unwrap();

    press(&mut harness, "Assist closure");
    let step = "Step 1 of 6: Before the customer closes";
    step_until(&mut harness, "the blockers", |h| has_label(h, "What stands in the way") && has_label(h, step));
    harness.get_by_role_and_label(A11yRole::Link, "1 order in transit").click();
    step_until(&mut harness, "the customer's filtered orders", |h| has_label(h, &format!("1 of {orders} orders")));
    assert!(!has_label(&harness, "What stands in the way"), "the wizard is set aside");

    press(&mut harness, "Back to closing");
    step_until(&mut harness, "the same step", |h| has_label(h, step));
    assert!(has_label(&harness, "What stands in the way"));
}

#[test]
fn a_broad_search_shows_one_page_and_more_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let mut harness = agent_signed_in(&db);
    let mut conn = closedesk::store::open_existing(&db).unwrap();
    let spec = SeedSpec { accounts: PAGE as u64 + 10, orders_per_account: 0, seed: 3 };
    seed(&mut conn, &spec, jiff::Timestamp::now(), &mut |_| {}).unwrap();

    type_into(&mut harness, A11yRole::TextInput, "Search customers", "synthetic");
    let first_page = format!("Showing the first {PAGE} customers; type more to narrow.");
    step_until(&mut harness, "one page of results", |h| has_label(h, &first_page));
    press(&mut harness, "Show more");
    // All the matches fit in two pages: the note and its button go.
    step_until(&mut harness, "the second page", |h| {
        !has_any_label(h, "Show more") && !has_text(h, "Showing the first")
    });

    // Typing again starts from one page.
    type_into(&mut harness, A11yRole::TextInput, "Search customers", "-");
    step_until(&mut harness, "one page of the new search", |h| has_label(h, &first_page));
}

#[test]
fn an_idle_agent_session_locks_without_customer_data_and_unlocks_with_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("closable").unwrap();
    let mut harness = agent_signed_in(&db);
    search_and_open(&mut harness, demo, "amelie");
    assert!(has_label(&harness, &mask_email(demo.email)));

    harness.state_mut().set_agent_idle_lock(Duration::from_millis(1500));
    step_until(&mut harness, "the lock screen", |h| has_label(h, "Session locked"));
    assert!(has_input(&harness, A11yRole::PasswordInput, "Password"));
    for part in [demo.display_name, &mask_email(demo.email), "Member since", "Search customers"] {
        assert!(!shows(&harness, part), "the lock screen shows no customer data: {part}");
    }
    harness.check_accessibility();

    type_into(&mut harness, A11yRole::PasswordInput, "Password", "not-the-password");
    press(&mut harness, "Unlock");
    step_until(&mut harness, "the refusal", |h| has_text(h, "wrong"));
    assert!(has_label(&harness, "Session locked"));

    type_into(&mut harness, A11yRole::PasswordInput, "Password", demo_staff(Role::Agent).1);
    press(&mut harness, "Unlock");
    step_until(&mut harness, "the desk again", |h| has_label(h, "Signed in as agent (Agent)"));
    step_until(&mut harness, "the customer list again", |h| has_label(h, DEMO_ACCOUNTS[1].display_name));
}

#[test]
fn a_masked_address_cannot_be_found_by_its_street_until_the_agent_reveals_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("pending order").unwrap();
    let mut harness = agent_signed_in(&db);
    search_and_open(&mut harness, demo, "kenji");

    let (conn, id) = account_of(&db, demo);
    let (street, postal_code): (String, String) = conn
        .query_row(
            "SELECT line1 || coalesce(', ' || line2, ''), postal_code FROM addresses WHERE account_id = ?1 \
             ORDER BY id LIMIT 1",
            [id.0],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    let word =
        street.split([' ', ',']).filter(|word| word.chars().all(char::is_alphabetic)).max_by_key(|word| word.len());
    let word = word.unwrap().to_owned();

    harness.get_by_label_contains("Addresses (").click_accesskit();
    step_until(&mut harness, "the masked addresses", |h| has_text(h, " addresses") || has_text(h, " address"));
    step_until(&mut harness, "the masked rows", |h| has_any_label(h, &mask_street(&street)));
    assert!(!has_any_label(&harness, &street), "the street is masked");
    assert!(!has_any_label(&harness, &postal_code), "the postal code is masked");
    assert!(has_any_label(&harness, &mask_postal_code(&postal_code)));

    type_into(&mut harness, A11yRole::TextInput, "Filter addresses", &word);
    step_until(&mut harness, "the empty filter", |h| has_label(h, "No addresses match this filter."));

    press(&mut harness, "Reveal");
    step_until(&mut harness, "the reveal form", |h| has_input(h, A11yRole::TextInput, "Reason for revealing"));
    press(&mut harness, "Identity check");
    type_into(&mut harness, A11yRole::TextInput, "Reason for revealing", "caller confirmed the address");
    press(&mut harness, "Show unmasked");
    step_until(&mut harness, "the unmasked view", |h| has_label(h, "Unmasked"));
    step_until(&mut harness, "the address found by its street", |h| has_any_label(h, &street));
    assert!(!has_label(&harness, "No addresses match this filter."));
    assert!(has_any_label(&harness, &postal_code), "revealed: the postal code shows");
}

#[test]
fn an_agent_disabled_while_signed_in_is_refused_on_the_next_action_and_sees_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let demo = DemoAccount::by_situation("pending order").unwrap();
    let mut harness = agent_signed_in(&db);
    search_and_open(&mut harness, demo, "kenji");

    // An admin disables the agent from another window while the agent's screen is open.
    let (conn, id) = account_of(&db, demo);
    let agent = agents::credential_by_name(&conn, demo_staff(Role::Agent).0).unwrap().unwrap().0.id;
    let admin = agents::credential_by_name(&conn, demo_staff(Role::Admin).0).unwrap().unwrap().0;
    let admin = closedesk::core::permissions::Principal::Agent { id: admin.id, role: admin.role };
    closedesk::service::staff::set_disabled(&db, admin, agent, true, jiff::Timestamp::now()).unwrap();

    press(&mut harness, "Reveal");
    step_until(&mut harness, "the reveal form", |h| has_input(h, A11yRole::TextInput, "Reason for revealing"));
    press(&mut harness, "Identity check");
    type_into(&mut harness, A11yRole::TextInput, "Reason for revealing", "caller asked");
    press(&mut harness, "Show unmasked");
    step_until(&mut harness, "the refusal", |h| has_text(h, "Your session has ended"));
    assert!(!shows(&harness, demo.email), "nothing is unmasked");
    assert!(has_label(&harness, "Support agent"), "the window is back at sign-in");
    assert!(!has_label(&harness, "Reveal"), "no customer stays on screen");
    let lines = audit::list(&conn, Some(id), 1000).unwrap();
    assert!(!lines.iter().any(|line| line.action == "reveal_personal_data"), "no reveal is recorded");
}
