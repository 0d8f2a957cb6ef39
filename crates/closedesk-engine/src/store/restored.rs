//! What a restore asks of SQL: checking a copy before it is trusted, reading the audited
//! actions to tell whether the database changed since, sealing the restored file, and
//! checkpointing the database it replaces.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension as _};

use super::StoreResult;
use super::migrations::{APPLICATION_ID, LATEST_VERSION};

/// An audited action: its row id, time (Unix seconds) and action.
pub type Action = (i64, i64, String);

/// The newest audited action of a copy, if it has any.
pub type LastAction = Option<Action>;

/// Checks a copy's private duplicate at `temp` (opened read-write: SQLite may roll a journal
/// back): a closedesk database (its application id),
/// not newer than this build, sound (`PRAGMA integrity_check`). Returns its schema version
/// and its newest audited action.
pub fn inspect_copy(temp: &Path) -> Result<(i64, LastAction), String> {
    let damaged = |err: rusqlite::Error| format!("it is damaged or not a database ({err})");
    let conn = Connection::open_with_flags(temp, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(damaged)?;
    let app_id: i32 = conn.pragma_query_value(None, "application_id", |row| row.get(0)).map_err(damaged)?;
    if app_id != APPLICATION_ID {
        return Err("it is not a closedesk database (a SQLite file of another program)".to_owned());
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(damaged)?;
    if version > LATEST_VERSION {
        return Err(format!(
            "it was written by a newer closedesk (schema version {version}; this build knows up to {LATEST_VERSION})"
        ));
    }
    if version < 1 {
        return Err("it is not a closedesk database (it has no schema)".to_owned());
    }
    let mut stmt = conn.prepare("PRAGMA integrity_check(3)").map_err(damaged)?;
    let lines: Vec<String> =
        stmt.query_map([], |row| row.get(0)).map_err(damaged)?.collect::<Result<_, _>>().map_err(damaged)?;
    if lines != ["ok"] {
        return Err(format!("it is damaged (integrity check: {})", lines.join("; ")));
    }
    let last = conn
        .query_row("SELECT id, at, action FROM audit_events ORDER BY id DESC LIMIT 1", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()
        .map_err(damaged)?;
    Ok((version, last))
}

/// The audited actions from row `from_id` on, oldest first: what a database holds beyond a copy
/// whose newest row is `from_id`.
pub fn audit_actions_from(conn: &Connection, from_id: i64) -> StoreResult<Vec<Action>> {
    let mut stmt = conn.prepare("SELECT id, at, action FROM audit_events WHERE id >= ?1 ORDER BY id")?;
    let actions =
        stmt.query_map([from_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<Result<_, _>>()?;
    Ok(actions)
}

/// Makes the restored database one self-contained file with no freed page (its log
/// checkpointed, a rollback journal, then `VACUUM`); returns its customer accounts.
pub fn seal(conn: &Connection) -> StoreResult<u64> {
    let accounts: i64 = conn.query_row("SELECT count(*) FROM accounts", [], |row| row.get(0))?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    conn.pragma_update_and_check(None, "journal_mode", "DELETE", |_| Ok(()))?;
    conn.execute_batch("VACUUM")?;
    Ok(u64::try_from(accounts).unwrap_or(0))
}

/// Checkpoints the database at `db` into its own file and empties its log; `false` when
/// another connection kept the log from being emptied.
pub fn checkpoint_alone(db: &Path) -> StoreResult<bool> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
    Ok(busy == 0)
}
