//! Erasure beyond the database: every file closedesk writes outside it is a recorded side
//! effect, and [`recover`] — run at the start of the app and of every command — finishes or
//! undoes what an interrupted run left.
//!
//! - Outbox mail is recorded by its row in the `outbox` table, written in the same write
//!   transaction as the file. A mail file without a row (the transaction never committed, or
//!   the account was purged and its rows are gone) is removed, and so are `.mail-*.tmp`
//!   files; this runs holding the database's write lock, so no mail is in flight meanwhile.
//! - A `.partial` of an export or a database copy, and a first-run database under
//!   construction, are recorded by an [`Intent`] beside the database before they are created;
//!   files named by the intent of a dead process are removed.
//! - First-run files (`.closedesk-new-*` and their -wal, -shm, -journal) and `.partial` files
//!   in the database's folder that no live intent names are removed as well, so litter of
//!   versions before intents goes too.
//! - The erasure ledger and its sidecar file are brought level (see [`ledger_file`]).

mod intent;
pub mod ledger_file;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use intent::Intent;
pub use ledger_file::mirror as mirror_ledger;

use crate::store;

/// What [`recover`] removed: counts only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Partial files and first-run files of interrupted writes.
    pub partial_files: usize,
    /// Mail files whose row never committed or whose account was purged, and mail temp files.
    pub mail_files: usize,
}

/// Finishes or undoes what interrupted runs left around the database at `db_path`, and
/// removes the mail of codes expired at `now`; never fails (what cannot be done now is
/// logged and tried again at the next start).
pub fn recover(db_path: &Path, now: jiff::Timestamp) -> Recovered {
    let mut recovered = Recovered { partial_files: intent::recover_intents(db_path).len(), mail_files: 0 };
    recovered.partial_files += sweep_litter(db_path);
    if db_path.is_file() {
        match ledger_file::reconcile(db_path) {
            Ok(0) => {}
            Ok(added) => tracing::info!(added, "the erasure ledger took ids from its sidecar"),
            Err(err) => tracing::warn!("the erasure ledger could not be checked against its sidecar: {err}"),
        }
        match sweep_outbox(db_path, now) {
            Ok(count) => recovered.mail_files = count,
            Err(err) => tracing::warn!("the outbox could not be checked for mail of purged accounts: {err}"),
        }
    }
    if recovered != Recovered::default() {
        tracing::info!(
            partial_files = recovered.partial_files,
            mail_files = recovered.mail_files,
            "removed what interrupted runs left"
        );
    }
    recovered
}

/// The files live intents name (partial exports and copies being written): what a purge's
/// byte scan reads besides the database and the outbox.
pub fn recorded_partials(db_path: &Path) -> Vec<PathBuf> {
    intent::live_paths(db_path)
}

/// Removes first-run and `.partial` files in the database's folder that no live intent names.
fn sweep_litter(db_path: &Path) -> usize {
    let folder = intent::folder_of(db_path);
    let live = intent::live_paths(db_path);
    let Ok(entries) = std::fs::read_dir(folder) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let litter = name.starts_with(".closedesk-new-")
            || (name.starts_with(".closedesk-") && name.ends_with(".partial"))
            || (name.starts_with(".closedesk-") && name.contains(".partial-"));
        if !litter || name.starts_with(intent::INTENT_PREFIX) {
            continue;
        }
        let path = entry.path();
        let owner = live.iter().any(|live| {
            path.file_name().is_some_and(|file| {
                live.file_name()
                    .is_some_and(|live_name| file.to_string_lossy().starts_with(&*live_name.to_string_lossy()))
            })
        });
        if !owner && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Removes the rows of code mails expired at `now`, then mail files the `outbox` table does
/// not name, and mail temp files, holding the database's write lock so that no mail is being
/// written meanwhile.
fn sweep_outbox(db_path: &Path, now: jiff::Timestamp) -> store::StoreResult<usize> {
    let outbox = crate::paths::outbox_dir(db_path);
    let Ok(entries) = std::fs::read_dir(&outbox) else {
        return Ok(0);
    };
    let names: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    let candidates: Vec<&PathBuf> = names
        .iter()
        .filter(|path| {
            path.file_name().map(|name| name.to_string_lossy()).is_some_and(|name| {
                std::path::Path::new(&*name).extension().is_some_and(|ext| ext == "eml")
                    || (name.starts_with(".mail-") && name.ends_with(".tmp"))
            })
        })
        .collect();
    if candidates.is_empty() {
        return Ok(0);
    }
    let mut conn = store::open_existing(db_path)?;
    store::write(&mut conn, |tx| {
        store::outbox::take_expired_code_mails(tx, now)?;
        let mut stmt = tx.prepare("SELECT eml_file FROM outbox")?;
        let recorded: HashSet<String> = stmt.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
        let mut removed = 0;
        for path in candidates {
            let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
            if recorded.contains(&name) {
                continue;
            }
            match std::fs::remove_file(path) {
                Ok(()) => removed += 1,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => tracing::warn!("{}: an orphaned mail file could not be removed: {err}", path.display()),
            }
        }
        if removed > 0 {
            intent::sync_folder(&outbox);
        }
        Ok(removed)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use super::*;

    #[test]
    fn a_dead_intent_s_files_go_and_a_live_intent_s_stay() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        let exports = tempfile::tempdir().unwrap();
        let dead_file = exports.path().join(".closedesk-dead.partial");
        let live_file = exports.path().join(".closedesk-live.partial");
        std::fs::write(&dead_file, b"half an export").unwrap();
        std::fs::write(&live_file, b"an export being written").unwrap();
        // What a killed process leaves: a journal nobody holds locked.
        let dead = dir.path().join(format!("{}0000000000000001", intent::INTENT_PREFIX));
        std::fs::write(&dead, format!("{}\n", dead_file.display())).unwrap();
        let live = Intent::record(&db, std::slice::from_ref(&live_file)).unwrap();
        // A first-run file of an older version, with its log.
        std::fs::write(dir.path().join(".closedesk-new-abc.db"), b"x").unwrap();
        std::fs::write(dir.path().join(".closedesk-new-abc.db-wal"), b"x").unwrap();

        let recovered = recover(&db, jiff::Timestamp::UNIX_EPOCH);
        assert_eq!(recovered.partial_files, 3);
        assert!(!dead_file.exists() && !dead.exists());
        assert!(live_file.exists(), "a live writer's file is left alone");
        drop(live);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "the closed intent is gone: {left:?}");
    }

    #[test]
    fn mail_files_without_their_row_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        let conn = store::create_empty(&db).unwrap();
        let outbox = crate::paths::outbox_dir(&db);
        std::fs::create_dir_all(&outbox).unwrap();
        conn.execute(
            "INSERT INTO outbox (account_id, to_addr, subject, body, created_at, eml_file)
             VALUES (NULL, 'x@example.test', 's', 'b', 0, 'kept.eml')",
            [],
        )
        .unwrap();
        drop(conn);
        for name in ["kept.eml", "orphan.eml", ".mail-abc.tmp", "notes.txt"] {
            std::fs::write(outbox.join(name), b"mail").unwrap();
        }
        assert_eq!(recover(&db, jiff::Timestamp::UNIX_EPOCH).mail_files, 2);
        let mut left: Vec<String> = std::fs::read_dir(&outbox)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["kept.eml", "notes.txt"]);
    }
}
