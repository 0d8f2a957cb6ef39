//! The `bundle` format: a zip holding the JSON document, one CSV file per table and a README.

use std::io::{BufWriter, Write};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rusqlite::Connection;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{BUNDLE_JSON_NAME, BackupError, FORMAT_NAME, FORMAT_VERSION, Tracker, Written, csv, json};
use crate::core::AccountId;
use crate::store::export::{Table, TableCounts};

/// The name of a table's CSV file inside a bundle.
pub(super) fn csv_name(table: Table) -> String {
    format!("csv/{}.csv", table.name())
}

/// The name of the README inside a bundle.
pub(super) const README_NAME: &str = "README.txt";

/// The entries of a bundle: the JSON document, one CSV file per table, the README.
pub(super) const ENTRY_COUNT: usize = Table::ALL.len() + 2;

/// Writes the bundle of `account` into `out`, streaming: the zip needs no seeking.
pub(super) fn write_bundle<W: Write + Send>(
    conn: &Connection,
    account: AccountId,
    exported_at: Timestamp,
    out: &mut W,
    tracker: &mut Tracker<'_>,
) -> Result<Written, BackupError> {
    let mut zip = ZipWriter::new_stream(BufWriter::with_capacity(256 * 1024, out));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip_time(exported_at))
        .unix_permissions(0o600);

    zip.start_file(BUNDLE_JSON_NAME, options)?;
    let written = json::write_document(conn, account, exported_at, &mut zip, tracker)?;

    for table in Table::ALL {
        zip.start_file(csv_name(table), options)?;
        // The deflater works best on large pieces, not on one field at a time.
        let mut entry = BufWriter::with_capacity(64 * 1024, &mut zip);
        csv::write_table(conn, account, table, &mut entry, tracker)?;
        entry.flush()?;
    }

    zip.start_file(README_NAME, options)?;
    let text = readme(account, exported_at, env!("CARGO_PKG_VERSION"), &written.counts, &written.sha256);
    zip.write_all(text.as_bytes())?;
    zip.finish()?.into_inner().flush()?;
    Ok(written)
}

/// The zip's modification time of every entry: the export instant, in UTC.
fn zip_time(at: Timestamp) -> DateTime {
    let civil = TimeZone::UTC.to_datetime(at);
    u16::try_from(civil.year())
        .ok()
        .and_then(|year| {
            DateTime::from_date_and_time(
                year,
                civil.month().unsigned_abs(),
                civil.day().unsigned_abs(),
                civil.hour().unsigned_abs(),
                civil.minute().unsigned_abs(),
                civil.second().unsigned_abs(),
            )
            .ok()
        })
        .unwrap_or_default()
}

/// The short README.txt of a bundle written by closedesk `version`. It names the account by
/// id only; the verifier writes it again from the JSON document and compares.
pub(super) fn readme(
    account: AccountId,
    exported_at: Timestamp,
    version: &str,
    counts: &TableCounts,
    sha256: &str,
) -> String {
    use std::fmt::Write as _;
    let mut files = String::new();
    for (table, rows) in counts.iter() {
        let unit = if rows == 1 { "row " } else { "rows" };
        let _ = writeln!(files, "  {:<28}{rows:>9} {unit}   {}", csv_name(table), table.label());
    }
    format!(
        "closedesk account backup\r\n\
         ========================\r\n\
         \r\n\
         Account:  {account}\r\n\
         Taken:    {exported_at} (UTC)\r\n\
         Format:   {FORMAT_NAME}, version {FORMAT_VERSION}, by closedesk {version}\r\n\
         SHA-256:  {sha256} (stated in {BUNDLE_JSON_NAME})\r\n\
         \r\n\
         Files\r\n\
         -----\r\n\
         {BUNDLE_JSON_NAME}\r\n\
         \x20 The complete backup: every table of the account, row counts and a SHA-256\r\n\
         \x20 checksum. This is the copy closedesk verifies and opens again, read-only.\r\n\
         {csv_lines}\
         \x20 The same rows, one file per table, for spreadsheets: comma-separated, UTF-8\r\n\
         \x20 with a byte-order mark, column names on the first line. Text that starts with\r\n\
         \x20 = + - or @ gets a leading ' so that spreadsheets do not run it as a formula;\r\n\
         \x20 {BUNDLE_JSON_NAME} keeps the exact text.\r\n\
         {README_NAME}\r\n\
         \x20 This file.\r\n\
         \r\n\
         Times are UTC (RFC 3339). Money is in minor units (cents) beside an ISO 4217\r\n\
         currency code. Passwords, one-time codes and other secrets are never part of a\r\n\
         backup; payment cards appear as brand, last four digits and expiry only.\r\n\
         \r\n\
         Check this backup:  closedesk verify <this file>\r\n\
         The format is described in closedesk's docs/backup-format.md.\r\n",
        csv_lines = files.replace('\n', "\r\n"),
    )
}
