//! Read what you may read: commands that only read work on a database the user may read but
//! not write (a read-only file, a read-only folder, with or without another program's log
//! beside it); commands that must write say so before doing anything; every error names the
//! file it is about.
//!
//! Permissions do not stop root, and tests often run as root in containers: there the programs
//! run as `nobody` through `setpriv` (see [`cli::unprivileged`]); where that is impossible the
//! tests that need it say why and skip.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::cli::{self, closedesk, closedesk_cli};

const T0: &str = "2026-12-01T09:00:00Z";

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A demo database in its own folder, both readable by anyone (as if shared with a reader).
fn shared_db() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    chmod(dir.path(), 0o755);
    let folder = dir.path().join("data");
    let db = folder.join("closedesk.db");
    let output = cli::run(&db, &["init"], None, &[("CLOSEDESK_NOW", T0)]);
    assert!(output.status.success(), "{}", cli::text(&output.stderr));
    chmod(&db, 0o644);
    // A folder the reader may write, for the files a command writes elsewhere.
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    chmod(&out, 0o777);
    (dir, db, out)
}

fn files_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// The commands that only read, and what their output must hold.
fn readers(out: &Path) -> Vec<(Vec<String>, &'static str)> {
    let email = "amelie.laurent@example.com";
    let copy = out.join("copy.db").to_string_lossy().into_owned();
    [
        (vec!["accounts"], "Amélie Laurent"),
        (vec!["accounts", "--json"], "\"total\""),
        (vec!["accounts", "--search", "laurent"], "Amélie Laurent"),
        (vec!["show", email], "Member since"),
        (vec!["show", email, "--json"], "\"counts\""),
        (vec!["agents", "list"], "admin"),
        (vec!["close", "status", email], "No closure requested"),
        (vec!["outbox"], "SUBJECT"),
        (vec!["audit", "--json"], "\"events\""),
        (vec!["backup-db", "--out", &copy], "integrity check ok"),
    ]
    .into_iter()
    .map(|(args, expect)| (args.into_iter().map(str::to_owned).collect(), expect))
    .collect()
}

fn run_as(prefix: &[String], program: &str, db: &Path, args: &[String], stdin: Option<&str>) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cli::run_unprivileged(prefix, program, db, &args, stdin, &[("CLOSEDESK_NOW", T0)])
}

fn assert_reads(prefix: &[String], db: &Path, out: &Path, situation: &str) {
    for program in [closedesk(), closedesk_cli()] {
        for (args, expect) in readers(out) {
            let _ = std::fs::remove_file(out.join("copy.db"));
            let output = run_as(prefix, program, db, &args, None);
            let stderr = cli::text(&output.stderr);
            assert_eq!(output.status.code(), Some(0), "{situation}: {args:?}: {stderr}");
            assert!(cli::text(&output.stdout).contains(expect), "{situation}: {args:?}: {}", cli::text(&output.stdout));
            if args[0] == "backup-db" {
                // The copy is written, but the catalogue that tracks its retention is in the
                // database, which this user may not write: the command says so.
                assert!(
                    stderr.starts_with("warning: ") && stderr.contains("not catalogued") && stderr.lines().count() == 1,
                    "{situation}: {args:?}: {stderr}"
                );
            } else {
                assert!(stderr.is_empty(), "{situation}: {args:?}: {stderr}");
            }
        }
    }
}

/// The commands that change the database, with their standard input.
fn writers(out: &Path) -> Vec<(Vec<String>, Option<&'static str>)> {
    let backup = out.join("backup.json").to_string_lossy().into_owned();
    [
        (vec!["export", "1", "--out", &backup], None),
        (vec!["agents", "disable", "agent"], None),
        (vec!["agents", "add", "x", "--role", "agent", "--password-stdin"], Some("a-long-password\n")),
        (vec!["set-password", "1", "--password-stdin"], Some("a-long-password\n")),
        (vec!["seed", "--accounts", "2"], None),
        (vec!["close", "start", "1", "--reason", "other", "--password-stdin"], Some("customer-demo\n")),
        (vec!["purge-due"], None),
    ]
    .into_iter()
    .map(|(args, stdin)| (args.into_iter().map(str::to_owned).collect(), stdin))
    .collect()
}

fn assert_writers_refuse_before_doing_anything(prefix: &[String], db: &Path, out: &Path, situation: &str) {
    let before = std::fs::read(db).unwrap();
    for (args, stdin) in writers(out) {
        let output = run_as(prefix, closedesk_cli(), db, &args, stdin);
        let stderr = cli::text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{situation}: {args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{situation}: {args:?}: {stderr}");
        assert!(stderr.contains(&db.display().to_string()), "{situation}: the error names the database: {stderr}");
        assert!(stderr.contains("cannot be written"), "{situation}: {args:?}: {stderr}");
    }
    assert!(!out.join("backup.json").exists(), "{situation}: export wrote no file it could not record");
    assert_eq!(std::fs::read(db).unwrap(), before, "{situation}: the database is as it was");
}

#[test]
fn a_database_in_a_read_only_folder_is_read_and_never_written() {
    cli::unix_only!("Unix permissions: read-only files and folders, and `setpriv` to run as nobody");
    let prefix = match cli::unprivileged() {
        Ok(prefix) => prefix,
        Err(why) => {
            println!("skipped: {why}; a read-only folder cannot be tested");
            return;
        }
    };
    let (_dir, db, out) = shared_db();
    let folder = db.parent().unwrap().to_owned();
    // The reader may read the file but not write it, nor create anything beside it.
    chmod(&folder, 0o555);
    assert_reads(&prefix, &db, &out, "file 0644 of another user in a 0555 folder");
    assert_writers_refuse_before_doing_anything(&prefix, &db, &out, "file 0644 of another user in a 0555 folder");
    assert_eq!(files_in(&folder), ["closedesk.db"], "nothing was created beside it");

    // The same file, write-protected: 0444.
    chmod(&db, 0o444);
    assert_reads(&prefix, &db, &out, "file 0444 in a 0555 folder");
    assert_writers_refuse_before_doing_anything(&prefix, &db, &out, "file 0444 in a 0555 folder");
    chmod(&folder, 0o755);
}

#[test]
fn a_write_protected_database_in_a_writable_folder_is_read_without_leaving_files_beside_it() {
    cli::unix_only!("Unix permissions: read-only files and folders, and `setpriv` to run as nobody");
    let prefix = match cli::unprivileged() {
        Ok(prefix) => prefix,
        Err(why) => {
            println!("skipped: {why}; a read-only file cannot be tested");
            return;
        }
    };
    let (_dir, db, out) = shared_db();
    let folder = db.parent().unwrap().to_owned();
    chmod(&folder, 0o777);
    // Another user's file (as root: the test's own files, read as nobody), then a file no one may write.
    for mode in [0o644, 0o444] {
        chmod(&db, mode);
        let situation = format!("file {mode:o} in a 0777 folder");
        assert_reads(&prefix, &db, &out, &situation);
        assert_eq!(files_in(&folder), ["closedesk.db"], "{situation}: no -wal or -shm left beside it");
        if mode == 0o444 || !prefix.is_empty() {
            assert_writers_refuse_before_doing_anything(&prefix, &db, &out, &situation);
            assert_eq!(files_in(&folder), ["closedesk.db"], "{situation}: the refused writers left nothing beside it");
        }
    }
    chmod(&folder, 0o755);
}

#[test]
fn a_reader_in_a_read_only_folder_sees_what_another_program_committed_to_its_log() {
    cli::unix_only!("Unix permissions: read-only files and folders, and `setpriv` to run as nobody");
    let prefix = match cli::unprivileged() {
        Ok(prefix) => prefix,
        Err(why) => {
            println!("skipped: {why}; a read-only folder cannot be tested");
            return;
        }
    };
    let (_dir, db, _out) = shared_db();
    let folder = db.parent().unwrap().to_owned();
    // Another program (the app, say) has the database open and committed a change to its
    // write-ahead log, not yet to the file.
    let writer = closedesk::store::open_existing(&db).unwrap();
    writer.execute("UPDATE accounts SET country = 'ZZ' WHERE id = 1", []).unwrap();
    assert!(std::fs::metadata(closedesk::store::open::wal_path(&db)).unwrap().len() > 0, "the change is in the log");
    for name in ["closedesk.db-wal", "closedesk.db-shm"] {
        chmod(&folder.join(name), 0o644);
    }
    chmod(&folder, 0o555);

    let output = run_as(&prefix, closedesk_cli(), &db, &["show".into(), "1".into(), "--json".into()], None);
    assert_eq!(output.status.code(), Some(0), "{}", cli::text(&output.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(shown["account"]["country"], "ZZ", "the committed change in the log is seen");

    chmod(&folder, 0o755);
    drop(writer);
}

#[test]
fn an_error_about_the_database_names_it() {
    cli::unix_only!("Unix permissions: read-only files and folders, and `setpriv` to run as nobody");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    assert!(cli::run(&db, &["init"], None, &[]).status.success());
    {
        // Every audit line is refused, as by a constraint: SQLite's own words name no file.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'constraint failed'); END;",
        )
        .unwrap();
    }
    let output = cli::run(&db, &["agents", "disable", "agent"], None, &[]);
    let stderr = cli::text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("constraint failed"), "{stderr}");
    assert!(stderr.starts_with(&format!("error: {}: ", db.display())), "the error names the database: {stderr}");

    // Export checks that its audit line can be written only by writing it: the file it wrote
    // stays, and the error says which file that is and why the audit failed.
    let out = dir.path().join("backup.json");
    let output = cli::run(&db, &["export", "1", "--out", out.to_str().unwrap()], None, &[]);
    let stderr = cli::text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&out.display().to_string()) && stderr.contains("constraint failed"), "{stderr}");

    let missing = dir.path().join("no-such-folder").join("closedesk.db");
    std::fs::write(dir.path().join("no-such-folder"), b"a file in the way").unwrap();
    let output = cli::run(&missing, &["accounts"], None, &[]);
    let stderr = cli::text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
}

#[test]
fn reading_opens_no_write_path_even_for_the_owner() {
    cli::unix_only!("Unix permissions: read-only files and folders, and `setpriv` to run as nobody");
    // As any user, including root: a write-protected file (0444) is read as it is, leaving
    // nothing beside it, and a command that must write refuses it before doing anything.
    let (_dir, db, out) = shared_db();
    let folder = db.parent().unwrap().to_owned();
    chmod(&db, 0o444);
    let before = std::fs::read(&db).unwrap();
    let listed = cli::run(&db, &["accounts", "--json"], None, &[]);
    assert!(listed.status.success(), "{}", cli::text(&listed.stderr));
    assert_eq!(files_in(&folder), ["closedesk.db"]);
    let conn = closedesk::store::open_read_only(&db).unwrap();
    let refused = conn.execute("UPDATE accounts SET country = 'ZZ'", []);
    assert!(refused.is_err(), "a reading connection cannot write");
    drop(conn);
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(files_in(&folder), ["closedesk.db"]);
    let _ = out;
}
