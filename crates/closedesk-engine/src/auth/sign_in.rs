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
    #[error("{}", wait_message(.until, crate::core::time::utc_minute))]
    Throttled { until: Timestamp },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SignInError {
    /// The error in words, with a wait's end written by `instant` (rounded up to the minute, so
    /// it is never too early): UTC in the `Display` form, local time in the window.
    pub fn message(&self, instant: impl Fn(Timestamp) -> String) -> String {
        match self {
            Self::Throttled { until } => wait_message(until, instant),
            other => other.to_string(),
        }
    }
}

fn wait_message(until: &Timestamp, instant: impl Fn(Timestamp) -> String) -> String {
    format!("Too many failed attempts. Try again after {}.", instant(crate::core::time::minute_up(*until)))
}

/// Checks a login against the database at `now`, counting failures per account or agent.
///
/// Runs argon2: call it from a worker thread, never the UI thread.
pub fn sign_in(conn: &mut Connection, credentials: &Credentials, now: Timestamp) -> Result<Session, SignInError> {
    let (subject, actor, account, password, phc, session) = match credentials {
        Credentials::Customer { email, password } => {
            let Some((id, status, phc)) = accounts::credential_by_email(conn, email)? else {
                return unknown_login(conn, "customer", email, password, now);
            };
            let session = Session::Customer { account: id, status };
            (Subject::Customer(id.0), Actor::Customer(id), Some(id), password, phc, session)
        }
        Credentials::Agent { name, password } => {
            let Some((agent, phc)) = agents::credential_by_name(conn, name)?.filter(|(agent, _)| !agent.disabled)
            else {
                return unknown_login(conn, "agent", name, password, now);
            };
            let session = Session::Agent { id: agent.id, name: agent.name, role: agent.role };
            (Subject::Agent(agent.id.0), Actor::Agent(agent.id), None, password, phc, session)
        }
    };

    if let Some(until) = throttled(conn, subject, now)? {
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

/// A login that matches no account or active agent gets the answers a known one would: the
/// same hashing time, and the same throttle after the same failures, so neither the message nor
/// the wait tells whether the login exists.
fn unknown_login(
    conn: &mut Connection,
    kind: &str,
    login: &str,
    password: &Secret,
    now: Timestamp,
) -> Result<Session, SignInError> {
    let subject = Subject::Unknown(failures::login_digest(conn, kind, login)?);
    if let Some(until) = throttled(conn, subject, now)? {
        return Err(SignInError::Throttled { until });
    }
    password::verify_nothing(password);
    store::write(conn, |tx| failures::record_failure(tx, subject, now))?;
    Err(SignInError::Wrong)
}

/// Until when `subject` must wait before another attempt, if it must.
fn throttled(conn: &Connection, subject: Subject, now: Timestamp) -> Result<Option<Timestamp>, SignInError> {
    let failures = failures::failures(conn, subject)?;
    Ok(failures.and_then(|(count, last)| sign_in_policy::must_wait_until(count, last, now)))
}

#[cfg(test)]
mod tests {
    use jiff::SignedDuration;
    use sha2::{Digest as _, Sha256};

    use super::*;
    use crate::store::accounts::{NewAccount, insert_account};

    const EMAIL: &str = "ines@example.test";
    const PASSWORD: &str = "correct horse";

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = store::create_empty(&dir.path().join("sign-in.db")).unwrap();
        let phc = password::hash(&Secret::from(PASSWORD)).unwrap();
        let account = NewAccount {
            display_name: "Inès Moreau",
            email: EMAIL,
            phone: None,
            country: "FR",
            created_at: Timestamp::UNIX_EPOCH,
            password_phc: &phc,
        };
        insert_account(&conn, &account).unwrap();
        (dir, conn)
    }

    fn customer(email: &str, password: &str) -> Credentials {
        Credentials::Customer { email: email.to_owned(), password: Secret::from(password) }
    }

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).unwrap()
    }

    /// What a person sees for an attempt: the message, which holds the wait if there is one.
    fn answer(conn: &mut Connection, credentials: &Credentials, now: Timestamp) -> String {
        match sign_in(conn, credentials, now) {
            Ok(_) => "signed in".to_owned(),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn a_login_that_exists_and_one_that_does_not_get_the_same_answers() {
        let (_dir, mut conn) = db();
        let known = customer(EMAIL, "wrong guess");
        let unknown = customer("nobody@example.test", "wrong guess");
        let times = [0, 1, 2, 3, 20, 33, 34, 100];
        let answers = |conn: &mut Connection, credentials: &Credentials| -> Vec<String> {
            times.iter().map(|&t| answer(conn, credentials, at(t))).collect()
        };
        let for_known = answers(&mut conn, &known);
        let for_unknown = answers(&mut conn, &unknown);
        assert_eq!(for_known, for_unknown);
        // Throttled until 30 s after the third failure (at 08:00:32), said as the next whole minute.
        assert_eq!(for_known[3], "Too many failed attempts. Try again after 2027-01-15 08:01 UTC.");
        assert_eq!(for_known[5], SignInError::Wrong.to_string(), "the wait is over after 30 s");
    }

    #[test]
    fn an_unknown_login_is_kept_only_as_a_keyed_digest_and_only_for_a_day() {
        let (_dir, mut conn) = db();
        let unknown = customer("  Nobody@Example.test ", "wrong guess");
        answer(&mut conn, &unknown, at(0));
        answer(&mut conn, &customer("nobody@example.test", "x"), at(1));
        let rows: Vec<(Vec<u8>, i64)> = conn
            .prepare("SELECT login_digest, failures FROM sign_in_unknown_failures")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows.len(), 1, "case and spaces do not make another login");
        assert_eq!(rows[0].1, 2);
        let plain = Sha256::digest(b"customer\0nobody@example.test");
        assert_ne!(rows[0].0, plain.to_vec(), "the digest is keyed");

        let a_day_later = at(sign_in_policy::FORGET_AFTER_SECS + 2);
        answer(&mut conn, &customer("someone-else@example.test", "x"), a_day_later);
        let left: i64 = conn.query_row("SELECT count(*) FROM sign_in_unknown_failures", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 1, "only the new login's row is left");
    }

    #[test]
    fn failures_a_day_old_no_longer_count_and_a_success_clears_them() {
        let (_dir, mut conn) = db();
        let wrong = customer(EMAIL, "wrong guess");
        for t in 0..3 {
            answer(&mut conn, &wrong, at(t));
        }
        assert!(answer(&mut conn, &wrong, at(3)).starts_with("Too many"));
        let later = at(3) + SignedDuration::from_secs(sign_in_policy::FORGET_AFTER_SECS + 1);
        for k in 0..3 {
            assert_eq!(answer(&mut conn, &wrong, later + SignedDuration::from_secs(k)), SignInError::Wrong.to_string());
        }
        assert!(answer(&mut conn, &wrong, later + SignedDuration::from_secs(3)).starts_with("Too many"));
        let after_wait = later + SignedDuration::from_secs(40);
        assert_eq!(answer(&mut conn, &customer(EMAIL, PASSWORD), after_wait), "signed in");
        assert_eq!(failures::failures(&conn, failures::Subject::Customer(1)).unwrap(), None);
    }
}
