//! `closedesk close …`, `purge-due`, `outbox`, `audit` and `audit verify`: the closure flow for scripts.

use std::fmt::Write as _;
use std::path::Path;

use rusqlite::Connection;
use serde_json::json;

use super::commands::print_counted;
use super::exit::{BLOCKED, BROKEN_CHAIN, EXPIRED, LOCKED, WRONG};
use super::output::{self, note, say};
use super::{Failure, print_json, read_password, table};
use crate::clock::Clock;
use crate::core::audit_chain::Noted;
use crate::core::closure::{Purpose, Reason, Refusal, Step, Wizard};
use crate::core::permissions::Principal;
use crate::core::time::utc_minute;
use crate::core::words::{counted, plural};
use crate::core::{AccountId, AccountRef, AccountStatus};
use crate::service::access::Acting;
use crate::service::closure::{self, ClosureReply, ClosureRequest};
use crate::service::{directory, staff, trail};

/// The customer of the account `which` names, as whom the closure commands act: whoever
/// knows the account's password (and reads its mail) is its customer.
fn customer(conn: &Connection, which: &AccountRef) -> Result<(AccountId, Principal), Failure> {
    let account = directory::find(conn, Acting::FileOwner, which)?.id;
    Ok((account, Principal::Customer(account)))
}

/// Refused at once when a code was mailed within the resend cooldown: before the password is
/// read or anything is written, so that the code already mailed stays the valid one.
fn not_too_soon(db: &Path, session: Principal, account: AccountId, clock: Clock) -> Result<(), Failure> {
    match closure::code_cooldown(db, session, account, clock.now())? {
        Some(until) => Err(refused(Refusal::ResendTooSoon { until })),
        None => Ok(()),
    }
}

/// The unfinished request of `purpose` for `account`, if there is one.
fn pending(
    conn: &Connection,
    session: Principal,
    account: AccountId,
    purpose: Purpose,
) -> Result<Option<Wizard>, Failure> {
    Ok(closure::attempt(conn, session, account)?.filter(|w| w.step != Step::Done && w.purpose == purpose))
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

/// The wizard after a step, or the step's refusal as a failure.
fn accepted(reply: ClosureReply) -> Result<Wizard, Failure> {
    match (reply.refusal, reply.wizard) {
        (Some(refusal), _) => Err(refused(refusal)),
        (None, Some(wizard)) => Ok(wizard),
        (None, None) => Err(Failure::error("the closure step gave no state back")),
    }
}

/// `close start`.
pub fn start(
    conn: &Connection,
    db: &Path,
    which: &AccountRef,
    reason: Reason,
    note: Option<String>,
    clock: Clock,
) -> Result<(), Failure> {
    let (account, session) = customer(conn, which)?;
    not_too_soon(db, session, account, clock)?;
    let password = read_password()?;
    let request = ClosureRequest::StartAtOnce { account, password, reason, note };
    let mut reply = closure::step(db, session, request, clock.now())?;
    let verdict = reply.readiness.take().unwrap_or_default();
    if !verdict.can_close() {
        for blocker in &verdict.blockers {
            note!("blocker: {} — {}", blocker.title(), blocker.what_to_do());
        }
        let blockers = verdict.blockers.len() as i64;
        return Err(Failure::with_code(
            BLOCKED,
            format!(
                "account {account} cannot be closed while {} {}",
                counted(blockers, "blocker", "blockers"),
                plural(blockers, "stands", "stand")
            ),
        ));
    }
    for warning in &verdict.warnings {
        note!("warning: {}", warning.title());
    }
    let wizard = accepted(reply)?;
    let expires = wizard.code.map(|c| utc_minute(c.expires_at)).unwrap_or_default();
    say!(
        "A 6-digit code was mailed to the registered address of account {account}; it is valid until {expires}.\n\
         Confirm with: closedesk close confirm {account} --code CODE --email EMAIL --phrase \"Deactivate my account\""
    )
}

/// `close confirm`.
pub fn confirm(
    conn: &Connection,
    db: &Path,
    which: &AccountRef,
    code: &str,
    email: &str,
    phrase: &str,
    clock: Clock,
) -> Result<(), Failure> {
    let (account, session) = customer(conn, which)?;
    let Some(wizard) = pending(conn, session, account, Purpose::Close)? else {
        return Err(Failure::with_code(
            EXPIRED,
            format!("no closure code is pending for account {account}; run close start"),
        ));
    };
    let request =
        ClosureRequest::Confirm { wizard, code: code.into(), email: email.to_owned(), phrase: phrase.to_owned() };
    let wizard = accepted(closure::step(db, session, request, clock.now())?)?;
    let purge = wizard.purge_after.map(utc_minute).unwrap_or_default();
    say!(
        "Account {account} is scheduled for deletion on {purge}.\n\
         To cancel before then: closedesk close cancel {account} --password-stdin"
    )
}

/// `close cancel --password-stdin` (mails a code) or `close cancel --code` (completes).
pub fn cancel(
    conn: &Connection,
    db: &Path,
    which: &AccountRef,
    code: Option<&str>,
    clock: Clock,
) -> Result<(), Failure> {
    let (account, session) = customer(conn, which)?;
    if let Some(code) = code {
        let Some(wizard) = pending(conn, session, account, Purpose::Cancel)? else {
            return Err(Failure::with_code(
                EXPIRED,
                format!("no cancel code is pending for account {account}; run close cancel --password-stdin"),
            ));
        };
        let request =
            ClosureRequest::Confirm { wizard, code: code.into(), email: String::new(), phrase: String::new() };
        accepted(closure::step(db, session, request, clock.now())?)?;
        return say!("The closure of account {account} was cancelled; the account is active again.");
    }
    not_too_soon(db, session, account, clock)?;
    let password = read_password()?;
    let wizard = accepted(closure::step(db, session, ClosureRequest::BeginCancel { account, password }, clock.now())?)?;
    let expires = wizard.code.map(|c| utc_minute(c.expires_at)).unwrap_or_default();
    say!(
        "A 6-digit cancel code was mailed to the registered address; it is valid until {expires}.\n\
         Complete with: closedesk close cancel {account} --code CODE"
    )
}

/// `close status`.
pub fn status(conn: &Connection, which: &AccountRef, json: bool, clock: Clock) -> Result<(), Failure> {
    let now = clock.now();
    let directory::AccountView { account, closure: request, .. } = directory::show(conn, Acting::FileOwner, which)?;
    let attempt = closure::attempt(conn, Principal::Customer(account.id), account.id)?;
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
pub fn purge_due(db: &Path, session: Option<Principal>, json: bool, clock: Clock) -> Result<(), Failure> {
    let now = clock.now();
    // Without `--agent` the file's owner runs it, not a person signed in: the lines name the system.
    let acting = session.map_or(Acting::FileOwner, Acting::Session);
    let receipts =
        staff::run_purge(db, acting, now, &mut |_, _| {}).map_err(|err| super::staff::failure(err, "run the purge"))?;
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
    if last {
        let Some((_, path)) = trail::last_mail(conn, db, Acting::FileOwner, to)? else {
            return Err(Failure::error("the outbox holds no such mail"));
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|err| Failure::error(format!("{}: cannot read the mail: {err}", path.display())))?;
        return output::stdout(&text);
    }
    let mails = trail::mails(conn, Acting::FileOwner, to, limit)?;
    let rows: Vec<Vec<String>> = mails
        .rows
        .iter()
        .map(|m| vec![m.id.to_string(), utc_minute(m.created_at), m.to.clone(), m.subject.clone(), m.eml_file.clone()])
        .collect();
    let mut text = table::render(&["ID", "SENT", "TO", "SUBJECT", "FILE"], &rows);
    text.push_str(&table::cut_note(mails.rows.len(), mails.total, "mails, the newest"));
    output::stdout(&text)
}

/// `audit`: the newest `limit` events, oldest first.
pub fn show_audit(conn: &Connection, which: Option<&AccountRef>, limit: usize, json: bool) -> Result<(), Failure> {
    let events = trail::audit_lines(conn, Acting::FileOwner, which, limit)?;
    if json {
        return print_counted("events", &events);
    }
    let cells: Vec<Vec<String>> = events
        .rows
        .iter()
        .map(|r| {
            let actor = r.actor_id.map_or(r.actor_kind.clone(), |id| format!("{} {id}", r.actor_kind));
            let account = r.account_id.map_or_else(|| "—".into(), |id| id.to_string());
            vec![utc_minute(r.at), account, actor, r.action.clone(), r.outcome.clone()]
        })
        .collect();
    let mut text = table::render(&["AT", "ACCOUNT", "ACTOR", "ACTION", "OUTCOME"], &cells);
    text.push_str(&table::cut_note(events.rows.len(), events.total, "events, the newest"));
    output::stdout(&text)
}

/// `audit verify`: the chain's verdict on stdout; a broken chain exits with [`BROKEN_CHAIN`].
pub fn verify_audit(conn: &Connection, noted: Option<Noted>, json: bool) -> Result<(), Failure> {
    let verdict = trail::verify_audit(conn, Acting::FileOwner, noted)?;
    if json {
        print_json(&json!({ "audit_chain": verdict }))?;
    } else if verdict.is_intact() {
        println!("audit trail {verdict}");
    }
    if verdict.is_intact() { Ok(()) } else { Err(Failure::with_code(BROKEN_CHAIN, format!("audit trail {verdict}"))) }
}
