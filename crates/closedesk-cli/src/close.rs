//! `closedesk close …`, `purge-due`, `outbox`, `audit` and `audit verify`: the closure flow for scripts.

use std::fmt::Write as _;
use std::path::Path;

use rusqlite::Connection;
use serde_json::json;

use super::exit::{BLOCKED, BROKEN_CHAIN, EXPIRED, LOCKED, WRONG};
use super::output::{self, note, say};
use super::{Failure, listed_total, print_json, read_password, table};
use crate::clock::Clock;
use crate::closing::{Closing, Stepped};
use crate::core::audit::Actor;
use crate::core::audit_chain::Noted;
use crate::core::closure::{Event, Purpose, Reason, Refusal, Step};
use crate::core::permissions::Principal;
use crate::core::time::utc_minute;
use crate::core::words::{counted, plural};
use crate::core::{AccountRef, AccountStatus};
use crate::service::staff;
use crate::store::{accounts, audit, outbox};
use crate::{paths, settings};

/// The closure driver for `db`, acting as the account's customer.
fn closing<'a>(conn: &'a mut Connection, db: &Path, actor: Actor) -> Result<Closing<'a>, Failure> {
    let policy = settings::load_policy(&settings::settings_path(db))?;
    Ok(Closing::new(conn, paths::outbox_dir(db), policy, actor))
}

/// Maps a refusal of the rules to its exit code and message.
fn refused(refusal: Refusal) -> Failure {
    let code = match refusal {
        Refusal::Blocked => BLOCKED,
        Refusal::WrongPassword { .. }
        | Refusal::WrongCode { .. }
        | Refusal::EmailMismatch
        | Refusal::PhraseMismatch => WRONG,
        Refusal::Locked { .. } => LOCKED,
        Refusal::CodeExpired | Refusal::CodeVoided | Refusal::NoCode | Refusal::OutOfOrder => EXPIRED,
        Refusal::NoteTooLong | Refusal::WarningsNotAcknowledged | Refusal::ResendTooSoon { .. } => super::exit::ERROR,
    };
    Failure::with_code(code, refusal)
}

fn accepted(stepped: Stepped) -> Result<crate::core::closure::Wizard, Failure> {
    match stepped.refusal {
        Some(refusal) => Err(refused(refusal)),
        None => Ok(stepped.wizard),
    }
}

/// `close start`.
pub fn start(
    conn: &mut Connection,
    db: &Path,
    which: &AccountRef,
    reason: Reason,
    note: Option<String>,
    clock: Clock,
) -> Result<(), Failure> {
    let account = accounts::get_account(conn, which)?;
    let now = clock.now();
    let mut closing = closing(conn, db, Actor::Customer(account.id))?;
    // Another start within the resend cooldown is a resend too soon: refused before the
    // password is read or anything is written, so the code already mailed stays the valid one.
    if let Some(until) = closing.code_cooldown(account.id, now)? {
        return Err(refused(Refusal::ResendTooSoon { until }));
    }
    let password = read_password()?;
    let wizard = closing.begin(account.id, Purpose::Close)?;

    let (stepped, verdict) = closing.check_readiness(wizard, now)?;
    if !verdict.can_close() {
        for blocker in &verdict.blockers {
            note!("blocker: {} — {}", blocker.title(), blocker.what_to_do());
        }
        let blockers = verdict.blockers.len() as i64;
        return Err(Failure::with_code(
            BLOCKED,
            format!(
                "account {} cannot be closed while {} {}",
                account.id,
                counted(blockers, "blocker", "blockers"),
                plural(blockers, "stands", "stand")
            ),
        ));
    }
    let mut wizard = accepted(stepped)?;
    if wizard.step == Step::Readiness {
        for warning in &verdict.warnings {
            note!("warning: {}", warning.title());
        }
        wizard = accepted(closing.step(wizard, Event::WarningsAcknowledged, now)?)?;
    }
    wizard = accepted(closing.enter_password(wizard, &password, now)?)?;
    drop(password);
    wizard = accepted(closing.step(wizard, Event::ReasonChosen { reason, note }, now)?)?;
    wizard = accepted(closing.step(wizard, Event::BackupDecided { taken: false }, now)?)?;
    let wizard = accepted(closing.accept_summary(wizard, now)?)?;
    let expires = wizard.code.map(|c| utc_minute(c.expires_at)).unwrap_or_default();
    say!(
        "A 6-digit code was mailed to the registered address of account {}; it is valid until {expires}.\n\
         Confirm with: closedesk close confirm {} --code CODE --email EMAIL --phrase \"Deactivate my account\"",
        account.id,
        account.id
    )
}

/// `close confirm`.
pub fn confirm(
    conn: &mut Connection,
    db: &Path,
    which: &AccountRef,
    code: &str,
    email: &str,
    phrase: &str,
    clock: Clock,
) -> Result<(), Failure> {
    let account = accounts::get_account(conn, which)?;
    let now = clock.now();
    let mut closing = closing(conn, db, Actor::Customer(account.id))?;
    let Some(wizard) = closing.resume(account.id)?.filter(|w| w.purpose == Purpose::Close) else {
        return Err(Failure::with_code(
            EXPIRED,
            format!("no closure code is pending for account {}; run close start", account.id),
        ));
    };
    let wizard = accepted(closing.confirm(wizard, code, email, phrase, now)?)?;
    let purge = wizard.purge_after.map(utc_minute).unwrap_or_default();
    say!(
        "Account {} is scheduled for deletion on {purge}.\n\
         To cancel before then: closedesk close cancel {} --password-stdin",
        account.id,
        account.id
    )
}

/// `close cancel --password-stdin` (mails a code) or `close cancel --code` (completes).
pub fn cancel(
    conn: &mut Connection,
    db: &Path,
    which: &AccountRef,
    code: Option<&str>,
    clock: Clock,
) -> Result<(), Failure> {
    let account = accounts::get_account(conn, which)?;
    let now = clock.now();
    let mut closing = closing(conn, db, Actor::Customer(account.id))?;
    if let Some(code) = code {
        let Some(wizard) = closing.resume(account.id)?.filter(|w| w.purpose == Purpose::Cancel) else {
            return Err(Failure::with_code(
                EXPIRED,
                format!("no cancel code is pending for account {}; run close cancel --password-stdin", account.id),
            ));
        };
        accepted(closing.confirm(wizard, code, "", "", now)?)?;
        return say!("The closure of account {} was cancelled; the account is active again.", account.id);
    }
    if let Some(until) = closing.code_cooldown(account.id, now)? {
        return Err(refused(Refusal::ResendTooSoon { until }));
    }
    let password = read_password()?;
    let wizard = closing.begin(account.id, Purpose::Cancel)?;
    let wizard = accepted(closing.enter_password(wizard, &password, now)?)?;
    drop(password);
    let wizard = accepted(closing.accept_summary(wizard, now)?)?;
    let expires = wizard.code.map(|c| utc_minute(c.expires_at)).unwrap_or_default();
    say!(
        "A 6-digit cancel code was mailed to the registered address; it is valid until {expires}.\n\
         Complete with: closedesk close cancel {} --code CODE",
        account.id
    )
}

/// `close status`.
pub fn status(conn: &Connection, which: &AccountRef, json: bool, clock: Clock) -> Result<(), Failure> {
    let account = accounts::get_account(conn, which)?;
    let now = clock.now();
    let request = accounts::closure_request(conn, account.id)?;
    let attempt = crate::store::closure::load_attempt(conn, account.id)?;
    let locked_until = attempt.as_ref().and_then(|w| w.locked_at(now));
    let in_progress = attempt.as_ref().filter(|w| w.step != Step::Done);
    if json {
        return print_json(&json!({
            "account": account.id,
            "status": account.status.as_str(),
            "requested_at": request.as_ref().map(|r| r.requested_at),
            "purge_after": request.as_ref().map(|r| r.purge_after),
            "reason": request.as_ref().map(|r| r.reason_code.clone()),
            "due": request.as_ref().is_some_and(|r| r.purge_after <= now),
            "in_progress": in_progress.map(|w| json!({ "purpose": w.purpose, "step": w.step })),
            "locked_until": locked_until,
        }));
    }
    let mut text = format!("Account {}: {}\n", account.id, account.status.label());
    if let Some(request) = &request {
        let _ = writeln!(text, "  Requested     {}", utc_minute(request.requested_at));
        let due = if request.purge_after <= now { " (due)" } else { "" };
        let _ = writeln!(text, "  Purge after   {}{due}", utc_minute(request.purge_after));
        let _ = writeln!(text, "  Reason        {}", request.reason_code);
    }
    if let Some(wizard) = in_progress {
        let _ = writeln!(text, "  In progress   {:?} at step {:?}", wizard.purpose, wizard.step);
    }
    if let Some(until) = locked_until {
        let _ = writeln!(text, "  Locked until  {}", utc_minute(until));
    }
    if account.status == AccountStatus::Active && request.is_none() && in_progress.is_none() {
        text.push_str("  No closure requested.\n");
    }
    output::stdout(&text)
}

/// `purge-due`, by the agent `session` when one signed in, else as the database file's owner.
pub fn purge_due(
    mut conn: Connection,
    db: &Path,
    session: Option<Principal>,
    json: bool,
    clock: Clock,
) -> Result<(), Failure> {
    let now = clock.now();
    let receipts = match session {
        Some(session) => {
            // The purge's checkpoint completes only when no other connection is open on the file.
            drop(conn);
            staff::run_purge(db, session, now, &mut |_, _| {})
                .map_err(|err| super::staff::failure(err, "run the purge"))?
        }
        None => {
            // The file's owner runs it, not a person signed in: the purge lines name the system.
            crate::store::purge::purge_due(&mut conn, now, &paths::outbox_dir(db), Actor::System, None, &mut |_, _| {})?
        }
    };
    // The purge is committed and audited (a tombstone and a "purge" line per account) before a
    // word is printed: a reader that went away loses the words, not the record.
    if json {
        return print_json(&json!({ "purged_at": now, "receipts": receipts }));
    }
    if receipts.is_empty() {
        return say!("No account is due for purge at {}.", utc_minute(now));
    }
    let mut text = String::new();
    for receipt in &receipts {
        let _ = writeln!(
            text,
            "purged account {}: {} deleted, {} kept as \"Deleted user\", {} removed; \
             byte scan of {} for {}: {} found; checkpoint {}",
            receipt.account,
            counted(receipt.rows_deleted as i64, "row", "rows"),
            counted(receipt.reviews_kept as i64, "review", "reviews"),
            counted(receipt.mail_files_deleted as i64, "mail file", "mail files"),
            counted(receipt.scan.files_scanned.len() as i64, "file", "files"),
            counted(receipt.scan.values_checked as i64, "personal value", "personal values"),
            receipt.scan.hits,
            if receipt.checkpoint_complete {
                "complete"
            } else {
                "incomplete (another program has the database open; its log is emptied when the last one closes)"
            },
        );
        for place in &receipt.scan.places {
            let _ = writeln!(text, "  scanned {}", super::copies::place_line(place));
        }
        let _ = writeln!(text, "  {}", older_copies_line(receipt.older_copies_until));
    }
    output::stdout(&text)
}

/// Until when catalogued copies taken before a purge may still hold the account.
fn older_copies_line(until: Option<jiff::Timestamp>) -> String {
    match until {
        Some(until) => format!(
            "older copies of the database (backup-db) may still hold the account until {}, when they are past \
             retention (backups prune deletes them); a restore erases it again",
            utc_minute(until)
        ),
        None => "no catalogued copy of the database taken before the purge is kept".to_owned(),
    }
}

/// `outbox`: the newest `limit` mails, or the newest in full.
pub fn show_outbox(conn: &Connection, db: &Path, to: Option<&str>, last: bool, limit: usize) -> Result<(), Failure> {
    let mails = outbox::list(conn, to, if last { 1 } else { limit })?;
    if last {
        let Some(mail) = mails.first() else {
            return Err(Failure::error("the outbox holds no such mail"));
        };
        let path = paths::outbox_dir(db).join(&mail.eml_file);
        let text = std::fs::read_to_string(&path)
            .map_err(|err| Failure::error(format!("{}: cannot read the mail: {err}", path.display())))?;
        return output::stdout(&text);
    }
    let total = listed_total(mails.len(), limit, || outbox::count(conn, to))?;
    let rows: Vec<Vec<String>> = mails
        .iter()
        .map(|m| vec![m.id.to_string(), utc_minute(m.created_at), m.to.clone(), m.subject.clone(), m.eml_file.clone()])
        .collect();
    let mut text = table::render(&["ID", "SENT", "TO", "SUBJECT", "FILE"], &rows);
    text.push_str(&table::cut_note(mails.len(), total, "mails, the newest"));
    output::stdout(&text)
}

/// `audit`: the newest `limit` events, oldest first.
pub fn show_audit(conn: &Connection, which: Option<&AccountRef>, limit: usize, json: bool) -> Result<(), Failure> {
    // A purged account is gone from `accounts`, but its trail remains under its id.
    let account = match which {
        Some(AccountRef::Id(id)) => Some(*id),
        Some(other) => Some(accounts::get_account(conn, other)?.id),
        None => None,
    };
    let rows = audit::list(conn, account, limit)?;
    let filter = audit::AuditFilter { account, ..audit::AuditFilter::default() };
    let total = listed_total(rows.len(), limit, || audit::count(conn, &filter))?;
    if json {
        return print_json(&json!({ "events": rows, "total": total, "truncated": (rows.len() as u64) < total }));
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let actor = r.actor_id.map_or(r.actor_kind.clone(), |id| format!("{} {id}", r.actor_kind));
            let account = r.account_id.map_or_else(|| "—".into(), |id| id.to_string());
            vec![utc_minute(r.at), account, actor, r.action.clone(), r.outcome.clone()]
        })
        .collect();
    let mut text = table::render(&["AT", "ACCOUNT", "ACTOR", "ACTION", "OUTCOME"], &cells);
    text.push_str(&table::cut_note(rows.len(), total, "events, the newest"));
    output::stdout(&text)
}

/// `audit verify`: the chain's verdict on stdout; a broken chain exits with [`BROKEN_CHAIN`].
pub fn verify_audit(conn: &Connection, noted: Option<Noted>, json: bool) -> Result<(), Failure> {
    let verdict = audit::verify_noted(conn, noted)?;
    if json {
        print_json(&json!({ "audit_chain": verdict }))?;
    } else if verdict.is_intact() {
        println!("audit trail {verdict}");
    }
    if verdict.is_intact() { Ok(()) } else { Err(Failure::with_code(BROKEN_CHAIN, format!("audit trail {verdict}"))) }
}
