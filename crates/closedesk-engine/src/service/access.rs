//! The one permission check every operation of the window and the command line goes through.
//!
//! A session's principal is what was true at sign-in. Before an operation reads or writes
//! anything, the principal is checked again against the database — the agent still exists, is
//! not disabled, and has the role the action needs; the customer's account still exists — so
//! that a demotion, a disabling or a purge takes effect on the very next action, whatever the
//! window still believes.

use rusqlite::Connection;

use super::ServiceError;
use crate::core::audit::Actor;
use crate::core::permissions::{Action, Denied, Principal, authorize as allowed};
use crate::core::{AccountRef, AgentId};
use crate::store::{StoreError, accounts, agents};

/// Who acts: a signed-in session, or (from the command line) whoever can open the
/// database file, whom the audit trail names `system`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acting {
    /// A customer on their own account, or an agent at a customer's request.
    Session(Principal),
    /// The database file's owner at a terminal.
    FileOwner,
}

/// Who acts, as checked against the database just now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The principal with the role the database holds now.
    pub principal: Principal,
}

impl Checked {
    /// Who the audit trail names.
    pub fn actor(self) -> Actor {
        self.principal.actor()
    }

    /// The acting agent, if an agent acts.
    pub fn agent(self) -> Option<AgentId> {
        match self.principal {
            Principal::Agent { id, .. } => Some(id),
            Principal::Customer(_) => None,
        }
    }
}

/// Whether `session` may do `action` now, judged on what the database holds: nobody signed in
/// (`None`) may do nothing.
pub fn authorize(conn: &Connection, session: Option<Principal>, action: Action) -> Result<Checked, ServiceError> {
    let Some(session) = session else {
        return Err(Denied { action }.into());
    };
    let principal = match session {
        Principal::Agent { id, .. } => {
            let agent = match agents::get_agent(conn, id) {
                Ok(agent) => agent,
                Err(StoreError::NotFound(_)) => return Err(ServiceError::SessionEnded),
                Err(err) => return Err(err.into()),
            };
            if agent.disabled {
                return Err(ServiceError::SessionEnded);
            }
            Principal::Agent { id, role: agent.role }
        }
        Principal::Customer(account) => {
            match accounts::get_account(conn, &AccountRef::Id(account)) {
                Ok(_) => {}
                Err(StoreError::NotFound(_) | StoreError::Purged { .. }) => return Err(ServiceError::SessionEnded),
                Err(err) => return Err(err.into()),
            }
            session
        }
    };
    allowed(principal, action)?;
    Ok(Checked { principal })
}

/// Like [`authorize`], for operations only support staff perform: a customer is refused even
/// where the action would be theirs to take on their own account.
pub fn authorize_agent(conn: &Connection, session: Principal, action: Action) -> Result<AgentId, ServiceError> {
    staff_only(session, action)?;
    let checked = authorize(conn, Some(session), action)?;
    checked.agent().ok_or(ServiceError::Denied(Denied { action }))
}

/// Refuses a customer at once, before any file is opened, for operations only support staff
/// perform.
pub fn staff_only(session: Principal, action: Action) -> Result<(), ServiceError> {
    match session {
        Principal::Customer(_) => Err(Denied { action }.into()),
        Principal::Agent { .. } => Ok(()),
    }
}

/// Who acts for `action`, checked against the database on `conn`: a session as [`authorize`]
/// checks it, or the database file's owner at a terminal, whom the trail names `system`.
pub fn authorize_acting(conn: &Connection, acting: Acting, action: Action) -> Result<Actor, ServiceError> {
    match acting {
        Acting::Session(session) => Ok(authorize(conn, Some(session), action)?.actor()),
        Acting::FileOwner => Ok(Actor::System),
    }
}

/// Like [`authorize_acting`], for operations only support staff (or the file's owner) perform.
pub fn authorize_staff(conn: &Connection, acting: Acting, action: Action) -> Result<Actor, ServiceError> {
    match acting {
        Acting::Session(session) => Ok(Actor::Agent(authorize_agent(conn, session, action)?)),
        Acting::FileOwner => Ok(Actor::System),
    }
}
