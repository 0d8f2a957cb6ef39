//! What each subcommand does, on top of `store`, `auth` and `demo`.

use std::fmt::Write as _;
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde_json::json;

use super::args::{AgentsCommand, Args, AuditCommand, CloseCommand, Command};
use super::{Failure, backup, close, staff, table};
use crate::auth::{Secret, password};
use crate::clock::Clock;
use crate::core::audit::{Actor, AuditEvent};
use crate::core::money::group_thousands;
use crate::core::time::{utc_date, utc_minute};
use crate::core::{AccountRef, Role};
use crate::store::{self, accounts, agents, audit};
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
    match command {
        Command::Init { empty } => init(&db, empty, clock),
        Command::Seed { accounts, orders_per_account, seed } => {
            seed_accounts(&db, &demo::seed::SeedSpec { accounts, orders_per_account, seed }, clock)
        }
        Command::Accounts { search, status, limit, json } => {
            let conn = open(&db, clock)?;
            let filter = accounts::AccountFilter { search: search.as_deref(), status, limit };
            list_accounts(&conn, &filter, json)
        }
        Command::Show { account, json } => show(&open(&db, clock)?, &account, json),
        Command::SetPassword { account, .. } => set_password(&mut open(&db, clock)?, &account, clock),
        Command::Agents { command: AgentsCommand::Add { name, role, .. } } => {
            add_agent(&mut open(&db, clock)?, &name, role, clock)
        }
        Command::Agents { command: AgentsCommand::List { json } } => list_agents(&open(&db, clock)?, json),
        Command::Agents { command: AgentsCommand::Disable { name } } => {
            set_agent_disabled(&mut open(&db, clock)?, &name, true, clock)
        }
        Command::Agents { command: AgentsCommand::Enable { name } } => {
            set_agent_disabled(&mut open(&db, clock)?, &name, false, clock)
        }
        Command::Agents { command: AgentsCommand::ResetPassword { name, .. } } => {
            reset_agent_password(&mut open(&db, clock)?, &name, clock)
        }
        Command::Close { command } => {
            let mut conn = open(&db, clock)?;
            match command {
                CloseCommand::Start { account, reason, note, .. } => {
                    close::start(&mut conn, &db, &account, reason, note, clock)
                }
                CloseCommand::Confirm { account, code, email, phrase } => {
                    close::confirm(&mut conn, &db, &account, &code, &email, &phrase, clock)
                }
                CloseCommand::Cancel { account, code, .. } => {
                    close::cancel(&mut conn, &db, &account, code.as_deref(), clock)
                }
                CloseCommand::Status { account, json } => close::status(&mut conn, &account, json, clock),
            }
        }
        Command::PurgeDue { json, staff } => {
            let mut conn = open(&db, clock)?;
            let session = staff::sign_in(&mut conn, &staff, clock)?;
            close::purge_due(conn, &db, session, json, clock)
        }
        Command::Outbox { to, last, limit } => close::show_outbox(&open(&db, clock)?, &db, to.as_deref(), last, limit),
        Command::Audit { command: Some(AuditCommand::Verify { noted, json }), .. } => {
            close::verify_audit(&open(&db, clock)?, noted, json)
        }
        Command::Audit { command: None, account, limit, json } => {
            close::show_audit(&open(&db, clock)?, account.as_ref(), limit, json)
        }
        Command::Export { account, out, format, force } => {
            backup::export(&open(&db, clock)?, &account, &out, format, force, clock)
        }
        Command::Verify { file, against_db } => {
            backup::verify(&file, against_db.then(|| open(&db, clock)).transpose()?.as_ref())
        }
        Command::BackupDb { out, force, staff } => {
            // Only a first use or a sign-in writes the database; a copy only reads it.
            let session = if staff.agent.is_some() || !db.exists() {
                staff::sign_in(&mut open(&db, clock)?, &staff, clock)?
            } else {
                None
            };
            backup::backup_db(&db, &out, force, session, clock)
        }
        Command::InstallDesktopEntry => {
            for path in
                crate::desktop_entry::install_for_current_user().map_err(|err| Failure::error(format!("{err:#}")))?
            {
                println!("installed {}", path.display());
            }
            Ok(())
        }
    }
}

fn db_path(given: Option<PathBuf>) -> Result<PathBuf, Failure> {
    given
        .or_else(paths::default_db_path)
        .ok_or_else(|| Failure::error("no platform data folder was found; pass --db PATH or set CLOSEDESK_DB"))
}

/// Opens the database, creating it with demo data on first use.
fn open(path: &Path, clock: Clock) -> Result<Connection, Failure> {
    let (conn, opened) = demo::open_or_create_with_demo(path, clock.now())?;
    if opened == store::Opened::Created {
        eprintln!("created {} with demo accounts", path.display());
    }
    Ok(conn)
}

fn init(path: &Path, empty: bool, clock: Clock) -> Result<(), Failure> {
    if path.exists() {
        return Err(Failure::error(format!("{} already exists; nothing was changed", path.display())));
    }
    if empty {
        store::create_empty(path)?;
        println!("created empty database {}", path.display());
    } else {
        demo::open_or_create_with_demo(path, clock.now())?;
        println!("created {} with demo accounts (logins in the README)", path.display());
    }
    Ok(())
}

fn seed_accounts(path: &Path, spec: &demo::seed::SeedSpec, clock: Clock) -> Result<(), Failure> {
    let mut conn = open(path, clock)?;
    let show_progress = std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let report = demo::seed::seed(&mut conn, spec, clock.now(), &mut |done| {
        if show_progress {
            eprint!("\rseeding: {} of {} accounts", group_thousands(done), group_thousands(spec.accounts));
        }
    })?;
    if show_progress {
        eprintln!();
    }
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    println!(
        "added {} accounts and {} orders ({} rows, batch {}) in {secs:.2} s: {} rows/s",
        group_thousands(report.accounts),
        group_thousands(report.orders),
        group_thousands(report.rows),
        report.batch,
        group_thousands((report.rows as f64 / secs) as u64),
    );
    Ok(())
}

fn list_accounts(conn: &Connection, filter: &accounts::AccountFilter<'_>, json: bool) -> Result<(), Failure> {
    let rows = accounts::list_accounts(conn, filter)?;
    if json {
        return print_json(&json!({ "accounts": rows }));
    }
    let cells: Vec<Vec<String>> = rows
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
    print!("{}", table::render(&["ID", "NAME", "EMAIL", "COUNTRY", "STATUS"], &cells));
    Ok(())
}

fn show(conn: &Connection, which: &AccountRef, json: bool) -> Result<(), Failure> {
    let account = accounts::get_account(conn, which)?;
    let counts = accounts::account_counts(conn, account.id)?;
    let closure = accounts::closure_request(conn, account.id)?;
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
    print!("{out}");
    Ok(())
}

fn set_password(conn: &mut Connection, which: &AccountRef, clock: Clock) -> Result<(), Failure> {
    let account = accounts::get_account(conn, which)?;
    let phc = password::hash_new(&read_password()?)?;
    let now = clock.now();
    store::write(conn, |tx| {
        accounts::set_password(tx, account.id, &phc, now)?;
        let event =
            AuditEvent { account: Some(account.id), actor: Actor::System, action: "password_set", outcome: "ok" };
        audit::record(tx, &event, now)
    })?;
    println!("password updated for account {}", account.id);
    Ok(())
}

fn add_agent(conn: &mut Connection, name: &str, role: Role, clock: Clock) -> Result<(), Failure> {
    if name.trim().is_empty() {
        return Err(Failure::with_code(super::exit::USAGE, "the agent name is empty"));
    }
    let phc = password::hash_new(&read_password()?)?;
    let now = clock.now();
    let id = store::write(conn, |tx| {
        let id = agents::insert_agent(tx, name, role, &phc, now)?;
        audit::record(
            tx,
            &AuditEvent { account: None, actor: Actor::System, action: "agent_added", outcome: "ok" },
            now,
        )?;
        Ok(id)
    })?;
    println!("added agent {id} ({})", role.as_str());
    Ok(())
}

fn list_agents(conn: &Connection, json: bool) -> Result<(), Failure> {
    let rows = agents::list_agents(conn)?;
    if json {
        return print_json(&json!({ "agents": rows }));
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
    print!("{}", table::render(&["ID", "NAME", "ROLE", "STATE"], &cells));
    Ok(())
}

/// The agent named `name` (in any case), or a not-found failure.
fn agent_named(conn: &Connection, name: &str) -> Result<agents::AgentRow, Failure> {
    agents::find_by_name(conn, name)?.ok_or_else(|| Failure::error(format!("no agent is named '{}'", name.trim())))
}

fn set_agent_disabled(conn: &mut Connection, name: &str, disabled: bool, clock: Clock) -> Result<(), Failure> {
    let agent = agent_named(conn, name)?;
    let now = clock.now();
    store::write(conn, |tx| {
        agents::set_disabled(tx, agent.id, disabled)?;
        let action = if disabled { "agent_disabled" } else { "agent_enabled" };
        audit::record(tx, &AuditEvent { account: None, actor: Actor::System, action, outcome: "ok" }, now)
    })?;
    println!("agent {} {}", agent.id, if disabled { "disabled" } else { "enabled" });
    Ok(())
}

fn reset_agent_password(conn: &mut Connection, name: &str, clock: Clock) -> Result<(), Failure> {
    let agent = agent_named(conn, name)?;
    let phc = password::hash_new(&read_password()?)?;
    let now = clock.now();
    store::write(conn, |tx| {
        agents::set_password(tx, agent.id, &phc)?;
        let event = AuditEvent { account: None, actor: Actor::System, action: "agent_password_reset", outcome: "ok" };
        audit::record(tx, &event, now)
    })?;
    println!("password reset for agent {}", agent.id);
    Ok(())
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

pub(super) fn print_json(value: &serde_json::Value) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, value)
        .map_err(|err| Failure::error(format!("cannot write JSON: {err}")))?;
    writeln!(stdout).map_err(|err| Failure::error(format!("cannot write to standard output: {err}")))
}
