//! What each subcommand does, on top of `store`, `auth` and `demo`.

use std::fmt::Write as _;
use std::io::{BufRead as _, IsTerminal as _};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde_json::json;

use super::args::{AgentsCommand, Args, AuditCommand, BackupsCommand, CloseCommand, Command};
use super::output::{self, counted, note, say};
use super::{Failure, backup, close, copies, staff, table};
use crate::auth::Secret;
use crate::clock::Clock;
use crate::core::money::group_thousands;
use crate::core::time::{utc_date, utc_minute};
use crate::core::{AccountRef, Role};
use crate::service::access::Acting;
use crate::service::agents;
use crate::service::database::{self, Opened};
use crate::service::directory::{self, AccountFilter, Counted};
use crate::{demo, paths};

/// Runs the parsed command line.
pub fn run(args: Args, window: Option<super::Window>) -> Result<(), Failure> {
    let db = db_path(args.db)?;
    // Before anything else reads or writes: what an interrupted run left is finished or undone.
    let now = Clock::for_command().map_or_else(|_| jiff::Timestamp::now(), Clock::now);
    crate::erasure::recover(&db, now);
    let Some(command) = args.command else {
        // `closedesk-cli` requires a command, so only the desktop program gets here.
        let Some(open) = window else {
            return Err(Failure::with_code(
                super::exit::USAGE,
                "closedesk-cli needs a command; see closedesk-cli --help",
            ));
        };
        return open(db, Clock::for_app()?).map_err(|err| Failure::error(format!("{err:#}")));
    };
    let clock = Clock::for_command()?;
    run_command(command, &db, clock).map_err(|failure| failure.naming_database(&db))
}

fn run_command(command: Command, db: &Path, clock: Clock) -> Result<(), Failure> {
    match command {
        Command::Init { empty } => init(db, empty, clock),
        Command::Seed { accounts, orders_per_account, seed } => {
            seed_accounts(db, &demo::seed::SeedSpec { accounts, orders_per_account, seed }, clock)
        }
        Command::Accounts { search, status, limit, json } => {
            let conn = open_to_read(db, clock)?;
            let filter = AccountFilter { search: search.as_deref(), status, limit: all_if_zero(limit) };
            list_accounts(&conn, &filter, json)
        }
        Command::Show { account, json } => show(&open_to_read(db, clock)?, &account, json),
        Command::SetPassword { account, .. } => set_password(&mut open_to_write(db, clock)?, &account, clock),
        Command::Agents { command: AgentsCommand::Add { name, role, .. } } => {
            drop(open_to_write(db, clock)?);
            add_agent(db, &name, role, clock)
        }
        Command::Agents { command: AgentsCommand::List { json } } => list_agents(&open_to_read(db, clock)?, json),
        Command::Agents { command: AgentsCommand::Disable { name } } => {
            set_agent_disabled(db, &open_to_write(db, clock)?, &name, true, clock)
        }
        Command::Agents { command: AgentsCommand::Enable { name } } => {
            set_agent_disabled(db, &open_to_write(db, clock)?, &name, false, clock)
        }
        Command::Agents { command: AgentsCommand::ResetPassword { name, .. } } => {
            reset_agent_password(db, &open_to_write(db, clock)?, &name, clock)
        }
        Command::Close { command } => close_command(command, db, clock),
        Command::PurgeDue { json, staff } => {
            let session = signed_in(db, &staff, clock)?;
            close::purge_due(db, session, json, clock)
        }
        Command::Outbox { to, last, limit } => {
            close::show_outbox(&open_to_read(db, clock)?, db, to.as_deref(), last, all_if_zero(limit))
        }
        Command::Audit { command: Some(AuditCommand::Verify { noted, json }), .. } => {
            close::verify_audit(&open_to_read(db, clock)?, noted, json)
        }
        Command::Audit { command: None, account, limit, json } => {
            close::show_audit(&open_to_read(db, clock)?, account.as_ref(), all_if_zero(limit), json)
        }
        Command::Export { account, out, format, force } => {
            // The audit line of the backup must be writable before the file is written.
            let conn = open_to_write(db, clock).map_err(|failure| {
                Failure::error(format!(
                    "{}, and {} was not written: every backup is recorded in the audit trail",
                    failure.message,
                    out.display()
                ))
            })?;
            backup::export(&conn, &account, &out, format, force, clock)
        }
        Command::Verify { file, against_db } => {
            backup::verify(&file, against_db.then(|| open_to_read(db, clock)).transpose()?.as_ref())
        }
        Command::BackupDb { out, force, staff } => {
            // Only a first use or a sign-in writes the database; a copy only reads it.
            let session = if staff.agent.is_some() || !db.exists() { signed_in(db, &staff, clock)? } else { None };
            backup::backup_db(db, &out, force, session, clock)
        }
        Command::RestoreDb { file, force, staff } => {
            let session = if staff.agent.is_some() { signed_in(db, &staff, clock)? } else { None };
            copies::restore(db, &file, force, session, clock)
        }
        Command::Backups { command: None, json } => {
            // Listing only reads; a first use creates the database as every command does.
            drop(open_to_read(db, clock)?);
            copies::list(db, json, clock)
        }
        Command::Backups { command: Some(BackupsCommand::Prune { staff }), .. } => {
            let session = signed_in(db, &staff, clock)?;
            copies::prune(db, session, clock)
        }
        Command::InstallDesktopEntry => {
            let written =
                crate::desktop_entry::install_for_current_user().map_err(|err| Failure::error(format!("{err:#}")))?;
            let mut text = String::new();
            for path in written {
                let _ = writeln!(text, "installed {}", path.display());
            }
            output::stdout(&text)
        }
    }
}

/// `closedesk close …`: `status` reads; the others change the database.
fn close_command(command: CloseCommand, db: &Path, clock: Clock) -> Result<(), Failure> {
    match command {
        CloseCommand::Status { account, json } => close::status(&open_to_read(db, clock)?, &account, json, clock),
        CloseCommand::Start { account, reason, note, .. } => {
            close::start(&open_to_write(db, clock)?, db, &account, reason, note, clock)
        }
        CloseCommand::Confirm { account, code, email, phrase } => {
            close::confirm(&open_to_write(db, clock)?, db, &account, &code, &email, &phrase, clock)
        }
        CloseCommand::Cancel { account, code, .. } => {
            close::cancel(&open_to_write(db, clock)?, db, &account, code.as_deref(), clock)
        }
    }
}

/// `--limit 0` means no limit.
fn all_if_zero(limit: usize) -> usize {
    if limit == 0 { usize::MAX } else { limit }
}

fn db_path(given: Option<PathBuf>) -> Result<PathBuf, Failure> {
    given
        .or_else(paths::default_db_path)
        .ok_or_else(|| Failure::error("no platform data folder was found; pass --db PATH or set CLOSEDESK_DB"))
}

/// The agent given with `--agent`, signed in (which writes the throttle and the audit line, so
/// the database must be writable); `None` without `--agent`.
fn signed_in(
    db: &Path,
    staff: &super::args::AsAgent,
    clock: Clock,
) -> Result<Option<crate::core::permissions::Principal>, Failure> {
    drop(open_to_write(db, clock)?);
    staff::sign_in(db, staff, clock)
}

/// Says so when opening the database created it.
fn noting_creation(path: &Path, (conn, opened): (Connection, Opened)) -> Connection {
    if opened == Opened::Created {
        note!("created {} with demo accounts", path.display());
    }
    conn
}

/// Opens the database for a command that changes it (creating it with demo accounts on first
/// use), and refuses at once, before anything is done, when it cannot be written.
fn open_to_write(path: &Path, clock: Clock) -> Result<Connection, Failure> {
    Ok(noting_creation(path, database::open_to_write(path, clock.now())?))
}

/// Opens the database for a command that only reads it: read-only, so that a file or folder
/// the user may read but not write is enough.
fn open_to_read(path: &Path, clock: Clock) -> Result<Connection, Failure> {
    Ok(noting_creation(path, database::open_to_read(path, clock.now())?))
}

fn init(path: &Path, empty: bool, clock: Clock) -> Result<(), Failure> {
    if path.exists() {
        return Err(Failure::error(format!("{} already exists; nothing was changed", path.display())));
    }
    database::create(path, empty, clock.now())?;
    if empty {
        say!("created empty database {}", path.display())
    } else {
        say!("created {} with demo accounts (logins in the README)", path.display())
    }
}

fn seed_accounts(path: &Path, spec: &demo::seed::SeedSpec, clock: Clock) -> Result<(), Failure> {
    let mut conn = open_to_write(path, clock)?;
    let show_progress = std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let report = demo::seed::seed(&mut conn, spec, clock.now(), &mut |done| {
        if show_progress {
            output::stderr(&format!(
                "\rseeding: {} of {}",
                group_thousands(done),
                counted(spec.accounts, "account", "accounts")
            ));
        }
    })?;
    if show_progress {
        output::stderr("\n");
    }
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    say!(
        "added {} and {} ({}, batch {}) in {secs:.2} s: {} rows/s",
        counted(report.accounts, "account", "accounts"),
        counted(report.orders, "order", "orders"),
        counted(report.rows, "row", "rows"),
        report.batch,
        group_thousands((report.rows as f64 / secs) as u64),
    )
}

fn list_accounts(conn: &Connection, filter: &AccountFilter<'_>, json: bool) -> Result<(), Failure> {
    let listing = directory::list(conn, Acting::FileOwner, filter)?;
    if json {
        return print_counted("accounts", &listing);
    }
    let cells: Vec<Vec<String>> = listing
        .rows
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.display_name.clone(),
                a.email.clone(),
                a.country.clone(),
                a.status.as_str().to_owned(),
            ]
        })
        .collect();
    let mut text = table::render(&["ID", "NAME", "EMAIL", "COUNTRY", "STATUS"], &cells);
    text.push_str(&table::cut_note(listing.rows.len(), listing.total, "accounts"));
    output::stdout(&text)
}

/// A listing as one JSON document: its rows under `name`, the total, and whether it was cut.
pub(super) fn print_counted<T: serde::Serialize>(name: &str, listing: &Counted<T>) -> Result<(), Failure> {
    print_json(&json!({ name: listing.rows, "total": listing.total, "truncated": listing.is_cut() }))
}

fn show(conn: &Connection, which: &AccountRef, json: bool) -> Result<(), Failure> {
    let directory::AccountView { account, counts, closure } = directory::show(conn, Acting::FileOwner, which)?;
    if json {
        return print_json(&json!({ "account": account, "counts": counts, "closure": closure }));
    }
    let mut out = format!("Account {} — {}\n", account.id, account.display_name);
    let mut field = |name: &str, value: &str| {
        let _ = writeln!(out, "  {name:<14}{value}");
    };
    field("Email", &account.email);
    field("Phone", account.phone.as_deref().unwrap_or("—"));
    field("Country", &account.country);
    field("Member since", &utc_date(account.created_at));
    field("Status", account.status.label());
    if let Some(closure) = &closure {
        field("Closure asked", &utc_minute(closure.requested_at));
        field("Purge after", &utc_minute(closure.purge_after));
    }
    out.push_str("Holds:\n");
    for (label, count) in counts.labelled() {
        let _ = writeln!(out, "  {label:<22}{:>10}", group_thousands(count as u64));
    }
    output::stdout(&out)
}

fn set_password(conn: &mut Connection, which: &AccountRef, clock: Clock) -> Result<(), Failure> {
    // The account is looked up before the password is read: a wrong id is said at once.
    directory::find(conn, Acting::FileOwner, which)?;
    let id = directory::set_password(conn, which, &read_password()?, clock.now())?;
    say!("password updated for account {id}")
}

fn add_agent(db: &Path, name: &str, role: Role, clock: Clock) -> Result<(), Failure> {
    if name.trim().is_empty() {
        return Err(Failure::with_code(super::exit::USAGE, "the agent name is empty"));
    }
    let id = agents::add(db, Acting::FileOwner, name, role, &read_password()?, clock.now())?;
    say!("added agent {id} ({})", role.as_str())
}

fn list_agents(conn: &Connection, json: bool) -> Result<(), Failure> {
    let rows = agents::list(conn, Acting::FileOwner)?;
    if json {
        // Every agent, always: the same shape as the listings that can be cut.
        return print_counted("agents", &Counted { total: rows.len() as u64, rows });
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.name.clone(),
                a.role.as_str().to_owned(),
                if a.disabled { "disabled" } else { "active" }.to_owned(),
            ]
        })
        .collect();
    output::stdout(&table::render(&["ID", "NAME", "ROLE", "STATE"], &cells))
}

fn set_agent_disabled(db: &Path, conn: &Connection, name: &str, disabled: bool, clock: Clock) -> Result<(), Failure> {
    let agent = agents::named(conn, Acting::FileOwner, name)?;
    agents::set_disabled(db, Acting::FileOwner, agent.id, disabled, clock.now())?;
    say!("agent {} {}", agent.id, if disabled { "disabled" } else { "enabled" })
}

fn reset_agent_password(db: &Path, conn: &Connection, name: &str, clock: Clock) -> Result<(), Failure> {
    let agent = agents::named(conn, Acting::FileOwner, name)?;
    agents::reset_password(db, Acting::FileOwner, agent.id, &read_password()?, clock.now())?;
    say!("password reset for agent {}", agent.id)
}

/// Reads one line from standard input as a password, without its line ending.
pub(super) fn read_password() -> Result<Secret, Failure> {
    let mut line = Secret::new(String::new());
    let mut buffer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut buffer)
        .map_err(|err| Failure::error(format!("cannot read the password from standard input: {err}")))?;
    let trimmed = buffer.trim_end_matches(['\r', '\n']);
    if !trimmed.is_empty() {
        line = Secret::from(trimmed);
    }
    zeroize::Zeroize::zeroize(&mut buffer);
    if line.is_empty() {
        return Err(Failure::error("no password on standard input"));
    }
    Ok(line)
}

/// Prints `value` as one pretty JSON document and a line break.
pub(super) fn print_json(value: &serde_json::Value) -> Result<(), Failure> {
    let mut text =
        serde_json::to_string_pretty(value).map_err(|err| Failure::error(format!("cannot write JSON: {err}")))?;
    text.push('\n');
    output::stdout(&text)
}
