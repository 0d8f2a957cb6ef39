//! Opening the database: every connection gets the same pragmas, and a file that is not
//! ours is refused before anything is written to it.

use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::migrations::{self, APPLICATION_ID, LATEST_VERSION};
use super::{StoreError, StoreResult};

/// How long a connection waits for another writer before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How much of a database file a connection that reads much of it (a copy, the dashboards'
/// scans of a large account) maps into memory: a mapped page is read in place from the OS
/// cache instead of through a `pread` and a copy into each connection's page cache.
pub const READ_MMAP_BYTES: i64 = 1 << 30;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Whether [`open_or_create`] found a database or made a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opened {
    /// The file existed and is a closedesk database (migrated if it was older).
    Existing,
    /// The file did not exist; an empty, migrated database was created.
    Created,
}

/// Opens the database at `path`, creating an empty one (and its folder) if there is none.
pub fn open_or_create(path: &Path) -> StoreResult<(Connection, Opened)> {
    open_or_create_with(path, |_| Ok(()))
}

/// Like [`open_or_create`], but a new database is first filled by `fill`, before it appears
/// under its name: a process killed while filling leaves no database rather than an empty one.
pub fn open_or_create_with(
    path: &Path,
    fill: impl FnOnce(&mut Connection) -> StoreResult<()>,
) -> StoreResult<(Connection, Opened)> {
    if path.exists() {
        Ok((open_existing(path)?, Opened::Existing))
    } else {
        Ok((create_with(path, fill)?, Opened::Created))
    }
}

/// Opens an existing closedesk database, refusing foreign, corrupt and newer files
/// without changing a byte of them.
pub fn open_existing(path: &Path) -> StoreResult<Connection> {
    inspect(path)?;
    let mut conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|err| unavailable(path, &err))?;
    configure(&conn)
        .map_err(|err| if cannot_write(&err) { not_writable(path, &err) } else { unavailable(path, &err) })?;
    migrations::migrate(&mut conn).map_err(|err| match err {
        StoreError::Sqlite(err) if cannot_write(&err) => not_writable(path, &err),
        other => other,
    })?;
    Ok(conn)
}

/// Opens an existing closedesk database for reading only, refusing foreign, corrupt and newer
/// files as [`open_existing`] does: no statement can write through the connection, and a file
/// or folder the user may read but not write is enough.
///
/// A database from an older closedesk is upgraded first, which needs write access once; without
/// it the error says so.
pub fn open_read_only(path: &Path) -> StoreResult<Connection> {
    let version = inspect(path)?;
    if version < LATEST_VERSION {
        return open_existing(path).map_err(|err| match err {
            StoreError::ReadOnly { path, reason } => StoreError::ReadOnly {
                path,
                reason: format!(
                    "it has schema version {version}, which this closedesk reads only after upgrading it \
                     to version {LATEST_VERSION} once, with write access: {reason}"
                ),
            },
            other => other,
        });
    }
    let conn = reading_connection(path)?;
    configure_read_only(&conn).map_err(|err| unavailable(path, &err))?;
    Ok(conn)
}

/// The connection of [`open_read_only`]: where the file and its folder may be written, an
/// ordinary one, made read-only by `query_only` (see [`configure_read_only`]), so that SQLite
/// can remove the log files it creates beside the database when it closes, as for any other
/// command; else a [`read_only_connection`].
fn reading_connection(path: &Path) -> StoreResult<Connection> {
    if !write_protected(path) {
        match Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX) {
            // SQLite opened it for reading only: this user may not write the file.
            Ok(conn) if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) => {
                drop(conn);
                return read_only_connection_to(path, false);
            }
            Ok(conn) => match probe(&conn) {
                Ok(()) => return Ok(conn),
                // The folder is read-only: SQLite cannot create its files beside the database.
                Err(err) if cannot_write(&err) => {}
                Err(err) => return Err(open_error(path, &err)),
            },
            Err(err) if cannot_write(&err) => {}
            Err(err) => return Err(open_error(path, &err)),
        }
    }
    read_only_connection(path)
}

/// Refuses, naming it, an existing database file this user may not write, before anything is
/// opened on it: [`open_existing`] would open it for reading only, and its pragmas would leave
/// log files beside it on the way to failing.
pub fn check_file_writable(path: &Path) -> StoreResult<()> {
    // A missing file is created; a folder or another odd file is refused by the opening itself.
    if !path.is_file() {
        return Ok(());
    }
    // Opening for writing reads nothing yet, so it creates nothing; SQLite falls back to
    // reading only when the file cannot be written.
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|err| unavailable(path, &err))?;
    if write_protected(path) || conn.is_readonly(rusqlite::MAIN_DB)? {
        return Err(read_only(path, "the file is read-only to this user"));
    }
    Ok(())
}

/// Refuses, naming the file, a database that this connection cannot change: checked before a
/// command that must write does anything, so that it never half-runs (such as writing a backup
/// file and then failing to record it).
pub fn check_writable(conn: &Connection, path: &Path) -> StoreResult<()> {
    if conn.is_readonly(rusqlite::MAIN_DB)? {
        return Err(read_only(path, "the file is read-only to this user"));
    }
    // Every change takes the write lock first: take it, and give it back unused.
    conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK")
        .map_err(|err| if cannot_write(&err) { not_writable(path, &err) } else { unavailable(path, &err) })
}

/// A read-only connection to `path`, checked by reading its schema.
///
/// SQLite reads a database in WAL mode through a shared-memory file beside it (`-shm`), which a
/// reader creates when it is missing: in a folder the user may not write, that fails with
/// "attempt to write a readonly database". When no log and no journal lie beside the file, no
/// connection has it open and everything committed is in the file itself, so it is read as
/// immutable: without locks or side files. That is also the first choice for a file this user
/// may not write, so that reading it leaves nothing beside it. With a log beside the file,
/// another program has it open: the reader must take part in its locking, which SQLite manages
/// with a read-only `-shm` when it exists.
pub(crate) fn read_only_connection(path: &Path) -> StoreResult<Connection> {
    // Opening for writing reads nothing yet, so it creates nothing: it only tells whether this
    // user may write the file (SQLite falls back to reading only when not).
    let may_write = !write_protected(path)
        && Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .is_ok_and(|conn| conn.is_readonly(rusqlite::MAIN_DB).is_ok_and(|read_only| !read_only));
    read_only_connection_to(path, may_write)
}

/// [`read_only_connection`], knowing whether this user `may_write` the file itself.
fn read_only_connection_to(path: &Path, may_write: bool) -> StoreResult<Connection> {
    // A file the user may not read at all says so plainly, not as SQLite's "unable to open".
    std::fs::File::open(path)
        .map_err(|err| StoreError::Unavailable { path: path.to_owned(), reason: err.to_string() })?;
    let in_use = wal_path(path).exists() || journal_path(path).exists();
    if !in_use && !may_write {
        return immutable_connection(path);
    }
    let plain = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .and_then(|conn| probe(&conn).map(|()| conn));
    match plain {
        Ok(conn) => Ok(conn),
        Err(err) if !in_use && cannot_write(&err) => immutable_connection(path),
        Err(err) if cannot_write(&err) => Err(StoreError::Unavailable {
            path: path.to_owned(),
            reason: format!(
                "another program has it open (its write-ahead log {} exists), and reading it alongside \
                 that program needs write access to the folder or an existing {}-shm: {err}",
                wal_path(path).display(),
                path.display()
            ),
        }),
        Err(err) => Err(open_error(path, &err)),
    }
}

/// Whether the permissions of `path` let no one write it (as `chmod a-w` leaves it).
fn write_protected(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly())
}

fn open_error(path: &Path, err: &rusqlite::Error) -> StoreError {
    match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            StoreError::Foreign { path: path.to_owned(), reason: "not an SQLite database".to_owned() }
        }
        _ => unavailable(path, err),
    }
}

fn immutable_connection(path: &Path) -> StoreResult<Connection> {
    Connection::open_with_flags(
        immutable_uri(path),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )
    .and_then(|conn| probe(&conn).map(|()| conn))
    .map_err(|err| match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            StoreError::Foreign { path: path.to_owned(), reason: "not an SQLite database".to_owned() }
        }
        Some(rusqlite::ErrorCode::CannotOpen) => unavailable(path, &err),
        _ => StoreError::Corrupt { path: path.to_owned(), reason: err.to_string() },
    })
}

/// Reads the schema, which makes SQLite open the file (and its `-shm`) for real.
fn probe(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
}

/// Whether `err` says the database (or the files beside it) cannot be written or created.
fn cannot_write(err: &rusqlite::Error) -> bool {
    matches!(err.sqlite_error_code(), Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen))
}

/// SQLite's refusal to write, with where it comes from: the file, or its folder, where the log
/// and shared-memory files of WAL mode are created beside it.
fn not_writable(path: &Path, err: &rusqlite::Error) -> StoreError {
    read_only(
        path,
        &format!("the file or its folder, where SQLite keeps its log, is not writable for this user: {err}"),
    )
}

fn read_only(path: &Path, reason: &str) -> StoreError {
    StoreError::ReadOnly { path: path.to_owned(), reason: reason.to_owned() }
}

/// The pragmas of a reading connection: `query_only` first, so that no statement can write
/// through it, then those of [`configure`] that change nothing on disk.
fn configure_read_only(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "query_only", true)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "trusted_schema", false)?;
    super::name_pairs::register(conn)?;
    Ok(())
}

/// Creates a new, empty, migrated database at `path`, with its parent folder.
pub fn create_empty(path: &Path) -> StoreResult<Connection> {
    create_with(path, |_| Ok(()))
}

/// Creates a new, migrated database at `path` filled by `fill`, with its parent folder.
///
/// The database is built and filled under a temporary name in the same folder and renamed
/// into place only when complete, so another process never sees a half-made file and a killed
/// process leaves none. If another process created `path` first, its database is opened instead.
fn create_with(path: &Path, fill: impl FnOnce(&mut Connection) -> StoreResult<()>) -> StoreResult<Connection> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(folder).map_err(|err| StoreError::Unavailable {
        path: path.to_owned(),
        reason: format!("cannot create the folder {}: {err}", folder.display()),
    })?;
    let cannot_write = |err: std::io::Error| StoreError::Unavailable {
        path: path.to_owned(),
        reason: format!("cannot write in {}: {err}", folder.display()),
    };
    // Recorded before the file exists: a first launch killed while filling it leaves an
    // intent the next start acts on (crate::erasure::recover), not a file for ever.
    let fresh_path = folder.join(format!(".closedesk-new-{:016x}.db", rand::random::<u64>()));
    let files = ["", "-wal", "-shm", "-journal"].map(|suffix| {
        let mut name = fresh_path.clone().into_os_string();
        name.push(suffix);
        std::path::PathBuf::from(name)
    });
    let _intent = crate::erasure::Intent::record(path, &files).map_err(cannot_write)?;
    let temp_path = tempfile::TempPath::try_from_path(&fresh_path).map_err(cannot_write)?;
    let created =
        std::fs::File::options().read(true).write(true).create_new(true).open(&fresh_path).map_err(cannot_write)?;
    let fresh = tempfile::NamedTempFile::from_parts(created, temp_path);
    {
        let mut conn = Connection::open(fresh.path()).map_err(|err| unavailable(path, &err))?;
        configure(&conn).map_err(|err| unavailable(path, &err))?;
        migrations::migrate(&mut conn)?;
        fill(&mut conn)?;
        // Closing the last connection checkpoints the WAL into the file and removes it.
        conn.close().map_err(|(_, err)| unavailable(path, &err))?;
    }
    match fresh.persist_noclobber(path) {
        Ok(_) => {}
        Err(err) if err.error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(err) => {
            return Err(StoreError::Unavailable { path: path.to_owned(), reason: err.error.to_string() });
        }
    }
    open_existing(path)
}

/// Sets the pragmas every closedesk connection runs with.
pub fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL lets the UI read while a worker writes; FULL makes each commit survive power loss.
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Deleted rows are overwritten with zeros, so a purge leaves no personal bytes behind.
    conn.pragma_update(None, "secure_delete", true)?;
    conn.pragma_update(None, "trusted_schema", false)?;
    super::name_pairs::register(conn)?;
    Ok(())
}

/// Checks, reading only, that `path` is a closedesk database this build can open, and returns
/// its schema version.
fn inspect(path: &Path) -> StoreResult<i64> {
    let foreign = |reason: &str| StoreError::Foreign { path: path.to_owned(), reason: reason.to_owned() };
    let corrupt = |reason: String| StoreError::Corrupt { path: path.to_owned(), reason };

    let metadata = std::fs::metadata(path)
        .map_err(|err| StoreError::Unavailable { path: path.to_owned(), reason: err.to_string() })?;
    if metadata.is_dir() {
        return Err(foreign("it is a folder"));
    }
    if metadata.len() == 0 {
        return Err(foreign("the file is empty"));
    }
    let mut header = [0_u8; 100];
    let read = std::fs::File::open(path)
        .and_then(|mut file| read_up_to(&mut file, &mut header))
        .map_err(|err| StoreError::Unavailable { path: path.to_owned(), reason: err.to_string() })?;
    if read < SQLITE_MAGIC.len() || &header[..SQLITE_MAGIC.len()] != SQLITE_MAGIC {
        return Err(foreign("not an SQLite file"));
    }
    if read < header.len() {
        return Err(corrupt("the header is truncated".to_owned()));
    }

    // With a WAL beside it, a read-only connection sees commits the raw header may not show yet.
    // Without one, open it immutable so that SQLite creates no -wal or -shm file next to it.
    let conn = if wal_path(path).exists() {
        read_only_connection(path)?
    } else {
        Connection::open_with_flags(
            immutable_uri(path),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|err| corrupt(err.to_string()))?
    };
    let read_header = || -> rusqlite::Result<(i32, i64, i64)> {
        let app_id: i32 = conn.pragma_query_value(None, "application_id", |row| row.get(0))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))?;
        Ok((app_id, version, objects))
    };
    let (app_id, version, objects) = read_header().map_err(|err| match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => foreign("not an SQLite database"),
        _ => corrupt(err.to_string()),
    })?;
    if app_id != APPLICATION_ID {
        return Err(if objects == 0 {
            foreign("an empty SQLite database of no program")
        } else {
            foreign("an SQLite database of another program")
        });
    }
    if version > LATEST_VERSION {
        return Err(StoreError::TooNew { path: path.to_owned(), found: version, supported: LATEST_VERSION });
    }
    Ok(version)
}

/// The write-ahead log SQLite keeps beside `path`.
pub fn wal_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    name.into()
}

/// The rollback journal SQLite keeps beside `path` while a transaction of a database that is
/// not in WAL mode is open.
fn journal_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-journal");
    name.into()
}

/// A `file:` URI that opens `path` as immutable: read without locks, journals or side files.
fn immutable_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut text = absolute.to_string_lossy().replace('\\', "/");
    if !text.starts_with('/') {
        text.insert(0, '/');
    }
    let mut uri = String::from("file://");
    for ch in text.chars() {
        match ch {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            _ => uri.push(ch),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn unavailable(path: &Path, err: &rusqlite::Error) -> StoreError {
    StoreError::Unavailable { path: path.to_owned(), reason: err.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragma<T: rusqlite::types::FromSql>(conn: &Connection, name: &str) -> T {
        conn.pragma_query_value(None, name, |row| row.get(0)).unwrap()
    }

    fn assert_configured(conn: &Connection) {
        assert_eq!(pragma::<i64>(conn, "foreign_keys"), 1);
        assert_eq!(pragma::<String>(conn, "journal_mode").to_lowercase(), "wal");
        assert_eq!(pragma::<i64>(conn, "synchronous"), 2, "FULL");
        assert_eq!(pragma::<i64>(conn, "secure_delete"), 1);
        assert!(pragma::<i64>(conn, "busy_timeout") >= 5_000);
        assert_eq!(pragma::<i32>(conn, "application_id"), APPLICATION_ID);
        assert_eq!(pragma::<i64>(conn, "user_version"), LATEST_VERSION);
    }

    #[test]
    fn every_connection_gets_the_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/folder/closedesk.db");
        let (created, how) = open_or_create(&path).unwrap();
        assert_eq!(how, Opened::Created);
        assert_configured(&created);
        let (second, how) = open_or_create(&path).unwrap();
        assert_eq!(how, Opened::Existing);
        assert_configured(&second);
        assert_configured(&open_existing(&path).unwrap());
    }

    #[test]
    fn two_first_launches_at_once_both_open_the_same_new_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("race/closedesk.db");
        let launches: Vec<_> = (0..4)
            .map(|n| {
                let path = path.clone();
                std::thread::Builder::new()
                    .name(format!("launch-{n}"))
                    .spawn(move || open_or_create(&path).map(|(_, how)| how))
                    .unwrap()
            })
            .collect();
        let outcomes: Vec<Opened> = launches.into_iter().map(|t| t.join().unwrap().unwrap()).collect();
        assert!(outcomes.contains(&Opened::Created));
        assert_configured(&open_existing(&path).unwrap());
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".closedesk-new-"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    }

    #[test]
    fn a_first_launch_that_fails_while_filling_leaves_no_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("closedesk.db");
        let failed = open_or_create_with(&path, |_| Err(StoreError::Conflict("killed half-way".into())));
        assert!(failed.is_err());
        assert!(!path.exists(), "no half-filled database under the real name");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary files left");

        let (conn, how) = open_or_create_with(&path, |conn| {
            conn.execute(
                "INSERT INTO agents (name, role, password_phc, created_at) VALUES ('x', 'agent', 'h', 0)",
                [],
            )?;
            Ok(())
        })
        .unwrap();
        assert_eq!(how, Opened::Created);
        let agents: i64 = conn.query_row("SELECT count(*) FROM agents", [], |r| r.get(0)).unwrap();
        assert_eq!(agents, 1, "the next launch fills it");
    }

    #[test]
    fn reading_a_database_of_an_older_closedesk_upgrades_it_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            migrations::migrate_to(&mut conn, LATEST_VERSION - 1).unwrap();
        }
        let conn = open_read_only(&path).unwrap();
        assert_eq!(pragma::<i64>(&conn, "user_version"), LATEST_VERSION);
        assert_eq!(pragma::<i64>(&conn, "query_only"), 0, "the upgrading connection itself");
    }

    #[cfg(unix)]
    #[test]
    fn a_write_protected_database_is_read_as_it_is_through_a_connection_that_cannot_write() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("closedesk.db");
        drop(create_empty(&path).unwrap());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let before = std::fs::read(&path).unwrap();
        let conn = open_read_only(&path).unwrap();
        assert_eq!(pragma::<i64>(&conn, "query_only"), 1);
        let accounts: i64 = conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0)).unwrap();
        assert_eq!(accounts, 0);
        assert!(conn.execute("DELETE FROM agents", []).is_err(), "no statement writes through it");
        drop(conn);
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "nothing was created beside it");
    }

    #[test]
    fn bundled_sqlite_has_the_wal_reset_fix() {
        let version: String =
            Connection::open_in_memory().unwrap().query_row("SELECT sqlite_version()", [], |row| row.get(0)).unwrap();
        let parts: Vec<u32> = version.split('.').map(|p| p.parse().unwrap()).collect();
        assert!(parts >= vec![3, 51, 3], "bundled SQLite {version} predates 3.51.3");
    }

    fn assert_refused_untouched(path: &Path, expect: impl Fn(&StoreError) -> bool) {
        let before = std::fs::read(path).unwrap();
        let siblings_before = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        let err = open_or_create(path).map(|_| ()).unwrap_err();
        assert!(expect(&err), "unexpected error: {err}");
        assert!(err.to_string().contains(&path.display().to_string()), "error names the file: {err}");
        assert_eq!(std::fs::read(path).unwrap(), before, "file changed");
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), siblings_before, "files appeared");
    }

    #[test]
    fn a_text_file_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        std::fs::write(&path, "shopping list: eggs, milk\n".repeat(20)).unwrap();
        assert_refused_untouched(
            &path,
            |e| matches!(e, StoreError::Foreign { reason, .. } if reason.contains("not an SQLite file")),
        );
    }

    #[test]
    fn another_programs_database_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x');").unwrap();
        }
        assert_refused_untouched(
            &path,
            |e| matches!(e, StoreError::Foreign { reason, .. } if reason.contains("another program")),
        );
    }

    #[test]
    fn a_corrupt_database_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.db");
        drop(create_empty(&path).unwrap());
        let mut bytes = std::fs::read(&path).unwrap();
        // Scribble over the schema page, keeping the header so it still looks like SQLite.
        for byte in bytes.iter_mut().skip(100).take(3_000) {
            *byte = 0xA5;
        }
        std::fs::write(&path, &bytes).unwrap();
        assert_refused_untouched(&path, |e| matches!(e, StoreError::Corrupt { .. }));
    }

    #[test]
    fn a_database_from_a_newer_closedesk_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        {
            let conn = create_empty(&path).unwrap();
            conn.pragma_update(None, "user_version", LATEST_VERSION + 1).unwrap();
            conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
        }
        assert_refused_untouched(
            &path,
            |e| matches!(e, StoreError::TooNew { found, .. } if *found == LATEST_VERSION + 1),
        );
    }

    #[test]
    fn an_empty_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.db");
        std::fs::write(&path, b"").unwrap();
        assert_refused_untouched(
            &path,
            |e| matches!(e, StoreError::Foreign { reason, .. } if reason.contains("empty")),
        );
    }

    #[test]
    fn an_unwritable_location_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("a-file");
        std::fs::write(&blocker, b"x").unwrap();
        let err = open_or_create(&blocker.join("closedesk.db")).map(|_| ()).unwrap_err();
        assert!(matches!(err, StoreError::Unavailable { .. }), "{err}");
        assert!(err.to_string().contains("cannot create the folder"), "{err}");
    }
}
