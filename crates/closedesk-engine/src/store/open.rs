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
    configure(&conn).map_err(|err| unavailable(path, &err))?;
    migrations::migrate(&mut conn)?;
    Ok(conn)
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

/// Checks, reading only, that `path` is a closedesk database this build can open.
fn inspect(path: &Path) -> StoreResult<()> {
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
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
    } else {
        Connection::open_with_flags(
            immutable_uri(path),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
        )
    }
    .map_err(|err| corrupt(err.to_string()))?;
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
    Ok(())
}

/// The write-ahead log SQLite keeps beside `path`.
pub fn wal_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
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
