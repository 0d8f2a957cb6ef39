//! Before anyone works: opening the database (and on first launch creating it) and signing in,
//! each on a worker of its own, and the start-up and sign-in screens.

pub mod command;
pub mod signin;
pub mod startup;

use jiff::Timestamp;

use crate::auth::{Credentials, Session, SignInError};
use crate::service;
use crate::ui::jobs::{JobError, JobKey};
use crate::ui::workers::Workers;

pub use crate::service::session::OpenedDatabase;

/// The session's workers; one of each may run at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionJob {
    /// Open (and on first launch create and fill) the database.
    OpenDatabase,
    /// Check a login with argon2.
    SignIn,
}

impl JobKey for SessionJob {
    fn thread_name(self) -> &'static str {
        match self {
            Self::OpenDatabase => "open-db",
            Self::SignIn => "sign-in",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::OpenDatabase => "opening the database",
            Self::SignIn => "checking the login",
        }
    }
}

/// What the session's workers hand back.
#[derive(Debug)]
pub enum SessionOutput {
    /// The database is ready and the settings file read (or why either is not).
    DatabaseOpened(Result<OpenedDatabase, String>),
    /// The outcome of a sign-in.
    SignedIn(Result<Session, SignInError>),
}

/// The app's runner as the session starts its workers.
pub type SessionWorkers<'a> = Workers<'a, SessionJob, SessionOutput>;

/// Opens the database, creating it with demo accounts on first launch, and reads the
/// settings file beside it (file reads stay off the UI thread too). A settings file that
/// cannot be used stops start-up with its reason, as it would stop every closure step.
pub fn open_database(jobs: &mut SessionWorkers<'_>, now: Timestamp) -> Result<(), JobError> {
    let path = jobs.db_path().to_owned();
    jobs.start(SessionJob::OpenDatabase, move || {
        let result = service::session::open_database(&path, now).map_err(|err| err.to_string());
        SessionOutput::DatabaseOpened(result)
    })
}

/// Checks a login. The credentials (and the password in them) are dropped, and so wiped,
/// on the worker once checked.
pub fn sign_in(jobs: &mut SessionWorkers<'_>, credentials: Credentials, now: Timestamp) -> Result<(), JobError> {
    let path = jobs.db_path().to_owned();
    jobs.start(SessionJob::SignIn, move || SessionOutput::SignedIn(service::session::sign_in(&path, credentials, now)))
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::ui::jobs::JobEvent;
    use crate::ui::workers::Work;

    #[test]
    fn opening_the_database_reads_the_agent_idle_lock_from_the_settings_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        std::fs::write(dir.path().join(crate::settings::SETTINGS_FILE_NAME), r#"{ "agent_idle_lock_secs": 300 }"#)
            .unwrap();
        let mut work: Work<SessionJob, SessionOutput> = Work::new(egui::Context::default(), db);
        open_database(&mut work.workers(), Timestamp::now()).unwrap();
        let events = work.jobs.wait_for_events();
        let [JobEvent::Finished(SessionOutput::DatabaseOpened(Ok(opened)))] = events.as_slice() else {
            panic!("{events:?}");
        };
        assert_eq!(opened.policy.agent_idle_lock_secs, 300);

        // A value out of range stops start-up with the reason, as it would stop every closure step.
        std::fs::write(dir.path().join(crate::settings::SETTINGS_FILE_NAME), r#"{ "agent_idle_lock_secs": 5 }"#)
            .unwrap();
        open_database(&mut work.workers(), Timestamp::now()).unwrap();
        let events = work.jobs.wait_for_events();
        assert!(
            matches!(events.as_slice(), [JobEvent::Finished(SessionOutput::DatabaseOpened(Err(message)))] if message.contains("agent_idle_lock_secs must be between 60")),
            "{events:?}"
        );
    }
}
