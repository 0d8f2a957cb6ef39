//! Signing in, and unlocking an agent session that locked itself after idle minutes.

use std::path::Path;

use jiff::Timestamp;

use super::ServiceResult;
use crate::auth::{self, Credentials, Secret, Session, SignInError};
use crate::core::AgentId;
use crate::core::policy::Policy;
use crate::store::{self, Opened};
use crate::{demo, settings};

/// The database the window works on, ready, and the settings beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedDatabase {
    /// What opening did (created, migrated, filled with demo accounts).
    pub opened: Opened,
    /// The settings file's policies over the defaults (the agent idle lock among them).
    pub policy: Policy,
}

/// Opens the database, creating it with demo accounts on first launch, and reads the settings
/// file beside it. A settings file that cannot be used stops start-up with its reason, as it
/// would stop every closure step.
pub fn open_database(db: &Path, now: Timestamp) -> ServiceResult<OpenedDatabase> {
    let (_conn, opened) = demo::open_or_create_with_demo(db, now)?;
    let policy = settings::load_policy(&settings::settings_path(db))?;
    Ok(OpenedDatabase { opened, policy })
}

/// Checks a login (argon2: call from a worker); the credentials are dropped, and so wiped, here.
#[expect(clippy::needless_pass_by_value, reason = "taken, so that the password is wiped here once checked")]
pub fn sign_in(db: &Path, credentials: Credentials, now: Timestamp) -> Result<Session, SignInError> {
    let mut conn = store::open_existing(db)?;
    auth::sign_in(&mut conn, &credentials, now)
}

/// Unlocks the session of agent `id` (`name`) with `password`: the same checks as a sign-in,
/// so a disabled agent cannot unlock, and the password must be this agent's.
pub fn unlock(db: &Path, id: AgentId, name: String, password: Secret, now: Timestamp) -> Result<(), String> {
    match sign_in(db, Credentials::Agent { name, password }, now) {
        Ok(Session::Agent { id: signed, .. }) if signed == id => Ok(()),
        Ok(_) => Err("That is not the password of this session.".to_owned()),
        Err(err) => Err(err.to_string()),
    }
}
