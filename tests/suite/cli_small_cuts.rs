//! Small cuts of the command line: the resend cooldown across `close start`, malformed codes,
//! counted nouns, a killed `seed`, the help of `closedesk-cli`, and the desktop entry.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use rand::{Rng as _, SeedableRng as _};

use crate::support::cli::{self, closedesk, closedesk_cli};

use closedesk::demo::{DEMO_CUSTOMER_PASSWORD, DemoAccount};

const T0: &str = "2026-12-01T09:00:00Z";

fn fresh_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let output = cli::run(&db, &["init"], None, &[("CLOSEDESK_NOW", T0)]);
    assert!(output.status.success(), "{}", cli::text(&output.stderr));
    (dir, db)
}

fn at(db: &Path, now: &str, args: &[&str], stdin: Option<&str>) -> Output {
    cli::run(db, args, stdin, &[("CLOSEDESK_NOW", now)])
}

fn closable() -> &'static str {
    DemoAccount::by_situation("closable").unwrap().email
}

fn start(db: &Path, now: &str) -> Output {
    let password = format!("{DEMO_CUSTOMER_PASSWORD}\n");
    at(db, now, &["close", "start", closable(), "--reason", "privacy", "--password-stdin"], Some(&password))
}

fn mails_to(db: &Path, email: &str) -> usize {
    let output = at(db, T0, &["outbox", "--to", email, "--limit", "0"], None);
    cli::text(&output.stdout).lines().skip(1).count()
}

fn last_code(db: &Path) -> String {
    let mail = cli::text(&at(db, T0, &["outbox", "--to", closable(), "--last"], None).stdout);
    mail.lines().find_map(|l| l.strip_prefix("Your code: ")).unwrap().trim().to_owned()
}

fn confirm(db: &Path, now: &str, code: &str) -> Output {
    let email = closable();
    at(
        db,
        now,
        &["close", "confirm", email, "--code", code, "--email", email, "--phrase", "Deactivate my account"],
        None,
    )
}

#[test]
fn three_starts_in_a_second_mail_one_code_and_the_others_say_when_a_resend_is_possible() {
    let (_dir, db) = fresh_db();
    let first = start(&db, T0);
    assert_eq!(first.status.code(), Some(0), "{}", cli::text(&first.stderr));
    let code = last_code(&db);
    for now in ["2026-12-01T09:00:00Z", "2026-12-01T09:00:00.900Z"] {
        let again = start(&db, now);
        let stderr = cli::text(&again.stderr);
        assert_eq!(again.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("A code was just sent. You can ask for another after 2026-12-01 09:01"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    assert_eq!(mails_to(&db, closable()), 1, "one code was mailed");
    // The code mailed first is still the one that works.
    let confirmed = confirm(&db, "2026-12-01T09:00:30Z", &code);
    assert_eq!(confirmed.status.code(), Some(0), "{}", cli::text(&confirmed.stderr));
}

#[test]
fn three_starts_by_the_clock_mail_one_code() {
    let (_dir, db) = fresh_db();
    let password = format!("{DEMO_CUSTOMER_PASSWORD}\n");
    let start = ["close", "start", closable(), "--reason", "privacy", "--password-stdin"];
    let codes: Vec<Option<i32>> = (0..3).map(|_| cli::run(&db, &start, Some(&password), &[]).status.code()).collect();
    assert_eq!(codes, [Some(0), Some(1), Some(1)]);
    assert_eq!(mails_to(&db, closable()), 1);
}

#[test]
fn a_repeated_cancel_request_mails_one_code() {
    let (_dir, db) = fresh_db();
    assert!(start(&db, T0).status.success());
    assert!(confirm(&db, T0, &last_code(&db)).status.success());
    let password = format!("{DEMO_CUSTOMER_PASSWORD}\n");
    let cancel = ["close", "cancel", closable(), "--password-stdin"];
    let first = at(&db, "2026-12-01T10:00:00Z", &cancel, Some(&password));
    assert_eq!(first.status.code(), Some(0), "{}", cli::text(&first.stderr));
    let code = last_code(&db);
    let again = at(&db, "2026-12-01T10:00:10Z", &cancel, Some(&password));
    assert_eq!(again.status.code(), Some(1));
    assert!(cli::text(&again.stderr).contains("You can ask for another after 2026-12-01 10:01"));
    let done = at(&db, "2026-12-01T10:00:20Z", &["close", "cancel", closable(), "--code", &code], None);
    assert_eq!(done.status.code(), Some(0), "the first cancel code still works: {}", cli::text(&done.stderr));
}

#[test]
fn after_the_cooldown_a_new_start_mails_a_new_code() {
    let (_dir, db) = fresh_db();
    assert!(start(&db, T0).status.success());
    let first = last_code(&db);
    assert_eq!(start(&db, "2026-12-01T09:00:59Z").status.code(), Some(1), "a second before the cooldown ends");
    let later = start(&db, "2026-12-01T09:01:00Z");
    assert_eq!(later.status.code(), Some(0), "{}", cli::text(&later.stderr));
    // The replaced code's mail is gone with it: the outbox holds the new code only.
    assert_eq!(mails_to(&db, closable()), 1);
    assert_ne!(last_code(&db), first, "a new code was mailed");
}

#[test]
fn a_malformed_code_is_a_usage_error_that_spends_no_try() {
    let (_dir, db) = fresh_db();
    assert!(start(&db, T0).status.success());
    let code = last_code(&db);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for malformed in ["", "12345", "1234567", "abcdef", "12a456", "１２３４５６", "12345６", "-"] {
        let output = confirm(&db, T0, malformed);
        let stderr = cli::text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{malformed:?}: {stderr}");
        assert!(stderr.contains("six digits"), "{malformed:?}: {stderr}");
        let cancel = at(&db, T0, &["close", "cancel", closable(), "--code", malformed], None);
        assert_eq!(cancel.status.code(), Some(2), "{malformed:?}");
    }
    // All five tries are left: four wrong codes count down to the last, in words.
    for left in ["4 tries left", "3 tries left", "2 tries left", "1 try left"] {
        let output = confirm(&db, T0, wrong);
        let stderr = cli::text(&output.stderr);
        assert_eq!(output.status.code(), Some(4), "{stderr}");
        assert!(stderr.contains(&format!("The code is wrong ({left})")), "{stderr}");
    }
    let confirmed = confirm(&db, T0, &code);
    assert_eq!(confirmed.status.code(), Some(0), "the fifth try is still there: {}", cli::text(&confirmed.stderr));
}

#[test]
fn wrong_passwords_count_down_in_words() {
    let (_dir, db) = fresh_db();
    let start_with = |password: &str| {
        at(&db, T0, &["close", "start", closable(), "--reason", "other", "--password-stdin"], Some(password))
    };
    let mut said = Vec::new();
    for _ in 0..4 {
        said.push(cli::text(&start_with("not-the-password\n").stderr));
    }
    assert!(said[0].contains("(4 tries left)"), "{said:?}");
    assert!(said[3].contains("(1 try left)"), "{said:?}");
    assert!(said.iter().all(|s| !s.contains("1 tries")), "{said:?}");
}

#[test]
fn a_blocked_account_counts_its_blockers_in_words() {
    let (_dir, db) = fresh_db();
    let email = DemoAccount::by_situation("pending order").unwrap().email;
    let password = format!("{DEMO_CUSTOMER_PASSWORD}\n");
    let output = at(&db, T0, &["close", "start", email, "--reason", "other", "--password-stdin"], Some(&password));
    let stderr = cli::text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("while 1 blocker stands"), "{stderr}");
    assert!(!stderr.contains("(s)"), "{stderr}");
}

#[test]
fn one_seeded_account_is_counted_in_the_singular() {
    let (_dir, db) = fresh_db();
    let output = at(&db, T0, &["seed", "--accounts", "1", "--orders-per-account", "1"], None);
    let stdout = cli::text(&output.stdout);
    assert!(stdout.starts_with("added 1 account and 1 order ("), "{stdout}");
}

/// Each batch of `seed_batches` against the synthetic accounts that carry its number.
fn batches(db: &Path) -> Vec<(i64, i64, i64)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT b.id, b.accounts,
                    (SELECT count(*) FROM accounts WHERE email LIKE 'synthetic-b' || b.id || '-%')
             FROM seed_batches b ORDER BY b.id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn a_seed_killed_at_any_instant_leaves_its_batch_claiming_exactly_the_accounts_written() {
    const TRIALS_PER_DATABASE: usize = 11;
    const ACCOUNTS: u64 = 20_000;
    cli::debug_build_only!("the seed's chunk size (CLOSEDESK_SEED_CHUNK_ROWS) is a knob of debug builds only");
    let seed: u64 = std::env::var("CLOSEDESK_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs());
    println!("kill instants drawn with CLOSEDESK_TEST_SEED={seed}");
    // Two databases killed in turn at once, 22 kills in all.
    let workers: Vec<_> = (0..2_u64)
        .map(|worker| {
            std::thread::Builder::new()
                .name(format!("seed-killer-{worker}"))
                .spawn(move || {
                    let (dir, db) = {
                        let dir = tempfile::tempdir().unwrap();
                        let db = dir.path().join("closedesk.db");
                        assert!(cli::run(&db, &["init", "--empty"], None, &[]).status.success());
                        (dir, db)
                    };
                    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ worker);
                    let mut partial = 0;
                    for trial in 0..TRIALS_PER_DATABASE {
                        let delay = Duration::from_millis(rng.random_range(0..2_500));
                        let mut child = cli::command(
                            closedesk_cli(),
                            &db,
                            &["seed", "--accounts", &ACCOUNTS.to_string(), "--orders-per-account", "5"],
                            // Chunks as small as before the seeder grew them: several per run.
                            &[("CLOSEDESK_SEED_CHUNK_ROWS", "200000")],
                        )
                        .stdin(Stdio::null())
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .spawn()
                        .unwrap();
                        std::thread::sleep(delay);
                        // SIGKILL: no destructor, no rollback by the program itself.
                        child.kill().unwrap();
                        child.wait().unwrap();
                        let found = batches(&db);
                        for (batch, claimed, written) in &found {
                            assert_eq!(
                                claimed, written,
                                "worker {worker}, trial {trial}, killed after {delay:?}: batch {batch} claims \
                             {claimed} accounts, {written} exist"
                            );
                        }
                        if let Some((_, claimed, _)) = found.last()
                            && *claimed > 0
                            && *claimed < ACCOUNTS as i64
                        {
                            partial += 1;
                        }
                    }
                    drop(dir);
                    partial
                })
                .unwrap()
        })
        .collect();
    let partial: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    println!("{partial} of {} kills landed after some chunks were committed", 2 * TRIALS_PER_DATABASE);
    assert!(partial > 0, "some kill landed between the first and the last chunk");
}

#[test]
fn closedesk_cli_help_describes_the_command_line_program() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    for flag in ["--help", "-h"] {
        let help = cli::text(&cli::run_program(closedesk_cli(), &db, &[flag], None, &[]).stdout);
        assert!(help.starts_with("The closedesk command line"), "{help}");
        assert!(!help.contains("Without a command, opens the desktop app"), "{help}");
        assert!(!help.contains("Without a subcommand, opens the desktop app"), "{help}");
        assert!(help.contains("Usage: closedesk-cli"), "{help}");
    }
    let bare = cli::program_command(closedesk_cli()).env_remove("CLOSEDESK_DB").output().unwrap();
    assert_eq!(bare.status.code(), Some(2), "without a command: the help, as a usage error");
    assert!(cli::text(&bare.stderr).contains("Usage: closedesk-cli"), "{}", cli::text(&bare.stderr));
    let window_help = cli::text(&cli::run(&db, &["--help"], None, &[]).stdout);
    assert!(window_help.contains("Without a command, opens the desktop app."), "{window_help}");
    assert!(!db.exists(), "help touches no database");
}

/// Runs `desktop-file-validate` on `file`: `None` when the tool is not installed.
fn desktop_file_validate(file: &Path) -> Option<Output> {
    match Command::new("desktop-file-validate").arg(file).output() {
        Ok(output) => Some(output),
        Err(err) => {
            println!(
                "skipped desktop-file-validate on {}: {err} (install it with \
                 `apt-get install -y desktop-file-utils`)",
                file.display()
            );
            None
        }
    }
}

fn assert_valid_desktop_file(file: &Path) {
    if let Some(output) = desktop_file_validate(file) {
        let said = format!("{}{}", cli::text(&output.stdout), cli::text(&output.stderr));
        assert!(output.status.success(), "{}: {said}", file.display());
        assert!(said.trim().is_empty(), "{}: no error, warning or hint: {said}", file.display());
    }
}

#[test]
fn the_shipped_desktop_entry_passes_the_validator() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/closedesk.desktop");
    let text = std::fs::read_to_string(&shipped).unwrap();
    assert!(text.lines().any(|l| l == "Version=1.4"), "a version Debian stable's validator knows: {text}");
    assert_valid_desktop_file(&shipped);
}

#[test]
fn install_desktop_entry_from_closedesk_cli_points_at_the_window_program_beside_it() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("share");
    let env = [("HOME", home.path().to_str().unwrap()), ("XDG_DATA_HOME", data.to_str().unwrap())];
    let db = home.path().join("closedesk.db");
    if cli::windows_programs() {
        // Windows reads no .desktop files: both programs say so and write nothing.
        for program in [closedesk_cli(), closedesk()] {
            let output = cli::run_program(program, &db, &["install-desktop-entry"], None, &env);
            let stderr = cli::text(&output.stderr);
            assert_ne!(output.status.code(), Some(0), "{program}: {stderr}");
            assert!(
                stderr.contains("install-desktop-entry is for Linux") && stderr.contains("windows"),
                "{program}: {stderr}"
            );
            assert!(!data.exists(), "{program}: nothing written");
        }
        return;
    }
    for program in [closedesk_cli(), closedesk()] {
        let output = cli::run_program(program, &db, &["install-desktop-entry"], None, &env);
        assert_eq!(output.status.code(), Some(0), "{program}: {}", cli::text(&output.stderr));
        let entry_path = data.join("applications/closedesk.desktop");
        let entry = std::fs::read_to_string(&entry_path).unwrap();
        let exec = entry.lines().find_map(|l| l.strip_prefix("Exec=")).unwrap();
        assert_eq!(Path::new(exec), Path::new(closedesk()), "{program}: the window program, not the console one");
        assert!(Path::new(exec).is_file());
        assert_valid_desktop_file(&entry_path);
    }
}

#[test]
fn install_desktop_entry_refuses_when_no_window_program_is_beside_closedesk_cli() {
    cli::unix_only!("install-desktop-entry refuses on Windows before it looks for the window program");
    // A closedesk-cli alone in its folder, as a hard link (or a copy) of the built one.
    let lone = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let cli_alone = lone.path().join("closedesk-cli");
    if std::fs::hard_link(closedesk_cli(), &cli_alone).is_err() {
        std::fs::copy(closedesk_cli(), &cli_alone).unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("share");
    let env = [("HOME", home.path().to_str().unwrap()), ("XDG_DATA_HOME", data.to_str().unwrap())];
    let output = cli::run_program(
        cli_alone.to_str().unwrap(),
        &home.path().join("c.db"),
        &["install-desktop-entry"],
        None,
        &env,
    );
    let stderr = cli::text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&lone.path().join("closedesk").display().to_string()),
        "names the missing program: {stderr}"
    );
    assert!(stderr.contains("no desktop entry was installed"), "{stderr}");
    assert!(!data.exists(), "nothing was written");
}
