//! An opened backup: everything it holds, read-only — in memory ([`open_backup`]), or
//! streamed into a snapshot for the dashboards ([`open_backup_snapshot`]).

use std::fmt;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use jiff::Timestamp;
use rusqlite::types::Value as SqlValue;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::limits::{MAX_ENTRY_BYTES, MAX_FILE_BYTES};
use super::verify::{self, Loaded};
use super::{BUNDLE_JSON_NAME, Format, VerifyError};
use crate::core::{AccountId, AccountRef};
use crate::store::accounts::{self, AccountRow, ClosureRow};
use crate::store::dashboard::{Snapshot, SnapshotLoader};
use crate::store::export::{Cell, Column, Kind, Table, TableCounts};

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

/// A verified backup loaded into a [`Snapshot`] for the dashboards.
#[derive(Debug)]
pub struct BackupSnapshot {
    /// Whose backup it is and when it was taken.
    pub header: BackupHeader,
    /// The account's profile as the backup holds it.
    pub profile: Option<AccountRow>,
    /// How many rows each table holds.
    pub counts: TableCounts,
    /// The rows, read-only.
    pub snapshot: Snapshot,
}

/// How much of the file is read at a time while its rows are loaded.
const READ_BUFFER: usize = 256 * 1024;

/// Verifies the backup at `path` (exactly as [`super::verify`] does) and streams its rows
/// into a read-only [`Snapshot`], never holding them all in memory. A file that fails
/// verification is not opened; one that changes between the check and the load is refused.
///
/// The verification and the load each read the file, on two threads at once: the snapshot's
/// temporary file is filled while the checksum, shapes and references are checked, and is
/// thrown away unless every check passes. A failed check stops the load at its next read.
pub fn open_backup_snapshot(path: &Path) -> Result<BackupSnapshot, VerifyError> {
    let unreadable = |err: &std::io::Error| VerifyError::Unreadable { path: path.to_owned(), reason: err.to_string() };
    let stamp = |file: &std::fs::File| file.metadata().map(|meta| (meta.len(), meta.modified().ok()));
    let file = std::fs::File::open(path).map_err(|err| unreadable(&err))?;
    let before = stamp(&file).map_err(|err| unreadable(&err))?;
    let invalid = |reason: String| VerifyError::Invalid { path: path.to_owned(), reason };
    let stop = AtomicBool::new(false);
    let (report, filled) = std::thread::scope(|scope| {
        let verifying = std::thread::Builder::new().name("closedesk-verify".to_owned()).spawn_scoped(scope, || {
            let report = verify::verify(path, None);
            if report.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            report
        });
        match verifying {
            Ok(verifying) => {
                let loaded = load_snapshot(&file, &stop);
                let report =
                    verifying.join().unwrap_or_else(|_| Err(invalid("the check of the file failed".to_owned())));
                (report, loaded)
            }
            // No second thread: check first, then load.
            Err(_) => match verify::verify(path, None) {
                Ok(report) => (Ok(report), load_snapshot(&file, &stop)),
                Err(err) => (Err(err), Err(String::new())),
            },
        }
    });
    // A failed check is the reason, whatever the load made of the same bytes.
    let report = report?;
    let loader = filled.map_err(invalid)?;
    if stamp(&file).map_err(|err| unreadable(&err))? != before {
        return Err(invalid("the file changed while it was being opened".to_owned()));
    }
    let snapshot = loader.finish()?;
    let account = report.header.account;
    let profile = snapshot.read(|conn| accounts::find_account(conn, &AccountRef::Id(account)))?;
    Ok(BackupSnapshot { header: report.header, profile, counts: report.counts, snapshot })
}

/// Streams the rows of the backup `file` into a new snapshot, reading at most as much as a
/// backup may hold, until `stop` is set.
fn load_snapshot(file: &std::fs::File, stop: &AtomicBool) -> Result<SnapshotLoader, String> {
    let loader = SnapshotLoader::new().map_err(|err| err.to_string())?;
    let mut magic = [0; 4];
    let is_bundle = matches!(read_start(file, &mut magic), Ok(4)) && magic == *b"PK\x03\x04";
    if is_bundle {
        // The archive's directory is read by seeking; the entry, read through, is bounded.
        let mut archive = zip::ZipArchive::new(BufReader::with_capacity(READ_BUFFER, file))
            .map_err(|err| format!("not a readable zip bundle ({err})"))?;
        let entry =
            archive.by_name(BUNDLE_JSON_NAME).map_err(|err| format!("{BUNDLE_JSON_NAME} cannot be read ({err})"))?;
        let entry = Stoppable { inner: entry.take(MAX_ENTRY_BYTES), stop };
        load_rows(BufReader::with_capacity(READ_BUFFER, entry), &loader)?;
    } else {
        let reader = Stoppable { inner: file.take(MAX_FILE_BYTES), stop };
        load_rows(BufReader::with_capacity(READ_BUFFER, reader), &loader)?;
    }
    Ok(loader)
}

/// The first bytes of `file`, which is left at its start.
fn read_start(mut file: &std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::{Seek as _, SeekFrom};
    file.seek(SeekFrom::Start(0))?;
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(read) => got += read,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(got)
}

/// A reader that fails once `stop` is set: the check of the same file failed.
struct Stoppable<'s, R> {
    inner: R,
    stop: &'s AtomicBool,
}

impl<R: Read> Read for Stoppable<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(std::io::Error::other("the backup failed its check"));
        }
        self.inner.read(buf)
    }
}

/// Parses the backup document from `reader`, handing each row of each table to `loader`.
fn load_rows(reader: impl Read, loader: &SnapshotLoader) -> Result<(), String> {
    let mut document = serde_json::Deserializer::from_reader(reader);
    DocumentSeed { loader }.deserialize(&mut document).map_err(|err| err.to_string())?;
    document.end().map_err(|err| err.to_string())
}

/// The whole document: only `tables` is read, the rest was checked by the verification.
struct DocumentSeed<'a> {
    loader: &'a SnapshotLoader,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a closedesk backup document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(name) = map.next_key::<String>()? {
            if name == "tables" {
                map.next_value_seed(TablesSeed { loader: self.loader })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// The `tables` object: each member a table's rows.
struct TablesSeed<'a> {
    loader: &'a SnapshotLoader,
}

impl<'de> DeserializeSeed<'de> for TablesSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TablesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the tables of a backup")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(name) = map.next_key::<String>()? {
            let table = Table::from_name(&name).ok_or_else(|| <A::Error as de::Error>::custom("an unknown table"))?;
            map.next_value_seed(RowsSeed { loader: self.loader, table })?;
        }
        Ok(())
    }
}

/// One table's array of rows.
struct RowsSeed<'a> {
    loader: &'a SnapshotLoader,
    table: Table,
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the rows of {}", self.table)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let columns = self.table.columns();
        // One row's values, reused for every row of the table.
        let mut values = vec![SqlValue::Null; columns.len()];
        while seq.next_element_seed(RowSeed { table: self.table, values: &mut values })?.is_some() {
            self.loader.insert(self.table, &values).map_err(<A::Error as de::Error>::custom)?;
        }
        Ok(())
    }
}

/// One row object, its values put in column order into `values`.
struct RowSeed<'v> {
    table: Table,
    values: &'v mut [SqlValue],
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a row of {}", self.table)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let columns = self.table.columns();
        let mut seen = 0_usize;
        while let Some(index) = map.next_key_seed(ColumnSeed(columns))? {
            self.values[index] = map.next_value_seed(ValueSeed(columns[index]))?;
            seen += 1;
        }
        // Verified already: every row has each column once; a file changed since is refused.
        if seen == columns.len() {
            Ok(())
        } else {
            Err(de::Error::custom(format!("a row of {} lacks a column", self.table)))
        }
    }
}

/// A column's name, read as its position without allocating.
struct ColumnSeed(&'static [Column]);

impl<'de> DeserializeSeed<'de> for ColumnSeed {
    type Value = usize;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for ColumnSeed {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a column name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<usize, E> {
        self.0.iter().position(|column| column.name == name).ok_or_else(|| E::custom("an unknown column"))
    }
}

/// A cell's value as SQLite stores it: instants as Unix seconds, flags as 0 or 1.
struct ValueSeed(Column);

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = SqlValue;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<SqlValue, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Visitor<'_> for ValueSeed {
    type Value = SqlValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a value of {}", self.0.name)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<SqlValue, E> {
        match self.0.kind {
            Kind::Integer => Ok(SqlValue::Integer(value)),
            _ => Err(E::custom(format!("{}: a number", self.0.name))),
        }
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<SqlValue, E> {
        match (self.0.kind, i64::try_from(value)) {
            (Kind::Integer, Ok(value)) => Ok(SqlValue::Integer(value)),
            _ => Err(E::custom(format!("{}: a number", self.0.name))),
        }
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<SqlValue, E> {
        match self.0.kind {
            Kind::Bool => Ok(SqlValue::Integer(i64::from(value))),
            _ => Err(E::custom(format!("{}: true or false", self.0.name))),
        }
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<SqlValue, E> {
        match self.0.kind {
            Kind::Text => Ok(SqlValue::Text(text.to_owned())),
            Kind::Time => text
                .parse::<Timestamp>()
                .map(|at| SqlValue::Integer(at.as_second()))
                .map_err(|_| E::custom(format!("{}: text that is no instant", self.0.name))),
            _ => Err(E::custom(format!("{}: text", self.0.name))),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<SqlValue, E> {
        if self.0.nullable { Ok(SqlValue::Null) } else { Err(E::custom(format!("{}: null", self.0.name))) }
    }
}
