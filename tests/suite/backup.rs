//! Backups as a customer and an agent rely on them: exported, verified, opened again, and
//! refused precisely when a file is cut short, tampered with, foreign or too new.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use closedesk::backup::{
    self, BackupError, Cell, Difference, Format, Progress, Table, VerifyError, export_to_file, open_backup,
};
use closedesk::core::{AccountId, AccountRef};
use closedesk::demo::{DEMO_ACCOUNTS, DemoAccount};
use closedesk::store::accounts;
use jiff::Timestamp;
use rusqlite::Connection;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

const NOW: &str = "2026-12-01T09:00:00Z";

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

struct Db {
    dir: tempfile::TempDir,
    path: PathBuf,
    conn: Connection,
}

fn demo_db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("closedesk.db");
    let (conn, _) = closedesk::demo::open_or_create_with_demo(&path, now()).unwrap();
    Db { dir, path, conn }
}

fn account_of(conn: &Connection, demo: &DemoAccount) -> AccountId {
    accounts::get_account(conn, &AccountRef::Email(demo.email.to_owned())).unwrap().id
}

fn keep_going(_: Progress) -> bool {
    true
}

/// Exports the demo account `demo` into `name` in the database's folder.
fn export(db: &Db, demo: &DemoAccount, format: Format, name: &str) -> PathBuf {
    let target = db.dir.path().join(name);
    export_to_file(&db.conn, account_of(&db.conn, demo), &target, format, false, now(), &keep_going).unwrap();
    target
}

fn closable() -> &'static DemoAccount {
    DemoAccount::by_situation("closable").unwrap()
}

/// Recomputes the checksum of an edited document, as a forger would.
fn reseal(bytes: &mut Vec<u8>) {
    let text = String::from_utf8(bytes.clone()).unwrap();
    let key = "\"sha256\":\"";
    let start = text.rfind(key).unwrap() + key.len() - 1;
    let digest = Sha256::digest(&bytes[..start]);
    bytes.splice(start + 1..start + 65, hex(&digest).into_bytes());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut text, byte| {
        use std::fmt::Write as _;
        write!(text, "{byte:02x}").unwrap();
        text
    })
}

fn edit(path: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in the backup");
    let edited = path.with_extension("edited.json");
    std::fs::write(&edited, text.replacen(from, to, 1)).unwrap();
    edited
}

#[test]
fn every_demo_account_exports_and_verifies_in_both_formats() {
    let db = demo_db();
    for (index, demo) in DEMO_ACCOUNTS.iter().enumerate() {
        for format in [Format::Json, Format::Bundle] {
            let path = export(&db, demo, format, &format!("backup-{index}.{}", format.extension()));
            let report = backup::verify(&path, None).unwrap();
            assert_eq!(report.format, format);
            assert_eq!(report.header.account, account_of(&db.conn, demo));
            assert_eq!(report.header.exported_at, now());
            assert_eq!(report.header.closedesk_version, env!("CARGO_PKG_VERSION"));
            assert_eq!(report.counts.get(Table::Profile), 1);
            assert!(report.differences.is_none());
        }
    }
}

#[test]
fn an_opened_backup_shows_the_same_counts_and_values_as_the_live_account() {
    let db = demo_db();
    for demo in DEMO_ACCOUNTS {
        let account = account_of(&db.conn, demo);
        let path = export(&db, demo, Format::Json, &format!("{account}.json"));
        let view = open_backup(&path).unwrap();
        let counts = view.counts();

        let live = accounts::account_counts(&db.conn, account).unwrap();
        let pairs = [
            (Table::Orders, live.orders),
            (Table::OrderItems, live.order_items),
            (Table::Addresses, live.addresses),
            (Table::PaymentMethods, live.payment_methods),
            (Table::Conversations, live.conversations),
            (Table::Messages, live.messages),
            (Table::Disputes, live.disputes),
            (Table::LedgerEntries, live.ledger_entries),
            (Table::Reviews, live.reviews),
            (Table::Coupons, live.coupons),
            (Table::Subscriptions, live.subscriptions),
            (Table::Mail, live.mail),
            (Table::AuditEvents, live.audit_events),
        ];
        for (table, rows) in pairs {
            assert_eq!(counts.get(table), rows as u64, "{} {table}", demo.email);
        }
        assert_eq!(view.profile().unwrap(), accounts::get_account(&db.conn, &AccountRef::Id(account)).unwrap());
        let closure = accounts::closure_request(&db.conn, account).unwrap();
        assert_eq!(view.closure(), closure, "{}", demo.email);
        assert_eq!(view.header.account, account);

        // Every order reads as it does in the database.
        let orders = view.table(Table::Orders);
        for row in 0..orders.len() {
            let id = orders.cell(row, "id").and_then(Cell::as_integer).unwrap();
            let (number, total, status, placed): (String, i64, String, i64) = db
                .conn
                .query_row("SELECT order_number, total_minor, status, placed_at FROM orders WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .unwrap();
            assert_eq!(orders.cell(row, "order_number"), Some(&Cell::Text(number)));
            assert_eq!(orders.cell(row, "total_minor"), Some(&Cell::Integer(total)));
            assert_eq!(orders.cell(row, "status"), Some(&Cell::Text(status)));
            assert_eq!(orders.cell(row, "placed_at").and_then(Cell::as_time).map(Timestamp::as_second), Some(placed));
        }

        // And the whole backup matches the database, row by row.
        let report = backup::verify(&path, Some(&db.conn)).unwrap();
        assert_eq!(report.differences, Some(Vec::new()), "{}", demo.email);
    }
}

#[test]
fn a_bundle_opens_with_the_same_rows_as_the_json_document() {
    let db = demo_db();
    let json = open_backup(&export(&db, closable(), Format::Json, "a.json")).unwrap();
    let bundle = open_backup(&export(&db, closable(), Format::Bundle, "a.zip")).unwrap();
    assert_eq!(bundle.format, Format::Bundle);
    assert_eq!(json.tables(), bundle.tables());
    assert_eq!(json.sha256, bundle.sha256);
}

#[test]
fn verifying_against_the_database_lists_what_changed_since() {
    let db = demo_db();
    let account = account_of(&db.conn, closable());
    let path = export(&db, closable(), Format::Json, "before.json");
    db.conn
        .execute(
            "UPDATE orders SET total_minor = total_minor + 1
             WHERE id = (SELECT min(id) FROM orders WHERE account_id = ?1)",
            [account.0],
        )
        .unwrap();
    db.conn
        .execute(
            "INSERT INTO audit_events (at, account_id, actor_kind, actor_id, action, outcome)
             VALUES (1, ?1, 'system', NULL, 'test', 'ok')",
            [account.0],
        )
        .unwrap();
    let differences = backup::verify(&path, Some(&db.conn)).unwrap().differences.unwrap();
    assert_eq!(differences.len(), 2, "{differences:?}");
    assert!(
        matches!(
            differences[0],
            Difference::Table { table: Table::Orders, changed: 1, only_in_backup: 0, only_in_database: 0, .. }
        ),
        "{differences:?}"
    );
    assert!(
        matches!(differences[1], Difference::Table { table: Table::AuditEvents, only_in_database: 1, .. }),
        "{differences:?}"
    );
    assert!(differences[0].to_string().contains("1 changed"), "{}", differences[0]);

    // Audit lines from the backup's instant on are activity since, which no backup can hold.
    let taken = open_backup(&path).unwrap().header.exported_at.as_second();
    db.conn
        .execute(
            "INSERT INTO audit_events (at, account_id, actor_kind, actor_id, action, outcome)
             VALUES (?2, ?1, 'system', NULL, 'test', 'ok'), (?2 + 60, ?1, 'system', NULL, 'test', 'ok')",
            [account.0, taken],
        )
        .unwrap();
    assert_eq!(backup::verify(&path, Some(&db.conn)).unwrap().differences.unwrap(), differences);

    let empty = closedesk::store::create_empty(&db.dir.path().join("empty.db")).unwrap();
    let differences = backup::verify(&path, Some(&empty)).unwrap().differences.unwrap();
    assert_eq!(differences, [Difference::AccountMissing(account)]);
}

#[test]
fn one_flipped_byte_fails_the_checksum() {
    let db = demo_db();
    let path = export(&db, closable(), Format::Json, "a.json");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = String::from_utf8(bytes.clone()).unwrap().find("\"seller\":\"").unwrap() + 11;
    bytes[at] ^= 0x20; // one letter changes case: still valid JSON, but not the same content
    std::fs::write(&path, &bytes).unwrap();
    let err = backup::verify(&path, None).unwrap_err();
    assert_eq!(err.reason(), "tampered", "{err}");
    assert!(err.to_string().contains("checksum mismatch") && err.to_string().contains("a.json"), "{err}");
    assert!(open_backup(&path).is_err());
}

#[test]
fn a_truncated_file_is_reported_as_truncated() {
    let db = demo_db();
    let path = export(&db, closable(), Format::Json, "a.json");
    let bytes = std::fs::read(&path).unwrap();
    for keep in [bytes.len() / 2, bytes.len() - 2, 40] {
        std::fs::write(&path, &bytes[..keep]).unwrap();
        let err = backup::verify(&path, None).unwrap_err();
        assert_eq!(err.reason(), "truncated", "cut at {keep}: {err}");
        assert!(err.to_string().contains("truncated"), "{err}");
    }
    let zip = export(&db, closable(), Format::Bundle, "a.zip");
    let bytes = std::fs::read(&zip).unwrap();
    std::fs::write(&zip, &bytes[..bytes.len() * 2 / 3]).unwrap();
    assert_eq!(backup::verify(&zip, None).unwrap_err().reason(), "truncated");
}

#[test]
fn foreign_files_are_not_taken_for_backups() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 6] = [
        ("hello.json", b"{\"hello\": 1}", "foreign"),
        ("list.json", b"[1, 2, 3]", "foreign"),
        ("other.json", b"{\"format\": \"someone-elses-export\", \"format_version\": 1}", "foreign"),
        ("notes.txt", b"shopping list: eggs, milk", "not-json"),
        ("empty.json", b"", "not-json"),
        ("picture.zip", b"PK\x03\x04 not really a zip", "truncated"),
    ];
    for (name, content, reason) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let err = backup::verify(&path, None).unwrap_err();
        assert_eq!(err.reason(), reason, "{name}: {err}");
        assert!(err.to_string().contains(name), "{err}");
    }
    let missing = backup::verify(&dir.path().join("missing.json"), None).unwrap_err();
    assert!(matches!(missing, VerifyError::Unreadable { .. }), "{missing}");
}

#[test]
fn a_newer_format_version_is_refused_as_such() {
    let db = demo_db();
    let path = export(&db, closable(), Format::Json, "a.json");
    let newer = edit(&path, "\"format_version\":1,", "\"format_version\":2,");
    let err = backup::verify(&newer, None).unwrap_err();
    assert!(matches!(err, VerifyError::NewerVersion { found: 2, supported: 1, .. }), "{err}");
    assert!(err.to_string().contains("newer closedesk"), "{err}");
}

#[test]
fn counts_that_disagree_with_the_rows_are_caught_even_when_resealed() {
    let db = demo_db();
    let path = export(&db, closable(), Format::Json, "a.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let orders = open_backup(&path).unwrap().counts().get(Table::Orders);
    let edited = text.replacen(&format!("\"orders\":{orders},"), &format!("\"orders\":{},", orders + 1), 1);
    assert_ne!(edited, text);
    let mut bytes = edited.into_bytes();
    reseal(&mut bytes);
    std::fs::write(&path, &bytes).unwrap();
    let err = backup::verify(&path, None).unwrap_err();
    assert!(matches!(err, VerifyError::CountsMismatch { table: Table::Orders, .. }), "{err}");
}

#[test]
fn an_item_of_a_missing_order_is_a_broken_reference() {
    let db = demo_db();
    let path = export(&db, closable(), Format::Json, "a.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let view = open_backup(&path).unwrap();
    let order = view.table(Table::OrderItems).cell(0, "order_id").and_then(Cell::as_integer).unwrap();
    let edited = text.replacen(&format!("\"order_id\":{order},"), "\"order_id\":987654,", 1);
    let mut bytes = edited.into_bytes();
    reseal(&mut bytes);
    std::fs::write(&path, &bytes).unwrap();
    let err = backup::verify(&path, None).unwrap_err();
    assert_eq!(err.reason(), "reference", "{err}");
    assert!(err.to_string().contains("987654") && err.to_string().contains("orders"), "{err}");
}

#[test]
fn a_row_of_the_wrong_shape_is_invalid_with_its_place_named() {
    let db = demo_db();
    let path = export(&db, closable(), Format::Json, "a.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen("\"total_minor\":", "\"total_minor\":\"12\",\"was\":", 1);
    let mut bytes = edited.into_bytes();
    reseal(&mut bytes);
    std::fs::write(&path, &bytes).unwrap();
    let err = backup::verify(&path, None).unwrap_err();
    assert_eq!(err.reason(), "invalid", "{err}");
    assert!(err.to_string().contains("orders[0].total_minor"), "{err}");
}

#[test]
fn the_schema_validates_real_exports_and_matches_the_tables() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/backup-format.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();

    // The schema names exactly the columns the exporter writes, with the same nullability.
    for table in Table::ALL {
        let row = &schema["$defs"][format!("{}_row", table.name())];
        let properties = row["properties"].as_object().unwrap();
        let required: Vec<&str> = row["required"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
        let columns: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
        assert_eq!(required, columns, "{table}: every column, in the exporter's order");
        assert_eq!(properties.len(), columns.len(), "{table}");
        for column in table.columns() {
            let allows_null =
                properties[column.name]["type"].as_array().is_some_and(|t| t.contains(&Value::from("null")));
            assert_eq!(allows_null, column.nullable, "{table}.{}", column.name);
        }
    }

    let db = demo_db();
    for (index, demo) in DEMO_ACCOUNTS.iter().enumerate() {
        let path = export(&db, demo, Format::Json, &format!("{index}.json"));
        let document: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator.iter_errors(&document).map(|err| err.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", demo.email);
    }

    // The validator does catch what the schema forbids.
    let path = export(&db, closable(), Format::Json, "bad.json");
    let mut document: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    document["tables"]["orders"][0]["status"] = Value::from("lost");
    document["tables"]["payment_methods"][0]["last4"] = Value::from("12");
    document["surprise"] = Value::from(true);
    let errors: Vec<String> = validator.iter_errors(&document).map(|err| err.to_string()).collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
}

#[test]
fn no_secret_appears_in_an_export() {
    let db = demo_db();
    let account = account_of(&db.conn, closable());
    // An unfinished closure holds a code hash; a failed sign-in leaves throttling state.
    let key = closedesk::core::closure::CodeKey::from_bytes([3; 32]);
    let hash = closedesk::core::closure::Code::from_number(271_828).hash(&key, 99);
    let hash_json = serde_json::to_string(&hash).unwrap();
    let hash_hex = hex(&hash.0);
    let state = format!("{{\"code\":{{\"hash\":{hash_json}}},\"marker\":\"attempt-state-marker\"}}");
    db.conn
        .execute(
            "INSERT INTO closure_attempts (account_id, purpose, state_json, updated_at) VALUES (?1, 'close', ?2, 1)",
            rusqlite::params![account.0, state],
        )
        .unwrap();
    db.conn
        .execute(
            "INSERT INTO sign_in_failures (subject_kind, subject_id, failures, last_failure_at)
             VALUES ('customer', ?1, 3, 1)",
            [account.0],
        )
        .unwrap();
    let phc = accounts::password_phc(&db.conn, account).unwrap();
    assert!(phc.starts_with("$argon2"));
    let agent_phcs: Vec<String> = db
        .conn
        .prepare("SELECT password_phc FROM agents")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();

    let json = std::fs::read_to_string(export(&db, closable(), Format::Json, "a.json")).unwrap();
    let zip_path = export(&db, closable(), Format::Bundle, "a.zip");
    let mut texts = vec![json];
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
        texts.push(text);
    }
    assert_eq!(texts.len(), 1 + 1 + Table::ALL.len() + 1, "json, then the bundle's json, CSVs and README");
    for text in &texts {
        for secret in [phc.as_str(), "$argon2", &hash_json, &hash_hex, "attempt-state-marker", "password", "state_json"]
            .into_iter()
            .chain(agent_phcs.iter().map(String::as_str))
        {
            assert!(!text.contains(secret), "an export holds the secret {secret:?}");
        }
    }
}

#[test]
fn backup_db_copies_a_database_that_is_being_written() {
    let db = demo_db();
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicU64::new(0));
    let writer = {
        let (stop, written, path) = (Arc::clone(&stop), Arc::clone(&written), db.path.clone());
        std::thread::Builder::new()
            .name("test-writer".to_owned())
            .spawn(move || {
                let conn = closedesk::store::open_existing(&path).unwrap();
                while !stop.load(Ordering::Relaxed) {
                    conn.execute(
                        "INSERT INTO audit_events (at, account_id, actor_kind, actor_id, action, outcome)
                         VALUES (1, 1, 'system', NULL, 'test_write', 'ok')",
                        [],
                    )
                    .unwrap();
                    written.fetch_add(1, Ordering::Relaxed);
                }
            })
            .unwrap()
    };
    while written.load(Ordering::Relaxed) < 5 {
        std::thread::yield_now();
    }

    let out = tempfile::tempdir().unwrap();
    let mut seen = Vec::new();
    for round in 0..3 {
        let target = out.path().join(format!("copy-{round}.db"));
        let report = backup::backup_database(&db.path, &target, false).unwrap();
        assert_eq!(report.target, target);
        assert_eq!(report.accounts, DEMO_ACCOUNTS.len() as u64);
        let copy = Connection::open(&target).unwrap();
        let integrity: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(integrity, "ok");
        let rows: i64 =
            copy.query_row("SELECT count(*) FROM audit_events WHERE action = 'test_write'", [], |r| r.get(0)).unwrap();
        seen.push(rows);
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    assert!(seen[0] >= 5, "{seen:?}");
    assert!(seen.windows(2).all(|pair| pair[0] <= pair[1]), "{seen:?}");
    let files: Vec<_> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(files.len(), 3, "only the copies remain: {files:?}");

    // An existing copy is not replaced without leave.
    let target = out.path().join("copy-0.db");
    let before = std::fs::read(&target).unwrap();
    let err = backup::backup_database(&db.path, &target, false).unwrap_err();
    assert!(matches!(err, BackupError::Exists { .. }), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), before);
    backup::backup_database(&db.path, &target, true).unwrap();
}

#[test]
fn backup_db_refuses_a_file_that_is_not_a_closedesk_database() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.db");
    std::fs::write(&notes, "shopping list\n".repeat(20)).unwrap();
    let err = backup::backup_database(&notes, &dir.path().join("copy.db"), false).unwrap_err();
    assert!(err.to_string().contains("not a closedesk database"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

// The command line.

fn closedesk(db: &Path, args: &[&str]) -> Output {
    crate::support::cli::program_command(crate::support::cli::closedesk())
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CLOSEDESK_DB")
        .env("CLOSEDESK_NOW", NOW)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn cli_export_verify_and_backup_db() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("closedesk.db");
    assert!(closedesk(&db, &["init"]).status.success());
    let out = dir.path().join("amelie.json");
    let out_text = out.to_str().unwrap();

    let exported = closedesk(&db, &["export", closable().email, "--out", out_text]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    assert!(stdout(&exported).starts_with("wrote "), "{}", stdout(&exported));
    assert!(!stdout(&exported).contains(closable().email), "no personal data in the summary");
    assert!(stderr(&exported).is_empty(), "no progress when stderr is not a terminal: {}", stderr(&exported));

    let verified = closedesk(&db, &["verify", out_text]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert!(stdout(&verified).starts_with("ok: "), "{}", stdout(&verified));
    let against = closedesk(&db, &["verify", out_text, "--against-db"]);
    assert!(against.status.success(), "{}", stderr(&against));
    assert!(stdout(&against).contains("matches the database"), "{}", stdout(&against));

    // Without --force an existing file stays as it is.
    let before = std::fs::read(&out).unwrap();
    let again = closedesk(&db, &["export", "1", "--out", out_text]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
    assert_eq!(std::fs::read(&out).unwrap(), before);
    assert!(closedesk(&db, &["export", "1", "--out", out_text, "--force"]).status.success());

    let bundle = dir.path().join("amelie.zip");
    let bundled = closedesk(&db, &["export", "1", "--out", bundle.to_str().unwrap(), "--format", "bundle"]);
    assert!(bundled.status.success(), "{}", stderr(&bundled));
    assert!(closedesk(&db, &["verify", bundle.to_str().unwrap()]).status.success());

    // Every backup written is in the audit trail, by format; the refused one is not.
    let audit = closedesk(&db, &["audit", "--json"]);
    assert!(audit.status.success(), "{}", stderr(&audit));
    let audit: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    let backups: Vec<(&str, &str)> = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == "backup_exported")
        .map(|event| (event["actor_kind"].as_str().unwrap(), event["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(backups, [("system", "json"), ("system", "json"), ("system", "bundle")]);

    // A tampered file: exit 1 and one line that says why.
    let mut bytes = std::fs::read(&out).unwrap();
    let at = String::from_utf8(bytes.clone()).unwrap().find("\"city\":\"").unwrap() + 9;
    bytes[at] ^= 0x20;
    std::fs::write(&out, &bytes).unwrap();
    let tampered = closedesk(&db, &["verify", out_text]);
    assert_eq!(tampered.status.code(), Some(1));
    assert_eq!(stderr(&tampered).lines().count(), 1, "{}", stderr(&tampered));
    assert!(stderr(&tampered).contains("checksum mismatch"), "{}", stderr(&tampered));

    std::fs::write(&out, &bytes[..bytes.len() / 3]).unwrap();
    let truncated = closedesk(&db, &["verify", out_text]);
    assert_eq!(truncated.status.code(), Some(1));
    assert!(stderr(&truncated).contains("truncated"), "{}", stderr(&truncated));

    let unknown = closedesk(&db, &["export", "nobody@example.com", "--out", out_text, "--force"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("not found"), "{}", stderr(&unknown));

    let copy = dir.path().join("copy.db");
    let copied = closedesk(&db, &["backup-db", "--out", copy.to_str().unwrap()]);
    assert!(copied.status.success(), "{}", stderr(&copied));
    assert!(stdout(&copied).contains("integrity check ok"), "{}", stdout(&copied));
    let integrity: String =
        Connection::open(&copy).unwrap().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let refused = closedesk(&db, &["backup-db", "--out", copy.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("already exists"), "{}", stderr(&refused));
}

#[test]
fn cli_verify_against_the_database_fails_when_the_account_changed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    assert!(closedesk(&db, &["init"]).status.success());
    let out = dir.path().join("b.json");
    assert!(closedesk(&db, &["export", "1", "--out", out.to_str().unwrap()]).status.success());
    Connection::open(&db).unwrap().execute("DELETE FROM reviews WHERE account_id = 1", []).unwrap();
    let verified = closedesk(&db, &["verify", out.to_str().unwrap(), "--against-db"]);
    assert_eq!(verified.status.code(), Some(1));
    assert!(stdout(&verified).contains("differs: reviews"), "{}", stdout(&verified));
    assert!(stderr(&verified).contains("differs from the database"), "{}", stderr(&verified));
}

#[test]
fn the_command_help_documents_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let help = closedesk(&dir.path().join("x.db"), &["verify", "--help"]);
    assert!(help.status.success());
    assert!(stdout(&help).contains("Exit 0") && stdout(&help).contains("exit 1"), "{}", stdout(&help));
}
