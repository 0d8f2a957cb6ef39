//! Where the dashboards read from: the live database file, or a backup loaded into memory.
//!
//! A backup is shown by loading its rows into a fresh in-memory SQLite database with the
//! closedesk schema, so that every dashboard query runs on it unchanged. That connection is
//! switched to `query_only` once filled: nothing can change it afterwards.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags};

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

/// A backup's rows in an in-memory database with the closedesk schema.
///
/// Workers take turns on its one connection (an in-memory database cannot be opened twice).
pub struct Snapshot {
    conn: Mutex<Connection>,
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot").finish_non_exhaustive()
    }
}

impl Snapshot {
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
    Ok(Snapshot { conn: Mutex::new(conn) })
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
