//! The catalogue of whole-database copies `backup-db` wrote: where, when, checksum, size, and
//! until when each may be kept.

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::StoreResult;
use crate::core::time::from_unix;

/// A catalogued copy.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CopyRow {
    /// The catalogue's id of the copy.
    pub id: i64,
    /// Where it was written (absolute when it was written).
    pub path: String,
    /// When it was taken.
    pub taken_at: Timestamp,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Until when it may be kept; past this it is due for deletion.
    pub retain_until: Timestamp,
    /// When closedesk deleted it, if it did.
    pub removed_at: Option<Timestamp>,
}

/// A copy to add to the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCopy<'a> {
    /// Where it was written.
    pub path: &'a str,
    /// When it was taken.
    pub taken_at: Timestamp,
    /// Its SHA-256, hex.
    pub sha256: &'a str,
    /// Its size in bytes.
    pub bytes: u64,
    /// Until when it may be kept.
    pub retain_until: Timestamp,
}

/// Adds a copy; a copy written over an earlier one at the same path replaces its entry.
pub fn add(conn: &Connection, copy: &NewCopy<'_>) -> StoreResult<i64> {
    conn.prepare_cached("UPDATE db_copies SET removed_at = ?2 WHERE path = ?1 AND removed_at IS NULL")?
        .execute(params![copy.path, copy.taken_at.as_second()])?;
    conn.prepare_cached(
        "INSERT INTO db_copies (path, taken_at, sha256, bytes, retain_until) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        copy.path,
        copy.taken_at.as_second(),
        copy.sha256,
        i64::try_from(copy.bytes).unwrap_or(i64::MAX),
        copy.retain_until.as_second()
    ])?;
    Ok(conn.last_insert_rowid())
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<CopyRow> {
    Ok(CopyRow {
        id: row.get(0)?,
        path: row.get(1)?,
        taken_at: from_unix(row.get(2)?),
        sha256: row.get(3)?,
        bytes: u64::try_from(row.get::<_, i64>(4)?).unwrap_or(0),
        retain_until: from_unix(row.get(5)?),
        removed_at: row.get::<_, Option<i64>>(6)?.map(from_unix),
    })
}

/// Every copy closedesk has not deleted, oldest first.
pub fn kept(conn: &Connection) -> StoreResult<Vec<CopyRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, path, taken_at, sha256, bytes, retain_until, removed_at FROM db_copies
         WHERE removed_at IS NULL ORDER BY taken_at, id",
    )?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every entry, deleted copies too, for carrying the catalogue into a restored database.
pub fn all(conn: &Connection) -> StoreResult<Vec<CopyRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, path, taken_at, sha256, bytes, retain_until, removed_at FROM db_copies ORDER BY id",
    )?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds the entries of `others` the catalogue lacks (same path, time and checksum) and marks
/// removed those `others` says were removed.
pub fn merge(conn: &Connection, others: &[CopyRow]) -> StoreResult<()> {
    for copy in others {
        let found: i64 = conn
            .prepare_cached("SELECT count(*) FROM db_copies WHERE path = ?1 AND taken_at = ?2 AND sha256 = ?3")?
            .query_row(params![copy.path, copy.taken_at.as_second(), copy.sha256], |row| row.get(0))?;
        if found == 0 {
            conn.prepare_cached(
                "INSERT INTO db_copies (path, taken_at, sha256, bytes, retain_until, removed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                copy.path,
                copy.taken_at.as_second(),
                copy.sha256,
                i64::try_from(copy.bytes).unwrap_or(i64::MAX),
                copy.retain_until.as_second(),
                copy.removed_at.map(Timestamp::as_second)
            ])?;
        } else if let Some(removed_at) = copy.removed_at {
            conn.prepare_cached(
                "UPDATE db_copies SET removed_at = ?4
                 WHERE path = ?1 AND taken_at = ?2 AND sha256 = ?3 AND removed_at IS NULL",
            )?
            .execute(params![
                copy.path,
                copy.taken_at.as_second(),
                copy.sha256,
                removed_at.as_second()
            ])?;
        }
    }
    Ok(())
}

/// Records that closedesk deleted the copy `id` at `at`.
pub fn mark_removed(conn: &Connection, id: i64, at: Timestamp) -> StoreResult<()> {
    conn.prepare_cached("UPDATE db_copies SET removed_at = ?2 WHERE id = ?1")?.execute(params![id, at.as_second()])?;
    Ok(())
}

/// The latest retain-until among the copies still kept that were taken at or before `at`:
/// until when an older copy may still hold what the database held at `at`.
pub fn kept_until(conn: &Connection, at: Timestamp) -> StoreResult<Option<Timestamp>> {
    let until: Option<i64> = conn
        .prepare_cached("SELECT max(retain_until) FROM db_copies WHERE removed_at IS NULL AND taken_at <= ?1")?
        .query_row([at.as_second()], |row| row.get(0))?;
    Ok(until.map(from_unix))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use super::*;

    #[test]
    fn copies_are_catalogued_replaced_removed_and_dated() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::create_empty(&dir.path().join("c.db")).unwrap();
        let at = |s: i64| Timestamp::from_second(s).unwrap();
        let copy =
            |path, taken, until| NewCopy { path, taken_at: at(taken), sha256: "ab", bytes: 9, retain_until: at(until) };
        add(&conn, &copy("/a.db", 10, 110)).unwrap();
        let b = add(&conn, &copy("/b.db", 20, 120)).unwrap();
        add(&conn, &copy("/a.db", 30, 130)).unwrap();
        assert_eq!(kept(&conn).unwrap().iter().map(|c| c.taken_at.as_second()).collect::<Vec<_>>(), [20, 30]);
        assert_eq!(kept_until(&conn, at(25)).unwrap(), Some(at(120)), "only copies taken before count");
        assert_eq!(kept_until(&conn, at(5)).unwrap(), None);
        mark_removed(&conn, b, at(40)).unwrap();
        assert_eq!(kept_until(&conn, at(25)).unwrap(), None);
        assert_eq!(all(&conn).unwrap().len(), 3);
    }
}
