//! What every GUI story needs: the real `ClosedeskApp` in a kittest harness over a database in
//! a temporary folder, steps until the workers have answered, queries of the accessibility
//! tree, typing and pressing, signing in, and reading the code a customer was mailed.
//!
//! Each `gui_*.rs` story imports it as `gui`, so that each of those files keeps only its story.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use closedesk::clock::Clock;
use closedesk::core::{AccountId, AccountRef, Role as StaffRole};
use closedesk::demo::{DEMO_AGENTS, DEMO_CUSTOMER_PASSWORD, DemoAccount, demo_agent_password};
use closedesk::store::{accounts, outbox};
use closedesk::ui::ClosedeskApp;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// Argon2, the demo fill, searches, exports and the purge run on worker threads: wait this
/// long at most for any of them.
pub const PATIENCE: Duration = Duration::from_mins(1);

/// The window's size unless a story needs more room.
pub const WINDOW_SIZE: egui::Vec2 = egui::vec2(1100.0, 720.0);

/// The closedesk window under test.
pub type Window = Harness<'static, ClosedeskApp>;

/// Opens the window on `db` at the usual size, on the system clock.
pub fn open_window(db: PathBuf) -> Window {
    open_window_at(db, Clock::System, WINDOW_SIZE)
}

/// Opens the window on `db` at `size`, with `clock` (a fixed `CLOSEDESK_NOW` for the purge).
pub fn open_window_at(db: PathBuf, clock: Clock, size: egui::Vec2) -> Window {
    Harness::builder().with_size(size).build_eframe(move |cc| ClosedeskApp::new(cc, db, clock))
}

/// Steps frames, as the window would while workers run, until `ready` holds.
pub fn step_until(harness: &mut Window, what: &str, ready: impl Fn(&Window) -> bool) {
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

/// Whether exactly one node is labelled `label` (kittest refuses an ambiguous query).
pub fn has_label(harness: &Window, label: &str) -> bool {
    harness.query_by_label(label).is_some()
}

/// Whether one or more nodes are labelled `label` (a table cell shows up twice in the tree).
pub fn has_any_label(harness: &Window, label: &str) -> bool {
    harness.query_all_by_label(label).next().is_some()
}

/// Whether a node's label contains `part`.
pub fn has_text(harness: &Window, part: &str) -> bool {
    harness.query_by_label_contains(part).is_some()
}

/// Whether exactly one node of `role` is labelled `label`.
pub fn has_input(harness: &Window, role: Role, label: &str) -> bool {
    harness.query_by_role_and_label(role, label).is_some()
}

/// Whether one or more nodes of `role` are labelled `label`.
pub fn has_any_input(harness: &Window, role: Role, label: &str) -> bool {
    harness.query_all_by_role_and_label(role, label).next().is_some()
}

/// Whether `part` shows anywhere: in a label's name or (for labels) its value.
pub fn shows(harness: &Window, part: &str) -> bool {
    has_text(harness, part) || harness.query_all_by(|node| node.value().is_some_and(|v| v.contains(part))).count() > 0
}

/// Types `text` into the field of `role` labelled `label`.
pub fn type_into(harness: &mut Window, role: Role, label: &str, text: &str) {
    let field = harness.get_by_role_and_label(role, label);
    field.focus();
    field.type_text(text);
    harness.step();
}

/// Presses a button, checkbox, radio button or link the way assistive technology does, which
/// works wherever a scroll area has it.
pub fn press(harness: &mut Window, label: &str) {
    harness.get_by_label(label).click_accesskit();
    harness.step();
}

/// Waits for the sign-in form of a freshly opened window, and checks it for accessibility.
pub fn ready_to_sign_in(mut harness: Window) -> Window {
    step_until(&mut harness, "the sign-in form", |h| has_input(h, Role::TextInput, "Email"));
    harness.check_accessibility();
    harness
}

/// Opens the window on a new database (filled with the demo set) and waits for sign-in.
pub fn sign_in_screen(db: &Path) -> Window {
    ready_to_sign_in(open_window(db.to_owned()))
}

/// Types a customer's login into the sign-in form and clicks "Sign in".
pub fn sign_in_customer(harness: &mut Window, email: &str, password: &str) {
    type_into(harness, Role::TextInput, "Email", email);
    type_into(harness, Role::PasswordInput, "Password", password);
    harness.get_by_label("Sign in").click();
    harness.step();
}

/// Opens a new demo database and signs `demo` in with the demo password.
pub fn customer_signed_in(db: &Path, demo: &DemoAccount) -> Window {
    let mut harness = sign_in_screen(db);
    sign_in_customer(&mut harness, demo.email, DEMO_CUSTOMER_PASSWORD);
    harness
}

/// The demo staff member with `role`: name and password.
pub fn demo_staff(role: StaffRole) -> (&'static str, &'static str) {
    let (name, _) = DEMO_AGENTS.iter().find(|(_, r)| *r == role).expect("a demo staff member of each role");
    (name, demo_agent_password(role))
}

/// Signs the demo staff member with `role` in from the sign-in form, up to their desk.
pub fn sign_in_staff(harness: &mut Window, role: StaffRole) {
    let (name, password) = demo_staff(role);
    harness.get_by_label("Support agent").click();
    step_until(harness, "the agent form", |h| has_input(h, Role::TextInput, "Name"));
    type_into(harness, Role::TextInput, "Name", name);
    type_into(harness, Role::PasswordInput, "Password", password);
    press(harness, "Sign in");
    let heading = format!("Signed in as {name} ({})", role.label());
    step_until(harness, "the agent desk", |h| has_label(h, &heading));
}

/// Waits for the sign-in form of `harness` and signs the demo staff member with `role` in.
pub fn staff_signed_in(harness: Window, role: StaffRole) -> Window {
    let mut harness = ready_to_sign_in(harness);
    sign_in_staff(&mut harness, role);
    harness
}

/// A connection to `db` and the id of `demo`'s account.
pub fn account_of(db: &Path, demo: &DemoAccount) -> (rusqlite::Connection, AccountId) {
    let conn = closedesk::store::open_existing(db).expect("the database opens");
    let id = accounts::get_account(&conn, &AccountRef::Email(demo.email.to_owned())).expect("a demo account").id;
    (conn, id)
}

/// The code in the newest mail to `email`, read as the customer would: from the outbox's
/// `.eml` file.
pub fn mailed_code(db: &Path, email: &str) -> String {
    let conn = closedesk::store::open_existing(db).expect("the database opens");
    let newest = outbox::list(&conn, Some(email), 1).expect("the outbox reads").remove(0);
    let raw = std::fs::read_to_string(closedesk::paths::outbox_dir(db).join(&newest.eml_file)).expect("the .eml");
    let code = regex::Regex::new(r"Your code: (\d{6})").expect("a valid pattern");
    code.captures(&raw).unwrap_or_else(|| panic!("no code in {}", newest.subject))[1].to_owned()
}
