//! The operations the window and the command line perform, each behind one permission check.
//!
//! Every function here takes the acting principal (a customer's or an agent's session), checks
//! it once against the database ([`access::authorize`]), does the work on its own connection —
//! the window calls these from its workers — audits what it changed, and returns a typed
//! [`ServiceError`]. Neither front speaks SQL or calls the store itself.

pub mod access;
pub mod account;
pub mod agents;
pub mod backups;
pub mod closure;
pub mod dashboard;
pub mod database;
pub mod directory;
pub mod export;
pub mod reveal;
pub mod search;
pub mod session;
pub mod staff;
pub mod trail;

use crate::backup::BackupError;
use crate::closing::ClosingError;
use crate::core::permissions::Denied;
use crate::settings::SettingsError;
use crate::store::StoreError;

/// Why an operation was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The principal's role does not allow it.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The session no longer stands: the agent was disabled or removed, or the customer's
    /// account is gone, since signing in.
    #[error("Your session has ended: your account was disabled or closed since you signed in. Sign in again.")]
    SessionEnded,
    /// A rule of the operation, in words.
    #[error("{0}")]
    Refused(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The closure driver failed.
    #[error(transparent)]
    Closing(#[from] ClosingError),
    /// A file could not be written.
    #[error(transparent)]
    Backup(#[from] BackupError),
    /// The password was refused (too short) or could not be hashed.
    #[error(transparent)]
    Password(#[from] crate::auth::password::PasswordError),
    /// A copy of the database could not be restored.
    #[error(transparent)]
    Restore(#[from] crate::backup::RestoreError),
    /// The settings file could not be read.
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

impl ServiceError {
    /// Whether the session must end: the window signs out rather than retrying.
    pub fn ends_session(&self) -> bool {
        matches!(self, Self::SessionEnded)
    }
}

/// Results of the service layer.
pub type ServiceResult<T> = Result<T, ServiceError>;

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests;
