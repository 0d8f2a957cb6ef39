//! Opening the database for one command: created with demo accounts on first use, opened
//! read-only when the command only reads (so a file the user may only read is enough), and
//! refused at once, before anything is done, when a command that writes cannot write it.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::Connection;

use super::ServiceResult;
use crate::demo;
use crate::store;

pub use crate::store::Opened;

/// Opens the database at `db` for a command that only reads it. A missing database is
/// created with demo accounts, as by every command.
pub fn open_to_read(db: &Path, now: Timestamp) -> ServiceResult<(Connection, Opened)> {
    if !db.exists() {
        return Ok(demo::open_or_create_with_demo(db, now)?);
    }
    Ok((store::open_read_only(db)?, Opened::Existing))
}

/// Opens the database at `db` for a command that changes it (creating it with demo accounts
/// on first use), and refuses when it cannot be written.
pub fn open_to_write(db: &Path, now: Timestamp) -> ServiceResult<(Connection, Opened)> {
    store::check_file_writable(db)?;
    let (conn, opened) = demo::open_or_create_with_demo(db, now)?;
    store::check_writable(&conn, db)?;
    Ok((conn, opened))
}

/// Creates a database at `db` that does not exist yet: empty, or with the demo accounts.
pub fn create(db: &Path, empty: bool, now: Timestamp) -> ServiceResult<()> {
    if empty {
        store::create_empty(db)?;
    } else {
        demo::open_or_create_with_demo(db, now)?;
    }
    Ok(())
}

/// Whether `err` or one of its causes is an error of SQLite or of the store, whose words may
/// not name the database file: the command line then names it.
pub fn is_database_error(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(err) = next {
        if err.is::<rusqlite::Error>() || err.is::<store::StoreError>() {
            return true;
        }
        next = transparent_inner(err).or_else(|| err.source());
    }
    false
}

/// The error inside a `#[error(transparent)]` wrapper of a store error, which hands on that
/// error's cause as its own rather than the error itself.
fn transparent_inner<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a (dyn std::error::Error + 'static)> {
    use super::ServiceError;
    use crate::backup::BackupError;
    use crate::closing::ClosingError;
    match (err.downcast_ref(), err.downcast_ref(), err.downcast_ref()) {
        (Some(BackupError::Store(inner)), _, _)
        | (_, Some(ClosingError::Store(inner)), _)
        | (_, _, Some(ServiceError::Store(inner))) => Some(inner),
        (_, _, Some(ServiceError::Closing(inner))) => Some(inner),
        (_, _, Some(ServiceError::Backup(inner))) => Some(inner),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use super::*;
    use crate::store::StoreError;

    #[test]
    fn a_store_error_inside_a_service_error_is_a_database_error() {
        let wrapped = super::super::ServiceError::Store(StoreError::NotFound("account 9".into()));
        assert!(is_database_error(&wrapped));
        let backup = crate::backup::BackupError::Store(StoreError::NotFound("account 9".into()));
        assert!(is_database_error(&backup));
        assert!(!is_database_error(&super::super::ServiceError::Refused("no".into())));
    }

    #[test]
    fn a_database_created_empty_opens_to_read_as_an_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.db");
        create(&db, true, Timestamp::UNIX_EPOCH).unwrap();
        let (_, opened) = open_to_read(&db, Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(opened, Opened::Existing);
        let (_, opened) = open_to_read(&dir.path().join("new.db"), Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(opened, Opened::Created);
    }
}
