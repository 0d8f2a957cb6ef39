//! Where the dashboards read from: the live database file, or a backup loaded for reading.
//!
//! A backup is shown by loading its rows into a fresh SQLite database with the closedesk
//! schema, so that every dashboard query runs on it unchanged. That connection is switched to
//! `query_only` once filled: nothing can change it afterwards. Rows already in memory go to an
//! in-memory database ([`load_backup`]); a backup read as a stream goes to a private temporary
//! file with a small page cache ([`SnapshotLoader`]), so that a large account costs the window
//! a few megabytes rather than its whole size twice over.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags};
use tempfile::TempPath;

use crate::store::export::{Cell, Table};
use crate::store::open::BUSY_TIMEOUT;
use crate::store::{StoreError, StoreResult, migrations};

/// Where the dashboards read an account from.
#[derive(Clone, Debug)]
pub enum Source {
    /// The database file the window opened; each worker opens its own reader on it.
    Live,
    /// A backup loaded into memory, read-only.
    Snapshot(Arc<Snapshot>),
}

impl PartialEq for Source {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Live, Self::Live) => true,
            (Self::Snapshot(a), Self::Snapshot(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Source {}

impl Source {
    /// Runs `work` on a connection to this source; `live` is the database file for [`Source::Live`].
    pub fn read<T>(&self, live: &Path, work: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        match self {
            Self::Live => work(&open_reader(live)?),
            Self::Snapshot(snapshot) => snapshot.read(work),
        }
    }

    /// Whether the source is a backup, which nothing may change.
    pub fn is_backup(&self) -> bool {
        matches!(self, Self::Snapshot(_))
    }
}

/// A backup's rows in a database of their own with the closedesk schema.
///
/// Workers take turns on its one connection (an in-memory database cannot be opened twice).
pub struct Snapshot {
    // Declared first, so that it is closed before its file is deleted.
    conn: Mutex<Connection>,
    /// The temporary file behind `conn`, deleted when the snapshot is dropped; `None` in memory.
    file: Option<TempPath>,
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot").finish_non_exhaustive()
    }
}

impl Snapshot {
    /// The temporary file holding the rows, if they are not in memory.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Runs `work` on the snapshot's connection, waiting for a worker already using it.
    pub fn read<T>(&self, work: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        // A worker that panicked mid-read left nothing half-written: the connection is query-only.
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        work(&conn)
    }
}

/// Opens a connection on the database at `path` for reading only, without the migration
/// check of [`crate::store::open_existing`]: the window opened (and migrated) the file at
/// start-up, and a reader must never take the write lock a migration check needs.
pub fn open_reader(path: &Path) -> StoreResult<Connection> {
    let unavailable = |err: rusqlite::Error| StoreError::Unavailable { path: path.to_owned(), reason: err.to_string() };
    // Read-write without create: SQLite needs write access to the WAL index even to read.
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(unavailable)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(unavailable)?;
    conn.pragma_update(None, "query_only", true).map_err(unavailable)?;
    // Each request opens a new reader, whose page cache starts empty: mapped, the pages of a
    // large account's indexes come straight from the OS cache.
    conn.pragma_update(None, "mmap_size", crate::store::open::READ_MMAP_BYTES).map_err(unavailable)?;
    Ok(conn)
}

/// Loads the tables of a verified backup into a new in-memory database and makes it read-only.
///
/// `tables` are the backup's tables with their rows, cells in [`Table::columns`] order (as
/// [`crate::backup::BackupView`] holds them).
pub fn load_backup<'a>(tables: impl IntoIterator<Item = (Table, &'a [Vec<Cell>])>) -> StoreResult<Snapshot> {
    let mut conn = Connection::open_in_memory()?;
    migrations::migrate(&mut conn)?;
    let tx = conn.transaction()?;
    for (table, rows) in tables {
        let columns = table.columns();
        let names: Vec<&str> = columns.iter().map(|column| column.name).collect();
        let marks = vec!["?"; columns.len()].join(", ");
        let sql = format!("INSERT INTO {} ({}) VALUES ({marks})", database_table(table), names.join(", "));
        let mut stmt = tx.prepare(&sql)?;
        for row in rows {
            if row.len() != columns.len() {
                return Err(StoreError::Conflict(format!("a row of {table} has the wrong number of values")));
            }
            stmt.execute(rusqlite::params_from_iter(row.iter().map(sql_value)))?;
        }
    }
    tx.commit()?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(Snapshot { conn: Mutex::new(conn), file: None })
}

/// The page cache of a snapshot in a temporary file, in KiB, while it is filled: the orders'
/// table and indexes are written out of order, and a cache that holds their pages saves
/// writing and reading them again.
const LOAD_CACHE_KIB: i64 = 24 * 1024;

/// The page cache of a filled snapshot, in KiB: the OS caches the file's pages, and a query
/// reads only an account's pages.
const READ_CACHE_KIB: i64 = 4 * 1024;

/// Fills a new snapshot in a private temporary file, one row at a time: what a backup read
/// as a stream is loaded into, so that its rows are never all in memory at once.
///
/// The indexes of the schema are dropped while the rows go in and built again at the end,
/// which sorts each once instead of inserting into it row by row. The file lives in the
/// system's temporary folder while the snapshot is open and is deleted when it is dropped.
pub struct SnapshotLoader {
    conn: Connection,
    file: TempPath,
    /// `CREATE INDEX` statements to run again once the rows are in.
    indexes: Vec<String>,
    /// The `INSERT` statement of each backup table, by [`Table::index`].
    inserts: Vec<String>,
}

impl SnapshotLoader {
    /// A new, empty snapshot with the closedesk schema, taking rows.
    pub fn new() -> StoreResult<Self> {
        let file = tempfile::Builder::new()
            .prefix(".closedesk-backup-view-")
            .suffix(".db")
            .tempfile()
            .map_err(|err| {
                StoreError::Conflict(format!("cannot create a temporary file to open the backup in: {err}"))
            })?
            .into_temp_path();
        let mut conn =
            Connection::open_with_flags(&file, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        // The rows come from a backup whose references are checked (by the verification that
        // runs beside the load, which must pass before the snapshot is used): checking each
        // row's parents again would cost a lookup per row.
        conn.pragma_update(None, "foreign_keys", false)?;
        // Nothing here needs to survive a crash: the file is thrown away with the snapshot.
        conn.pragma_update_and_check(None, "journal_mode", "OFF", |_| Ok(()))?;
        conn.pragma_update(None, "synchronous", "OFF")?;
        conn.pragma_update(None, "cache_size", -LOAD_CACHE_KIB)?;
        migrations::migrate(&mut conn)?;
        let indexes: Vec<(String, String)> = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (name, _) in &indexes {
            conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        }
        conn.execute_batch("BEGIN")?;
        let inserts = Table::ALL
            .into_iter()
            .map(|table| {
                let columns = table.columns();
                let names: Vec<&str> = columns.iter().map(|column| column.name).collect();
                let marks = vec!["?"; columns.len()].join(", ");
                format!("INSERT INTO {} ({}) VALUES ({marks})", database_table(table), names.join(", "))
            })
            .collect();
        Ok(Self { conn, file, indexes: indexes.into_iter().map(|(_, sql)| sql).collect(), inserts })
    }

    /// Adds one row of `table`, its values in [`Table::columns`] order.
    pub fn insert(&self, table: Table, row: &[SqlValue]) -> StoreResult<()> {
        if row.len() != table.columns().len() {
            return Err(StoreError::Conflict(format!("a row of {table} has the wrong number of values")));
        }
        self.conn.prepare_cached(&self.inserts[table.index()])?.execute(rusqlite::params_from_iter(row))?;
        Ok(())
    }

    /// Builds the indexes, commits, and hands over the snapshot, read-only from now on.
    pub fn finish(self) -> StoreResult<Snapshot> {
        let Self { conn, file, indexes, .. } = self;
        for sql in &indexes {
            conn.execute_batch(sql)?;
        }
        conn.execute_batch("COMMIT")?;
        conn.pragma_update(None, "cache_size", -READ_CACHE_KIB)?;
        conn.pragma_update(None, "query_only", true)?;
        Ok(Snapshot { conn: Mutex::new(conn), file: Some(file) })
    }
}

/// The database table a backup table's rows come from.
fn database_table(table: Table) -> &'static str {
    match table {
        Table::Profile => "accounts",
        Table::Mail => "outbox",
        other => other.name(),
    }
}

fn sql_value(cell: &Cell) -> SqlValue {
    match cell {
        Cell::Null => SqlValue::Null,
        Cell::Integer(value) => SqlValue::Integer(*value),
        Cell::Text(text) => SqlValue::Text(text.clone()),
        Cell::Bool(flag) => SqlValue::Integer(i64::from(*flag)),
        Cell::Time(at) => SqlValue::Integer(at.as_second()),
    }
}
