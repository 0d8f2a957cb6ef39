//! `closedesk audit verify` as an operator runs it: lines edited, deleted or swapped with an
//! ordinary SQLite client are reported at the first broken row, with exit code 7.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use closedesk::core::audit::{Actor, AuditEvent};
use closedesk::core::{AccountId, AgentId};
use jiff::Timestamp;

use crate::support::cli;

/// A demo database whose trail holds at least six lines, in a folder of its own.
fn trail_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    assert!(cli::run(&db, &["init"], None, &[]).status.success());
    let conn = closedesk::store::open_existing(&db).unwrap();
    let lines = [
        (Some(1), Actor::Customer(AccountId(1)), "sign_in"),
        (Some(1), Actor::Agent(AgentId(1)), "reveal_personal_data"),
        (Some(2), Actor::Agent(AgentId(1)), "closure_cancel"),
        (None, Actor::System, "agent_added"),
        (Some(2), Actor::System, "purge"),
        (None, Actor::Agent(AgentId(2)), "audit_exported"),
    ];
    for (second, (account, actor, action)) in (1_000..).zip(lines) {
        let event = AuditEvent { account: account.map(AccountId), actor, action, outcome: "ok" };
        closedesk::store::audit::record(&conn, &event, Timestamp::from_second(second).unwrap()).unwrap();
    }
    (dir, db)
}

/// Changes the file as anyone who can write it could: with the `sqlite3` program when it is
/// installed, else with a connection that registers none of closedesk's functions.
fn tamper(db: &Path, sql: &str) {
    match Command::new("sqlite3").arg(db).arg(sql).output() {
        Ok(output) => assert!(output.status.success(), "sqlite3: {}", cli::text(&output.stderr)),
        Err(_) => rusqlite::Connection::open(db).unwrap().execute_batch(sql).unwrap(),
    }
}

fn verify(db: &Path, args: &[&str]) -> Output {
    let mut all = vec!["audit", "verify"];
    all.extend_from_slice(args);
    cli::run(db, &all, None, &[])
}

/// The ids of the trail's lines, oldest first.
fn ids(db: &Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT id FROM audit_events ORDER BY id").unwrap();
    stmt.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect()
}

/// Runs `audit verify` and `audit verify --json` on a broken trail and returns the text verdict.
fn broken(db: &Path) -> (String, serde_json::Value) {
    let output = verify(db, &[]);
    assert_eq!(output.status.code(), Some(7), "{}", cli::text(&output.stderr));
    let json = verify(db, &["--json"]);
    assert_eq!(json.status.code(), Some(7));
    (cli::text(&output.stderr), serde_json::from_slice(&json.stdout).unwrap())
}

#[test]
fn an_intact_trail_verifies_with_its_row_count_and_newest_hash() {
    let (_dir, db) = trail_db();
    let rows = ids(&db).len();
    let output = verify(&db, &[]);
    assert!(output.status.success(), "{}", cli::text(&output.stderr));
    let text = cli::text(&output.stdout);
    assert!(text.starts_with(&format!("audit trail intact ({rows} rows); newest row ")), "{text}");

    let json = verify(&db, &["--json"]);
    assert!(json.status.success());
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["audit_chain"]["state"], "intact");
    assert_eq!(json["audit_chain"]["rows"], rows);

    // The printed newest row and hash, passed back later, hold the trail to them.
    let head = &json["audit_chain"]["head"];
    let noted = format!("{}:{}", head["id"], head["hash"].as_str().unwrap());
    assert!(verify(&db, &["--noted", &noted]).status.success());
    let newest = ids(&db).last().copied().unwrap();
    tamper(&db, &format!("DELETE FROM audit_events WHERE id = {newest}"));
    assert!(verify(&db, &[]).status.success(), "the chain alone cannot see its newest line deleted");
    let output = verify(&db, &["--noted", &noted]);
    assert_eq!(output.status.code(), Some(7));
    assert!(cli::text(&output.stderr).contains(&format!("broken at row {newest}: cut back")));
}

#[test]
fn an_edited_row_is_reported_as_edited() {
    let (_dir, db) = trail_db();
    let target = ids(&db)[2];
    tamper(&db, &format!("UPDATE audit_events SET outcome = 'denied' WHERE id = {target}"));
    let (text, json) = broken(&db);
    assert!(text.contains(&format!("audit trail broken at row {target}: edited")), "{text}");
    assert_eq!(json["audit_chain"]["id"], target);
    assert_eq!(json["audit_chain"]["why"]["kind"], "edited");
}

#[test]
fn a_deleted_row_is_reported_at_the_row_after_it() {
    let (_dir, db) = trail_db();
    let all = ids(&db);
    tamper(&db, &format!("DELETE FROM audit_events WHERE id = {}", all[2]));
    let (text, json) = broken(&db);
    assert!(text.contains(&format!("broken at row {}: missing predecessor", all[3])), "{text}");
    assert_eq!(json["audit_chain"]["why"]["kind"], "missing_predecessor");
}

#[test]
fn swapped_rows_are_reported_as_reordered() {
    let (_dir, db) = trail_db();
    let all = ids(&db);
    let (a, b) = (all[1], all[2]);
    tamper(
        &db,
        &format!(
            "UPDATE audit_events SET id = -1 WHERE id = {a};
             UPDATE audit_events SET id = {a} WHERE id = {b};
             UPDATE audit_events SET id = {b} WHERE id = -1;"
        ),
    );
    let (text, json) = broken(&db);
    assert!(text.contains(&format!("broken at row {a}: reordered: it was written after row {b}")), "{text}");
    assert_eq!(json["audit_chain"]["why"]["kind"], "reordered");
    assert_eq!(json["audit_chain"]["why"]["chained_to"], b);
}
