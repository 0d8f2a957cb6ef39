//! Checking a backup file: format, version, checksum, schema, counts and references, and
//! comparing it with the database.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{Cursor, Read as _};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::Connection;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use sha2::{Digest as _, Sha256};

use super::view::BackupHeader;
use super::{BUNDLE_JSON_NAME, FORMAT_NAME, FORMAT_VERSION, Format, VerifyError, bundle, csv, json};
use crate::core::AccountId;
use crate::store::StoreError;
use crate::store::export::{self, Cell, CellRef, Kind, Link, Table, TableCounts};

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
pub(super) fn load(path: &Path, keep_rows: bool) -> Result<Loaded, VerifyError> {
    let bytes = std::fs::read(path)
        .map_err(|err| VerifyError::Unreadable { path: path.to_owned(), reason: read_reason(&err) })?;
    if bytes.starts_with(b"PK\x03\x04") {
        load_bundle(path, &bytes, keep_rows)
    } else {
        check_document(path, &bytes, Format::Json, keep_rows)
    }
}

fn read_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "it is a folder".to_owned(),
        _ => err.to_string(),
    }
}

fn load_bundle(path: &Path, bytes: &[u8], keep_rows: bool) -> Result<Loaded, VerifyError> {
    let damaged = |reason: String| VerifyError::Damaged { path: path.to_owned(), reason };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|err| {
        // The directory of a zip sits at its very end: without it, the file was cut short.
        let tail = &bytes[bytes.len().saturating_sub(66 * 1024)..];
        if memchr::memmem::find(tail, b"PK\x05\x06").is_none() {
            VerifyError::Truncated {
                path: path.to_owned(),
                reason: format!(
                    "the zip bundle ends after {} bytes, before its directory; it was cut short",
                    bytes.len()
                ),
            }
        } else {
            damaged(format!("not a readable zip bundle ({err})"))
        }
    })?;
    let mut read_entry = |name: &str| -> Result<Option<Vec<u8>>, VerifyError> {
        let mut entry = match archive.by_name(name) {
            Ok(entry) => entry,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(err) => return Err(damaged(format!("{name} cannot be read ({err})"))),
        };
        let mut content = Vec::new();
        // Reading to the end checks the entry's CRC-32.
        entry.read_to_end(&mut content).map_err(|err| damaged(format!("{name} is corrupt ({err})")))?;
        Ok(Some(content))
    };
    let Some(document) = read_entry(BUNDLE_JSON_NAME)? else {
        return Err(VerifyError::Foreign {
            path: path.to_owned(),
            reason: format!("a zip file without {BUNDLE_JSON_NAME}"),
        });
    };
    let loaded = check_document(path, &document, Format::Bundle, keep_rows)?;
    for table in Table::ALL {
        let name = bundle::csv_name(table);
        let invalid = |reason: String| VerifyError::Invalid { path: path.to_owned(), reason };
        let Some(content) = read_entry(&name)? else {
            return Err(invalid(format!("the bundle has no {name}")));
        };
        let body = content.strip_prefix(csv::BOM).unwrap_or(&content);
        if !body.starts_with(csv::header(table).as_bytes()) {
            return Err(invalid(format!("{name} does not start with the column names of {table}")));
        }
        let rows = csv::count_records(body).saturating_sub(1);
        if rows != loaded.counts.get(table) {
            return Err(invalid(format!(
                "{name} holds {rows} rows but {BUNDLE_JSON_NAME} holds {}",
                loaded.counts.get(table)
            )));
        }
    }
    Ok(loaded)
}

/// Verifies one JSON document (a `.json` file, or the one inside a bundle).
fn check_document(path: &Path, bytes: &[u8], format: Format, keep_rows: bool) -> Result<Loaded, VerifyError> {
    let invalid = |reason: String| VerifyError::Invalid { path: path.to_owned(), reason };
    let members: Members<'_> = serde_json::from_slice(bytes).map_err(|err| classify(path, bytes, &err))?;

    let Some(format_member) = members.get("format") else {
        return Err(VerifyError::Foreign { path: path.to_owned(), reason: "it has no \"format\" member".to_owned() });
    };
    match serde_json::from_str::<String>(format_member.get()) {
        Ok(name) if name == FORMAT_NAME => {}
        Ok(name) => {
            let shown: String = name.chars().take(60).collect();
            return Err(VerifyError::Foreign {
                path: path.to_owned(),
                reason: format!("its format is {shown:?}, not {FORMAT_NAME:?}"),
            });
        }
        Err(_) => {
            return Err(VerifyError::Foreign {
                path: path.to_owned(),
                reason: "its \"format\" member is not text".to_owned(),
            });
        }
    }
    let version: u64 = members.parse("format_version").map_err(invalid)?;
    if version > FORMAT_VERSION {
        return Err(VerifyError::NewerVersion { path: path.to_owned(), found: version, supported: FORMAT_VERSION });
    }
    if version == 0 {
        return Err(invalid("format_version 0 does not exist".to_owned()));
    }
    members.check_names().map_err(invalid)?;

    // The checksum covers every byte before its own value; it must close the document.
    let stated: String = members.parse("sha256").map_err(invalid)?;
    if stated.len() != 64 || !stated.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(invalid("\"sha256\" is not 64 lower-case hex digits".to_owned()));
    }
    if members.0.last().map(|(name, _)| name.as_str()) != Some("sha256") {
        return Err(invalid("\"sha256\" is not the last member".to_owned()));
    }
    let covered = members.get("sha256").and_then(|raw| offset_of(bytes, raw)).unwrap_or(0);
    let computed = json::hex(&Sha256::digest(&bytes[..covered]));
    if computed != stated {
        return Err(VerifyError::Tampered { path: path.to_owned(), stated, computed });
    }

    let closedesk_version: String = members.parse("closedesk_version").map_err(invalid)?;
    let exported_at: String = members.parse("exported_at").map_err(invalid)?;
    let exported_at: Timestamp =
        exported_at.parse().map_err(|_| invalid("\"exported_at\" is not an RFC 3339 instant".to_owned()))?;
    let account = AccountId(members.parse("account_id").map_err(invalid)?);
    let header = BackupHeader { format_version: version, closedesk_version, exported_at, account };

    let tables_raw = members.get("tables").ok_or_else(|| invalid("no \"tables\" member".to_owned()))?;
    let mut deserializer = serde_json::Deserializer::from_str(tables_raw.get());
    let tables = TablesSeed { keep_rows }
        .deserialize(&mut deserializer)
        .map_err(|err| invalid(format!("in \"tables\": {err}")))?;
    let stated_counts = parse_counts(members.get("counts")).map_err(invalid)?;

    let mut counts = TableCounts::default();
    for table in Table::ALL {
        let found = tables[table.index()].keys.len() as u64;
        counts.set(table, found);
        let stated = stated_counts.get(table);
        if stated != found {
            return Err(VerifyError::CountsMismatch { path: path.to_owned(), table, stated, found });
        }
        if table.max_rows().is_some_and(|max| found > max) {
            return Err(invalid(format!(
                "\"{table}\" holds {found} rows; at most {} is allowed",
                table.max_rows().unwrap_or(0)
            )));
        }
    }
    check_references(&tables, account)
        .map_err(|reason| VerifyError::BrokenReference { path: path.to_owned(), reason })?;
    if counts.get(Table::Profile) != 1 {
        return Err(invalid("\"profile\" must hold exactly one row".to_owned()));
    }

    Ok(Loaded { format, header, sha256: stated, counts, rows: tables.into_iter().map(|table| table.rows).collect() })
}

/// Turns a parse failure of the whole document into the precise reason.
fn classify(path: &Path, bytes: &[u8], err: &serde_json::Error) -> VerifyError {
    let path = path.to_owned();
    match err.classify() {
        serde_json::error::Category::Eof if bytes.iter().all(u8::is_ascii_whitespace) => {
            VerifyError::NotJson { path, reason: "the file is empty".to_owned() }
        }
        serde_json::error::Category::Eof => VerifyError::Truncated {
            path,
            reason: format!(
                "the file ends after {} bytes, before the document does; it was cut short while being written or \
                 copied",
                bytes.len()
            ),
        },
        serde_json::error::Category::Syntax if looks_like_a_backup(bytes) => {
            VerifyError::Damaged { path, reason: format!("the JSON is broken: {err}") }
        }
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
            VerifyError::NotJson { path, reason: err.to_string() }
        }
        serde_json::error::Category::Data => {
            VerifyError::Foreign { path, reason: "the document is not a JSON object".to_owned() }
        }
    }
}

/// Whether the file starts the way closedesk backups start.
fn looks_like_a_backup(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(256)];
    memchr::memmem::find(head, FORMAT_NAME.as_bytes()).is_some()
}

/// Where `raw`, a piece borrowed from `bytes`, starts in `bytes`.
fn offset_of(bytes: &[u8], raw: &RawValue) -> Option<usize> {
    let offset = raw.get().as_ptr().addr().checked_sub(bytes.as_ptr().addr())?;
    (offset + raw.get().len() <= bytes.len()).then_some(offset)
}

/// The members of the top-level object, in order, each value left unparsed.
struct Members<'a>(Vec<(String, &'a RawValue)>);

const MEMBERS: [&str; 8] =
    ["format", "format_version", "closedesk_version", "exported_at", "account_id", "tables", "counts", "sha256"];

impl<'a> Members<'a> {
    fn get(&self, name: &str) -> Option<&'a RawValue> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, raw)| *raw)
    }

    fn parse<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, String> {
        let raw = self.get(name).ok_or_else(|| format!("no \"{name}\" member"))?;
        serde_json::from_str(raw.get()).map_err(|err| format!("\"{name}\" has the wrong type ({err})"))
    }

    /// Refuses unknown and repeated members.
    fn check_names(&self) -> Result<(), String> {
        let mut seen = HashSet::new();
        for (name, _) in &self.0 {
            if !MEMBERS.contains(&name.as_str()) {
                let shown: String = name.chars().take(40).collect();
                return Err(format!("unknown member {shown:?} at the top level"));
            }
            if !seen.insert(name.as_str()) {
                return Err(format!("the member \"{name}\" appears twice"));
            }
        }
        Ok(())
    }
}

impl<'de> serde::Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    let raw: &'de RawValue = map.next_value()?;
                    members.push((name, raw));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

fn parse_counts(raw: Option<&RawValue>) -> Result<TableCounts, String> {
    let raw = raw.ok_or_else(|| "no \"counts\" member".to_owned())?;
    let stated: Vec<(String, u64)> = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(raw.get())
        .map_err(|err| format!("\"counts\" is not an object ({err})"))?
        .into_iter()
        .map(|(name, value)| {
            let rows = value.as_u64().ok_or_else(|| format!("\"counts\".\"{name}\" is not a whole number"))?;
            Ok((name, rows))
        })
        .collect::<Result<_, String>>()?;
    let mut counts = TableCounts::default();
    for (name, rows) in &stated {
        let table = Table::from_name(name).ok_or_else(|| format!("\"counts\" names an unknown table {name:?}"))?;
        counts.set(table, *rows);
    }
    if let Some(table) = Table::ALL.into_iter().find(|table| !stated.iter().any(|(name, _)| name == table.name())) {
        return Err(format!("\"counts\" has no count for \"{table}\""));
    }
    Ok(counts)
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

/// What parsing one table leaves: each row's key and links, and the rows if kept.
#[derive(Default)]
struct ParsedTable {
    keys: Vec<Key>,
    /// `(row, column, value)` for every non-null linking cell.
    links: Vec<(usize, usize, i64)>,
    rows: Vec<Vec<Cell>>,
}

fn check_references(tables: &[ParsedTable], account: AccountId) -> Result<(), String> {
    let mut keys: Vec<HashSet<&Key>> = Vec::with_capacity(tables.len());
    for (table, parsed) in Table::ALL.into_iter().zip(tables) {
        let mut set = HashSet::with_capacity(parsed.keys.len());
        for key in &parsed.keys {
            if !set.insert(key) {
                let column = table.columns()[table.key_column()].name;
                return Err(format!("two rows of \"{table}\" have {column} {key}"));
            }
        }
        keys.push(set);
    }
    for (table, parsed) in Table::ALL.into_iter().zip(tables) {
        for &(row, column, value) in &parsed.links {
            let spec = table.columns()[column];
            let key_name = table.columns()[table.key_column()].name;
            let row_key = &parsed.keys[row];
            match spec.link {
                Link::Account if value != account.0 => {
                    return Err(format!(
                        "\"{table}\" row {key_name} {row_key}: {} {value} is not the backed-up account {account}",
                        spec.name
                    ));
                }
                Link::Row(target) if !keys[target.index()].contains(&Key::Integer(value)) => {
                    return Err(format!(
                        "\"{table}\" row {key_name} {row_key}: {} {value} names no row of \"{target}\"",
                        spec.name
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Parses `"tables"`: every table exactly once, each checked row by row.
struct TablesSeed {
    keep_rows: bool,
}

impl<'de> DeserializeSeed<'de> for TablesSeed {
    type Value = Vec<ParsedTable>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TablesSeed {
    type Value = Vec<ParsedTable>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of tables")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut tables: Vec<Option<ParsedTable>> = Table::ALL.iter().map(|_| None).collect();
        while let Some(name) = map.next_key::<String>()? {
            let Some(table) = Table::from_name(&name) else {
                let shown: String = name.chars().take(40).collect();
                return Err(de::Error::custom(format!("unknown table {shown:?}")));
            };
            if tables[table.index()].is_some() {
                return Err(de::Error::custom(format!("the table \"{table}\" appears twice")));
            }
            tables[table.index()] = Some(map.next_value_seed(TableSeed { table, keep_rows: self.keep_rows })?);
        }
        Table::ALL
            .into_iter()
            .zip(tables)
            .map(|(table, parsed)| parsed.ok_or_else(|| de::Error::custom(format!("the table \"{table}\" is missing"))))
            .collect()
    }
}

/// Parses one table: an array of rows.
struct TableSeed {
    table: Table,
    keep_rows: bool,
}

impl<'de> DeserializeSeed<'de> for TableSeed {
    type Value = ParsedTable;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for TableSeed {
    type Value = ParsedTable;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of \"{}\" rows", self.table)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut parsed = ParsedTable::default();
        let key_column = self.table.key_column();
        while let Some(cells) = seq.next_element_seed(RowSeed { table: self.table, index: parsed.keys.len() })? {
            let row = parsed.keys.len();
            parsed.keys.push(Key::of(&cells[key_column]));
            for (column, spec) in self.table.columns().iter().enumerate() {
                if let (Link::Account | Link::Row(_), Cell::Integer(value)) = (spec.link, &cells[column]) {
                    parsed.links.push((row, column, *value));
                }
            }
            if self.keep_rows {
                parsed.rows.push(cells);
            }
        }
        Ok(parsed)
    }
}

/// Parses one row: an object with exactly the table's columns, each of its kind.
struct RowSeed {
    table: Table,
    index: usize,
}

impl<'de> DeserializeSeed<'de> for RowSeed {
    type Value = Vec<Cell>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed {
    type Value = Vec<Cell>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {} of \"{}\" to be an object", self.index, self.table)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let columns = self.table.columns();
        let mut cells: Vec<Option<Cell>> = vec![None; columns.len()];
        while let Some(name) = map.next_key::<String>()? {
            let Some(column) = self.table.column_index(&name) else {
                let shown: String = name.chars().take(40).collect();
                return Err(de::Error::custom(format!("{}[{}]: unknown column {shown:?}", self.table, self.index)));
            };
            if cells[column].is_some() {
                return Err(de::Error::custom(format!("{}[{}].{name}: appears twice", self.table, self.index)));
            }
            let seed = CellSeed { table: self.table, index: self.index, column };
            cells[column] = Some(map.next_value_seed(seed)?);
        }
        cells
            .into_iter()
            .zip(columns)
            .map(|(cell, spec)| {
                cell.ok_or_else(|| {
                    de::Error::custom(format!(
                        "{}[{}]: the column \"{}\" is missing",
                        self.table, self.index, spec.name
                    ))
                })
            })
            .collect()
    }
}

/// Parses one value of a row, checked against its column's kind.
struct CellSeed {
    table: Table,
    index: usize,
    column: usize,
}

impl CellSeed {
    fn wrong<E: de::Error>(&self, found: &str) -> E {
        let spec = self.table.columns()[self.column];
        let wanted = match spec.kind {
            Kind::Integer => "a whole number",
            Kind::Text => "text",
            Kind::Bool => "true or false",
            Kind::Time => "an RFC 3339 instant",
        };
        let or_null = if spec.nullable { " or null" } else { "" };
        E::custom(format!("{}[{}].{}: expected {wanted}{or_null}, found {found}", self.table, self.index, spec.name))
    }

    fn kind(&self) -> Kind {
        self.table.columns()[self.column].kind
    }
}

impl<'de> DeserializeSeed<'de> for CellSeed {
    type Value = Cell;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CellSeed {
    type Value = Cell;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spec = self.table.columns()[self.column];
        write!(f, "a value for {}[{}].{}", self.table, self.index, spec.name)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Cell, E> {
        if self.kind() == Kind::Integer { Ok(Cell::Integer(value)) } else { Err(self.wrong("a number")) }
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Cell, E> {
        match i64::try_from(value) {
            Ok(value) if self.kind() == Kind::Integer => Ok(Cell::Integer(value)),
            _ => Err(self.wrong("a number")),
        }
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Cell, E> {
        Err(self.wrong("a fraction"))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Cell, E> {
        if self.kind() == Kind::Bool { Ok(Cell::Bool(value)) } else { Err(self.wrong("true or false")) }
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Cell, E> {
        match self.kind() {
            Kind::Text => Ok(Cell::Text(text.to_owned())),
            Kind::Time => text.parse().map(Cell::Time).map_err(|_| self.wrong("text that is no instant")),
            _ => Err(self.wrong("text")),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Cell, E> {
        if self.table.columns()[self.column].nullable { Ok(Cell::Null) } else { Err(self.wrong("null")) }
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Cell, A::Error> {
        Err(self.wrong("an object"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Cell, A::Error> {
        Err(self.wrong("an array"))
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
