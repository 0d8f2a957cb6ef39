//! Every command ends cleanly whatever happens to its output: run into a pipe whose reader is
//! gone (`closedesk accounts | head -1`), each does its work, records it, and exits with the
//! code of that work, saying nothing; a bug is one line on stderr and exit 1, never a panic
//! message or a backtrace.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::cli::{self, Closed, closedesk, closedesk_cli};

/// Why the closed-pipe tests skip themselves for the Windows programs under wine: there a write
/// into a pipe whose reader is gone fails with `ERROR_PIPE_NOT_CONNECTED` (233), which Rust's
/// standard library does not read as a broken pipe, so the program reports it as an error.
/// Windows itself is said to answer `ERROR_NO_DATA` (232), a broken pipe; not checked here.
const WINE_CLOSED_PIPE: &str = "a closed pipe under wine 8.0 is error 233, not the broken pipe (232) Windows reports";

use closedesk::demo::{DEMO_CUSTOMER_PASSWORD, DemoAccount};

const T0: &str = "2026-12-01T09:00:00Z";
/// After the closable account's grace period: its purge is due.
const AFTER_GRACE: &str = "2026-12-04T10:00:00Z";

fn closable() -> &'static DemoAccount {
    DemoAccount::by_situation("closable").unwrap()
}

fn run(db: &Path, now: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let output = cli::run(db, args, stdin, &[("CLOSEDESK_NOW", now)]);
    assert!(output.status.success(), "{args:?}: {}", cli::text(&output.stderr));
    output
}

/// A database with demo and synthetic accounts, mail, an audit trail, a closure pending
/// (due at [`AFTER_GRACE`]) and a backup file; returns the backup's path and the closed id.
fn prepared() -> (tempfile::TempDir, PathBuf, PathBuf, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    run(&db, T0, &["init"], None);
    run(&db, T0, &["seed", "--accounts", "150", "--orders-per-account", "1"], None);
    let email = closable().email;
    let password = format!("{DEMO_CUSTOMER_PASSWORD}\n");
    run(&db, T0, &["close", "start", email, "--reason", "privacy", "--password-stdin"], Some(&password));
    let mail = cli::text(&run(&db, T0, &["outbox", "--to", email, "--last"], None).stdout);
    let code = mail.lines().find_map(|l| l.strip_prefix("Your code: ")).unwrap().trim().to_owned();
    let phrase = "Deactivate my account";
    run(&db, T0, &["close", "confirm", email, "--code", &code, "--email", email, "--phrase", phrase], None);
    let status: serde_json::Value =
        serde_json::from_slice(&run(&db, T0, &["close", "status", email, "--json"], None).stdout).unwrap();
    let backup = dir.path().join("backup.json");
    run(&db, T0, &["export", "2", "--out", backup.to_str().unwrap()], None);
    (dir, db, backup, status["account"].as_i64().unwrap())
}

/// Asserts that `output` ended as a clean command does: `code`, and on stderr no panic, no
/// backtrace and no complaint about the closed output.
fn assert_clean(output: &Output, code: i32, what: &str) {
    let stderr = cli::text(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{what}: {stderr}");
    for bad in ["panicked", "backtrace", "Broken pipe", "broken pipe", "standard output"] {
        assert!(!stderr.contains(bad), "{what}: {stderr}");
    }
}

#[test]
fn every_command_that_prints_ends_cleanly_into_a_closed_pipe() {
    cli::unix_only!(WINE_CLOSED_PIPE);
    let (dir, db, backup, closed) = prepared();
    let backup = backup.to_str().unwrap();
    let email = closable().email;
    let closed = closed.to_string();
    let listings: &[&[&str]] = &[
        &["accounts"],
        &["accounts", "--json"],
        &["accounts", "--limit", "0"],
        &["accounts", "--limit", "0", "--json"],
        &["accounts", "--search", "synthetic"],
        &["accounts", "--search", "synthetic", "--json"],
        &["accounts", "--status", "closure-pending"],
        &["show", "1"],
        &["show", "1", "--json"],
        &["agents", "list"],
        &["agents", "list", "--json"],
        &["close", "status", email],
        &["close", "status", email, "--json"],
        &["outbox"],
        &["outbox", "--limit", "0"],
        &["outbox", "--to", email],
        &["outbox", "--to", email, "--last"],
        &["audit"],
        &["audit", "--json"],
        &["audit", "--limit", "0"],
        &["audit", &closed],
        &["verify", backup],
        &["verify", backup, "--against-db"],
        &["--help"],
        &["--version"],
        &["accounts", "--help"],
        &["help", "close"],
    ];
    for program in [closedesk(), closedesk_cli()] {
        for args in listings {
            let output = cli::run_into_closed_pipe(program, &db, args, None, &[("CLOSEDESK_NOW", T0)], Closed::Stdout);
            assert_clean(&output, 0, &format!("{program} {args:?}"));
            assert!(output.stderr.is_empty(), "{program} {args:?}: {}", cli::text(&output.stderr));
        }
    }

    // Commands that change something do it, and record it, before they print.
    let exported = dir.path().join("again.json");
    let output = cli::run_into_closed_pipe(
        closedesk_cli(),
        &db,
        &["export", "3", "--out", exported.to_str().unwrap()],
        None,
        &[],
        Closed::Stdout,
    );
    assert_clean(&output, 0, "export");
    assert!(exported.exists());
    let copy = dir.path().join("copy.db");
    let output = cli::run_into_closed_pipe(
        closedesk(),
        &db,
        &["backup-db", "--out", copy.to_str().unwrap()],
        None,
        &[],
        Closed::Both,
    );
    assert_clean(&output, 0, "backup-db");
    assert!(copy.exists());
    let output = cli::run_into_closed_pipe(closedesk_cli(), &db, &["seed", "--accounts", "3"], None, &[], Closed::Both);
    assert_clean(&output, 0, "seed");
    let output =
        cli::run_into_closed_pipe(closedesk_cli(), &db, &["agents", "disable", "agent"], None, &[], Closed::Both);
    assert_clean(&output, 0, "agents disable");

    let audit: serde_json::Value =
        serde_json::from_slice(&run(&db, T0, &["audit", "3", "--json"], None).stdout).unwrap();
    assert!(audit["events"].as_array().unwrap().iter().any(|e| e["action"] == "backup_exported"), "{audit}");
    let agents: serde_json::Value =
        serde_json::from_slice(&run(&db, T0, &["agents", "list", "--json"], None).stdout).unwrap();
    assert!(agents["agents"].as_array().unwrap().iter().any(|a| a["name"] == "agent" && a["disabled"] == true));
    let batches: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM seed_batches WHERE accounts = 3", [], |r| r.get(0))
        .unwrap();
    assert_eq!(batches, 1, "the seed into a closed pipe was recorded");

    // A failing command keeps its code and its one line, whatever happened to stdout.
    let output = cli::run_into_closed_pipe(closedesk_cli(), &db, &["show", "999999"], None, &[], Closed::Stdout);
    assert_clean(&output, 1, "show of a missing account");
    assert_eq!(cli::text(&output.stderr).lines().count(), 1, "{}", cli::text(&output.stderr));
    let output = cli::run_into_closed_pipe(closedesk_cli(), &db, &["show", "999999"], None, &[], Closed::Both);
    assert_eq!(output.status.code(), Some(1), "a closed stderr changes no exit code");
}

#[test]
fn a_purge_into_a_closed_pipe_is_done_and_recorded_and_exits_0() {
    cli::unix_only!(WINE_CLOSED_PIPE);
    for (program, args, closed) in [
        (closedesk_cli(), &["purge-due"][..], Closed::Stdout),
        (closedesk(), &["purge-due", "--json"][..], Closed::Stdout),
        (closedesk_cli(), &["purge-due"][..], Closed::Both),
    ] {
        let (_dir, db, _, id) = prepared();
        let env = [("CLOSEDESK_NOW", AFTER_GRACE), ("CLOSEDESK_LOG", "debug")];
        let output = cli::run_into_closed_pipe(program, &db, args, None, &env, closed);
        assert_clean(&output, 0, &format!("{program} {args:?} with {closed:?} closed"));

        // The purge happened, and its record is in the database: the tombstone and the audit line.
        let conn = rusqlite::Connection::open(&db).unwrap();
        let tombstones: i64 =
            conn.query_row("SELECT count(*) FROM tombstones WHERE account_id = ?1", [id], |r| r.get(0)).unwrap();
        assert_eq!(tombstones, 1);
        let left: i64 = conn.query_row("SELECT count(*) FROM accounts WHERE id = ?1", [id], |r| r.get(0)).unwrap();
        assert_eq!(left, 0);
        let audit: serde_json::Value =
            serde_json::from_slice(&run(&db, AFTER_GRACE, &["audit", &id.to_string(), "--json"], None).stdout).unwrap();
        let purged = audit["events"].as_array().unwrap().iter().any(|e| e["action"] == "purge" && e["outcome"] == "ok");
        assert!(purged, "{audit}");

        // A scheduler running it again finds nothing due, and says so.
        let again = run(&db, AFTER_GRACE, &["purge-due"], None);
        assert!(cli::text(&again.stdout).contains("No account is due"), "{}", cli::text(&again.stdout));
    }
}

#[test]
fn a_bug_is_one_line_without_a_backtrace_or_personal_data_and_exit_1() {
    cli::debug_build_only!("the panic on demand (CLOSEDESK_DEBUG_PANIC) exists only in debug builds");
    let (_dir, db) = {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        (dir, db)
    };
    for program in [closedesk(), closedesk_cli()] {
        let env = [("CLOSEDESK_DEBUG_PANIC", "1"), ("RUST_BACKTRACE", "full")];
        let output = cli::run_program(program, &db, &["accounts"], None, &env);
        let stderr = cli::text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.starts_with("error: closedesk stopped on an internal error at crates/closedesk-cli/src/"),
            "{stderr}"
        );
        for bad in ["panicked", "backtrace", "panic.test@example.com", "RUST_BACKTRACE"] {
            assert!(!stderr.contains(bad), "{bad} in {stderr}");
        }
        assert!(output.stdout.is_empty());

        let quiet = cli::run_into_closed_pipe(program, &db, &["accounts"], None, &env, Closed::Both);
        assert_eq!(quiet.status.code(), Some(1), "with nowhere to say it, still exit 1");
    }
}
