//! The `closedesk` binary as scripts see it: output, JSON and exit codes.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::cli;

use closedesk::demo::{DEMO_ACCOUNTS, DEMO_CUSTOMER_PASSWORD};

fn closedesk(db: &Path, args: &[&str]) -> Output {
    closedesk_with_stdin(db, args, None)
}

fn closedesk_with_stdin(db: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    cli::run(db, args, stdin, &[])
}

fn stdout(output: &Output) -> String {
    cli::text(&output.stdout)
}

fn stderr(output: &Output) -> String {
    cli::text(&output.stderr)
}

fn json(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "failed: {}", stderr(output));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn fresh_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("closedesk.db");
    (dir, db)
}

#[test]
fn init_creates_the_demo_database_and_accounts_lists_it() {
    let (_dir, db) = fresh_db();
    let output = closedesk(&db, &["init"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(db.exists());

    let listed = json(&closedesk(&db, &["accounts", "--json"]));
    let emails: Vec<&str> =
        listed["accounts"].as_array().unwrap().iter().map(|a| a["email"].as_str().unwrap()).collect();
    for demo in DEMO_ACCOUNTS {
        assert!(emails.contains(&demo.email), "{} missing from {emails:?}", demo.email);
    }

    let table = stdout(&closedesk(&db, &["accounts"]));
    assert!(table.starts_with("ID  "), "{table}");
    assert!(table.contains(DEMO_ACCOUNTS[0].display_name), "{table}");
}

#[test]
fn init_refuses_an_existing_database() {
    let (_dir, db) = fresh_db();
    assert!(closedesk(&db, &["init", "--empty"]).status.success());
    let before = std::fs::read(&db).unwrap();
    let again = closedesk(&db, &["init"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn init_empty_makes_a_database_without_accounts() {
    let (_dir, db) = fresh_db();
    assert!(closedesk(&db, &["init", "--empty"]).status.success());
    let listed = json(&closedesk(&db, &["accounts", "--json"]));
    assert_eq!(listed["accounts"].as_array().unwrap().len(), 0);
}

#[test]
fn any_command_on_a_missing_database_creates_it_with_demo_data() {
    let (_dir, db) = fresh_db();
    let listed = json(&closedesk(&db, &["accounts", "--json"]));
    assert!(listed["accounts"].as_array().unwrap().len() >= 8);
}

#[test]
fn show_finds_an_account_by_id_and_by_email_in_any_case() {
    let (_dir, db) = fresh_db();
    let demo = &DEMO_ACCOUNTS[0];
    let by_email = json(&closedesk(&db, &["show", &demo.email.to_uppercase(), "--json"]));
    assert_eq!(by_email["account"]["display_name"], demo.display_name);
    assert!(by_email["counts"]["orders"].as_i64().unwrap() > 0);

    let id = by_email["account"]["id"].as_i64().unwrap().to_string();
    let by_id = json(&closedesk(&db, &["show", &id, "--json"]));
    assert_eq!(by_id["account"], by_email["account"]);

    let text = stdout(&closedesk(&db, &["show", &id]));
    assert!(text.contains(demo.display_name) && text.contains("Orders"), "{text}");
}

#[test]
fn show_of_an_unknown_account_fails_with_one_line() {
    let (_dir, db) = fresh_db();
    let output = closedesk(&db, &["show", "nobody@example.com"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "{err}");
    assert!(err.contains("not found") && !err.contains("nobody@example.com"), "{err}");
}

#[test]
fn bad_usage_exits_with_2() {
    let (_dir, db) = fresh_db();
    assert_eq!(closedesk(&db, &["show"]).status.code(), Some(2));
    assert_eq!(closedesk(&db, &["accounts", "--status", "sleeping"]).status.code(), Some(2));
    assert_eq!(closedesk(&db, &["agents", "add", "kim", "--role", "boss", "--password-stdin"]).status.code(), Some(2));
}

#[test]
fn closedesk_cli_runs_the_same_commands_and_without_one_prints_help_instead_of_a_window() {
    let (_dir, db) = fresh_db();
    let console = |args: &[&str]| cli::run_program(cli::closedesk_cli(), &db, args, None, &[]);
    let listed = console(&["accounts", "--json"]);
    assert_eq!(json(&listed), json(&closedesk(&db, &["accounts", "--json"])));

    let bare = console(&[]);
    assert_eq!(bare.status.code(), Some(2));
    assert!(stderr(&bare).contains("Usage: closedesk-cli [OPTIONS] <COMMAND>"), "{}", stderr(&bare));
    assert_eq!(console(&["--version"]).status.code(), Some(0));
}

#[test]
fn a_foreign_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("holiday-photos.db");
    std::fs::write(&db, b"definitely not sqlite, just some bytes of a user's file").unwrap();
    let before = std::fs::read(&db).unwrap();
    let output = closedesk(&db, &["accounts"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("holiday-photos.db") && err.contains("not a closedesk database"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn set_password_reads_stdin_and_the_new_password_signs_in() {
    let (_dir, db) = fresh_db();
    let demo = &DEMO_ACCOUNTS[0];
    let output =
        closedesk_with_stdin(&db, &["set-password", demo.email, "--password-stdin"], Some("a brand new secret\n"));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stdout(&output).contains("a brand new secret"));

    let login = |password: &str| {
        let mut conn = closedesk::store::open_existing(&db).unwrap();
        let credentials =
            closedesk::auth::Credentials::Customer { email: demo.email.to_owned(), password: password.into() };
        closedesk::auth::sign_in(&mut conn, &credentials, jiff::Timestamp::now()).is_ok()
    };
    assert!(login("a brand new secret"));
    assert!(!login(DEMO_CUSTOMER_PASSWORD));

    let short = closedesk_with_stdin(&db, &["set-password", demo.email, "--password-stdin"], Some("short\n"));
    assert_eq!(short.status.code(), Some(1));
    assert!(stderr(&short).contains("at least 8"), "{}", stderr(&short));
}

#[test]
fn agents_add_creates_an_agent_and_refuses_a_duplicate_name() {
    let (_dir, db) = fresh_db();
    let added = closedesk_with_stdin(
        &db,
        &["agents", "add", "kim", "--role", "admin", "--password-stdin"],
        Some("kims-password\n"),
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let listed = json(&closedesk(&db, &["agents", "list", "--json"]));
    let kim = listed["agents"].as_array().unwrap().iter().find(|a| a["name"] == "kim").unwrap().clone();
    assert_eq!(kim["role"], "admin");

    let again = closedesk_with_stdin(
        &db,
        &["agents", "add", "KIM", "--role", "agent", "--password-stdin"],
        Some("other-password\n"),
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
}

#[test]
fn accounts_search_and_status_filter() {
    let (_dir, db) = fresh_db();
    let demo = &DEMO_ACCOUNTS[0];
    let first_name = demo.display_name.split_whitespace().next().unwrap();
    let found = json(&closedesk(&db, &["accounts", "--search", &first_name.to_lowercase(), "--json"]));
    let names: Vec<&str> =
        found["accounts"].as_array().unwrap().iter().map(|a| a["display_name"].as_str().unwrap()).collect();
    assert!(names.contains(&demo.display_name), "{names:?}");

    let pending = json(&closedesk(&db, &["accounts", "--status", "closure-pending", "--json"]));
    let pending = pending["accounts"].as_array().unwrap();
    assert!(!pending.is_empty());
    assert!(pending.iter().all(|a| a["status"] == "closure_pending"));
}

#[test]
fn seed_adds_synthetic_accounts_with_a_rate() {
    let (_dir, db) = fresh_db();
    let output = closedesk(&db, &["seed", "--accounts", "50", "--orders-per-account", "4", "--seed", "7"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("added 50 accounts and 200 orders"), "{}", stdout(&output));
    let listed = json(&closedesk(&db, &["accounts", "--search", "synthetic-", "--limit", "1000", "--json"]));
    assert_eq!(listed["accounts"].as_array().unwrap().len(), 50);
}

#[test]
fn closedesk_now_must_be_a_valid_instant() {
    let (_dir, db) = fresh_db();
    let output = cli::run(&db, &["accounts"], None, &[("CLOSEDESK_NOW", "next tuesday")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("CLOSEDESK_NOW"));
}
