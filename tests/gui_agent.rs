#![allow(clippy::unwrap_used, reason = "a test states its expectations with unwrap: a panic is the failure report")]

//! Support-agent mode as an agent uses it: the real `ClosedeskApp` (logic and ui) driven
//! through its accessibility tree, against a demo database in a temporary folder, with the
//! workers running for real.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use closedesk::clock::Clock;
use closedesk::core::masking::mask_email;
use closedesk::core::{AccountId, AccountRef, AccountStatus, Role};
use closedesk::demo::{DEMO_ACCOUNTS, DEMO_AGENTS, DemoAccount, demo_agent_password};
use closedesk::store::{accounts, agents, audit, closure, outbox};
use closedesk::ui::ClosedeskApp;
use egui::accesskit::Role as A11yRole;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

/// Argon2, the demo fill and the searches run on worker threads: wait this long at most.
const PATIENCE: Duration = Duration::from_mins(1);

type Window = Harness<'static, ClosedeskApp>;

fn open_window(db: PathBuf) -> Window {
    Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
        .build_eframe(move |cc| ClosedeskApp::new(cc, db, Clock::System))
}

/// Steps frames, as the window would while workers run, until `ready` holds.
fn step_until(harness: &mut Window, what: &str, ready: impl Fn(&Window) -> bool) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        harness.step();
        if ready(harness) {
            return;
        }
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn has_label(harness: &Window, label: &str) -> bool {
    harness.query_by_label(label).is_some()
}

fn has_text(harness: &Window, part: &str) -> bool {
    harness.query_by_label_contains(part).is_some()
}

fn has_input(harness: &Window, role: A11yRole, label: &str) -> bool {
    harness.query_by_role_and_label(role, label).is_some()
}

/// Whether `part` shows anywhere: in a label's name or (for labels) its value.
fn shows(harness: &Window, part: &str) -> bool {
    has_text(harness, part) || harness.query_all_by(|node| node.value().is_some_and(|v| v.contains(part))).count() > 0
}

fn type_into(harness: &mut Window, role: A11yRole, label: &str, text: &str) {
    let field = harness.get_by_role_and_label(role, label);
    field.focus();
    field.type_text(text);
    harness.step();
}

/// Presses a button, checkbox, radio button or link the way assistive technology does.
fn press(harness: &mut Window, label: &str) {
    harness.get_by_label(label).click_accesskit();
    harness.step();
}

/// The demo support agent (role `agent`): name and password.
fn demo_agent() -> (&'static str, &'static str) {
    let (name, role) = DEMO_AGENTS.iter().find(|(_, role)| *role == Role::Agent).unwrap();
    (name, demo_agent_password(*role))
}

/// Opens a new demo database and signs the demo agent in, on the customer list.
fn agent_signed_in(db: &Path) -> Window {
    let (name, password) = demo_agent();
    let mut harness = open_window(db.to_owned());
    step_until(&mut harness, "the sign-in form", |h| has_label(h, "Support agent"));
    press(&mut harness, "Support agent");
    step_until(&mut harness, "the agent form", |h| has_input(h, A11yRole::TextInput, "Name"));
    type_into(&mut harness, A11yRole::TextInput, "Name", name);
    type_into(&mut harness, A11yRole::PasswordInput, "Password", password);
    press(&mut harness, "Sign in");
    step_until(&mut harness, "the agent desk", |h| has_label(h, "Signed in as agent (Agent)"));
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

fn account_of(db: &Path, demo: &DemoAccount) -> (rusqlite::Connection, AccountId) {
    let conn = closedesk::store::open_existing(db).unwrap();
    let id = accounts::get_account(&conn, &AccountRef::Email(demo.email.to_owned())).unwrap().id;
    (conn, id)
}

fn agent_id(conn: &rusqlite::Connection) -> i64 {
    agents::credential_by_name(conn, demo_agent().0).unwrap().unwrap().0.id.0
}

/// The code in the newest mail to `email`, as the customer reads it out: from the `.eml` file.
fn mailed_code(db: &Path, email: &str) -> String {
    let conn = closedesk::store::open_existing(db).unwrap();
    let newest = outbox::list(&conn, Some(email), 1).unwrap().remove(0);
    let raw = std::fs::read_to_string(closedesk::paths::outbox_dir(db).join(&newest.eml_file)).unwrap();
    let code = regex::Regex::new(r"Your code: (\d{6})").unwrap();
    code.captures(&raw).unwrap_or_else(|| panic!("no code in {}", newest.subject))[1].to_owned()
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
    press(&mut harness, "I understand");
    press(&mut harness, "Continue");

    step_until(&mut harness, "the reasons", |h| has_input(h, A11yRole::RadioButton, "Privacy concerns"));
    assert!(!has_input(&harness, A11yRole::PasswordInput, "Password"), "no password step when assisted");
    press(&mut harness, "Privacy concerns");
    press(&mut harness, "Continue");
    step_until(&mut harness, "the backup step", |h| has_label(h, "Continue without a backup"));
    press(&mut harness, "Continue without a backup");
    step_until(&mut harness, "the summary", |h| has_label(h, "Send code"));
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

    let (conn, id) = account_of(&db, demo);
    let agent = agent_id(&conn);
    assert_eq!(closure::account_state(&conn, id).unwrap(), Some(AccountStatus::ClosurePending));
    let lines = audit::list(&conn, Some(id), 1000).unwrap();
    let confirm = lines.iter().find(|line| line.action == "closure_confirm" && line.outcome == "ok").unwrap();
    assert_eq!((confirm.actor_kind.as_str(), confirm.actor_id), ("agent", Some(agent)), "the agent is the actor");
    assert!(!lines.iter().any(|line| line.action == "closure_identity"), "no password was asked");

    // The customer changes their mind: the agent cancels with a new code read out.
    press(&mut harness, "Back to the customer");
    step_until(&mut harness, "the pending customer", |h| has_label(h, "Cancel closure"));
    press(&mut harness, "Cancel closure");
    step_until(&mut harness, "the cancel code field", |h| has_input(h, A11yRole::TextInput, "Customer's code"));
    let code = mailed_code(&db, demo.email);
    type_into(&mut harness, A11yRole::TextInput, "Customer's code", &code);
    press(&mut harness, "Cancel the closure");
    step_until(&mut harness, "the cancellation", |h| has_text(h, "The closure is cancelled"));
    assert_eq!(closure::account_state(&conn, id).unwrap(), Some(AccountStatus::Active));
    let cancel = audit::list(&conn, Some(id), 1000).unwrap().into_iter().rfind(|line| line.action == "closure_cancel");
    assert_eq!(cancel.map(|line| (line.outcome, line.actor_kind)), Some(("ok".to_owned(), "agent".to_owned())));
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

    type_into(&mut harness, A11yRole::PasswordInput, "Password", demo_agent().1);
    press(&mut harness, "Unlock");
    step_until(&mut harness, "the desk again", |h| has_label(h, "Signed in as agent (Agent)"));
    step_until(&mut harness, "the customer list again", |h| has_label(h, DEMO_ACCOUNTS[1].display_name));
}
