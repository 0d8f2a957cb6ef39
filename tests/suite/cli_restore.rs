//! The erasure ledger, the catalogue of database copies and `restore-db`, run as a user would:
//! a copy taken before a purge, put back, holds nothing of the purged customer in any byte of
//! the restored files; foreign, corrupt and newer copies are refused without a byte changed;
//! copies are catalogued, kept for their retention and pruned; the purge receipt names every
//! place it scanned.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::cli::{self, text};

use closedesk::demo::DemoAccount;

const T0: &str = "2026-12-01T09:00:00Z";
/// After the demo's closure-pending account is due.
const DUE: &str = "2026-12-05T09:00:00Z";
const LATER: &str = "2026-12-05T10:00:00Z";

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    /// The demo database at T0 in `data/`, and a `copies/` folder outside it.
    fn new() -> Self {
        let setup = Self { dir: tempfile::tempdir().unwrap() };
        std::fs::create_dir_all(setup.copies()).unwrap();
        let output = setup.run(T0, &["init"]);
        assert!(output.status.success(), "{}", text(&output.stderr));
        setup
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("data").join("closedesk.db")
    }

    fn copies(&self) -> PathBuf {
        self.dir.path().join("copies")
    }

    fn run(&self, now: &str, args: &[&str]) -> Output {
        cli::run(&self.db(), args, None, &[("CLOSEDESK_NOW", now)])
    }

    fn ok(&self, now: &str, args: &[&str]) -> String {
        let output = self.run(now, args);
        assert!(output.status.success(), "{args:?}: {}", text(&output.stderr));
        text(&output.stdout)
    }

    /// The database's file and the files SQLite keeps beside it.
    fn db_files(&self) -> Vec<PathBuf> {
        ["", "-wal", "-shm", "-journal"]
            .iter()
            .map(|suffix| {
                let mut name = self.db().into_os_string();
                name.push(suffix);
                PathBuf::from(name)
            })
            .collect()
    }

    fn files_in_data(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.db().parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// The demo account waiting for its purge: its id and its personal values, read before.
fn pending_account(db: &Path) -> (i64, Vec<String>) {
    let email = DemoAccount::by_situation("closure pending").unwrap().email;
    let conn = rusqlite::Connection::open(db).unwrap();
    let (id, name): (i64, String) = conn
        .query_row("SELECT id, display_name FROM accounts WHERE email = ?1", [email], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let mut values = vec![email.to_owned(), name];
    let mut stmt = conn
        .prepare("SELECT line1 FROM addresses WHERE account_id = ?1 UNION ALL SELECT recipient FROM addresses WHERE account_id = ?1")
        .unwrap();
    values.extend(stmt.query_map([id], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
    values.retain(|value| value.len() >= 6);
    (id, values)
}

fn occurrences(file: &Path, value: &str) -> usize {
    std::fs::read(file).map_or(0, |bytes| bytes.windows(value.len()).filter(|w| *w == value.as_bytes()).count())
}

fn count(db: &Path, sql: &str, id: i64) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [id], |r| r.get(0)).unwrap()
}

fn sidecar(db: &Path) -> String {
    std::fs::read_to_string(format!("{}.erasures", db.display())).unwrap_or_default()
}

#[test]
fn a_copy_taken_before_a_purge_and_restored_holds_nothing_of_the_purged_customer() {
    let setup = Setup::new();
    let db = setup.db();
    let (id, values) = pending_account(&db);
    assert!(values.len() >= 3, "{values:?}");
    let copy = setup.copies().join("before.db");
    setup.ok(T0, &["backup-db", "--out", copy.to_str().unwrap()]);
    assert!(values.iter().all(|value| occurrences(&copy, value) > 0), "the copy holds the customer");

    let receipt = setup.ok(DUE, &["purge-due"]);
    assert!(receipt.contains(&format!("purged account {id}:")), "{receipt}");
    assert!(sidecar(&db).lines().any(|line| line.starts_with(&format!("{id}\t"))), "the sidecar names the account");

    // The database changed since the copy (the purge): without --force nothing happens.
    let before = std::fs::read(&db).unwrap();
    let refused = setup.run(LATER, &["restore-db", copy.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let message = text(&refused.stderr);
    assert!(message.contains("has changed since this copy was taken") && message.contains("--force"), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
    assert_eq!(std::fs::read(&db).unwrap(), before, "a refused restore changes nothing");

    let restored = setup.ok(LATER, &["restore-db", copy.to_str().unwrap(), "--force"]);
    assert!(restored.contains(&format!("erased again: {id} (1 account)")), "{restored}");
    assert!(restored.contains("closedesk.db: ") && restored.contains(", 0 found"), "{restored}");
    assert!(restored.contains("closedesk.db-wal: absent"), "{restored}");
    assert!(!restored.lines().any(|l| l.ends_with(" found") && !l.ends_with(" 0 found")), "{restored}");

    for file in setup.db_files() {
        for value in &values {
            assert_eq!(occurrences(&file, value), 0, "{} holds a value of the purged account", file.display());
        }
    }
    assert_eq!(count(&db, "SELECT count(*) FROM accounts WHERE id = ?1", id), 0, "the customer is not back");
    assert_eq!(count(&db, "SELECT count(*) FROM tombstones WHERE account_id = ?1", id), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM erasures WHERE account_id = ?1", id), 1, "the ledger is intact");
    assert!(sidecar(&db).lines().any(|line| line.starts_with(&format!("{id}\t"))));
    assert!(setup.files_in_data().iter().all(|name| !name.starts_with(".closedesk-")), "{:?}", setup.files_in_data());

    // The next commands open the restored database as usual: still nothing, in any file.
    let listed = setup.ok(LATER, &["accounts", "--limit", "0"]);
    assert!(!listed.contains(&values[0]), "{listed}");
    for file in setup.db_files() {
        for value in &values {
            assert_eq!(occurrences(&file, value), 0, "{} holds a value after reopening", file.display());
        }
    }
    let integrity = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}

#[test]
fn a_restore_after_the_database_was_lost_erases_what_the_sidecar_names() {
    let setup = Setup::new();
    let db = setup.db();
    let (id, values) = pending_account(&db);
    let copy = setup.copies().join("before.db");
    setup.ok(T0, &["backup-db", "--out", copy.to_str().unwrap()]);
    setup.ok(DUE, &["purge-due"]);
    for file in setup.db_files() {
        let _ = std::fs::remove_file(file);
    }
    let restored = setup.ok(LATER, &["restore-db", copy.to_str().unwrap()]);
    assert!(restored.contains(&format!("erased again: {id}")), "{restored}");
    assert_eq!(count(&db, "SELECT count(*) FROM accounts WHERE id = ?1", id), 0);
    assert!(values.iter().all(|value| occurrences(&db, value) == 0));
}

#[test]
fn foreign_corrupt_and_newer_copies_are_refused_and_change_nothing() {
    let setup = Setup::new();
    let db = setup.db();
    let good = setup.copies().join("good.db");
    setup.ok(T0, &["backup-db", "--out", good.to_str().unwrap()]);

    let text_file = setup.copies().join("notes.db");
    std::fs::write(&text_file, "not a database at all, just some words").unwrap();
    let foreign = setup.copies().join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let newer = setup.copies().join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    {
        let conn = rusqlite::Connection::open(&newer).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        conn.pragma_update(None, "user_version", version + 1).unwrap();
    }
    let corrupt = setup.copies().join("corrupt.db");
    let mut bytes = std::fs::read(&good).unwrap();
    let page = 4096;
    assert!(bytes.len() > 8 * page);
    for byte in &mut bytes[3 * page + 100..6 * page] {
        *byte = 0xA5;
    }
    std::fs::write(&corrupt, bytes).unwrap();

    let cases = [
        (&text_file, "not a SQLite file"),
        (&foreign, "not a closedesk database"),
        (&newer, "newer closedesk"),
        (&corrupt, "damaged"),
    ];
    for (copy, reason) in cases {
        let before: Vec<Option<Vec<u8>>> = setup.db_files().iter().map(|f| std::fs::read(f).ok()).collect();
        let output = setup.run(LATER, &["restore-db", copy.to_str().unwrap(), "--force"]);
        let message = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{message}");
        assert_eq!(message.lines().count(), 1, "one line: {message}");
        assert!(message.contains(copy.to_str().unwrap()) && message.contains(reason), "{reason}: {message}");
        assert!(message.contains("nothing was changed"), "{message}");
        let after: Vec<Option<Vec<u8>>> = setup.db_files().iter().map(|f| std::fs::read(f).ok()).collect();
        assert_eq!(before[0], after[0], "{reason}: the database is byte-identical");
        assert_eq!(before[1], after[1], "{reason}: its log is byte-identical");
        assert!(
            setup.files_in_data().iter().all(|name| !name.starts_with(".closedesk-")),
            "{:?}",
            setup.files_in_data()
        );
    }
    // The database itself is refused as a copy of itself.
    let output = setup.run(LATER, &["restore-db", db.to_str().unwrap(), "--force"]);
    assert!(text(&output.stderr).contains("the database itself"), "{}", text(&output.stderr));
}

#[test]
fn copies_are_catalogued_kept_for_their_retention_and_pruned() {
    let setup = Setup::new();
    let old = setup.copies().join("old.db");
    let recent = setup.copies().join("recent.db");
    let gone = setup.copies().join("gone.db");
    let wrote = setup.ok(T0, &["backup-db", "--out", old.to_str().unwrap()]);
    assert!(wrote.contains("kept until 2026-12-31 09:00 UTC (backup_retention_days)"), "{wrote}");
    setup.ok("2026-12-02T09:00:00Z", &["backup-db", "--out", gone.to_str().unwrap()]);
    setup.ok("2026-12-20T09:00:00Z", &["backup-db", "--out", recent.to_str().unwrap()]);
    std::fs::remove_file(&gone).unwrap();

    let at = "2027-01-05T09:00:00Z";
    let listed: serde_json::Value = serde_json::from_str(&setup.ok(at, &["backups", "--json"])).unwrap();
    let copies = listed["copies"].as_array().unwrap();
    assert_eq!(copies.len(), 3);
    let by_name = |name: &str| copies.iter().find(|c| c["path"].as_str().unwrap().ends_with(name)).unwrap();
    assert_eq!(
        (by_name("old.db")["past_due"].as_bool(), by_name("old.db")["exists"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(by_name("gone.db")["exists"].as_bool(), Some(false));
    assert_eq!(by_name("recent.db")["past_due"].as_bool(), Some(false));
    let sha = closedesk::backup::sha256_of(&old).unwrap();
    assert_eq!(by_name("old.db")["sha256"].as_str(), Some(sha.as_str()));
    assert_eq!(by_name("old.db")["bytes"].as_u64(), Some(std::fs::metadata(&old).unwrap().len()));

    let table = setup.ok(at, &["backups"]);
    assert!(table.contains("RETAIN UNTIL") && table.contains("past due") && table.contains("missing"), "{table}");
    assert!(table.contains("35 d"), "the old copy's age: {table}");

    let pruned = setup.ok(at, &["backups", "prune"]);
    // The file name only: a Windows program under wine names the folder `Z:\tmp\…`.
    assert!(pruned.contains("removed ") && pruned.contains("old.db (past its retention)"), "{pruned}");
    assert!(pruned.contains("gone.db was already gone"), "{pruned}");
    assert!(!old.exists() && recent.exists());
    let listed: serde_json::Value = serde_json::from_str(&setup.ok(at, &["backups", "--json"])).unwrap();
    assert_eq!(listed["copies"].as_array().unwrap().len(), 1);
    assert!(setup.ok(at, &["backups", "prune"]).contains("nothing was removed"));
    let trail = setup.ok(at, &["audit", "--limit", "0"]);
    assert!(trail.contains("database_copies_pruned") && trail.contains("database_backup"), "{trail}");

    // The retention is a setting.
    let settings = setup.db().parent().unwrap().join("closedesk-settings.json");
    std::fs::write(&settings, r#"{ "backup_retention_days": 7 }"#).unwrap();
    let short = setup.copies().join("short.db");
    let wrote = setup.ok(T0, &["backup-db", "--out", short.to_str().unwrap()]);
    assert!(wrote.contains("kept until 2026-12-08 09:00 UTC"), "{wrote}");
}

#[test]
fn the_purge_receipt_names_every_place_it_scanned_and_until_when_copies_may_hold_the_account() {
    let setup = Setup::new();
    let copy = setup.copies().join("before.db");
    setup.ok(T0, &["backup-db", "--out", copy.to_str().unwrap()]);
    let receipt = setup.ok(DUE, &["purge-due"]);
    for place in [
        "scanned closedesk.db: ",
        "scanned closedesk.db-wal: ",
        "scanned closedesk.db-shm: ",
        "scanned closedesk.db-journal: absent",
        "scanned outbox/: ",
        "scanned recorded partial files: 0 files, 0 bytes, 0 found",
    ] {
        assert!(receipt.contains(place), "{place}: {receipt}");
    }
    assert!(
        receipt.lines().filter(|l| l.contains("scanned ") && !l.ends_with("absent")).all(|l| l.ends_with(", 0 found")),
        "{receipt}"
    );
    assert!(
        receipt
            .contains("older copies of the database (backup-db) may still hold the account until 2026-12-31 09:00 UTC"),
        "{receipt}"
    );
    let json: serde_json::Value = serde_json::from_str(&setup.ok(DUE, &["purge-due", "--json"])).unwrap();
    assert!(json["receipts"].as_array().unwrap().is_empty());

    // Without a catalogued copy older than the purge, the receipt says so.
    let other = Setup::new();
    let receipt = other.ok(DUE, &["purge-due"]);
    assert!(receipt.contains("no catalogued copy of the database taken before the purge is kept"), "{receipt}");
}

#[test]
fn the_mail_confirming_a_closure_says_until_when_older_copies_may_hold_the_account() {
    let setup = Setup::new();
    let email = DemoAccount::by_situation("closable").unwrap().email;
    let password = format!("{}\n", closedesk::demo::DEMO_CUSTOMER_PASSWORD);
    let started = cli::run(
        &setup.db(),
        &["close", "start", email, "--reason", "privacy", "--password-stdin"],
        Some(&password),
        &[("CLOSEDESK_NOW", T0)],
    );
    assert!(started.status.success(), "{}", text(&started.stderr));
    let mail = setup.ok(T0, &["outbox", "--to", email, "--last"]);
    let code = mail.lines().find_map(|l| l.strip_prefix("Your code: ")).unwrap().trim().to_owned();
    setup.ok(T0, &["close", "confirm", email, "--code", &code, "--email", email, "--phrase", "Deactivate my account"]);
    // Quoted-printable: soft line breaks joined again.
    let confirmed = setup.ok(T0, &["outbox", "--to", email, "--last"]).replace("=\r\n", "").replace("=\n", "");
    // Purged on 2026-12-04 09:00 (72 h), copies kept 30 days after.
    assert!(
        confirmed.contains("may still hold your account until") && confirmed.contains("2027-01-03 09:00 UTC"),
        "{confirmed}"
    );
}

#[test]
fn restoring_a_copy_of_an_unchanged_database_needs_no_force() {
    let setup = Setup::new();
    let copy = setup.copies().join("latest.db");
    setup.ok(T0, &["backup-db", "--out", copy.to_str().unwrap()]);
    // Taking another copy is no change to the data.
    setup.ok(T0, &["backup-db", "--out", setup.copies().join("second.db").to_str().unwrap()]);
    let restored = setup.ok(T0, &["restore-db", copy.to_str().unwrap()]);
    assert!(restored.contains("erased again: none (0 accounts)"), "{restored}");
    assert!(!restored.contains("--force"), "{restored}");
    // Both copies stay catalogued in the restored database.
    let listed: serde_json::Value = serde_json::from_str(&setup.ok(T0, &["backups", "--json"])).unwrap();
    assert_eq!(listed["copies"].as_array().unwrap().len(), 2, "{listed}");
}
