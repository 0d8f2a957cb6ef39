//! The support agents' own accounts — listing, adding, disabling, enabling and resetting a
//! password — for the admin page and the command line. Admins only, or the database file's
//! owner at a terminal; each change is audited with the one who made it, never with the name
//! or the password.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::{Connection, Transaction};

use super::access::{Acting, authorize_staff};
use super::{ServiceError, ServiceResult};
use crate::auth::{Secret, password};
use crate::core::audit::{Actor, AuditEvent};
use crate::core::permissions::{Action, Principal};
use crate::core::{AgentId, Role};
use crate::store::{self, StoreError, agents, audit};

pub use crate::store::agents::AgentRow;

/// Every agent.
pub fn list(conn: &Connection, acting: Acting) -> ServiceResult<Vec<AgentRow>> {
    authorize_staff(conn, acting, Action::ManageAgents)?;
    Ok(agents::list_agents(conn)?)
}

/// The agent named `name` (in any case).
pub fn named(conn: &Connection, acting: Acting, name: &str) -> ServiceResult<AgentRow> {
    authorize_staff(conn, acting, Action::ManageAgents)?;
    agents::find_by_name(conn, name)?
        .ok_or_else(|| ServiceError::Refused(format!("no agent is named '{}'", name.trim())))
}

/// Adds an agent (argon2 here: call it from a worker); returns the new agent's id.
pub fn add(
    db: &Path,
    acting: Acting,
    name: &str,
    role: Role,
    new_password: &Secret,
    now: Timestamp,
) -> ServiceResult<AgentId> {
    if name.trim().is_empty() {
        return Err(ServiceError::Refused("The agent name is empty.".to_owned()));
    }
    let mut conn = store::open_existing(db)?;
    let actor = authorize_staff(&conn, acting, Action::ManageAgents)?;
    let phc = password::hash_new(new_password)?;
    write_audited(&mut conn, actor, "agent_added", now, |tx| agents::insert_agent(tx, name, role, &phc, now))
}

/// Disables or enables `agent`'s sign-in; an admin never disables their own. Returns the
/// agent's name, for the message.
pub fn set_disabled(
    db: &Path,
    acting: Acting,
    agent: AgentId,
    disabled: bool,
    now: Timestamp,
) -> ServiceResult<String> {
    let mut conn = store::open_existing(db)?;
    let actor = authorize_staff(&conn, acting, Action::ManageAgents)?;
    if disabled && matches!(acting, Acting::Session(Principal::Agent { id, .. }) if id == agent) {
        return Err(ServiceError::Refused("You cannot disable your own agent account.".to_owned()));
    }
    let action = if disabled { "agent_disabled" } else { "agent_enabled" };
    change(&mut conn, actor, agent, action, now, |tx| agents::set_disabled(tx, agent, disabled))
}

/// Sets a new password for `agent` (argon2 here: call it from a worker). Returns the agent's
/// name, for the message.
pub fn reset_password(
    db: &Path,
    acting: Acting,
    agent: AgentId,
    new_password: &Secret,
    now: Timestamp,
) -> ServiceResult<String> {
    let mut conn = store::open_existing(db)?;
    let actor = authorize_staff(&conn, acting, Action::ManageAgents)?;
    let phc = password::hash_new(new_password)?;
    change(&mut conn, actor, agent, "agent_password_reset", now, |tx| agents::set_password(tx, agent, &phc))
}

/// Applies `apply` to `agent` in one transaction with its audit line; returns the agent's name.
fn change(
    conn: &mut Connection,
    actor: Actor,
    agent: AgentId,
    action: &'static str,
    now: Timestamp,
    apply: impl FnOnce(&Transaction<'_>) -> Result<(), StoreError>,
) -> ServiceResult<String> {
    write_audited(conn, actor, action, now, |tx| {
        let name = agents::get_agent(tx, agent)?.name;
        apply(tx)?;
        Ok(name)
    })
}

/// Runs `work` in one transaction with its audit line `action` by `actor`: a change is never
/// kept without its line, nor a line without its change.
pub(super) fn write_audited<T>(
    conn: &mut Connection,
    actor: Actor,
    action: &'static str,
    now: Timestamp,
    work: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
) -> ServiceResult<T> {
    Ok(store::write(conn, |tx| {
        let value = work(tx)?;
        audit::record(tx, &AuditEvent { account: None, actor, action, outcome: "ok" }, now)?;
        Ok(value)
    })?)
}
