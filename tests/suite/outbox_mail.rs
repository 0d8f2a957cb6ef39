//! Outbox files are real mail: a parser reads Date, Message-ID and MIME-Version from each.

use crate::support::cli;

use closedesk::demo::{DEMO_CUSTOMER_PASSWORD, DemoAccount};

#[test]
fn every_outbox_file_parses_as_mail_with_date_message_id_and_mime_version() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("closedesk.db");
    let env = [("CLOSEDESK_NOW", "2026-12-01T09:00:00Z")];
    assert!(cli::run(&db, &["init"], None, &env).status.success());
    let email = DemoAccount::by_situation("closable").unwrap().email;
    let password = format!("{DEMO_CUSTOMER_PASSWORD}\n");
    let started =
        cli::run(&db, &["close", "start", email, "--reason", "privacy", "--password-stdin"], Some(&password), &env);
    assert!(started.status.success(), "{}", cli::text(&started.stderr));

    let mut ids = Vec::new();
    for entry in std::fs::read_dir(dir.path().join("outbox")).unwrap() {
        let raw = std::fs::read(entry.unwrap().path()).unwrap();
        let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
        let date = message.date().unwrap();
        assert_eq!((date.year, date.month, date.day), (2026, 12, 1));
        let id = message.message_id().unwrap().to_owned();
        assert!(id.ends_with("@closedesk.invalid"), "{id}");
        assert_eq!(message.header_raw("MIME-Version").map(str::trim), Some("1.0"));
        assert!(message.body_text(0).unwrap().contains("Your code: "));
        ids.push(id);
    }
    assert_eq!(ids.len(), 1, "one code mail");
}

/// The outbox's files that carry a code.
fn code_mails(outbox: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(outbox)
        .map(|entries| {
            entries
                .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .filter(|text| text.contains("Your code: "))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_code_mail_is_removed_once_its_code_is_used_replaced_voided_or_expired() {
    let at = |seconds: i64| {
        let t0: jiff::Timestamp = "2026-12-01T09:00:00Z".parse().unwrap();
        (t0 + jiff::SignedDuration::from_secs(seconds)).to_string()
    };
    let email = DemoAccount::by_situation("closable").unwrap().email;
    let password = format!("{DEMO_CUSTOMER_PASSWORD}\n");
    let fresh = || {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        assert!(cli::run(&db, &["init"], None, &[]).status.success());
        (dir, db)
    };
    let run = |db: &std::path::Path, seconds: i64, args: &[&str], stdin: Option<&str>| {
        cli::run(db, args, stdin, &[("CLOSEDESK_NOW", &at(seconds))])
    };
    let start = |db: &std::path::Path, seconds: i64| {
        let out =
            run(db, seconds, &["close", "start", email, "--reason", "privacy", "--password-stdin"], Some(&password));
        assert!(out.status.success(), "{}", cli::text(&out.stderr));
    };
    let confirm = |db: &std::path::Path, seconds: i64, code: &str| {
        run(
            db,
            seconds,
            &["close", "confirm", email, "--code", code, "--email", email, "--phrase", "deactivate my account"],
            None,
        )
    };
    let code_in = |mail: &str| mail.lines().find_map(|l| l.strip_prefix("Your code: ")).unwrap().trim().to_owned();

    // Used.
    let (dir, db) = fresh();
    start(&db, 0);
    let mails = code_mails(&dir.path().join("outbox"));
    assert_eq!(mails.len(), 1);
    assert!(confirm(&db, 60, &code_in(&mails[0])).status.success());
    assert!(code_mails(&dir.path().join("outbox")).is_empty(), "used");
    assert_eq!(std::fs::read_dir(dir.path().join("outbox")).unwrap().count(), 1, "the confirmation stays");

    // Replaced: only the newest code's mail is left.
    let (dir, db) = fresh();
    start(&db, 0);
    start(&db, 120);
    let mails = code_mails(&dir.path().join("outbox"));
    assert_eq!(mails.len(), 1, "replaced");
    let newest = cli::text(&run(&db, 120, &["outbox", "--to", email, "--last"], None).stdout);
    assert_eq!(code_in(&mails[0]), code_in(&newest));

    // Voided by five wrong codes.
    let (dir, db) = fresh();
    start(&db, 0);
    let right = code_in(&code_mails(&dir.path().join("outbox"))[0]);
    let wrong = if right == "000000" { "111111" } else { "000000" };
    for n in 0..5 {
        assert!(!confirm(&db, 10 + n, wrong).status.success());
    }
    assert!(code_mails(&dir.path().join("outbox")).is_empty(), "voided");

    // Expired: the next start of any command after its lifetime removes it.
    let (dir, db) = fresh();
    start(&db, 0);
    assert!(run(&db, 9 * 60, &["accounts"], None).status.success());
    assert_eq!(code_mails(&dir.path().join("outbox")).len(), 1, "still valid");
    assert!(run(&db, 11 * 60, &["accounts"], None).status.success());
    assert!(code_mails(&dir.path().join("outbox")).is_empty(), "expired");
}
