//! The closure flow through the `closedesk close` commands, as a script or an agent runs it.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::cli;

use closedesk::demo::{DEMO_CUSTOMER_PASSWORD, DemoAccount};

const T0: &str = "2026-12-01T09:00:00Z";

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Db {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("closedesk.db");
        let db = Self { _dir: dir, path };
        assert!(db.run(T0, &["init"], None).status.success());
        db
    }

    fn run(&self, now: &str, args: &[&str], stdin: Option<&str>) -> Output {
        run_at(&self.path, now, args, stdin)
    }

    fn outbox_dir(&self) -> PathBuf {
        self.path.parent().unwrap().join("outbox")
    }
}

fn run_at(db: &Path, now: &str, args: &[&str], stdin: Option<&str>) -> Output {
    cli::run(db, args, stdin, &[("CLOSEDESK_NOW", now), ("CLOSEDESK_LOG", "debug")])
}

fn text(bytes: &[u8]) -> String {
    cli::text(bytes)
}

fn demo(situation: &str) -> &'static DemoAccount {
    DemoAccount::by_situation(situation).unwrap()
}

fn password() -> String {
    format!("{DEMO_CUSTOMER_PASSWORD}\n")
}

/// Shifts `T0` by whole seconds.
fn at(seconds: i64) -> String {
    let t0: jiff::Timestamp = T0.parse().unwrap();
    (t0 + jiff::SignedDuration::from_secs(seconds)).to_string()
}

/// The code in the newest mail to `email`, read from the outbox's .eml file.
fn last_code(db: &Db, email: &str, now: &str) -> String {
    let output = db.run(now, &["outbox", "--to", email, "--last"], None);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let mail = text(&output.stdout);
    let line =
        mail.lines().find(|l| l.starts_with("Your code: ")).unwrap_or_else(|| panic!("no code in mail:\n{mail}"));
    line.trim_start_matches("Your code: ").trim().to_owned()
}

fn start(db: &Db, email: &str, now: &str) -> Output {
    db.run(now, &["close", "start", email, "--reason", "privacy", "--password-stdin"], Some(&password()))
}

fn confirm(db: &Db, email: &str, code: &str, now: &str) -> Output {
    db.run(
        now,
        &["close", "confirm", email, "--code", code, "--email", email, "--phrase", "deactivate my account"],
        None,
    )
}

fn status_json(db: &Db, email: &str, now: &str) -> serde_json::Value {
    let output = db.run(now, &["close", "status", email, "--json"], None);
    assert!(output.status.success(), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Closes the closable demo account at T0; returns its id.
fn close_closable(db: &Db) -> i64 {
    let email = demo("closable").email;
    let started = start(db, email, T0);
    assert!(started.status.success(), "{}", text(&started.stderr));
    let code = last_code(db, email, T0);
    let confirmed = confirm(db, email, &code, &at(60));
    assert!(confirmed.status.success(), "{}", text(&confirmed.stderr));
    status_json(db, email, &at(60))["account"].as_i64().unwrap()
}

#[test]
fn a_closable_account_reaches_closure_pending_with_a_72_hour_grace_period() {
    let db = Db::new();
    let email = demo("closable").email;
    let started = start(&db, email, T0);
    assert_eq!(started.status.code(), Some(0), "{}", text(&started.stderr));
    assert!(text(&started.stderr).contains("warning:"), "warnings are shown: {}", text(&started.stderr));

    let code = last_code(&db, email, T0);
    assert_eq!(code.len(), 6);
    let confirmed = confirm(&db, email, &code, &at(60));
    assert_eq!(confirmed.status.code(), Some(0), "{}", text(&confirmed.stderr));

    let status = status_json(&db, email, &at(60));
    assert_eq!(status["status"], "closure_pending");
    assert_eq!(status["purge_after"], at(60 + 72 * 3600));
    assert_eq!(status["reason"], "privacy");

    let mail = text(&db.run(&at(60), &["outbox", "--to", email, "--last"], None).stdout);
    assert!(mail.contains("scheduled for deletion"), "{mail}");
    assert!(
        mail.contains("Message-ID") || mail.contains("Message-Id") || mail.contains("Date:"),
        "an RFC 5322 mail: {mail}"
    );

    let shown = db.run(&at(60), &["show", email, "--json"], None);
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["account"]["status"], "closure_pending");
}

#[test]
fn marketing_subscriptions_are_switched_off_at_confirm() {
    let db = Db::new();
    let id = close_closable(&db);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let enabled: i64 = conn
        .query_row(
            "SELECT count(*) FROM subscriptions WHERE account_id = ?1 AND enabled = 1
             AND topic IN ('marketing_email', 'promotions_push', 'newsletter')",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(enabled, 0);
}

#[test]
fn every_blocked_demo_account_exits_3_and_names_its_blockers() {
    let db = Db::new();
    for (situation, words) in [
        ("pending order", "pending"),
        ("in-transit order", "in transit"),
        ("open dispute", "dispute"),
        ("refund balance", "Refund balance"),
        ("gift-card balance", "Gift-card balance"),
        ("awaiting payment", "awaiting payment"),
    ] {
        let output = start(&db, demo(situation).email, T0);
        assert_eq!(output.status.code(), Some(3), "{situation}: {}", text(&output.stderr));
        let stderr = text(&output.stderr);
        assert!(stderr.contains("blocker:") && stderr.contains(words), "{situation}: {stderr}");
    }
}

#[test]
fn a_wrong_password_exits_4_and_the_limit_locks_with_exit_5_until_the_lockout_ends() {
    let db = Db::new();
    let email = demo("closable").email;
    let wrong = |now: &str| {
        db.run(now, &["close", "start", email, "--reason", "other", "--password-stdin"], Some("nope-nope\n"))
    };
    for _ in 0..4 {
        assert_eq!(wrong(T0).status.code(), Some(4));
    }
    let fifth = wrong(T0);
    assert_eq!(fifth.status.code(), Some(5), "{}", text(&fifth.stderr));
    assert!(text(&fifth.stderr).contains("locked"), "{}", text(&fifth.stderr));
    assert_eq!(start(&db, email, &at(15 * 60 - 1)).status.code(), Some(5), "still locked a second before the end");
    let after = start(&db, email, &at(15 * 60));
    assert_eq!(after.status.code(), Some(0), "{}", text(&after.stderr));
}

#[test]
fn wrong_code_email_or_phrase_exit_4() {
    let db = Db::new();
    let email = demo("closable").email;
    assert!(start(&db, email, T0).status.success());
    let code = last_code(&db, email, T0);
    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(confirm(&db, email, wrong_code, T0).status.code(), Some(4));
    let wrong_email = db.run(
        T0,
        &["close", "confirm", email, "--code", &code, "--email", "x@example.org", "--phrase", "Deactivate my account"],
        None,
    );
    assert_eq!(wrong_email.status.code(), Some(4));
    let wrong_phrase =
        db.run(T0, &["close", "confirm", email, "--code", &code, "--email", email, "--phrase", "close it"], None);
    assert_eq!(wrong_phrase.status.code(), Some(4));
    assert_eq!(confirm(&db, email, &code, T0).status.code(), Some(0));
}

#[test]
fn the_code_expires_after_ten_minutes_with_exit_6() {
    let db = Db::new();
    let email = demo("closable").email;
    assert!(start(&db, email, T0).status.success());
    let code = last_code(&db, email, T0);
    let late = confirm(&db, email, &code, &at(600));
    assert_eq!(late.status.code(), Some(6), "{}", text(&late.stderr));
    assert!(text(&late.stderr).contains("expired"));
    assert_eq!(confirm(&db, email, &code, &at(599)).status.code(), Some(0), "valid until the last second");
}

#[test]
fn five_wrong_codes_void_the_code_and_lock_closure() {
    let db = Db::new();
    let email = demo("closable").email;
    assert!(start(&db, email, T0).status.success());
    let code = last_code(&db, email, T0);
    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        assert_eq!(confirm(&db, email, wrong_code, T0).status.code(), Some(4));
    }
    assert_eq!(confirm(&db, email, wrong_code, T0).status.code(), Some(5));
    assert_eq!(confirm(&db, email, &code, T0).status.code(), Some(5), "locked");
    let voided = confirm(&db, email, &code, &at(15 * 60));
    assert_eq!(voided.status.code(), Some(6), "voided even after the lock: {}", text(&voided.stderr));
}

#[test]
fn a_new_start_replaces_the_code() {
    let db = Db::new();
    let email = demo("closable").email;
    assert!(start(&db, email, T0).status.success());
    let first = last_code(&db, email, T0);
    assert!(start(&db, email, &at(120)).status.success());
    let second = last_code(&db, email, &at(120));
    if first != second {
        assert_eq!(
            confirm(&db, email, &first, &at(130)).status.code(),
            Some(4),
            "the old code is bound to the old request"
        );
    }
    assert_eq!(confirm(&db, email, &second, &at(131)).status.code(), Some(0));
}

#[test]
fn cancel_inside_the_grace_period_needs_the_password_and_a_fresh_code() {
    let db = Db::new();
    let email = demo("closable").email;
    close_closable(&db);
    let asked = db.run(&at(3600), &["close", "cancel", email, "--password-stdin"], Some(&password()));
    assert_eq!(asked.status.code(), Some(0), "{}", text(&asked.stderr));
    let code = last_code(&db, email, &at(3600));
    let done = db.run(&at(3700), &["close", "cancel", email, "--code", &code], None);
    assert_eq!(done.status.code(), Some(0), "{}", text(&done.stderr));
    assert_eq!(status_json(&db, email, &at(3700))["status"], "active");

    let wrong = db.run(&at(3800), &["close", "cancel", email, "--password-stdin"], Some(&password()));
    assert_eq!(wrong.status.code(), Some(1), "nothing left to cancel: {}", text(&wrong.stderr));
}

#[test]
fn a_wrong_cancel_password_exits_4() {
    let db = Db::new();
    let email = demo("closure pending").email;
    let output = db.run(T0, &["close", "cancel", email, "--password-stdin"], Some("wrong-password\n"));
    assert_eq!(output.status.code(), Some(4), "{}", text(&output.stderr));
}

#[test]
fn the_audit_trail_and_logs_hold_no_secret_or_personal_value() {
    let db = Db::new();
    let email = demo("closable").email;
    let started = start(&db, email, T0);
    let code = last_code(&db, email, T0);
    let confirmed = confirm(&db, email, &code, &at(60));
    let audit = db.run(&at(60), &["audit", "--json", "--limit", "10000"], None);
    assert!(audit.status.success());
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let (name, phone): (String, Option<String>) = conn
        .query_row("SELECT display_name, phone FROM accounts WHERE email = ?1", [email], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let phc: String = conn
        .query_row(
            "SELECT password_phc FROM credentials c JOIN accounts a ON a.id = c.account_id WHERE a.email = ?1",
            [email],
            |r| r.get(0),
        )
        .unwrap();
    let audit_text = text(&audit.stdout);
    assert!(audit_text.contains("closure_confirm"), "the steps are audited");
    let logs = format!(
        "{}{}{}{}",
        text(&started.stderr),
        text(&confirmed.stderr),
        text(&started.stdout),
        text(&confirmed.stdout)
    );
    let mut secrets = vec![code.clone(), DEMO_CUSTOMER_PASSWORD.to_owned(), phc, email.to_owned(), name];
    secrets.extend(phone);
    for (index, secret) in secrets.iter().enumerate() {
        assert!(!audit_text.contains(secret.as_str()), "value #{index} is in the audit trail");
        assert!(!logs.contains(secret.as_str()), "value #{index} is in the command output");
    }
    let table_dump: String = conn
        .prepare("SELECT coalesce(action, '') || ' ' || coalesce(outcome, '') FROM audit_events")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!table_dump.contains(&code) && !table_dump.contains(email));
    let outbox_bodies: String = conn
        .prepare("SELECT body FROM outbox")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!outbox_bodies.contains(&code), "the outbox table keeps codes masked");
}

#[test]
fn the_outbox_is_a_folder_of_eml_files() {
    let db = Db::new();
    let email = demo("closable").email;
    assert!(start(&db, email, T0).status.success());
    let files: Vec<_> = std::fs::read_dir(db.outbox_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().unwrap(), "eml");
    let mail = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        mail.contains(&format!("To: {email}")) && mail.contains("Subject: Your code to close your account"),
        "{mail}"
    );
}

#[test]
fn invalid_settings_are_refused_with_a_clear_error() {
    let db = Db::new();
    std::fs::write(db.path.parent().unwrap().join("closedesk-settings.json"), r#"{"grace_hours": 0}"#).unwrap();
    let output = start(&db, demo("closable").email, T0);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("grace_hours must be between"), "{}", text(&output.stderr));
}

#[test]
fn settings_change_the_grace_period() {
    let db = Db::new();
    std::fs::write(db.path.parent().unwrap().join("closedesk-settings.json"), r#"{"grace_hours": 24}"#).unwrap();
    let email = demo("closable").email;
    close_closable(&db);
    assert_eq!(status_json(&db, email, &at(60))["purge_after"], at(60 + 24 * 3600));
}

fn purge(db: &Db, now: &str) -> serde_json::Value {
    let output = db.run(now, &["purge-due", "--json"], None);
    assert!(output.status.success(), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn purged_ids(receipts: &serde_json::Value) -> Vec<i64> {
    receipts["receipts"].as_array().unwrap().iter().map(|r| r["account"].as_i64().unwrap()).collect()
}

/// The personal values of an account, read straight from the database before a purge.
fn personal_values(db: &Db, id: i64) -> Vec<String> {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let mut values: Vec<String> = conn
        .query_row("SELECT email, display_name, coalesce(phone, '') FROM accounts WHERE id = ?1", [id], |r| {
            Ok(vec![r.get(0)?, r.get(1)?, r.get(2)?])
        })
        .unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT recipient FROM addresses WHERE account_id = ?1 UNION ALL SELECT line1 FROM addresses WHERE account_id = ?1
             UNION ALL SELECT coalesce(line2, '') FROM addresses WHERE account_id = ?1
             UNION ALL SELECT coalesce(phone, '') FROM addresses WHERE account_id = ?1
             UNION ALL SELECT last4 FROM payment_methods WHERE account_id = ?1",
        )
        .unwrap();
    values.extend(stmt.query_map([id], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
    values.retain(|v| v.len() >= 4);
    values
}

fn occurrences(db: &Db, value: &str) -> usize {
    let mut found = 0;
    for suffix in ["", "-wal", "-journal"] {
        let mut name = db.path.as_os_str().to_owned();
        name.push(suffix);
        if let Ok(bytes) = std::fs::read(std::path::PathBuf::from(name)) {
            found += bytes.windows(value.len()).filter(|w| *w == value.as_bytes()).count();
        }
    }
    found
}

#[test]
fn purge_runs_exactly_at_the_deadline_and_not_a_second_before() {
    let db = Db::new();
    let id = close_closable(&db);
    let deadline = 60 + 72 * 3600;
    let early = purge(&db, &at(deadline - 1));
    assert!(!purged_ids(&early).contains(&id), "purged a second early");
    assert_eq!(status_json(&db, demo("closable").email, &at(deadline - 1))["status"], "closure_pending");

    let due = purge(&db, &at(deadline));
    assert_eq!(purged_ids(&due), vec![id]);
    let receipt = &due["receipts"][0];
    assert_eq!(receipt["scan"]["hits"], 0);
    assert_eq!(receipt["checkpoint_complete"], true);
    assert!(receipt["rows_deleted"].as_u64().unwrap() > 10);

    let gone = db.run(&at(deadline), &["show", &id.to_string()], None);
    assert_eq!(gone.status.code(), Some(1));
    let said = text(&gone.stderr);
    let closed_on = &at(deadline)[..10];
    assert!(said.contains(&format!("account {id} was closed for good on {closed_on}")), "{said}");
    let by_email = db.run(&at(deadline), &["show", demo("closable").email], None);
    let said = text(&by_email.stderr);
    assert!(said.contains("the account with that email was not found"), "{said}");
    assert!(!said.contains(demo("closable").email), "{said}");
}

fn table_counts(db: &Db) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let n = conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0)).unwrap();
            (t, n)
        })
        .collect()
}

#[test]
fn purge_is_idempotent() {
    let db = Db::new();
    let id = close_closable(&db);
    let later = at(60 + 72 * 3600 + 10);
    let first = purged_ids(&purge(&db, &later));
    assert!(first.contains(&id), "{first:?}");
    let before = table_counts(&db);
    let again = purge(&db, &later);
    assert!(purged_ids(&again).is_empty());
    assert_eq!(table_counts(&db), before, "a second purge changed nothing");
}

#[test]
fn after_purge_no_byte_of_the_account_remains_and_other_accounts_are_untouched() {
    let db = Db::new();
    let id = close_closable(&db);
    let values = personal_values(&db, id);
    assert!(values.len() >= 6, "the closable demo account has personal values to scan for");
    let other = demo("pending order").email;
    assert!(occurrences(&db, other) > 0);

    purge(&db, &at(60 + 72 * 3600));
    for (index, value) in values.iter().enumerate() {
        assert_eq!(occurrences(&db, value), 0, "personal value #{index} of the purged account is still in the files");
    }
    assert!(occurrences(&db, other) > 0, "another account's data is still there");
    let shown = db.run(&at(60 + 72 * 3600), &["show", other, "--json"], None);
    assert!(shown.status.success());
    let outbox_files = std::fs::read_dir(db.outbox_dir()).map_or(0, Iterator::count);
    assert_eq!(outbox_files, 0, "the purged account's mail files are deleted");
}

#[test]
fn reviews_stay_without_an_author_and_a_tombstone_keeps_no_personal_data() {
    let db = Db::new();
    let id = close_closable(&db);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let reviews: i64 =
        conn.query_row("SELECT count(*) FROM reviews WHERE account_id = ?1", [id], |r| r.get(0)).unwrap();
    assert!(reviews > 0);
    let orphaned_before: i64 =
        conn.query_row("SELECT count(*) FROM reviews WHERE account_id IS NULL", [], |r| r.get(0)).unwrap();
    drop(conn);

    purge(&db, &at(60 + 72 * 3600));
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let orphaned: i64 =
        conn.query_row("SELECT count(*) FROM reviews WHERE account_id IS NULL", [], |r| r.get(0)).unwrap();
    assert!(orphaned >= orphaned_before + reviews, "the reviews are kept, detached");
    let tombstone: (i64, String) = conn
        .query_row("SELECT closed_at, reason_code FROM tombstones WHERE account_id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(tombstone.1, "privacy");
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('tombstones')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(columns, ["account_id", "closed_at", "reason_code"]);
}

#[test]
fn after_purge_the_old_login_fails_like_an_unknown_one() {
    let db = Db::new();
    close_closable(&db);
    purge(&db, &at(60 + 72 * 3600));
    let mut conn = closedesk::store::open_existing(&db.path).unwrap();
    let sign_in = |conn: &mut rusqlite::Connection, email: &str| {
        let credentials =
            closedesk::auth::Credentials::Customer { email: email.into(), password: DEMO_CUSTOMER_PASSWORD.into() };
        closedesk::auth::sign_in(conn, &credentials, jiff::Timestamp::now()).unwrap_err().to_string()
    };
    assert_eq!(sign_in(&mut conn, demo("closable").email), sign_in(&mut conn, "never-registered@example.com"));
}
