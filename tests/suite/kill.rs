//! The built binary killed (SIGKILL) at random instants during `purge-due`, `close start`,
//! `close confirm`, `close cancel`, `export`, `backup-db` and `restore-db`: after the next start of any
//! command, no file under the data folder or the export folder holds an email of a purged
//! account, no partial, temporary or first-run file remains, every mail file has its row,
//! and `PRAGMA integrity_check` is ok.
//!
//! `CLOSEDESK_KILL_TRIALS` sets the trials per operation (default 20).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use rand::Rng as _;

use crate::support::cli;

use closedesk::core::AccountId;
use closedesk::core::closure::{Code, Purpose, Reason};
use closedesk::demo::{DEMO_CUSTOMER_PASSWORD, DemoAccount};
use closedesk::store;

const T0: &str = "2026-12-01T09:00:00Z";
const FAR: &str = "2099-01-01T00:00:00Z";

fn trials() -> usize {
    std::env::var("CLOSEDESK_KILL_TRIALS").ok().and_then(|n| n.parse().ok()).unwrap_or(20)
}

fn t0() -> jiff::Timestamp {
    T0.parse().unwrap()
}

/// A prepared data folder to copy for each trial.
struct Template {
    dir: tempfile::TempDir,
}

impl Template {
    fn db(&self) -> PathBuf {
        self.dir.path().join("data").join("closedesk.db")
    }
}

fn run_ok(db: &Path, now: &str, args: &[&str], stdin: Option<&str>) -> String {
    let output = cli::run(db, args, stdin, &[("CLOSEDESK_NOW", now)]);
    assert!(output.status.success(), "{args:?}: {}", cli::text(&output.stderr));
    cli::text(&output.stdout)
}

/// The demo data, `seeded` synthetic accounts, and every active account without a blocker
/// made closure-pending with its mail (a code mail and a confirmation) in the outbox.
fn template(seeded: u64, pending: bool) -> Template {
    let dir = tempfile::tempdir().unwrap();
    let template = Template { dir };
    let db = template.db();
    run_ok(&db, T0, &["init"], None);
    if seeded > 0 {
        run_ok(&db, T0, &["seed", "--accounts", &seeded.to_string(), "--orders-per-account", "3"], None);
    }
    if pending {
        let mut conn = store::open_existing(&db).unwrap();
        let outbox = closedesk::paths::outbox_dir(&db);
        let accounts: Vec<(i64, String)> = conn
            .prepare("SELECT id, email FROM accounts WHERE status = 'active' AND id > 9")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let purge_after = t0() + jiff::SignedDuration::from_hours(72);
        for (id, email) in accounts {
            let account = AccountId(id);
            store::write(&mut conn, |tx| {
                store::closure::commit_close(tx, account, purge_after, Reason::Privacy, None, false, t0())?;
                let code = closedesk::mail::code_mail(Purpose::Close, &Code::from_number(314_159), t0());
                closedesk::mail::send(tx, &outbox, account, &email, &code, t0()).unwrap();
                let confirmed = closedesk::mail::closure_confirmed(purge_after, purge_after);
                closedesk::mail::send(tx, &outbox, account, &email, &confirmed, t0()).unwrap();
                Ok(())
            })
            .unwrap();
        }
    }
    template
}

/// A fresh copy of the template's data folder, and an export folder.
struct Trial {
    dir: tempfile::TempDir,
}

impl Trial {
    fn new(template: &Template) -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&template.dir.path().join("data"), &dir.path().join("data"));
        std::fs::create_dir(dir.path().join("exports")).unwrap();
        Self { dir }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("data").join("closedesk.db")
    }

    fn exports(&self) -> PathBuf {
        self.dir.path().join("exports")
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Starts `closedesk` on `db` and kills it after `after`; returns whether it had already ended.
fn run_and_kill(db: &Path, now: &str, args: &[&str], stdin: Option<&str>, after: Duration) -> bool {
    use std::io::Write as _;
    let mut child = crate::support::cli::program_command(crate::support::cli::closedesk())
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CLOSEDESK_LOG")
        .env_remove("CLOSEDESK_SETTINGS")
        .env("CLOSEDESK_NOW", now)
        .env("CLOSEDESK_CODE_KEY", db.with_file_name("test-code-key"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
    } else {
        drop(child.stdin.take());
    }
    let deadline = Instant::now() + after;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    // SIGKILL on Unix: no destructor, no cleanup runs.
    let _ = child.kill();
    let _ = child.wait();
    false
}

/// Every file below `folder`.
fn files_below(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return found;
    };
    for entry in entries.flatten() {
        if entry.file_type().unwrap().is_dir() {
            found.extend(files_below(&entry.path()));
        } else {
            found.push(entry.path());
        }
    }
    found
}

fn emails(db: &Path) -> HashSet<(i64, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.prepare("SELECT id, email FROM accounts")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Whether, before the next start, the outbox holds a mail file naming an account purged since.
fn purged_mail_left(trial: &Trial, before: &HashSet<(i64, String)>) -> bool {
    let now = emails(&trial.db());
    let purged: Vec<&String> = before.iter().filter(|account| !now.contains(account)).map(|(_, email)| email).collect();
    if purged.is_empty() {
        return false;
    }
    let finder = aho_corasick::AhoCorasick::new(purged.iter().map(|email| email.as_bytes())).unwrap();
    files_below(&trial.db().with_file_name("outbox"))
        .iter()
        .any(|file| finder.find(&std::fs::read(file).unwrap_or_default()).is_some())
}

/// A file only an interrupted write leaves.
fn is_litter(file: &Path) -> bool {
    let name = file.file_name().unwrap().to_string_lossy();
    name.contains(".partial")
        || name.starts_with(".closedesk-new-")
        || name.starts_with(".closedesk-intent-")
        || name.starts_with(".closedesk-restore-")
        || name.ends_with(".erasures.tmp")
        || (name.starts_with(".mail-") && file.extension().is_some_and(|ext| ext == "tmp"))
}

/// Runs the next start, then checks everything the kill could have broken. `before` are the
/// accounts before the trial; those gone since were purged.
fn check_after(trial: &Trial, before: &HashSet<(i64, String)>, what: &str) {
    run_ok(&trial.db(), FAR, &["accounts", "--limit", "1"], None);
    let conn = rusqlite::Connection::open(trial.db()).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok", "{what}");
    let recorded: HashSet<String> = conn
        .prepare("SELECT eml_file FROM outbox")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(conn);
    let now = emails(&trial.db());
    let purged: Vec<&String> = before.iter().filter(|account| !now.contains(account)).map(|(_, email)| email).collect();
    let finder = aho_corasick::AhoCorasick::new(purged.iter().map(|email| email.as_bytes())).unwrap();
    let mut files = files_below(trial.dir.path());
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!is_litter(&file), "{what}: {} remains", file.display());
        if file.extension().is_some_and(|ext| ext == "eml") {
            assert!(recorded.contains(&name), "{what}: {name} has no outbox row");
        }
        let bytes = std::fs::read(&file).unwrap();
        assert!(finder.find(&bytes).is_none(), "{what}: {} holds an email of a purged account", file.display());
    }
}

/// How long `args` takes when not killed, on a fresh copy: kill instants are drawn below it.
fn calibrate(template: &Template, now: &str, args: &[&str], stdin: Option<&str>) -> Duration {
    let trial = Trial::new(template);
    let args: Vec<String> = args.iter().map(|a| a.replace("{exports}", trial.exports().to_str().unwrap())).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let started = Instant::now();
    let ended = run_and_kill(&trial.db(), now, &args, stdin, Duration::from_mins(2));
    assert!(ended, "{args:?} did not end");
    started.elapsed()
}

/// Kills `args` at random instants in [0, 1.2 × its run time); checks each trial.
fn kill_trials(template: &Template, now: &str, args: &[&str], stdin: Option<&str>) {
    let full = calibrate(template, now, args, stdin);
    let mut rng = rand::rng();
    let (mut ended_early, mut left_litter, mut left_purged_mail) = (0, 0, 0);
    for n in 0..trials() {
        let trial = Trial::new(template);
        let before = emails(&trial.db());
        let args: Vec<String> =
            args.iter().map(|a| a.replace("{exports}", trial.exports().to_str().unwrap())).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let instant = full.mul_f64(rng.random_range(0.0..1.2));
        if run_and_kill(&trial.db(), now, &args, stdin, instant) {
            ended_early += 1;
        }
        if files_below(trial.dir.path()).iter().any(|file| is_litter(file)) {
            left_litter += 1;
        }
        if purged_mail_left(&trial, &before) {
            left_purged_mail += 1;
        }
        check_after(&trial, &before, &format!("{args:?} killed at {instant:?} (trial {n})"));
    }
    eprintln!(
        "{args:?}: {} trials, full run {full:?}, {ended_early} ended before the kill, \
         {left_litter} left an intent, partial or temporary file and {left_purged_mail} mail of a purged \
         account for the next start",
        trials()
    );
}

#[test]
fn purge_due_killed_at_random_instants_leaves_no_mail_of_a_purged_account() {
    let template = template(40, true);
    kill_trials(&template, FAR, &["purge-due"], None);
}

#[test]
fn closing_steps_killed_at_random_instants_leave_no_orphan_mail() {
    let template = template(0, false);
    let closable = DemoAccount::by_situation("closable").unwrap().email;
    let pending = DemoAccount::by_situation("closure pending").unwrap().email;
    let password = format!("{DEMO_CUSTOMER_PASSWORD}\n");
    kill_trials(
        &template,
        T0,
        &["close", "start", closable, "--reason", "privacy", "--password-stdin"],
        Some(&password),
    );
    kill_trials(&template, T0, &["close", "cancel", pending, "--password-stdin"], Some(&password));

    // Confirm: from a copy where the code was sent.
    let db = template.db();
    run_ok(&db, T0, &["close", "start", closable, "--reason", "privacy", "--password-stdin"], Some(&password));
    let mail = run_ok(&db, T0, &["outbox", "--to", closable, "--last"], None);
    let code = mail.lines().find_map(|l| l.strip_prefix("Your code: ")).unwrap().trim().to_owned();
    kill_trials(
        &template,
        T0,
        &["close", "confirm", closable, "--code", &code, "--email", closable, "--phrase", "deactivate my account"],
        None,
    );
}

#[test]
fn export_and_backup_db_killed_at_random_instants_leave_no_partial_file() {
    let template = template(3, false);
    let account = DemoAccount::by_situation("closable").unwrap().email;
    kill_trials(&template, T0, &["export", account, "--out", "{exports}/a.json"], None);
    kill_trials(&template, T0, &["export", account, "--out", "{exports}/a.zip", "--format", "bundle"], None);
    kill_trials(&template, T0, &["backup-db", "--out", "{exports}/copy.db"], None);
}

#[test]
fn restore_db_killed_at_random_instants_leaves_the_old_or_the_restored_database_and_no_purged_account() {
    let template = template(40, true);
    let db = template.db();
    // A copy taken while every pending account was still there, then the purge of them all.
    let copy = template.dir.path().join("before-purge.db");
    run_ok(&db, T0, &["backup-db", "--out", copy.to_str().unwrap()], None);
    let held = emails(&db);
    run_ok(&db, FAR, &["purge-due"], None);
    let purged: Vec<String> = held.difference(&emails(&db)).map(|(_, email)| email.clone()).collect();
    assert!(purged.len() >= 40, "{} accounts purged", purged.len());
    let finder = aho_corasick::AhoCorasick::new(purged.iter().map(String::as_bytes)).unwrap();
    let ledger = |db: &Path| -> i64 {
        rusqlite::Connection::open(db).unwrap().query_row("SELECT count(*) FROM erasures", [], |r| r.get(0)).unwrap()
    };
    let ledger_before = ledger(&db);

    let args = ["restore-db", copy.to_str().unwrap(), "--force"];
    let full = calibrate(&template, FAR, &args, None);
    let mut rng = rand::rng();
    let (mut restored, mut old, mut instants) = (0, 0, Vec::new());
    for n in 0..trials() {
        let trial = Trial::new(&template);
        let before = emails(&trial.db());
        let instant = full.mul_f64(rng.random_range(0.0..1.2));
        instants.push(instant);
        run_and_kill(&trial.db(), FAR, &args, None, instant);
        let what = format!("restore-db killed at {instant:?} (trial {n})");
        check_after(&trial, &before, &what);
        for file in files_below(trial.dir.path()) {
            let bytes = std::fs::read(&file).unwrap();
            assert!(finder.find(&bytes).is_none(), "{what}: {} holds an email of a purged account", file.display());
        }
        assert!(
            emails(&trial.db()).iter().all(|(_, email)| !purged.contains(email)),
            "{what}: a purged account is back"
        );
        assert_eq!(ledger(&trial.db()), ledger_before, "{what}: the ledger is intact");
        let trail = run_ok(&trial.db(), FAR, &["audit", "--limit", "1"], None);
        if trail.contains("database_restored") { restored += 1 } else { old += 1 }
    }
    instants.sort();
    eprintln!(
        "restore-db: {} trials, full run {full:?}, kill instants {instants:?}: {restored} left the restored \
         database, {old} the old one",
        trials()
    );
}
