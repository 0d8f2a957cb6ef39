//! A pending confirmation code cannot be read back from a copy of the database: its digest is
//! keyed with the installation's key, which lives in a file of its own.

use std::path::{Path, PathBuf};
use std::process::Output;

use hmac::{Hmac, Mac as _};
use sha2::{Digest as _, Sha256};

use crate::support::cli;

use closedesk::demo::{DEMO_CUSTOMER_PASSWORD, DemoAccount};

const T0: &str = "2026-12-01T09:00:00Z";

fn run(db: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    cli::run(db, args, stdin, &[("CLOSEDESK_NOW", T0)])
}

fn demo_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    assert!(run(&db, &["init"], None).status.success());
    (dir, db)
}

fn key_file(db: &Path) -> PathBuf {
    db.with_file_name("test-code-key")
}

fn start(db: &Path, email: &str) -> Output {
    let password = format!("{DEMO_CUSTOMER_PASSWORD}\n");
    run(db, &["close", "start", email, "--reason", "privacy", "--password-stdin"], Some(&password))
}

fn confirm(db: &Path, email: &str, code: &str) -> Output {
    run(db, &["close", "confirm", email, "--code", code, "--email", email, "--phrase", "deactivate my account"], None)
}

/// The code in the newest mail to `email`.
fn last_code(db: &Path, email: &str) -> String {
    let mail = cli::text(&run(db, &["outbox", "--to", email, "--last"], None).stdout);
    let line = mail.lines().find(|l| l.starts_with("Your code: ")).unwrap_or_else(|| panic!("no code:\n{mail}"));
    line.trim_start_matches("Your code: ").trim().to_owned()
}

/// The request id and the stored digest of the pending code, as the copy at `copy` holds them.
fn stored_digest(copy: &Path) -> (u64, [u8; 32]) {
    let conn = rusqlite::Connection::open(copy).unwrap();
    let json: String = conn
        .query_row(
            "SELECT state_json FROM closure_attempts WHERE json_type(state_json, '$.code') = 'object'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let state: serde_json::Value = serde_json::from_str(&json).unwrap();
    let request_id = state["request_id"].as_u64().unwrap();
    let digest: Vec<u8> =
        state["code"]["hash"].as_array().unwrap().iter().map(|b| u8::try_from(b.as_u64().unwrap()).unwrap()).collect();
    (request_id, digest.try_into().unwrap())
}

fn hmac(key: &[u8], request_id: u64, code: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256>>::new_from_slice(key).unwrap();
    mac.update(b"closedesk-code-v2:");
    mac.update(&request_id.to_le_bytes());
    mac.update(code.as_bytes());
    mac.finalize().into_bytes().into()
}

#[test]
fn a_copy_of_the_database_alone_does_not_give_a_pending_code_back() {
    let (dir, db) = demo_db();
    let email = DemoAccount::by_situation("closable").unwrap().email;
    assert!(start(&db, email).status.success());
    let mailed = last_code(&db, email);
    let copy = dir.path().join("copy.db");
    assert!(run(&db, &["backup-db", "--out", copy.to_str().unwrap()], None).status.success());
    let (request_id, stored) = stored_digest(&copy);

    // Everything a copy offers an attacker: the digest, the request id beside it, and the
    // constants of the program. Every one of the 10^6 codes is tried under each unkeyed scheme.
    let mut found = Vec::new();
    for number in 0..1_000_000_u32 {
        let code = format!("{number:06}");
        let mut old_scheme = Sha256::new();
        old_scheme.update(b"closedesk-code-v1:");
        old_scheme.update(request_id.to_le_bytes());
        old_scheme.update(code.as_bytes());
        let old: [u8; 32] = old_scheme.finalize().into();
        if old == stored || hmac(&[], request_id, &code) == stored {
            found.push(code);
        }
    }
    assert!(found.is_empty(), "{} candidate(s) matched without the key", found.len());

    // With the key file the digest is the mailed code's: the key is all that protects it.
    let key = std::fs::read(key_file(&db)).unwrap();
    assert_eq!(key.len(), 32);
    assert_eq!(hmac(&key, request_id, &mailed), stored);
    // Owner-only is a Unix mode; on Windows the file takes the folder's access list.
    #[cfg(unix)]
    if !crate::support::cli::windows_programs() {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(key_file(&db)).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn a_lost_key_voids_the_pending_code_and_a_damaged_one_is_a_clear_error() {
    let (_dir, db) = demo_db();
    let email = DemoAccount::by_situation("closable").unwrap().email;
    assert!(start(&db, email).status.success());
    let code = last_code(&db, email);

    // Damaged: nothing is guessed and nothing replaced; the error names the file.
    std::fs::write(key_file(&db), b"not a key").unwrap();
    let refused = confirm(&db, email, &code);
    let err = cli::text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(err.contains("test-code-key") && err.contains("cannot use the code key"), "{err}");
    assert_eq!(std::fs::read(key_file(&db)).unwrap(), b"not a key");

    // Lost: a new key is made, and the code sent under the old one is void.
    std::fs::remove_file(key_file(&db)).unwrap();
    let voided = confirm(&db, email, &code);
    assert_eq!(voided.status.code(), Some(6), "{}", cli::text(&voided.stderr));
    assert!(cli::text(&voided.stderr).contains("no longer valid"), "{}", cli::text(&voided.stderr));
    assert!(key_file(&db).exists());

    // A new code, under the new key, closes the account (once the resend wait is over).
    let later = [("CLOSEDESK_NOW", "2026-12-01T09:01:00Z")];
    let password = format!("{DEMO_CUSTOMER_PASSWORD}\n");
    let restart = ["close", "start", email, "--reason", "privacy", "--password-stdin"];
    let restarted = cli::run(&db, &restart, Some(&password), &later);
    assert!(restarted.status.success(), "{}", cli::text(&restarted.stderr));
    let fresh = last_code(&db, email);
    let phrase = "deactivate my account";
    let confirm_args = ["close", "confirm", email, "--code", &fresh, "--email", email, "--phrase", phrase];
    let confirmed = cli::run(&db, &confirm_args, None, &later);
    assert!(confirmed.status.success(), "{}", cli::text(&confirmed.stderr));
}
