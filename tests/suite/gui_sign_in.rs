//! The window as a person uses it: the real `ClosedeskApp` (logic and ui) driven through its
//! accessibility tree, against a database in a temporary folder.

use crate::support::gui;

use closedesk::demo::{DEMO_ACCOUNTS, DEMO_AGENT_PASSWORD, DEMO_CUSTOMER_PASSWORD, DemoAccount};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use gui::{
    has_input, has_label, open_window, sign_in_customer as submit_customer_login, sign_in_screen, step_until, type_into,
};

#[test]
fn demo_customer_signs_in_and_sees_their_account() {
    let dir = tempfile::tempdir().unwrap();
    let demo = &DEMO_ACCOUNTS[0];
    let mut harness = sign_in_screen(&dir.path().join("closedesk.db"));

    submit_customer_login(&mut harness, demo.email, DEMO_CUSTOMER_PASSWORD);
    step_until(&mut harness, "the account overview", |h| has_label(h, demo.display_name));

    assert!(has_label(&harness, demo.email), "the profile shows the email");
    assert!(has_label(&harness, "What the account holds"));
    assert!(has_label(&harness, "Orders"), "the counts are shown");
    assert!(!has_input(&harness, Role::PasswordInput, "Password"), "the form is gone");
    assert!(
        harness.query_by_label_contains("scheduled for deletion").is_none(),
        "no deletion notice on an active account"
    );
    harness.check_accessibility();

    harness.get_by_label("Sign out").click();
    step_until(&mut harness, "the sign-in form after signing out", |h| has_input(h, Role::TextInput, "Email"));
    assert!(!has_label(&harness, demo.display_name), "no account data stays on screen");
}

#[test]
fn an_account_pending_closure_sees_only_when_it_will_be_deleted_and_how_to_cancel() {
    let dir = tempfile::tempdir().unwrap();
    let demo = DemoAccount::by_situation("closure pending").unwrap();
    let mut harness = sign_in_screen(&dir.path().join("closedesk.db"));

    submit_customer_login(&mut harness, demo.email, DEMO_CUSTOMER_PASSWORD);
    let heading = "Your account is scheduled for deletion on ";
    step_until(&mut harness, "the closure-pending screen", |h| h.query_by_label_contains(heading).is_some());

    let text = harness.get_by_label_contains(heading).value().unwrap_or_default();
    assert!(text.ends_with('.') && text.len() > heading.len() + 1, "{text}");
    assert!(has_label(&harness, "Cancel the closure?"));
    assert!(has_input(&harness, Role::PasswordInput, "Password"), "cancelling starts with the password");
    assert!(!has_label(&harness, "Account settings"), "nothing else of the account is reachable");
    assert!(has_label(&harness, "Sign out"));
}

#[test]
fn wrong_password_is_refused_without_saying_which_half_was_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let demo = &DEMO_ACCOUNTS[0];
    let mut harness = sign_in_screen(&dir.path().join("closedesk.db"));

    submit_customer_login(&mut harness, demo.email, "not-the-password");
    step_until(&mut harness, "the refusal", |h| has_label(h, "The login or the password is wrong."));

    assert!(!has_label(&harness, demo.display_name), "no account data is shown");
    assert!(harness.query_by_label("Sign out").is_none(), "nobody is signed in");
    let password = harness.get_by_role_and_label(Role::PasswordInput, "Password");
    assert_eq!(password.value().unwrap_or_default(), "", "the password field was emptied");

    // An unknown email gets the very same answer; this time Enter in the password field submits.
    harness.get_by_role_and_label(Role::TextInput, "Email").focus();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[egui::Key::A]);
    harness.step();
    type_into(&mut harness, Role::TextInput, "Email", "nobody@example.com");
    type_into(&mut harness, Role::PasswordInput, "Password", "not-the-password");
    let typed = harness.get_by_role_and_label(Role::PasswordInput, "Password").value().unwrap_or_default();
    assert!(!typed.is_empty() && !typed.contains("not-the-password"), "the field holds the password, masked");
    harness.key_press(egui::Key::Enter);
    harness.step();
    let email = harness.get_by_role_and_label(Role::TextInput, "Email").value();
    assert_eq!(email.as_deref(), Some("nobody@example.com"));
    let password = harness.get_by_role_and_label(Role::PasswordInput, "Password").value();
    assert_eq!(password.unwrap_or_default(), "", "Enter submitted the form and emptied the field");
    step_until(&mut harness, "the second refusal", |h| {
        has_label(h, "The login or the password is wrong.") && h.query_by_label("Checking…").is_none()
    });
}

#[test]
fn demo_agent_signs_in_and_sees_the_customer_list_with_masked_emails() {
    let dir = tempfile::tempdir().unwrap();
    let demo = &DEMO_ACCOUNTS[0];
    let mut harness = sign_in_screen(&dir.path().join("closedesk.db"));

    harness.get_by_label("Support agent").click();
    step_until(&mut harness, "the agent form", |h| has_input(h, Role::TextInput, "Name"));
    type_into(&mut harness, Role::TextInput, "Name", "agent");
    type_into(&mut harness, Role::PasswordInput, "Password", DEMO_AGENT_PASSWORD);
    harness.get_by_label("Sign in").click();
    step_until(&mut harness, "the agent screen", |h| has_label(h, "Signed in as agent (Agent)"));
    step_until(&mut harness, "the customer list", |h| has_label(h, demo.display_name));
    let named = harness.query_all_by_label_contains("agent (Agent)").count();
    assert_eq!(named, 1, "the agent is named once, in the top bar");

    let masked = closedesk::core::masking::mask_email(demo.email);
    assert!(has_label(&harness, &masked), "emails are masked as {masked}");
    assert!(!has_label(&harness, demo.email), "no full email in the list");
    assert!(has_input(&harness, Role::TextInput, "Search customers"));

    harness.check_accessibility();

    harness.get_by_label(demo.display_name).click();
    step_until(&mut harness, "the customer's overview", |h| has_label(h, "Member since"));
    assert!(has_label(&harness, &masked), "the opened customer is masked too");
    assert!(!has_label(&harness, demo.email));
    assert!(has_label(&harness, "Back to customers"));
}

#[test]
fn a_foreign_file_shows_the_error_screen_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "shopping list: eggs, milk\n".repeat(20)).unwrap();
    let before = std::fs::read(&path).unwrap();

    let mut harness = open_window(path.clone());
    step_until(&mut harness, "the error screen", |h| has_label(h, "closedesk cannot start"));

    let message = harness.get_by_label_contains("not a closedesk database");
    // AccessKit keeps a label's text in its value.
    let text = message.value().unwrap_or_default();
    assert!(text.contains(&path.display().to_string()), "the message names the file: {text}");
    assert!(has_label(&harness, &path.display().to_string()), "the path is shown on its own");
    assert!(!has_input(&harness, Role::TextInput, "Email"), "there is no sign-in form");
    assert!(has_label(&harness, "Try again"));
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file was left untouched");
}
