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
