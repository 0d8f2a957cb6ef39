//! What support staff do, each operation checked against the acting agent's role in core and
//! audited under their name. The agent desk runs these on its workers, and the CLI runs
//! `run_purge` and `backup_database` for `--agent`; nothing here knows of egui.
//!
//! The role is read again from the database before anything else, so a hidden button is never
//! the only guard, and an agent disabled mid-session can no longer act.

use std::io::Write as _;
use std::path::Path;

use jiff::Timestamp;
use rusqlite::Connection;

use crate::auth::{self, Credentials, Secret, Session, SignInError};
use crate::backup::{self, DbBackupReport};
use crate::core::audit::{Actor, AuditEvent};
use crate::core::audit_chain::Verdict;
use crate::core::permissions::{Action, Principal};
use crate::core::{AccountId, AgentId, Role};
use crate::paths;
use crate::service::access;
use crate::service::access::Acting;
use crate::service::agents;
use crate::store;
use crate::store::agents as agent_rows;
use crate::store::audit;
use crate::store::purge;
use crate::store::queue;

pub use crate::store::agents::AgentRow;
pub use crate::store::audit::{AuditFilter, AuditRow};
pub use crate::store::purge::{PurgePreview, PurgeReceipt};
pub use crate::store::queue::QueueRow;

/// The most closure-pending accounts the queue lists.
const QUEUE_LIMIT: usize = 1_000;

/// Why an operation was not carried out: the service layer's error.
pub use crate::service::ServiceError as StaffError;

/// What the audit worker found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditPage {
    /// The filter as the store applied it (an agent's name resolved to its id): the export
    /// writes exactly these lines.
    pub filter: AuditFilter,
    /// How many lines match.
    pub total: u64,
    /// The newest of them.
    pub rows: Vec<AuditRow>,
    /// Every action in the trail, for the drop-down.
    pub actions: Vec<String>,
    /// The check of the whole trail's hash chain (whatever the filter).
    pub chain: Verdict,
}

// Each operation opens its own connection: the desk runs them on workers.

/// The acting agent, if `session` may do `action` now: the role is read again from the
/// database, so a demotion or a disabling takes effect without a new sign-in.
fn check(conn: &Connection, session: Principal, action: Action) -> Result<AgentId, StaffError> {
    access::authorize_agent(conn, session, action)
}

fn record(conn: &Connection, actor: Actor, action: &'static str, now: Timestamp) -> Result<(), StaffError> {
    let event = AuditEvent { account: None, actor, action, outcome: "ok" };
    Ok(audit::record(conn, &event, now)?)
}

/// The closure-pending accounts.
pub fn load_queue(db: &Path, session: Principal) -> Result<Vec<QueueRow>, StaffError> {
    let conn = store::open_existing(db)?;
    check(&conn, session, Action::ViewClosureQueue)?;
    Ok(queue::closure_queue(&conn, QUEUE_LIMIT)?)
}

/// The accounts a purge at `now` would remove, each with what it would delete; admins only.
pub fn preview_purge(db: &Path, session: Principal, now: Timestamp) -> Result<Vec<PurgePreview>, StaffError> {
    let conn = store::open_existing(db)?;
    check(&conn, session, Action::RunPurge)?;
    Ok(purge::purge_preview(&conn, now)?)
}

/// Purges every due account at `now`, reporting `progress(done, total)`; admins only, or the
/// database file's owner. The command line's run: with `--agent`, whose sign-in just checked
/// the password, or as the file's owner, whom the purge lines name `system`.
pub fn run_purge(
    db: &Path,
    acting: Acting,
    now: Timestamp,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<PurgeReceipt>, StaffError> {
    let mut conn = store::open_existing(db)?;
    let actor = access::authorize_staff(&conn, acting, Action::RunPurge)?;
    purge_as(&mut conn, db, actor, None, now, progress)
}

/// The window's purge: of the due accounts, those in `confirmed` (the list the admin saw),
/// once the admin's `password` is checked again as a sign-in would (argon2 on the caller's
/// worker, failures throttled alike); admins only. A wrong password purges nothing, and its
/// refusal is audited.
pub fn run_confirmed_purge(
    db: &Path,
    session: Principal,
    password: &Secret,
    confirmed: &[AccountId],
    now: Timestamp,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<PurgeReceipt>, StaffError> {
    let mut conn = store::open_existing(db)?;
    let admin = check(&conn, session, Action::RunPurge)?;
    // The same check as a sign-in, so that failures count towards the same throttle: an
    // unattended session cannot be used to guess the password.
    let name = agent_rows::get_agent(&conn, admin)?.name;
    let credentials = Credentials::Agent { name, password: password.clone() };
    let refusal = match auth::sign_in(&mut conn, &credentials, now) {
        Ok(Session::Agent { id, .. }) if id == admin => None,
        Ok(_) | Err(SignInError::Wrong) => {
            Some(("wrong_password", "That is not your password: nothing was purged.".to_owned()))
        }
        Err(throttled @ SignInError::Throttled { .. }) => {
            Some(("throttled", format!("{throttled} Nothing was purged.")))
        }
        Err(SignInError::Store(err)) => return Err(err.into()),
    };
    if let Some((outcome, message)) = refusal {
        let event = AuditEvent { account: None, actor: Actor::Agent(admin), action: "purge_queue_run", outcome };
        audit::record(&conn, &event, now)?;
        return Err(StaffError::Refused(message));
    }
    purge_as(&mut conn, db, Actor::Agent(admin), Some(confirmed), now, progress)
}

/// The purge by `actor`: each purged account's `purge` line names them, and so does the line
/// of the run.
fn purge_as(
    conn: &mut Connection,
    db: &Path,
    actor: Actor,
    only: Option<&[AccountId]>,
    now: Timestamp,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<PurgeReceipt>, StaffError> {
    let receipts = purge::purge_due(conn, now, &paths::outbox_dir(db), actor, only, progress)?;
    // A person's run is a line of its own. The file owner's runs are scheduled (`purge-due`
    // from cron): a line per run that purged nothing would bury the trail; each account purged
    // has its own `purge` line naming the system.
    if actor != Actor::System {
        record(conn, actor, "purge_queue_run", now)?;
    }
    Ok(receipts)
}

/// What the audit worker is asked: the filter, and an agent given by name to look up first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// The filter, with the agent when it was given by id.
    pub filter: AuditFilter,
    /// An agent given by name.
    pub agent_name: Option<String>,
}

/// A page of the audit trail: the newest `limit` lines matching `query`.
pub fn load_audit(db: &Path, session: Principal, query: AuditQuery, limit: usize) -> Result<AuditPage, StaffError> {
    let conn = store::open_existing(db)?;
    check(&conn, session, Action::ViewAudit)?;
    let mut filter = query.filter;
    if let Some(name) = query.agent_name {
        let Some(agent) = agent_rows::find_by_name(&conn, &name)? else {
            return Err(StaffError::Refused("No agent has that name.".to_owned()));
        };
        filter.agent = Some(agent.id);
    }
    let total = audit::count(&conn, &filter)?;
    let rows = audit::query(&conn, &filter, 0, Some(limit))?;
    let actions = audit::actions(&conn)?;
    let chain = audit::verify(&conn)?;
    Ok(AuditPage { filter, total, rows, actions, chain })
}

/// Writes every audit line matching `filter` to `target` as CSV, atomically; returns how many.
pub fn export_audit_csv(
    db: &Path,
    session: Principal,
    filter: &AuditFilter,
    target: &Path,
    overwrite: bool,
    now: Timestamp,
) -> Result<usize, StaffError> {
    let conn = store::open_existing(db)?;
    let agent = check(&conn, session, Action::ViewAudit)?;
    let rows = audit::query(&conn, filter, 0, None)?;
    backup::write_atomically(target, Some(db), overwrite, |file| {
        let mut out = std::io::BufWriter::new(file);
        write_audit_csv(&mut out, &rows)?;
        out.flush()?;
        Ok(())
    })?;
    record(&conn, Actor::Agent(agent), "audit_exported", now)?;
    Ok(rows.len())
}

/// The CSV of audit lines: a header, then one line per row, times in UTC (RFC 3339), each with
/// the hash of the line it is chained to and its own (hex), so that a copy can be checked later.
fn write_audit_csv(out: &mut impl std::io::Write, rows: &[AuditRow]) -> std::io::Result<()> {
    writeln!(out, "id,at,account_id,actor_kind,actor_id,action,outcome,prev_hash,hash")?;
    for row in rows {
        let optional = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            row.id,
            row.at,
            optional(row.account_id),
            csv_field(&row.actor_kind),
            optional(row.actor_id),
            csv_field(&row.action),
            csv_field(&row.outcome),
            row.prev_hash.as_deref().unwrap_or_default(),
            row.hash.as_deref().unwrap_or_default(),
        )?;
    }
    Ok(())
}

/// A text field quoted when it needs to be, and kept from reading as a formula in a spreadsheet:
/// the same rules as the backup bundle's CSV files.
fn csv_field(text: &str) -> String {
    backup::csv_text(text)
}

/// Every agent; admins only.
pub fn load_agents(db: &Path, session: Principal) -> Result<Vec<AgentRow>, StaffError> {
    agents::list(&store::open_existing(db)?, Acting::Session(session))
}

/// Adds an agent (argon2 on this worker); admins only. The audit names neither agent nor password.
pub fn add_agent(
    db: &Path,
    session: Principal,
    name: &str,
    role: Role,
    password: &Secret,
    now: Timestamp,
) -> Result<String, StaffError> {
    agents::add(db, Acting::Session(session), name, role, password, now)?;
    Ok(format!("Added {} as {}.", name.trim(), role.label().to_lowercase()))
}

/// Disables or enables an agent's sign-in; admins only, and never their own.
pub fn set_disabled(
    db: &Path,
    session: Principal,
    agent: AgentId,
    disabled: bool,
    now: Timestamp,
) -> Result<String, StaffError> {
    let name = agents::set_disabled(db, Acting::Session(session), agent, disabled, now)?;
    Ok(if disabled { format!("{name} can no longer sign in.") } else { format!("{name} can sign in again.") })
}

/// Sets a new password for an agent (argon2 on this worker); admins only.
pub fn reset_password(
    db: &Path,
    session: Principal,
    agent: AgentId,
    password: &Secret,
    now: Timestamp,
) -> Result<String, StaffError> {
    let name = agents::reset_password(db, Acting::Session(session), agent, password, now)?;
    Ok(format!("The password of {name} was reset."))
}

/// Copies the whole database to `target` and catalogues the copy; admins only.
pub fn backup_database(
    db: &Path,
    session: Principal,
    target: &Path,
    overwrite: bool,
    now: Timestamp,
) -> Result<DbBackupReport, StaffError> {
    let acting = Acting::Session(session);
    Ok(crate::service::backups::backup_database(db, acting, target, overwrite, now)?.copy)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::core::permissions::Denied;

    fn now() -> Timestamp {
        "2026-11-29T10:00:00Z".parse().unwrap()
    }

    /// A demo database and the ids of its agent and admin.
    fn demo() -> (tempfile::TempDir, PathBuf, Principal, Principal) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        let (conn, _) = crate::demo::open_or_create_with_demo(&db, now()).unwrap();
        let agent = agent_rows::find_by_name(&conn, "agent").unwrap().unwrap();
        let admin = agent_rows::find_by_name(&conn, "admin").unwrap().unwrap();
        (
            dir,
            db,
            Principal::Agent { id: agent.id, role: agent.role },
            Principal::Agent { id: admin.id, role: admin.role },
        )
    }

    #[test]
    fn only_an_admin_runs_the_purge_backs_up_and_manages_agents() {
        let (dir, db, agent, admin) = demo();
        let later = now() + jiff::SignedDuration::from_hours(49);
        let refused = run_purge(&db, Acting::Session(agent), later, &mut |_, _| {}).unwrap_err();
        assert!(matches!(refused, StaffError::Denied(Denied { action: Action::RunPurge })), "{refused}");
        assert!(matches!(load_agents(&db, agent), Err(StaffError::Denied(_))));
        let copy = dir.path().join("copy.db");
        assert!(matches!(backup_database(&db, agent, &copy, false, later), Err(StaffError::Denied(_))));
        assert!(!copy.exists());
        let password = Secret::from("long enough");
        assert!(matches!(add_agent(&db, agent, "eve", Role::Admin, &password, later), Err(StaffError::Denied(_))));

        let receipts = run_purge(&db, Acting::Session(admin), later, &mut |_, _| {}).unwrap();
        assert_eq!(receipts.len(), 1);
        assert!(load_queue(&db, agent).unwrap().is_empty(), "an agent still sees the queue");
    }

    #[test]
    fn a_confirmed_purge_needs_the_admins_password_and_every_line_it_causes_names_the_admin() {
        let (_dir, db, _agent, admin) = demo();
        let Principal::Agent { id: admin_id, .. } = admin else { unreachable!() };
        let later = now() + jiff::SignedDuration::from_hours(49);
        let previews = preview_purge(&db, admin, later).unwrap();
        assert_eq!(previews.len(), 1);
        let confirmed: Vec<AccountId> = previews.iter().map(|p| p.account).collect();

        let wrong =
            run_confirmed_purge(&db, admin, &Secret::from("not the password"), &confirmed, later, &mut |_, _| {});
        assert!(matches!(wrong, Err(StaffError::Refused(_))), "{wrong:?}");
        assert_eq!(preview_purge(&db, admin, later).unwrap(), previews, "a wrong password purges nothing");

        // Guesses are spaced out as for a sign-in: after three, even the right one waits.
        for _ in 0..2 {
            let _ = run_confirmed_purge(&db, admin, &Secret::from("guess"), &confirmed, later, &mut |_, _| {});
        }
        let password = crate::demo::DEMO_ADMIN_PASSWORD;
        let throttled = run_confirmed_purge(&db, admin, &Secret::from(password), &confirmed, later, &mut |_, _| {});
        assert!(matches!(&throttled, Err(StaffError::Refused(m)) if m.starts_with("Too many failed attempts")));
        assert_eq!(preview_purge(&db, admin, later).unwrap(), previews, "a throttled try purges nothing");

        let later = later + jiff::SignedDuration::from_mins(20);
        let receipts =
            run_confirmed_purge(&db, admin, &Secret::from(password), &confirmed, later, &mut |_, _| {}).unwrap();
        assert_eq!(receipts.len(), 1);
        assert_eq!(receipts[0].rows_deleted, previews[0].rows);

        let conn = store::open_existing(&db).unwrap();
        let purges = AuditFilter { action: Some("purge".into()), ..AuditFilter::default() };
        let rows = audit::query(&conn, &purges, 0, None).unwrap();
        assert_eq!(rows.len(), 1);
        assert!(
            rows.iter().all(|row| row.actor_kind == "agent" && row.actor_id == Some(admin_id.0)),
            "a purge line does not name the admin: {rows:?}"
        );
    }

    #[test]
    fn a_disabled_agent_can_no_longer_act_and_an_admin_cannot_disable_themselves() {
        let (_dir, db, agent, admin) = demo();
        let Principal::Agent { id: agent_id, .. } = agent else { unreachable!() };
        let Principal::Agent { id: admin_id, .. } = admin else { unreachable!() };
        assert!(matches!(set_disabled(&db, admin, admin_id, true, now()), Err(StaffError::Refused(_))));
        set_disabled(&db, admin, agent_id, true, now()).unwrap();
        assert!(matches!(load_queue(&db, agent), Err(StaffError::SessionEnded)));
        let conn = store::open_existing(&db).unwrap();
        let trail =
            audit::query(&conn, &AuditFilter { agent: Some(admin_id), ..AuditFilter::default() }, 0, None).unwrap();
        assert_eq!(trail[0].action, "agent_disabled");
        assert_eq!(trail[0].account_id, None);
    }

    #[test]
    fn csv_fields_are_quoted_and_kept_from_reading_as_formulas() {
        assert_eq!(csv_field("purge"), "purge");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
