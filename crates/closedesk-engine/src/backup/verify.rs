//! Checking a backup file: format, version, checksum, schema, counts and references, and
//! comparing it with the database.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{Read, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use sha2::{Digest as _, Sha256};

use super::document::{self, Checked, Wanted};
use super::limits::{self, MAX_ENTRY_BYTES, MAX_FILE_BYTES, MAX_README_BYTES, Refusal};
use super::view::BackupHeader;
use super::zipread::{self, Archive};
use super::{BUNDLE_JSON_NAME, Format, VerifyError, bundle, csv};
use crate::core::AccountId;
use crate::store::StoreError;
use crate::store::export::{self, Cell, CellRef, Table, TableCounts};

/// What [`verify`] found: a sound backup, and how it compares with the database if asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    /// The file checked.
    pub path: PathBuf,
    /// Whether it is a plain JSON document or a zip bundle.
    pub format: Format,
    /// Whose backup it is and when it was taken.
    pub header: BackupHeader,
    /// The rows of each table (stated and found alike).
    pub counts: TableCounts,
    /// The SHA-256 stated in the document and matched by its content.
    pub sha256: String,
    /// The differences from the database, when one was given; empty when they match.
    pub differences: Option<Vec<Difference>>,
}

/// How a backup differs from the account in the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// The database holds no such account (it was purged, or this is another database).
    AccountMissing(AccountId),
    /// A table's rows differ.
    Table {
        /// The table.
        table: Table,
        /// Rows in the backup.
        in_backup: u64,
        /// Rows in the database.
        in_database: u64,
        /// Rows only the backup holds (deleted since, or never in this database).
        only_in_backup: u64,
        /// Rows only the database holds (added since the backup).
        only_in_database: u64,
        /// Rows in both whose values differ.
        changed: u64,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AccountMissing(account) => write!(f, "account {account} is not in the database"),
            Self::Table { table, in_backup, in_database, only_in_backup, only_in_database, changed } => {
                write!(f, "{table}: {in_backup} rows in the backup, {in_database} in the database")?;
                let parts: Vec<String> = [
                    (*only_in_backup, "only in the backup"),
                    (*only_in_database, "only in the database"),
                    (*changed, "changed"),
                ]
                .into_iter()
                .filter(|(rows, _)| *rows > 0)
                .map(|(rows, what)| format!("{rows} {what}"))
                .collect();
                if !parts.is_empty() {
                    write!(f, " ({})", parts.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

/// Checks that `path` is a sound closedesk account backup (a JSON document or a bundle):
/// its format name and version, its checksum, the shape of every row, the row counts and the
/// references between rows. With `against`, also compares it with that database and lists
/// the differences in the report (differences do not make the backup unsound).
///
/// Each way of failing has its own [`VerifyError`] variant: not JSON, foreign JSON, newer
/// format version, truncated, damaged, tampered (checksum mismatch), invalid, counts that
/// disagree with the rows, and broken references.
pub fn verify(path: &Path, against: Option<&Connection>) -> Result<VerifyReport, VerifyError> {
    let loaded = load(path, against.is_some())?;
    let differences = against.map(|conn| compare(conn, &loaded)).transpose()?;
    Ok(VerifyReport {
        path: path.to_owned(),
        format: loaded.format,
        header: loaded.header,
        counts: loaded.counts,
        sha256: loaded.sha256,
        differences,
    })
}

/// A verified backup, with its rows when they were asked for.
pub(super) struct Loaded {
    pub format: Format,
    pub header: BackupHeader,
    pub sha256: String,
    pub counts: TableCounts,
    /// Per table in [`Table::ALL`] order, the rows (cells in column order); empty unless kept.
    pub rows: Vec<Vec<Vec<Cell>>>,
}

/// Reads and verifies the backup at `path`, keeping its rows if `keep_rows`.
///
/// Only regular files are read, and only up to [`MAX_FILE_BYTES`]: a FIFO, a device or a
/// folder is refused before anything is read from it, so nothing can make this wait or read
/// forever. The file is read once, in chunks; see [`super::limits`] for every bound.
pub(super) fn load(path: &Path, keep_rows: bool) -> Result<Loaded, VerifyError> {
    let unreadable = |reason: String| VerifyError::Unreadable { path: path.to_owned(), reason };
    // `metadata` does not open the file: opening a FIFO would wait for a writer.
    let metadata = std::fs::metadata(path).map_err(|err| unreadable(read_reason(&err)))?;
    check_kind(path, &metadata)?;
    let mut file = File::open(path).map_err(|err| unreadable(read_reason(&err)))?;
    // The same checks on what was opened, in case the path changed in between.
    let metadata = file.metadata().map_err(|err| unreadable(read_reason(&err)))?;
    check_kind(path, &metadata)?;
    let len = metadata.len();
    let mut magic = [0; 4];
    let mut got = 0;
    while got < magic.len() {
        match file.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(read) => got += read,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(unreadable(read_reason(&err))),
        }
    }
    file.seek(SeekFrom::Start(0)).map_err(|err| unreadable(read_reason(&err)))?;
    if magic == *b"PK\x03\x04" {
        load_bundle(path, file, len, keep_rows)
    } else {
        let wanted = Wanted { rows: keep_rows, csv: false };
        let checked = document::check(path, file, MAX_FILE_BYTES, "the file", wanted)?;
        Ok(loaded(Format::Json, checked))
    }
}

/// Refuses anything but a regular file of at most [`MAX_FILE_BYTES`].
fn check_kind(path: &Path, metadata: &std::fs::Metadata) -> Result<(), VerifyError> {
    let kind = metadata.file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() {
            "it is a folder"
        } else if is_fifo(kind) {
            "it is a FIFO (named pipe), not a file; only regular files are verified"
        } else {
            "it is a device or socket, not a file; only regular files are verified"
        };
        return Err(VerifyError::Unreadable { path: path.to_owned(), reason: what.to_owned() });
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(VerifyError::TooLarge {
            path: path.to_owned(),
            reason: format!(
                "the file holds {} bytes; a backup may hold at most {} (docs/backup-format.md, \"Bounds\")",
                metadata.len(),
                limits::describe(MAX_FILE_BYTES)
            ),
        });
    }
    Ok(())
}

#[cfg(unix)]
fn is_fifo(kind: std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt as _;
    kind.is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_: std::fs::FileType) -> bool {
    false
}

fn loaded(format: Format, checked: Checked) -> Loaded {
    Loaded { format, header: checked.header, sha256: checked.sha256, counts: checked.counts, rows: checked.rows }
}

fn read_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "it is a folder".to_owned(),
        _ => err.to_string(),
    }
}

/// The names a bundle holds, each once: `backup.json`, one CSV file per table, `README.txt`.
fn bundle_names() -> Vec<String> {
    let mut names = vec![BUNDLE_JSON_NAME.to_owned()];
    names.extend(Table::ALL.into_iter().map(bundle::csv_name));
    names.push(bundle::README_NAME.to_owned());
    names
}

/// Why a zip entry's name is refused, if it is.
fn unsafe_name(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if name.starts_with(['/', '\\']) || (bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic()) {
        return Some("an absolute path");
    }
    if name.split(['/', '\\']).any(|part| part == "..") {
        return Some("a path that climbs out of the folder (\"..\")");
    }
    None
}

fn load_bundle(path: &Path, file: File, len: u64, keep_rows: bool) -> Result<Loaded, VerifyError> {
    let refused = |refusal: Refusal| refusal.into_error(path);
    let mut archive = Archive::open(file, len).map_err(refused)?;
    if !archive.entries.iter().any(|entry| entry.name == BUNDLE_JSON_NAME) {
        return Err(VerifyError::Foreign {
            path: path.to_owned(),
            reason: format!("a zip file without {BUNDLE_JSON_NAME}"),
        });
    }
    // Sizes first: a bomb is named as such whatever else is wrong with the zip.
    for entry in &archive.entries {
        let cap = if entry.name == bundle::README_NAME { MAX_README_BYTES } else { MAX_ENTRY_BYTES };
        zipread::check_size(entry, cap).map_err(refused)?;
    }
    let invalid = |reason: String| VerifyError::Invalid { path: path.to_owned(), reason };
    let names = bundle_names();
    let mut seen = HashSet::new();
    for entry in &archive.entries {
        let shown = zipread::shown(&entry.name);
        if let Some(why) = unsafe_name(&entry.name) {
            return Err(invalid(format!("the entry \"{shown}\" is refused: {why}")));
        }
        if !seen.insert(entry.name.as_str()) {
            return Err(invalid(format!("the entry \"{shown}\" appears twice")));
        }
        if !names.contains(&entry.name) {
            return Err(invalid(format!("the entry \"{shown}\" is not part of a bundle")));
        }
    }
    if let Some(missing) = names.iter().find(|name| !seen.contains(name.as_str())) {
        return Err(invalid(format!("the bundle has no {missing}")));
    }
    archive.check_layout().map_err(refused)?;
    let entry = |name: &str| archive.entries.iter().find(|entry| entry.name == name).cloned();

    let json = entry(BUNDLE_JSON_NAME).ok_or_else(|| invalid(format!("the bundle has no {BUNDLE_JSON_NAME}")))?;
    let reader = archive.open_entry(&json, MAX_ENTRY_BYTES).map_err(refused)?;
    let checked =
        document::check(path, reader, MAX_ENTRY_BYTES, BUNDLE_JSON_NAME, Wanted { rows: keep_rows, csv: true })?;

    for table in Table::ALL {
        let name = bundle::csv_name(table);
        let csv_entry = entry(&name).ok_or_else(|| invalid(format!("the bundle has no {name}")))?;
        let reader = archive.open_entry(&csv_entry, MAX_ENTRY_BYTES).map_err(refused)?;
        let read = read_csv(table, reader).map_err(|err| document::io_error(path, err))?;
        if !read.header_ok {
            return Err(invalid(format!("{name} does not start with the column names of {table}")));
        }
        let rows = read.records.saturating_sub(1);
        if rows != checked.counts.get(table) {
            return Err(invalid(format!(
                "{name} holds {rows} rows but {BUNDLE_JSON_NAME} holds {}",
                checked.counts.get(table)
            )));
        }
        if read.digest != checked.csv_digests[table.index()] {
            return Err(invalid(format!(
                "{name} differs from the rows of {BUNDLE_JSON_NAME}: a cell was changed, or rows moved"
            )));
        }
    }

    let readme_entry =
        entry(bundle::README_NAME).ok_or_else(|| invalid(format!("the bundle has no {}", bundle::README_NAME)))?;
    let mut readme = Vec::new();
    archive
        .open_entry(&readme_entry, MAX_README_BYTES)
        .map_err(refused)?
        .read_to_end(&mut readme)
        .map_err(|err| document::io_error(path, err))?;
    let header = &checked.header;
    let expected =
        bundle::readme(header.account, header.exported_at, &header.closedesk_version, &checked.counts, &checked.sha256);
    if readme != expected.as_bytes() {
        return Err(invalid(format!(
            "{} differs from what {BUNDLE_JSON_NAME} implies (it was edited)",
            bundle::README_NAME
        )));
    }
    Ok(loaded(Format::Bundle, checked))
}

/// What reading one CSV entry found.
struct CsvRead {
    header_ok: bool,
    records: u64,
    digest: [u8; 32],
}

/// Reads a CSV entry once: its first line, its records, and its SHA-256.
fn read_csv(table: Table, mut reader: impl Read) -> std::io::Result<CsvRead> {
    let mut expected_head = csv::BOM.to_vec();
    expected_head.extend_from_slice(csv::header(table).as_bytes());
    let mut head = Vec::with_capacity(expected_head.len());
    let mut sha = Sha256::new();
    let mut counter = csv::RecordCounter::default();
    let mut buf = vec![0; 64 * 1024];
    loop {
        let read = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(read) => read,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        let chunk = &buf[..read];
        if head.len() < expected_head.len() {
            head.extend_from_slice(&chunk[..chunk.len().min(expected_head.len() - head.len())]);
        }
        sha.update(chunk);
        counter.feed(chunk);
    }
    Ok(CsvRead { header_ok: head == expected_head, records: counter.finish(), digest: sha.finalize().into() })
}

/// The key that tells the rows of a table apart.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Integer(i64),
    Text(String),
    Other,
}

impl Key {
    fn of(cell: &Cell) -> Self {
        match cell {
            Cell::Integer(value) => Self::Integer(*value),
            Cell::Text(text) => Self::Text(text.clone()),
            _ => Self::Other,
        }
    }

    fn of_ref(cell: CellRef<'_>) -> Self {
        match cell {
            CellRef::Integer(value) => Self::Integer(value),
            CellRef::Text(text) => Self::Text(text.to_owned()),
            _ => Self::Other,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Integer(value) => value.fmt(f),
            Self::Text(text) => write!(f, "{text:?}"),
            Self::Other => f.write_str("?"),
        }
    }
}

/// Compares a loaded backup (with its rows) with the account in the database.
fn compare(conn: &Connection, loaded: &Loaded) -> Result<Vec<Difference>, VerifyError> {
    let account = loaded.header.account;
    let _snapshot = export::read_snapshot(conn)?;
    if !export::account_exists(conn, account)? {
        return Ok(vec![Difference::AccountMissing(account)]);
    }
    let mut differences = Vec::new();
    // Audit lines from the backup's second on, the one recording this backup among them, came
    // after the snapshot: activity since, which no backup can hold, not a difference.
    let taken = loaded.header.exported_at.as_second();
    for table in Table::ALL {
        let rows = &loaded.rows[table.index()];
        let key_column = table.key_column();
        let since_column =
            (table == Table::AuditEvents).then(|| table.columns().iter().position(|c| c.name == "at")).flatten();
        let mut by_key: HashMap<Key, &Vec<Cell>> = rows.iter().map(|row| (Key::of(&row[key_column]), row)).collect();
        let (mut in_database, mut only_in_database, mut changed) = (0, 0, 0);
        export::for_each_row(conn, account, table, |row| -> Result<(), StoreError> {
            let key = Key::of_ref(row.cell(key_column)?);
            if !by_key.contains_key(&key)
                && let Some(column) = since_column
                && matches!(row.cell(column)?, CellRef::Time(at) if at.as_second() >= taken)
            {
                return Ok(());
            }
            in_database += 1;
            match by_key.remove(&key) {
                None => only_in_database += 1,
                Some(cells) => {
                    for (index, cell) in cells.iter().enumerate() {
                        if !cell.matches(&row.cell(index)?) {
                            changed += 1;
                            break;
                        }
                    }
                }
            }
            Ok(())
        })?;
        let only_in_backup = by_key.len() as u64;
        if only_in_backup + only_in_database + changed > 0 {
            differences.push(Difference::Table {
                table,
                in_backup: rows.len() as u64,
                in_database,
                only_in_backup,
                only_in_database,
                changed,
            });
        }
    }
    Ok(differences)
}
