//! Putting a copy of the whole database back, without bringing any purged customer back.
//!
//! The copy is checked (a closedesk database, sound, not newer than this build), copied to a
//! temporary file beside the database (recorded by an [`Intent`], so a kill at any instant
//! leaves nothing the next start does not remove), and brought up to this build's schema.
//! Every account in the union of the erasure ledgers — the database's, its sidecar's and the
//! copy's own — is then purged again in it through the purge's own steps, the freed pages are
//! dropped (`VACUUM`, with `secure_delete` on), and the files are byte-scanned for those
//! accounts' values, read from the copy before they were erased and kept only in memory.
//! Only a clean result is renamed over the database.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rand::Rng as _;

use super::atomic::{folder_of, io_reason, sync_folder};
use crate::core::AccountId;
use crate::core::audit::{Actor, AuditEvent};
use crate::erasure::{Intent, ledger_file};
use crate::store::copies::{self, CopyRow};
use crate::store::ledger::{self, Erasure};
use crate::store::restored::{self, LastAction};
use crate::store::scan::{ScannedPlace, count_everywhere};
use crate::store::{self, StoreError, purge};

/// Audit actions that record copies, not changes: a database holding only these since a copy
/// was taken has not changed since.
const HOUSEKEEPING: [&str; 4] =
    ["database_backup", "database_restored", "database_copy_deleted", "database_copies_pruned"];

/// Why a copy was not restored. Whatever the reason, the database was left as it was and no
/// temporary file remains.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// The copy cannot be restored: not a closedesk database, damaged, newer, or not a file.
    #[error("{}: refused: {reason}; nothing was changed", path.display())]
    Refused {
        /// The copy.
        path: PathBuf,
        /// Why, e.g. `it is not a closedesk database (no SQLite header)`.
        reason: String,
    },
    /// The database changed since the copy was taken, and replacing it was not asked for.
    #[error(
        "{}: the database has changed since this copy was taken ({reason}); restoring it would lose those \
         changes: pass --force to restore anyway; nothing was changed",
        path.display()
    )]
    Changed {
        /// The copy.
        path: PathBuf,
        /// What changed, e.g. `12 audited actions since`.
        reason: String,
    },
    /// Reading, writing or renaming failed.
    #[error("{}: cannot restore: {reason}; the database was left as it was", path.display())]
    Failed {
        /// The file that failed.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a restore did: ids and counts only, never a value.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RestoreReceipt {
    /// The copy restored.
    pub source: PathBuf,
    /// The database it replaced (or became).
    pub database: PathBuf,
    /// The copy's schema version before it was brought up to this build's.
    pub copy_schema_version: i64,
    /// Customer accounts the restored database holds.
    pub accounts: u64,
    /// Accounts the copy still held that the ledgers say were purged: erased again.
    pub erased_again: Vec<AccountId>,
    /// Entries in the union of the ledgers, now the restored database's ledger.
    pub ledger_entries: usize,
    /// Personal values of the erased accounts searched for in the restored files.
    pub values_checked: usize,
    /// The byte scan of the restored files, file by file.
    pub scan: Vec<ScannedPlace>,
    /// Whether changes made since the copy were replaced (`--force`).
    pub replaced_changes: bool,
}

/// Removes the temporary files of a restore that did not finish (its database and the files
/// SQLite keeps beside it); after the rename there is nothing left to remove.
struct TempFiles(PathBuf);

impl TempFiles {
    fn paths_of(path: &Path) -> Vec<PathBuf> {
        ["", "-wal", "-shm", "-journal"]
            .iter()
            .map(|suffix| {
                let mut name = path.as_os_str().to_owned();
                name.push(suffix);
                PathBuf::from(name)
            })
            .collect()
    }
}

impl Drop for TempFiles {
    fn drop(&mut self) {
        for path in Self::paths_of(&self.0) {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => {
                    tracing::warn!("{}: a restore's temporary file could not be removed: {err}", path.display());
                }
            }
        }
    }
}

/// Restores the copy at `copy` over the database at `db` (which may be missing), as described
/// in the module's documentation. Without `force`, a database that changed since the copy was
/// taken (it holds audited actions the copy does not) is left alone.
pub fn restore_database(
    db: &Path,
    copy: &Path,
    force: bool,
    actor: Actor,
    now: Timestamp,
) -> Result<RestoreReceipt, RestoreError> {
    let refused = |reason: String| RestoreError::Refused { path: copy.to_owned(), reason };
    let failed = |path: &Path, reason: String| RestoreError::Failed { path: path.to_owned(), reason };
    super::target::refuse_unsafe_target(copy, Some(db)).map_err(|err| match err {
        super::BackupError::Refused { reason, .. } => refused(reason),
        other => refused(other.to_string()),
    })?;
    check_header(copy).map_err(refused)?;

    let folder = folder_of(db);
    if !folder.as_os_str().is_empty() {
        std::fs::create_dir_all(folder).map_err(|err| failed(folder, io_reason(&err)))?;
    }
    let temp_path = folder.join(format!(".closedesk-restore-{:016x}.db", rand::rng().random::<u64>()));
    let _intent =
        Intent::record(db, &TempFiles::paths_of(&temp_path)).map_err(|err| failed(folder, io_reason(&err)))?;
    // Declared after the intent, so dropped before it: the files go before their record does.
    let temp = TempFiles(temp_path);
    std::fs::copy(copy, &temp.0).and_then(|_| sync_file(&temp.0)).map_err(|err| failed(&temp.0, io_reason(&err)))?;

    let (copy_schema_version, copy_last_action) = restored::inspect_copy(&temp.0).map_err(refused)?;
    let live = if db.is_file() { Some(Live::read(db, &copy_last_action)?) } else { None };
    let changed = live.as_ref().and_then(|live| live.changed.clone());
    if let Some(reason) = &changed
        && !force
    {
        return Err(RestoreError::Changed { path: copy.to_owned(), reason: reason.clone() });
    }

    // The work on the temporary copy can fail (a full disk, most often): that failure leaves
    // the database as it was, and is said so, about the database the user named.
    let on_copy = |err: StoreError| failed(db, err.to_string());
    let mut conn = store::open_existing(&temp.0).map_err(on_copy)?;
    let sidecar = ledger_file::read(db).map_err(|err| failed(&ledger_file::sidecar_path(db), err.to_string()))?;
    let union = union_of(&[
        live.as_ref().map(|live| live.ledger.clone()).unwrap_or_default(),
        sidecar,
        ledger::all(&conn).map_err(on_copy)?,
    ]);
    let erased = purge::erase_again(&mut conn, &union, now, &crate::paths::outbox_dir(db)).map_err(on_copy)?;
    store::write(&mut conn, |tx| {
        if let Some(live) = &live {
            copies::merge(tx, &live.copies)?;
        }
        store::audit::record(tx, &AuditEvent { account: None, actor, action: "database_restored", outcome: "ok" }, now)
    })
    .map_err(on_copy)?;
    let accounts = restored::seal(&conn).map_err(on_copy)?;
    drop(conn);

    let needles: Vec<&[u8]> = erased.values.iter().map(|value| value.as_bytes()).collect();
    let before = count_everywhere(&temp.0, None, &[], &needles).map_err(|err| failed(&temp.0, io_reason(&err)))?;
    let left: usize = before.hits.iter().sum();
    if left > 0 {
        return Err(failed(
            copy,
            format!("{left} byte strings of erased accounts were still found in the restored files"),
        ));
    }

    if live.is_some() {
        Live::quiesce(db)?;
    }
    sync_file(&temp.0).map_err(|err| failed(&temp.0, io_reason(&err)))?;
    std::fs::rename(&temp.0, db).map_err(|err| failed(db, io_reason(&err)))?;
    sync_folder(folder);
    if let Err(err) = ledger_file::write(db, &union) {
        // The restored database holds the whole ledger; the next start writes the sidecar again.
        tracing::warn!("{}: the erasure ledger could not be mirrored: {err}", ledger_file::sidecar_path(db).display());
    }

    let after = count_everywhere(db, None, &[], &needles).map_err(|err| failed(db, io_reason(&err)))?;
    let scan = after
        .places
        .iter()
        .zip(&after.place_hits)
        .filter(|(place, _)| place.name != "recorded partial files")
        .map(|(place, hits)| ScannedPlace { hits: hits.iter().sum(), ..place.clone() })
        .collect();
    Ok(RestoreReceipt {
        source: copy.to_owned(),
        database: db.to_owned(),
        copy_schema_version,
        accounts,
        erased_again: erased.receipts.iter().map(|receipt| receipt.account).collect(),
        ledger_entries: union.len(),
        values_checked: needles.len(),
        scan,
        replaced_changes: changed.is_some(),
    })
}

/// Refuses a file that does not start with SQLite's header.
fn check_header(copy: &Path) -> Result<(), String> {
    let mut header = [0_u8; 16];
    let read = std::fs::File::open(copy).and_then(|mut file| file.read_exact(&mut header));
    match read {
        Ok(()) if &header == b"SQLite format 3\0" => Ok(()),
        Ok(()) => Err("it is not a closedesk database (not a SQLite file)".to_owned()),
        Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => {
            Err("it is not a closedesk database (too short to be a SQLite file)".to_owned())
        }
        Err(err) => Err(format!("cannot read it: {}", io_reason(&err))),
    }
}

/// What the restore needs of the database it replaces.
struct Live {
    ledger: Vec<Erasure>,
    copies: Vec<CopyRow>,
    /// Why it counts as changed since the copy, if it does.
    changed: Option<String>,
}

impl Live {
    /// Reads the database at `db`, judging it against a copy whose newest audited action is
    /// `last`: changed when it holds audited actions after that one (other than taking and
    /// restoring copies), or does not hold that one at all (the copy is of another history).
    fn read(db: &Path, last: &LastAction) -> Result<Self, RestoreError> {
        let conn = store::open_read_only(db)?;
        let since = restored::audit_actions_from(&conn, last.as_ref().map_or(0, |(id, ..)| *id))?;
        let after = match last {
            None => Some(since.as_slice()),
            Some(last) => since.split_first().filter(|(first, _)| first == &last).map(|(_, rest)| rest),
        };
        let changed = match after {
            None => Some("it is not the history this copy was taken from".to_owned()),
            Some(after) => {
                let changes = after.iter().filter(|(_, _, action)| !HOUSEKEEPING.contains(&action.as_str())).count();
                (changes > 0)
                    .then(|| format!("{changes} audited {} since", if changes == 1 { "action" } else { "actions" }))
            }
        };
        Ok(Self { ledger: ledger::all(&conn)?, copies: copies::all(&conn)?, changed })
    }

    /// Makes the database's own file whole and alone: the log checkpointed into it, then the
    /// log and its index removed, so the file renamed over it inherits no companion. Refused
    /// while another connection keeps the log from being emptied.
    fn quiesce(db: &Path) -> Result<(), RestoreError> {
        if !restored::checkpoint_alone(db)? {
            return Err(RestoreError::Failed {
                path: db.to_owned(),
                reason: "another program has the database open; close it (and the closedesk window) and try again"
                    .to_owned(),
            });
        }
        for suffix in ["-wal", "-shm"] {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            match std::fs::remove_file(PathBuf::from(name)) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(RestoreError::Failed { path: db.to_owned(), reason: io_reason(&err) }),
            }
        }
        Ok(())
    }
}

/// Flushes `path` to the disk. Opened for writing: Windows refuses to flush a file opened only
/// for reading (`FlushFileBuffers` needs write access).
fn sync_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new().write(true).open(path)?.sync_all()
}

/// The union of `ledgers`: each account once, at its earliest purge time.
fn union_of(ledgers: &[Vec<Erasure>]) -> Vec<Erasure> {
    let mut all: Vec<Erasure> = ledgers.iter().flatten().copied().collect();
    all.sort();
    all.dedup_by_key(|erasure| erasure.account);
    all
}
