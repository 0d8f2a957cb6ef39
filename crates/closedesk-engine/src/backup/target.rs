//! Which files closedesk may write a backup, a copy or a CSV over: plain files only, and
//! never the database or one of its companion files, however the path reaches them.

use std::ffi::OsString;
use std::fs::Metadata;
use std::path::{Path, PathBuf};

use super::BackupError;

/// The files SQLite keeps beside a database, which are as much the database as the file itself.
const COMPANIONS: [&str; 4] = ["", "-wal", "-shm", "-journal"];

/// Refuses `target` unless writing a new file in its place is safe: it must not be the
/// database at `database` or its -wal, -shm or -journal (compared by device and inode, so a
/// symlink, a hard link or another spelling of the path is caught, and by name for a
/// companion that does not exist yet), and if it exists it must be a plain file, not a
/// folder, FIFO, socket, device or symbolic link. Nothing is written or changed either way.
pub(crate) fn refuse_unsafe_target(target: &Path, database: Option<&Path>) -> Result<(), BackupError> {
    let refused = |reason: String| BackupError::Refused { path: target.to_owned(), reason };
    if let Some(database) = database
        && let Some(companion) = database_file_named_by(target, database)
    {
        return Err(refused(format!("it is {companion}; choose another file")));
    }
    let Ok(link) = std::fs::symlink_metadata(target) else {
        // Nothing there yet (or nothing we can see): the new file will be a plain one.
        return Ok(());
    };
    if let Some(kind) = not_plain(&link) {
        return Err(refused(format!("it is {kind}, not a plain file")));
    }
    Ok(())
}

/// Which of the database's files `target` is (`the database itself`, `the database's -wal
/// file`…), if any.
fn database_file_named_by(target: &Path, database: &Path) -> Option<String> {
    let target_meta = std::fs::metadata(target).ok();
    let target_by_name = resolved_name(target);
    for suffix in COMPANIONS {
        let mut name = OsString::from(database.as_os_str());
        name.push(suffix);
        let companion = PathBuf::from(name);
        let same_inode = match (&target_meta, std::fs::metadata(&companion)) {
            (Some(a), Ok(b)) => same_inode(a, &b),
            _ => false,
        };
        let same_name = target_by_name.is_some() && target_by_name == resolved_name(&companion);
        if same_inode || same_name {
            return Some(if suffix.is_empty() {
                "the database itself".to_owned()
            } else {
                format!("the database's {suffix} file")
            });
        }
    }
    None
}

/// The path with its folder resolved (symlinks, `..`) and its file name kept as written, so
/// that two spellings of a file that does not exist yet compare equal. A target that is
/// itself a symlink resolves to what it points at.
fn resolved_name(path: &Path) -> Option<PathBuf> {
    if let Ok(full) = std::fs::canonicalize(path) {
        return Some(full);
    }
    let name = path.file_name()?;
    let folder = super::atomic::folder_of(path);
    Some(std::fs::canonicalize(folder).ok()?.join(name))
}

#[cfg(unix)]
fn same_inode(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_inode(_: &Metadata, _: &Metadata) -> bool {
    // Without inode numbers, the resolved-path comparison is the whole check.
    false
}

/// What kind of thing `meta` (not followed through a link) describes, when it is not a plain file.
fn not_plain(meta: &Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    if kind.is_symlink() {
        return Some("a symbolic link");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_block_device() || kind.is_char_device() {
            return Some("a device");
        }
    }
    Some("a special file")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use super::*;

    #[test]
    fn the_database_and_its_companions_are_refused_by_any_path() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        std::fs::write(&db, b"db").unwrap();
        std::fs::write(dir.path().join("closedesk.db-wal"), b"wal").unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let dotted = sub.join("..").join("closedesk.db");
        let hard = dir.path().join("hard.db");
        std::fs::hard_link(&db, &hard).unwrap();
        let mut refused = vec![
            db.clone(),
            dotted,
            hard,
            dir.path().join("closedesk.db-wal"),
            // Not there yet, but SQLite would create it: refused by name.
            dir.path().join("closedesk.db-journal"),
            sub.join("..").join("closedesk.db-shm"),
        ];
        #[cfg(unix)]
        {
            let link = dir.path().join("link.db");
            std::os::unix::fs::symlink(&db, &link).unwrap();
            refused.push(link);
        }
        for target in refused {
            let err = refuse_unsafe_target(&target, Some(&db)).unwrap_err();
            let text = err.to_string();
            assert!(text.contains("database") && text.contains(&*target.to_string_lossy()), "{text}");
        }
        refuse_unsafe_target(&dir.path().join("other.db"), Some(&db)).unwrap();
        refuse_unsafe_target(&dir.path().join("closedesk.db-old"), Some(&db)).unwrap();
    }

    #[test]
    fn only_plain_files_may_be_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.json");
        std::fs::write(&plain, b"x").unwrap();
        refuse_unsafe_target(&plain, None).unwrap();
        let err = refuse_unsafe_target(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("a folder"), "{err}");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&plain, &link).unwrap();
            let err = refuse_unsafe_target(&link, None).unwrap_err();
            assert!(err.to_string().contains("symbolic link"), "{err}");
            let err = refuse_unsafe_target(Path::new("/dev/null"), None).unwrap_err();
            assert!(err.to_string().contains("a device"), "{err}");
        }
    }
}
