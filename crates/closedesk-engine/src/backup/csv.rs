//! One CSV file per table, for spreadsheets: RFC 4180 with CRLF line ends, UTF-8 with a
//! byte-order mark, the column names on the first line.

use std::io::Write;

use rusqlite::Connection;

use super::{BackupError, Tracker};
use crate::core::AccountId;
use crate::store::export::{self, CellRef, Table};

/// The UTF-8 byte-order mark: spreadsheet programs read the file as UTF-8 when it starts so.
pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes the account's rows of `table` as CSV into `out`; returns how many rows it wrote.
pub(super) fn write_table<W: Write>(
    conn: &Connection,
    account: AccountId,
    table: Table,
    out: &mut W,
    tracker: &mut Tracker<'_>,
) -> Result<u64, BackupError> {
    tracker.start(table)?;
    out.write_all(BOM)?;
    out.write_all(header(table).as_bytes())?;
    let columns = table.columns().len();
    export::for_each_row(conn, account, table, |row| -> Result<(), BackupError> {
        for index in 0..columns {
            if index > 0 {
                out.write_all(b",")?;
            }
            write_cell(out, row.cell(index)?)?;
        }
        out.write_all(b"\r\n")?;
        tracker.row()
    })
}

/// The first line of a table's CSV file: its column names.
pub(super) fn header(table: Table) -> String {
    let names: Vec<&str> = table.columns().iter().map(|column| column.name).collect();
    format!("{}\r\n", names.join(","))
}

/// Writes one field; the verifier writes the same fields from a backup's rows to compare.
pub(super) fn write_cell<W: Write>(out: &mut W, cell: CellRef<'_>) -> std::io::Result<()> {
    match cell {
        CellRef::Null => Ok(()),
        CellRef::Integer(value) => write!(out, "{value}"),
        CellRef::Text(text) => write_text(out, text),
        CellRef::Bool(value) => out.write_all(if value { b"true" } else { b"false" }),
        CellRef::Time(at) => write!(out, "{at}"),
    }
}

/// Writes text, quoted when it holds a comma, a quote or a line break. Text that a
/// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a
/// leading `'`; the JSON document keeps the exact text.
fn write_text<W: Write>(out: &mut W, text: &str) -> std::io::Result<()> {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = text.contains([',', '"', '\r', '\n']);
    if quoted {
        out.write_all(b"\"")?;
    }
    if formula {
        out.write_all(b"'")?;
    }
    if quoted {
        let mut rest = text;
        while let Some(at) = rest.find('"') {
            out.write_all(&rest.as_bytes()[..=at])?;
            out.write_all(b"\"")?;
            rest = &rest[at + 1..];
        }
        out.write_all(rest.as_bytes())?;
        out.write_all(b"\"")
    } else {
        out.write_all(text.as_bytes())
    }
}

/// One CSV field holding `text`, quoted and guarded against formulas as the bundle's own fields are;
/// for other CSV files closedesk writes (the audit export).
pub fn csv_text(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len() + 2);
    // Writing into a Vec cannot fail.
    let _ = write_text(&mut out, text);
    String::from_utf8(out).unwrap_or_default()
}

/// Counts records (lines, counting quoted line breaks as part of their field) of CSV bytes
/// fed in pieces.
#[derive(Default)]
pub(super) struct RecordCounter {
    records: u64,
    quoted: bool,
    last: Option<u8>,
}

impl RecordCounter {
    /// Takes the next piece of the file.
    pub(super) fn feed(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            match byte {
                b'"' => self.quoted = !self.quoted,
                b'\n' if !self.quoted => self.records += 1,
                _ => {}
            }
        }
        if let Some(&last) = bytes.last() {
            self.last = Some(last);
        }
    }

    /// The records of everything fed.
    pub(super) fn finish(&self) -> u64 {
        self.records + u64::from(self.last.is_some_and(|last| last != b'\n'))
    }
}

/// How many records `bytes` holds.
#[cfg(test)]
fn count_records(bytes: &[u8]) -> u64 {
    let mut counter = RecordCounter::default();
    for piece in bytes.chunks(3) {
        counter.feed(piece);
    }
    counter.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> String {
        let mut out = Vec::new();
        write_text(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_is_quoted_only_when_needed_and_formulas_are_defused() {
        assert_eq!(text("plain"), "plain");
        assert_eq!(text("a, b"), "\"a, b\"");
        assert_eq!(text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text("two\nlines"), "\"two\nlines\"");
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text("-5"), "'-5");
    }

    #[test]
    fn records_with_quoted_line_breaks_count_once() {
        assert_eq!(count_records(b"a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n"), 3);
        assert_eq!(count_records(b"a,b\r\n1,2"), 2);
        assert_eq!(count_records(b""), 0);
    }
}
