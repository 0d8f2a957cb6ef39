//! Exports that fail or are cancelled half-way leave nothing behind.

use std::cell::Cell as Counter;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::Connection;
use sha2::Digest as _;

use super::*;
use crate::store::accounts;

const NOW: &str = "2026-12-01T09:00:00Z";

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

fn demo_db() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let (conn, _) = crate::demo::open_or_create_with_demo(&dir.path().join("closedesk.db"), now()).unwrap();
    (dir, conn)
}

fn first_account(conn: &Connection) -> AccountId {
    let email = crate::demo::DEMO_ACCOUNTS[0].email;
    accounts::get_account(conn, &crate::core::AccountRef::Email(email.to_owned())).unwrap().id
}

/// A writer that accepts `left` bytes, then fails as a full disk does.
struct FailAfter<W> {
    inner: W,
    left: usize,
}

impl<W: Write> Write for FailAfter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "no space left on device"));
        }
        let take = buf.len().min(self.left);
        self.left -= take;
        self.inner.write(&buf[..take])
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    files
}

fn keep_going(_: Progress) -> bool {
    true
}

/// [`export_to_file`] through a disk that fills up after `left` bytes.
fn export_to_full_disk(
    conn: &Connection,
    account: AccountId,
    target: &Path,
    format: Format,
    overwrite: bool,
    left: usize,
) -> Result<ExportSummary, BackupError> {
    write_atomically(target, None, overwrite, |file| {
        export_account(conn, account, FailAfter { inner: file, left }, format, now(), &keep_going)
    })
}

#[test]
fn a_failure_mid_write_leaves_no_target_and_no_temporary_file() {
    let (_db_dir, conn) = demo_db();
    let account = first_account(&conn);
    let out = tempfile::tempdir().unwrap();
    for format in [Format::Json, Format::Bundle] {
        let target = out.path().join(format!("backup.{}", format.extension()));
        let err = export_to_full_disk(&conn, account, &target, format, false, 1_000).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, BackupError::Write { .. }), "{format}: {text}");
        assert!(text.contains("backup.") && text.contains("the disk is full"), "{format}: {text}");
        assert!(files_in(out.path()).is_empty(), "{format}: left behind {:?}", files_in(out.path()));
    }
}

#[test]
fn a_failure_mid_write_leaves_an_older_backup_untouched() {
    let (_db_dir, conn) = demo_db();
    let account = first_account(&conn);
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("backup.json");
    std::fs::write(&target, b"the older backup").unwrap();
    let err = export_to_full_disk(&conn, account, &target, Format::Json, true, 5_000).unwrap_err();
    assert!(matches!(err, BackupError::Write { .. }), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"the older backup");
    assert_eq!(files_in(out.path()), [target]);
}

#[test]
fn cancelling_leaves_no_file_behind() {
    let (_db_dir, conn) = demo_db();
    let account = first_account(&conn);
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("backup.zip");
    let calls = Counter::new(0);
    let cancel_on_third = |_: Progress| {
        calls.set(calls.get() + 1);
        calls.get() < 3
    };
    let err = export_to_file(&conn, account, &target, Format::Bundle, false, now(), &cancel_on_third).unwrap_err();
    assert!(matches!(err, BackupError::Cancelled), "{err}");
    assert!(files_in(out.path()).is_empty());
}

#[test]
fn progress_counts_up_to_every_row_written() {
    let (_db_dir, conn) = demo_db();
    let account = first_account(&conn);
    let last = std::cell::RefCell::new(Vec::new());
    let record = |progress: Progress| {
        last.borrow_mut().push(progress);
        true
    };
    let summary = export_account(&conn, account, io::sink(), Format::Bundle, now(), &record).unwrap();
    let seen = last.borrow();
    let final_report = seen.last().unwrap();
    assert_eq!(final_report.rows_done, summary.counts.total() * 2);
    assert_eq!(final_report.rows_total, final_report.rows_done);
    assert!(seen.windows(2).all(|pair| pair[0].rows_done <= pair[1].rows_done));
}

#[test]
fn an_unknown_account_is_an_error_and_writes_nothing() {
    let (_db_dir, conn) = demo_db();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("backup.json");
    let err = export_to_file(&conn, AccountId(9_999), &target, Format::Json, false, now(), &keep_going).unwrap_err();
    assert!(matches!(err, BackupError::AccountNotFound(AccountId(9_999))), "{err}");
    assert!(files_in(out.path()).is_empty());
}

#[test]
fn the_checksum_is_the_sha256_of_every_byte_before_its_value() {
    let (_db_dir, conn) = demo_db();
    let account = first_account(&conn);
    let mut bytes = Vec::new();
    let summary = export_account(&conn, account, &mut bytes, Format::Json, now(), &keep_going).unwrap();
    // The document ends with `"<64 hex digits>"}` and a newline: 68 bytes after the hashed part.
    let hashed = &bytes[..bytes.len() - 68];
    assert!(hashed.ends_with(b"\"sha256\":"));
    assert_eq!(json::hex(&sha2::Sha256::digest(hashed)), summary.sha256);
    assert_eq!(summary.bytes, bytes.len() as u64);
    assert_eq!(default_file_name(account, Format::Json, now()), format!("closedesk-{account}-2026-12-01.json"));
}

#[test]
fn a_cancelled_export_does_not_end_its_document() {
    let (_db_dir, conn) = demo_db();
    let account = first_account(&conn);
    let calls = Counter::new(0);
    let cancel_on_fifth = |_: Progress| {
        calls.set(calls.get() + 1);
        calls.get() < 5
    };
    let mut bytes = Vec::new();
    let err = export_account(&conn, account, &mut bytes, Format::Json, now(), &cancel_on_fifth).unwrap_err();
    assert!(matches!(err, BackupError::Cancelled), "{err}");
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("\"sha256\":\""), "a cancelled document got a checksum: {text}");
}

#[test]
fn planned_counts_are_exact_for_ordinary_accounts_and_close_for_huge_ones() {
    let (_db_dir, mut conn) = demo_db();
    for demo in crate::demo::DEMO_ACCOUNTS {
        let id = accounts::get_account(&conn, &crate::core::AccountRef::Email(demo.email.to_owned())).unwrap().id;
        assert_eq!(export::planned_counts(&conn, id).unwrap(), export::table_counts(&conn, id).unwrap());
    }

    let account = first_account(&conn);
    let tx = conn.transaction().unwrap();
    for n in 0..10_001_i64 {
        tx.execute(
            "INSERT INTO orders (account_id, order_number, placed_at, status, seller, total_minor, currency)
             VALUES (?1, ?2, ?3, 'completed', 'Bulk Store', 100, 'EUR')",
            rusqlite::params![account.0, format!("BULK-{n}"), 1_800_000_000 + n],
        )
        .unwrap();
        let order = tx.last_insert_rowid();
        for item in 0..2 {
            tx.execute(
                "INSERT INTO order_items (order_id, title, quantity, unit_price_minor) VALUES (?1, ?2, 1, 50)",
                rusqlite::params![order, format!("part {item}")],
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
    let exact = export::table_counts(&conn, account).unwrap();
    let planned = export::planned_counts(&conn, account).unwrap();
    assert_eq!(planned.get(Table::Orders), exact.get(Table::Orders));
    let (items, estimate) = (exact.get(Table::OrderItems) as f64, planned.get(Table::OrderItems) as f64);
    assert!((estimate - items).abs() / items < 0.05, "estimated {estimate} items of {items}");

    let last = Counter::new(None);
    let record = |progress: Progress| {
        last.set(Some(progress));
        true
    };
    let summary = export_account(&conn, account, io::sink(), Format::Json, now(), &record).unwrap();
    let last = last.get().unwrap();
    assert_eq!((last.rows_done, last.rows_total), (summary.counts.total(), summary.counts.total()));
    assert_eq!(summary.counts.get(Table::OrderItems), exact.get(Table::OrderItems));
}
