//! Copies of the whole database, for the admin page and the command line: taking one (and
//! cataloguing it with its retention), listing the catalogue, deleting copies past retention,
//! and restoring a copy without bringing any purged customer back.
//!
//! Each operation checks who acts once against the database — an admin's session, or (from
//! the command line) whoever can open the database file, whom the trail names `system` — and
//! audits what it changed.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::Connection;

use super::access::authorize_staff;
use super::export::Acting;
use super::{ServiceError, ServiceResult};
use crate::backup::{self, DbBackupReport, RestoreReceipt};
use crate::core::audit::{Actor, AuditEvent};
use crate::core::permissions::Action;
use crate::settings;
use crate::store::copies::{self, CopyRow, NewCopy};
use crate::store::{self, audit};

pub use crate::store::scan::{ScanReport, ScannedPlace};

/// What [`backup_database`] wrote and catalogued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyReport {
    /// The copy.
    pub copy: DbBackupReport,
    /// When it was taken.
    pub taken_at: Timestamp,
    /// Until when it may be kept (`backup_retention_days` after it was taken).
    pub retain_until: Timestamp,
    /// Why the catalogue could not record it (a database the user may only read), if so: the
    /// copy exists but nothing tracks its retention.
    pub not_catalogued: Option<String>,
}

/// A catalogued copy as the lists show it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CopyStatus {
    /// The catalogue's entry.
    #[serde(flatten)]
    pub row: CopyRow,
    /// Whether its retention has run out at the time asked about.
    pub past_due: bool,
    /// Whether the file is still where it was written.
    pub exists: bool,
}

/// A copy [`prune`] or [`delete_copy`] dealt with.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RemovedCopy {
    /// Where it was.
    pub path: String,
    /// Whether a file was deleted (`false`: it was already gone, and only the entry closed).
    pub file_deleted: bool,
}

/// Who acts, checked against the database on `conn`: an admin (copies of the whole database
/// hold every customer), or the file's owner.
fn check(conn: &Connection, acting: Acting) -> ServiceResult<Actor> {
    authorize_staff(conn, acting, Action::BackupDatabase)
}

/// Copies the whole database to `target` and catalogues the copy with its retention; audited.
pub fn backup_database(
    db: &Path,
    acting: Acting,
    target: &Path,
    overwrite: bool,
    now: Timestamp,
) -> ServiceResult<CopyReport> {
    let actor = match acting {
        Acting::Session(_) => check(&store::open_existing(db)?, acting)?,
        Acting::FileOwner => Actor::System,
    };
    let policy = settings::load_policy(&settings::settings_path(db))?;
    let copy = backup::backup_database(db, target, overwrite)?;
    let retain_until = now + policy.backup_retention();
    let path = std::path::absolute(&copy.target).unwrap_or_else(|_| copy.target.clone());
    // Checked first: opening a database this user may not write could leave a log beside it.
    let catalogued = store::check_file_writable(db).and_then(|()| store::open_existing(db)).and_then(|mut conn| {
        store::write(&mut conn, |tx| {
            let entry = NewCopy {
                path: &path.to_string_lossy(),
                taken_at: now,
                sha256: &copy.sha256,
                bytes: copy.bytes,
                retain_until,
            };
            copies::add(tx, &entry)?;
            let event = AuditEvent { account: None, actor, action: "database_backup", outcome: "ok" };
            audit::record(tx, &event, now)
        })
    });
    let not_catalogued = match (catalogued, acting) {
        (Ok(()), _) => None,
        // An admin's copy is never left without its audit line unsaid.
        (Err(err), Acting::Session(_)) => return Err(err.into()),
        (Err(err), Acting::FileOwner) => Some(err.to_string()),
    };
    Ok(CopyReport { copy, taken_at: now, retain_until, not_catalogued })
}

/// The catalogued copies closedesk has not deleted, oldest first, as of `now`.
pub fn list_copies(db: &Path, acting: Acting, now: Timestamp) -> ServiceResult<Vec<CopyStatus>> {
    let conn = store::open_read_only(db)?;
    check(&conn, acting)?;
    Ok(copies::kept(&conn)?.into_iter().map(|row| status(row, now)).collect())
}

fn status(row: CopyRow, now: Timestamp) -> CopyStatus {
    CopyStatus { past_due: row.retain_until <= now, exists: Path::new(&row.path).is_file(), row }
}

/// What [`prune`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Pruned {
    /// The copies past retention it dealt with.
    pub removed: Vec<RemovedCopy>,
    /// The copies past retention it left, each with why (not the file closedesk wrote, say).
    pub left: Vec<String>,
}

/// Deletes every catalogued copy past its retention at `now`; audited once. A copy that cannot
/// or must not be deleted is left and said, and the others are still deleted.
pub fn prune(db: &Path, acting: Acting, now: Timestamp) -> ServiceResult<Pruned> {
    let mut conn = store::open_existing(db)?;
    let actor = check(&conn, acting)?;
    let due: Vec<CopyRow> = copies::kept(&conn)?.into_iter().filter(|row| row.retain_until <= now).collect();
    let mut pruned = Pruned::default();
    for row in due {
        match remove_file(&conn, &row, now) {
            Ok(removed) => pruned.removed.push(removed),
            Err(ServiceError::Refused(why)) => pruned.left.push(why),
            Err(other) => return Err(other),
        }
    }
    if !pruned.removed.is_empty() {
        let event = AuditEvent { account: None, actor, action: "database_copies_pruned", outcome: "ok" };
        store::write(&mut conn, |tx| audit::record(tx, &event, now))?;
    }
    Ok(pruned)
}

/// Deletes the catalogued copy `id`, which must be past its retention at `now`; audited.
pub fn delete_copy(db: &Path, acting: Acting, id: i64, now: Timestamp) -> ServiceResult<RemovedCopy> {
    let mut conn = store::open_existing(db)?;
    let actor = check(&conn, acting)?;
    let Some(row) = copies::kept(&conn)?.into_iter().find(|row| row.id == id) else {
        return Err(ServiceError::Refused("That copy is not in the catalogue any more.".to_owned()));
    };
    if row.retain_until > now {
        return Err(ServiceError::Refused(format!(
            "{}: kept until {}; only a copy past its retention is deleted",
            row.path,
            crate::core::time::utc_minute(row.retain_until)
        )));
    }
    let removed = remove_file(&conn, &row, now)?;
    let event = AuditEvent { account: None, actor, action: "database_copy_deleted", outcome: "ok" };
    store::write(&mut conn, |tx| audit::record(tx, &event, now))?;
    Ok(removed)
}

/// Deletes a copy's file — only when it is still the file closedesk wrote (same checksum) —
/// and closes its catalogue entry.
fn remove_file(conn: &Connection, row: &CopyRow, now: Timestamp) -> ServiceResult<RemovedCopy> {
    let path = PathBuf::from(&row.path);
    let file_deleted = match std::fs::symlink_metadata(&path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => false,
        Err(err) => return Err(ServiceError::Refused(format!("{}: cannot read it: {err}", row.path))),
        Ok(meta) if !meta.is_file() => {
            return Err(ServiceError::Refused(format!("{}: not a plain file any more; left alone", row.path)));
        }
        Ok(_) => {
            let sha = backup::sha256_of(&path)
                .map_err(|err| ServiceError::Refused(format!("{}: cannot read it: {err}", row.path)))?;
            if sha != row.sha256 {
                return Err(ServiceError::Refused(format!(
                    "{}: it is not the copy closedesk wrote there (its checksum differs); left alone",
                    row.path
                )));
            }
            std::fs::remove_file(&path)
                .map_err(|err| ServiceError::Refused(format!("{}: cannot delete it: {err}", row.path)))?;
            true
        }
    };
    copies::mark_removed(conn, row.id, now)?;
    Ok(RemovedCopy { path: row.path.clone(), file_deleted })
}

/// Restores the copy `copy` over the database at `db`, erasing again every account the
/// erasure ledgers name; `force` replaces a database that changed since the copy was taken.
/// The restored database's trail records the restore by whoever acted.
pub fn restore(db: &Path, acting: Acting, copy: &Path, force: bool, now: Timestamp) -> ServiceResult<RestoreReceipt> {
    let actor = match acting {
        Acting::Session(_) => check(&store::open_existing(db)?, acting)?,
        // A lost database may be restored by whoever owns its folder.
        Acting::FileOwner if !db.exists() => Actor::System,
        Acting::FileOwner => check(&store::open_read_only(db)?, acting)?,
    };
    Ok(backup::restore_database(db, copy, force, actor, now)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use super::*;
    use crate::core::permissions::Principal;
    use crate::store::agents;

    fn now() -> Timestamp {
        "2026-11-29T10:00:00Z".parse().unwrap()
    }

    /// A demo database, a folder for copies, and the demo agent's and admin's sessions.
    fn demo() -> (tempfile::TempDir, PathBuf, Principal, Principal) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        let (conn, _) = crate::demo::open_or_create_with_demo(&db, now()).unwrap();
        let session = |name: &str| {
            let row = agents::find_by_name(&conn, name).unwrap().unwrap();
            Principal::Agent { id: row.id, role: row.role }
        };
        let (agent, admin) = (session("agent"), session("admin"));
        drop(conn);
        (dir, db, agent, admin)
    }

    #[test]
    fn only_an_admin_lists_deletes_prunes_and_restores_copies() {
        let (dir, db, agent, admin) = demo();
        let copy = dir.path().join("copy.db");
        let refused = backup_database(&db, Acting::Session(agent), &copy, false, now()).unwrap_err();
        assert!(matches!(refused, ServiceError::Denied(_)), "{refused}");
        assert!(!copy.exists(), "a refused copy writes nothing");
        backup_database(&db, Acting::Session(admin), &copy, false, now()).unwrap();

        let agent_acts = Acting::Session(agent);
        assert!(matches!(list_copies(&db, agent_acts, now()), Err(ServiceError::Denied(_))));
        assert!(matches!(prune(&db, agent_acts, now()), Err(ServiceError::Denied(_))));
        assert!(matches!(delete_copy(&db, agent_acts, 1, now()), Err(ServiceError::Denied(_))));
        assert!(matches!(restore(&db, agent_acts, &copy, true, now()), Err(ServiceError::Denied(_))));
        assert_eq!(list_copies(&db, Acting::Session(admin), now()).unwrap().len(), 1);
    }

    #[test]
    fn a_copy_is_deleted_only_past_its_retention_and_only_if_it_is_still_the_copy_written() {
        let (dir, db, _, admin) = demo();
        let acting = Acting::Session(admin);
        let copy = dir.path().join("copy.db");
        let report = backup_database(&db, acting, &copy, false, now()).unwrap();
        assert_eq!(report.retain_until, now() + jiff::SignedDuration::from_hours(30 * 24));
        let id = list_copies(&db, acting, now()).unwrap()[0].row.id;

        let early = delete_copy(&db, acting, id, now()).unwrap_err();
        assert!(early.to_string().contains("only a copy past its retention is deleted"), "{early}");
        assert!(copy.exists());

        let later = report.retain_until + jiff::SignedDuration::from_hours(1);
        std::fs::write(&copy, b"someone else's file now").unwrap();
        let changed = delete_copy(&db, acting, id, later).unwrap_err();
        assert!(changed.to_string().contains("checksum differs"), "{changed}");
        assert!(copy.exists(), "a file closedesk did not write is left alone");
        let pruned = prune(&db, acting, later).unwrap();
        assert!(pruned.removed.is_empty() && pruned.left[0].contains("checksum differs"), "{pruned:?}");
        assert!(copy.exists(), "prune leaves it alone too");
    }
}
