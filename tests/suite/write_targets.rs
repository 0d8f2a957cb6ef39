//! No write of closedesk lands on its own database or on something that is not a plain file:
//! export (JSON and bundle), the audit CSV and `backup-db` refuse such a target, with or
//! without `--force`, and leave the database byte for byte as it was.

use std::path::{Path, PathBuf};

use crate::support::cli;

use closedesk::core::permissions::Principal;
use closedesk::demo::DEMO_ACCOUNTS;
use closedesk::store::{self, agents};

/// A demo database in a folder of its own, with a -wal beside it as a running app leaves one.
fn demo_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let init = cli::run(&db, &["init"], None, &[]);
    assert!(init.status.success(), "{}", cli::text(&init.stderr));
    (dir, db)
}

/// The database's files as bytes, to compare before and after. The -shm only by presence: a
/// reader may update its read marks, which is no write of ours.
fn database_files(db: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let path = PathBuf::from(format!("{}{suffix}", db.display()));
            let bytes = if *suffix == "-shm" { path.exists().then(Vec::new) } else { std::fs::read(&path).ok() };
            (suffix.to_string(), bytes)
        })
        .collect()
}

/// The targets to refuse, each with a word its error must hold; made in `dir`.
fn refused_targets(dir: &Path, db: &Path) -> Vec<(PathBuf, &'static str)> {
    let mut targets = vec![
        (db.to_owned(), "database"),
        (dir.join(".").join("closedesk.db"), "database"),
        (PathBuf::from(format!("{}-wal", db.display())), "database's -wal"),
        (PathBuf::from(format!("{}-shm", db.display())), "database's -shm"),
        (PathBuf::from(format!("{}-journal", db.display())), "database's -journal"),
        (dir.to_owned(), "a folder"),
    ];
    let hard = dir.join("hard-link.db");
    std::fs::hard_link(db, &hard).unwrap();
    targets.push((hard, "database"));
    // Symbolic links, FIFOs, sockets and /dev/null are Unix files; the Windows programs under
    // wine would meet them through wine's mapping, not as Windows has them.
    #[cfg(unix)]
    if !crate::support::cli::windows_programs() {
        let link = dir.join("link-to-db.json");
        std::os::unix::fs::symlink(db, &link).unwrap();
        targets.push((link, "database"));
        let plain = dir.join("plain.json");
        std::fs::write(&plain, b"{}").unwrap();
        let link = dir.join("link-to-plain.json");
        std::os::unix::fs::symlink(&plain, &link).unwrap();
        targets.push((link, "symbolic link"));
        let fifo = dir.join("pipe.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        targets.push((fifo, "FIFO"));
        let socket = dir.join("socket.json");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        // The socket file stays after the listener is dropped: that is what is refused.
        targets.push((socket, "socket"));
        targets.push((PathBuf::from("/dev/null"), "a device"));
    }
    targets
}

#[test]
fn export_bundle_and_backup_db_refuse_the_database_and_anything_not_a_plain_file() {
    cli::unix_only!(
        "the test holds the database open with the Linux SQLite while the Windows program opens it; \
         POSIX locks and wine's Windows locks do not see each other, so the two race on its -wal"
    );
    let (dir, db) = demo_db();
    // The -wal and -shm exist while a connection holds the database open in WAL mode.
    let holder = store::open_existing(&db).unwrap();
    let targets = refused_targets(dir.path(), &db);
    let before = database_files(&db);
    let entries_before = std::fs::read_dir(dir.path()).unwrap().count();
    let account = DEMO_ACCOUNTS[0].email;
    for (target, word) in &targets {
        let target_text = target.to_str().unwrap();
        for args in [
            vec!["export", account, "--out", target_text],
            vec!["export", account, "--out", target_text, "--force"],
            vec!["export", account, "--out", target_text, "--format", "bundle", "--force"],
            vec!["backup-db", "--out", target_text],
            vec!["backup-db", "--out", target_text, "--force"],
        ] {
            let output = cli::run(&db, &args, None, &[]);
            let err = cli::text(&output.stderr);
            assert_eq!(output.status.code(), Some(1), "{args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
            assert!(err.contains("refused") && err.contains(word) && err.contains(target_text), "{args:?}: {err}");
            assert_eq!(database_files(&db), before, "{args:?} changed the database");
        }
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), entries_before, "no file was added or removed");
    drop(holder);
}

#[test]
fn the_audit_csv_refuses_the_database_and_anything_not_a_plain_file() {
    let (dir, db) = demo_db();
    let holder = store::open_existing(&db).unwrap();
    let admin = agents::find_by_name(&holder, "admin").unwrap().unwrap();
    let admin = Principal::Agent { id: admin.id, role: admin.role };
    let targets = refused_targets(dir.path(), &db);
    let before = database_files(&db);
    let now = "2026-12-01T09:00:00Z".parse().unwrap();
    for (target, word) in &targets {
        for overwrite in [false, true] {
            let filter = closedesk::store::audit::AuditFilter::default();
            let err =
                closedesk::service::staff::export_audit_csv(&db, admin, &filter, target, overwrite, now).unwrap_err();
            let text = err.to_string();
            assert!(text.contains("refused") && text.contains(word), "{}: {text}", target.display());
            assert_eq!(database_files(&db), before, "{} changed the database", target.display());
        }
    }
    drop(holder);
}
