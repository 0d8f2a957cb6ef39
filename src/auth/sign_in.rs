use jiff::Timestamp;
use rusqlite::Connection;

use super::{Secret, password};
use crate::core::audit::{Actor, AuditEvent};
use crate::core::permissions::Principal;
use crate::core::{AccountId, AccountStatus, AgentId, Role, sign_in_policy};
use crate::store::sign_in::{self as failures, Subject};
use crate::store::{self, StoreError, accounts, agents, audit};

/// What a person typed on the sign-in screen.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// A customer signs in with the registered email.
    Customer { email: String, password: Secret },
    /// A support agent signs in with a name.
    Agent { name: String, password: Secret },
}

/// Who is signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Session {
    /// A customer, looking at their own account.
    Customer { account: AccountId, status: AccountStatus },
    /// A support agent with a role.
    Agent { id: AgentId, name: String, role: Role },
}

impl Session {
    /// Who the session acts as, for [`crate::core::permissions::authorize`].
    pub fn principal(&self) -> Principal {
        match self {
            Self::Customer { account, .. } => Principal::Customer(*account),
            Self::Agent { id, role, .. } => Principal::Agent { id: *id, role: *role },
        }
    }
}

/// Why sign-in failed. The message never says which half of the login was wrong.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Unknown login, wrong password or disabled agent: deliberately one answer.
    #[error("The login or the password is wrong.")]
    Wrong,
    /// Too many failures in a row for this login.
    #[error("Too many failed attempts. Try again after {}.", crate::core::time::utc_minute(*until))]
    Throttled { until: Timestamp },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks a login against the database at `now`, counting failures per account or agent.
///
/// Runs argon2: call it from a worker thread, never the UI thread.
pub fn sign_in(conn: &mut Connection, credentials: &Credentials, now: Timestamp) -> Result<Session, SignInError> {
    let (subject, actor, account, password, phc, session) = match credentials {
        Credentials::Customer { email, password } => {
            let Some((id, status, phc)) = accounts::credential_by_email(conn, email)? else {
                password::verify_nothing(password);
                return Err(SignInError::Wrong);
            };
            let session = Session::Customer { account: id, status };
            (Subject::Customer(id.0), Actor::Customer(id), Some(id), password, phc, session)
        }
        Credentials::Agent { name, password } => {
            let Some((agent, phc)) = agents::credential_by_name(conn, name)? else {
                password::verify_nothing(password);
                return Err(SignInError::Wrong);
            };
            if agent.disabled {
                password::verify_nothing(password);
                return Err(SignInError::Wrong);
            }
            let session = Session::Agent { id: agent.id, name: agent.name, role: agent.role };
            (Subject::Agent(agent.id.0), Actor::Agent(agent.id), None, password, phc, session)
        }
    };

    if let Some((count, last)) = failures::failures(conn, subject)?
        && let Some(until) = sign_in_policy::must_wait_until(count, last, now)
    {
        audit::record(conn, &AuditEvent { account, actor, action: "sign_in", outcome: "throttled" }, now)?;
        return Err(SignInError::Throttled { until });
    }

    let matches = password::verify(password, &phc);
    store::write(conn, |tx| {
        if matches {
            failures::clear(tx, subject)?;
        } else {
            failures::record_failure(tx, subject, now)?;
        }
        let outcome = if matches { "ok" } else { "wrong_password" };
        audit::record(tx, &AuditEvent { account, actor, action: "sign_in", outcome }, now)
    })?;
    if matches { Ok(session) } else { Err(SignInError::Wrong) }
}
