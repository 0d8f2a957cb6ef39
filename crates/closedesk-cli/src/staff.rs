//! `--agent NAME --password-stdin`: a support agent signed in for one command, as the desk's
//! sign-in form does it (throttled, audited), so that [`crate::service::staff`] checks their role and the
//! audit names them.

use std::path::Path;

use super::args::AsAgent;
use super::exit::{LOCKED, WRONG};
use super::{Failure, read_password};
use crate::auth::{Credentials, SignInError};
use crate::clock::Clock;
use crate::core::permissions::Principal;
use crate::service::staff::StaffError;

/// The agent given with `--agent`, signed in; `None` without `--agent`.
pub(super) fn sign_in(db: &Path, staff: &AsAgent, clock: Clock) -> Result<Option<Principal>, Failure> {
    let Some(name) = &staff.agent else {
        return Ok(None);
    };
    let credentials = Credentials::Agent { name: name.clone(), password: read_password()? };
    match crate::service::session::sign_in(db, credentials, clock.now()) {
        Ok(session) => Ok(Some(session.principal())),
        Err(err @ SignInError::Wrong) => Err(Failure::with_code(WRONG, err)),
        Err(err @ SignInError::Throttled { .. }) => Err(Failure::with_code(LOCKED, err)),
        Err(err) => Err(err.into()),
    }
}

/// The failure of an operation an agent asked for; `what` names it for a refusal.
pub(super) fn failure(err: StaffError, what: &str) -> Failure {
    match err {
        StaffError::Denied(_) => {
            Failure::error(format!("only an admin may {what}; this agent's role does not allow it"))
        }
        other => other.into(),
    }
}
