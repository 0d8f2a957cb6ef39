//! An opened backup: everything it holds, in memory, read-only.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::verify::{self, Loaded};
use super::{Format, VerifyError};
use crate::core::AccountId;
use crate::store::accounts::{AccountRow, ClosureRow};
use crate::store::export::{Cell, Column, Table, TableCounts};

/// Whose backup a file holds and when it was taken: its header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupHeader {
    /// The format version the file was written in.
    pub format_version: u64,
    /// The closedesk version that wrote it.
    pub closedesk_version: String,
    /// When the backup was taken.
    pub exported_at: Timestamp,
    /// The account backed up.
    pub account: AccountId,
}

/// One table of an opened backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupTable {
    /// Which table this is.
    pub table: Table,
    /// The rows, each with its cells in [`Table::columns`] order.
    pub rows: Vec<Vec<Cell>>,
}

impl BackupTable {
    /// The columns of the rows.
    pub fn columns(&self) -> &'static [Column] {
        self.table.columns()
    }

    /// How many rows the table holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table holds no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The value of the column called `column` in row `row`, if both exist.
    pub fn cell(&self, row: usize, column: &str) -> Option<&Cell> {
        let index = self.table.column_index(column)?;
        self.rows.get(row)?.get(index)
    }
}

/// A verified backup loaded in memory for the dashboards to show read-only.
///
/// It is a plain value: nothing in it points back at a database, so no screen built on it
/// can change data. The rows are exactly those of the file, cell by cell, typed by column
/// ([`Cell::Time`] for instants, [`Cell::Bool`] for flags, and so on).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupView {
    /// The file it was read from.
    pub path: PathBuf,
    /// Whether the file is a JSON document or a zip bundle.
    pub format: Format,
    /// Whose backup it is and when it was taken.
    pub header: BackupHeader,
    /// The SHA-256 the file states (and its content matches).
    pub sha256: String,
    tables: Vec<BackupTable>,
}

impl BackupView {
    /// The table `table`.
    pub fn table(&self, table: Table) -> &BackupTable {
        &self.tables[table.index()]
    }

    /// Every table, in [`Table::ALL`] order.
    pub fn tables(&self) -> &[BackupTable] {
        &self.tables
    }

    /// How many rows each table holds.
    pub fn counts(&self) -> TableCounts {
        let mut counts = TableCounts::default();
        for table in &self.tables {
            counts.set(table.table, table.rows.len() as u64);
        }
        counts
    }

    /// The account's profile as it was when the backup was taken.
    pub fn profile(&self) -> Option<AccountRow> {
        let profile = self.table(Table::Profile);
        let text = |column: &str| profile.cell(0, column).and_then(Cell::as_text).map(str::to_owned);
        Some(AccountRow {
            id: AccountId(profile.cell(0, "id")?.as_integer()?),
            display_name: text("display_name")?,
            email: text("email")?,
            phone: text("phone"),
            country: text("country")?,
            created_at: profile.cell(0, "created_at")?.as_time()?,
            status: text("status")?.parse().ok()?,
        })
    }

    /// The pending closure recorded in the backup, if there was one.
    pub fn closure(&self) -> Option<ClosureRow> {
        let closure = self.table(Table::ClosureRequests);
        Some(ClosureRow {
            requested_at: closure.cell(0, "requested_at")?.as_time()?,
            purge_after: closure.cell(0, "purge_after")?.as_time()?,
            reason_code: closure.cell(0, "reason_code")?.as_text()?.to_owned(),
        })
    }
}

/// Verifies the backup at `path` (exactly as [`super::verify`] does) and loads all of it into
/// a read-only [`BackupView`]. A file that fails verification is not opened.
pub fn open_backup(path: &Path) -> Result<BackupView, VerifyError> {
    let Loaded { format, header, sha256, rows, .. } = verify::load(path, true)?;
    let tables = Table::ALL.into_iter().zip(rows).map(|(table, rows)| BackupTable { table, rows }).collect();
    Ok(BackupView { path: path.to_owned(), format, header, sha256, tables })
}
