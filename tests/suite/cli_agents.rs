//! `closedesk agents disable|enable|reset-password` as scripts see them: output, audit and
//! exit codes, and what the agent can sign in with afterwards.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::cli;

use closedesk::auth::Credentials;
use closedesk::demo::{DEMO_ADMIN_PASSWORD, DEMO_AGENT_PASSWORD};

fn closedesk(db: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    cli::run(db, args, stdin, &[])
}

fn stderr(output: &Output) -> String {
    cli::text(&output.stderr)
}

fn fresh_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    (dir, db)
}

fn signs_in(db: &Path, name: &str, password: &str) -> bool {
    let mut conn = closedesk::store::open_existing(db).unwrap();
    let credentials = Credentials::Agent { name: name.to_owned(), password: password.into() };
    closedesk::auth::sign_in(&mut conn, &credentials, jiff::Timestamp::now()).is_ok()
}

fn audit_actions(db: &Path) -> Vec<String> {
    let conn = closedesk::store::open_existing(db).unwrap();
    let filter = closedesk::store::audit::AuditFilter::default();
    closedesk::store::audit::query(&conn, &filter, 0, None).unwrap().into_iter().map(|row| row.action).collect()
}

#[test]
fn a_disabled_agent_cannot_sign_in_until_enabled_again() {
    let (_dir, db) = fresh_db();
    let disabled = closedesk(&db, &["agents", "disable", "agent"], None);
    assert!(disabled.status.success(), "{}", stderr(&disabled));
    assert!(!signs_in(&db, "agent", DEMO_AGENT_PASSWORD));
    let listed = String::from_utf8(closedesk(&db, &["agents", "list"], None).stdout).unwrap();
    assert!(listed.lines().any(|line| line.contains("agent") && line.contains("disabled")), "{listed}");

    let enabled = closedesk(&db, &["agents", "enable", "AGENT"], None);
    assert!(enabled.status.success(), "{}", stderr(&enabled));
    assert!(signs_in(&db, "agent", DEMO_AGENT_PASSWORD));

    let actions = audit_actions(&db);
    assert!(actions.contains(&"agent_disabled".to_owned()) && actions.contains(&"agent_enabled".to_owned()));
}

#[test]
fn the_last_admin_cannot_be_disabled_and_an_unknown_name_fails() {
    let (_dir, db) = fresh_db();
    let refused = closedesk(&db, &["agents", "disable", "admin"], None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("last enabled admin"), "{}", stderr(&refused));
    assert!(signs_in(&db, "admin", DEMO_ADMIN_PASSWORD));

    let unknown = closedesk(&db, &["agents", "enable", "nobody"], None);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("no agent"), "{}", stderr(&unknown));
}

#[test]
fn reset_password_reads_stdin_and_only_the_new_password_signs_in() {
    let (_dir, db) = fresh_db();
    let reset = closedesk(&db, &["agents", "reset-password", "agent", "--password-stdin"], Some("fresh agent pw\n"));
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert!(!String::from_utf8_lossy(&reset.stdout).contains("fresh agent pw"));
    assert!(signs_in(&db, "agent", "fresh agent pw"));
    assert!(!signs_in(&db, "agent", DEMO_AGENT_PASSWORD));
    assert!(audit_actions(&db).contains(&"agent_password_reset".to_owned()));

    let short = closedesk(&db, &["agents", "reset-password", "agent", "--password-stdin"], Some("short\n"));
    assert_eq!(short.status.code(), Some(1));
    assert!(stderr(&short).contains("at least 8"), "{}", stderr(&short));

    let no_flag = closedesk(&db, &["agents", "reset-password", "agent"], None);
    assert_eq!(no_flag.status.code(), Some(2), "passwords never go on the command line");
}
