//! `closedesk agents disable|enable|reset-password` as scripts see them: output, audit and
//! exit codes, and what the agent can sign in with afterwards; and `--agent`, an agent acting
//! from the terminal under their own name and role.

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

/// The demo database made at `T0`, whose closure-pending account is due four days later.
const T0: &str = "2026-12-01T09:00:00Z";
const DUE: &str = "2026-12-05T09:00:00Z";

fn closedesk_at(db: &Path, now: &str, args: &[&str], stdin: Option<&str>) -> Output {
    cli::run(db, args, stdin, &[("CLOSEDESK_NOW", now)])
}

fn demo_db_at_t0() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = fresh_db();
    let init = closedesk_at(&db, T0, &["init"], None);
    assert!(init.status.success(), "{}", stderr(&init));
    (dir, db)
}

fn waiting_for_purge(db: &Path) -> usize {
    let conn = closedesk::store::open_existing(db).unwrap();
    closedesk::store::queue::closure_queue(&conn, 100).unwrap().len()
}

/// The audit actions recorded under the agent `name`.
fn actions_of(db: &Path, name: &str) -> Vec<String> {
    let conn = closedesk::store::open_existing(db).unwrap();
    let agent = closedesk::store::agents::find_by_name(&conn, name).unwrap().unwrap();
    let filter = closedesk::store::audit::AuditFilter { agent: Some(agent.id), ..Default::default() };
    closedesk::store::audit::query(&conn, &filter, 0, None).unwrap().into_iter().map(|row| row.action).collect()
}

#[test]
fn an_admin_purges_and_copies_the_database_from_the_terminal_under_their_own_name() {
    let (dir, db) = demo_db_at_t0();
    assert_eq!(waiting_for_purge(&db), 1);
    let purge = ["purge-due", "--json", "--agent", "admin", "--password-stdin"];
    let purged = closedesk_at(&db, DUE, &purge, Some(DEMO_ADMIN_PASSWORD));
    assert!(purged.status.success(), "{}", stderr(&purged));
    let receipts: serde_json::Value = serde_json::from_slice(&purged.stdout).unwrap();
    assert_eq!(receipts["receipts"].as_array().unwrap().len(), 1, "{receipts}");
    assert_eq!(receipts["receipts"][0]["checkpoint_complete"], true);
    assert_eq!(waiting_for_purge(&db), 0);

    let copy = dir.path().join("copy.db");
    let backup = ["backup-db", "--out", copy.to_str().unwrap(), "--agent", "admin", "--password-stdin"];
    let copied = closedesk_at(&db, DUE, &backup, Some(DEMO_ADMIN_PASSWORD));
    assert!(copied.status.success(), "{}", stderr(&copied));
    assert!(copy.exists());

    let actions = actions_of(&db, "admin");
    for action in ["sign_in", "purge_queue_run", "database_backup"] {
        assert!(actions.contains(&action.to_owned()), "no {action} by admin in {actions:?}");
    }
    assert!(!String::from_utf8_lossy(&purged.stdout).contains(DEMO_ADMIN_PASSWORD));
}

#[test]
fn an_agent_may_not_purge_or_copy_the_database_from_the_terminal() {
    let (dir, db) = demo_db_at_t0();
    let purge = ["purge-due", "--agent", "agent", "--password-stdin"];
    let refused = closedesk_at(&db, DUE, &purge, Some(DEMO_AGENT_PASSWORD));
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("only an admin may run the purge"), "{}", stderr(&refused));
    assert_eq!(waiting_for_purge(&db), 1, "nothing was purged");

    let copy = dir.path().join("copy.db");
    let backup = ["backup-db", "--out", copy.to_str().unwrap(), "--agent", "agent", "--password-stdin"];
    let refused = closedesk_at(&db, DUE, &backup, Some(DEMO_AGENT_PASSWORD));
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("only an admin may back up the database"), "{}", stderr(&refused));
    assert!(!copy.exists());
}

#[test]
fn a_wrong_agent_password_exits_4_and_too_many_exit_5_with_nothing_purged() {
    let (_dir, db) = demo_db_at_t0();
    let purge = ["purge-due", "--agent", "admin", "--password-stdin"];
    for _ in 0..3 {
        let wrong = closedesk_at(&db, DUE, &purge, Some("not the password"));
        assert_eq!(wrong.status.code(), Some(4), "{}", stderr(&wrong));
        assert!(stderr(&wrong).contains("The login or the password is wrong."), "{}", stderr(&wrong));
    }
    let throttled = closedesk_at(&db, DUE, &purge, Some(DEMO_ADMIN_PASSWORD));
    assert_eq!(throttled.status.code(), Some(5), "{}", stderr(&throttled));
    assert!(stderr(&throttled).contains("Too many failed attempts"), "{}", stderr(&throttled));
    assert_eq!(waiting_for_purge(&db), 1, "nothing was purged");

    let no_stdin_flag = closedesk_at(&db, DUE, &["purge-due", "--agent", "admin"], None);
    assert_eq!(no_stdin_flag.status.code(), Some(2), "passwords never go on the command line");
}
