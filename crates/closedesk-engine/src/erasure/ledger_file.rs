//! The erasure ledger's sidecar: `<database>.erasures` beside the database, a small text file
//! of account ids and purge instants (nothing personal), rewritten atomically after each purge
//! run. It outlives the database: a restore into a folder whose database was lost still erases
//! every account the sidecar names.
//!
//! The format: a first line `closedesk erasure ledger 1`, then one line per account,
//! `ID<TAB>UNIX_SECONDS`, by id.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::core::AccountId;
use crate::core::time::from_unix;
use crate::store::{self, ledger::Erasure};

/// The sidecar's first line.
const HEADER: &str = "closedesk erasure ledger 1";

/// The sidecar of the database at `db_path`.
pub fn sidecar_path(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".erasures");
    PathBuf::from(name)
}

/// The sidecar being written: the rename that completes it replaces the sidecar at once.
fn writing_path(db_path: &Path) -> PathBuf {
    let mut name = sidecar_path(db_path).into_os_string();
    name.push(".tmp");
    PathBuf::from(name)
}

/// The entries of the sidecar of `db_path`: none when it does not exist. A line that cannot be
/// read is an error naming the file: a damaged ledger must not pass for a short one.
pub fn read(db_path: &Path) -> std::io::Result<Vec<Erasure>> {
    let path = sidecar_path(db_path);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    let damaged = |line: usize| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: line {line} is not an erasure ledger entry", path.display()),
        )
    };
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Err(damaged(1));
    }
    let mut entries = Vec::new();
    for (index, line) in lines.enumerate().filter(|(_, line)| !line.is_empty()) {
        let (id, at) = line.split_once('\t').ok_or_else(|| damaged(index + 2))?;
        let id: i64 = id.parse().map_err(|_| damaged(index + 2))?;
        let at: i64 = at.parse().map_err(|_| damaged(index + 2))?;
        entries.push(Erasure { account: AccountId(id), purged_at: from_unix(at) });
    }
    Ok(entries)
}

/// Writes `entries` as the sidecar of `db_path`: into a temporary file, synced, then renamed
/// over the sidecar and the folder synced.
pub fn write(db_path: &Path, entries: &[Erasure]) -> std::io::Result<()> {
    let mut entries = entries.to_vec();
    entries.sort();
    entries.dedup_by_key(|entry| entry.account);
    let mut text = format!("{HEADER}\n");
    for entry in &entries {
        let _ = writeln!(text, "{}\t{}", entry.account.0, entry.purged_at.as_second());
    }
    let writing = writing_path(db_path);
    let written = std::fs::File::create(&writing).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    if let Err(err) = written.and_then(|()| std::fs::rename(&writing, sidecar_path(db_path))) {
        let _ = std::fs::remove_file(&writing);
        return Err(err);
    }
    super::intent::sync_folder(super::intent::folder_of(db_path));
    Ok(())
}

/// Rewrites the sidecar of the database on `conn` from its ledger, after a purge run; a
/// failure is logged, and the next start's [`reconcile`] writes it again.
pub fn mirror(conn: &Connection) {
    let Some(db_path) = conn.path().filter(|path| !path.is_empty()).map(PathBuf::from) else {
        return;
    };
    let written = store::ledger::all(conn).map_err(|err| err.to_string()).and_then(|entries| {
        let mut all = read(&db_path).unwrap_or_default();
        all.extend(entries);
        write(&db_path, &all).map_err(|err| err.to_string())
    });
    if let Err(err) = written {
        tracing::warn!("{}: the erasure ledger could not be mirrored: {err}", sidecar_path(&db_path).display());
    }
}

/// Brings the ledger and its sidecar level: ids only the sidecar holds (the database lost
/// them, say to a copy put back by hand) go into the table, and a sidecar missing or behind
/// the table is rewritten. Returns how many entries the table gained.
pub fn reconcile(db_path: &Path) -> Result<usize, String> {
    let _ = std::fs::remove_file(writing_path(db_path));
    let sidecar = read(db_path).map_err(|err| err.to_string())?;
    // Read only: most commands find both level, and some run on a database they may not write.
    let table =
        store::open_read_only(db_path).and_then(|conn| store::ledger::all(&conn)).map_err(|err| err.to_string())?;
    let missing: Vec<Erasure> =
        sidecar.iter().filter(|entry| !table.iter().any(|t| t.account == entry.account)).copied().collect();
    let added = if missing.is_empty() {
        0
    } else {
        let mut conn = store::open_existing(db_path).map_err(|err| err.to_string())?;
        store::write(&mut conn, |tx| store::ledger::merge(tx, &missing)).map_err(|err| err.to_string())?
    };
    if table.iter().any(|entry| !sidecar.iter().any(|s| s.account == entry.account)) {
        let mut all = table;
        all.extend(sidecar);
        match write(db_path, &all) {
            Ok(()) => {}
            // A folder the user may only read: the sidecar is written by the next run that may.
            Err(err) if err.kind() == std::io::ErrorKind::PermissionDenied => {}
            Err(err) => return Err(format!("{}: {err}", sidecar_path(db_path).display())),
        }
    }
    Ok(added)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use super::*;

    fn at(seconds: i64) -> jiff::Timestamp {
        jiff::Timestamp::from_second(seconds).unwrap()
    }

    #[test]
    fn the_sidecar_round_trips_and_a_damaged_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        assert!(read(&db).unwrap().is_empty());
        let entries =
            [Erasure { account: AccountId(9), purged_at: at(5) }, Erasure { account: AccountId(3), purged_at: at(7) }];
        write(&db, &entries).unwrap();
        assert_eq!(std::fs::read_to_string(sidecar_path(&db)).unwrap(), format!("{HEADER}\n3\t7\n9\t5\n"));
        assert_eq!(read(&db).unwrap().len(), 2);
        std::fs::write(sidecar_path(&db), format!("{HEADER}\n3\tseven\n")).unwrap();
        assert!(read(&db).unwrap_err().to_string().contains("line 2"));
    }

    #[test]
    fn reconcile_fills_the_table_from_the_sidecar_and_the_sidecar_from_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        let conn = store::create_empty(&db).unwrap();
        store::ledger::record(&conn, AccountId(1), at(10)).unwrap();
        drop(conn);
        assert_eq!(reconcile(&db).unwrap(), 0);
        assert_eq!(read(&db).unwrap(), [Erasure { account: AccountId(1), purged_at: at(10) }], "written when missing");

        write(
            &db,
            &[
                Erasure { account: AccountId(1), purged_at: at(10) },
                Erasure { account: AccountId(2), purged_at: at(20) },
            ],
        )
        .unwrap();
        assert_eq!(reconcile(&db).unwrap(), 1, "the id the database lost is back in its ledger");
        let conn = store::open_existing(&db).unwrap();
        assert_eq!(store::ledger::purged_at(&conn, AccountId(2)).unwrap(), Some(at(20)));
    }
}
