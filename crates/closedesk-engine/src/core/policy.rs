//! The policies a deployment may change in its settings file (`closedesk-settings.json`
//! beside the database): the closure flow's timings and limits, and the agent idle lock.
//!
//! Every key is optional; a missing one keeps its default, an unknown one is refused:
//!
//! | key                    | default | allowed        |
//! |------------------------|---------|----------------|
//! | `grace_hours`          | 72      | 1 ..= 2160     |
//! | `code_ttl_secs`        | 600     | 60 ..= 86400   |
//! | `code_max_tries`       | 5       | 1 ..= 20       |
//! | `password_max_tries`   | 5       | 1 ..= 20       |
//! | `lockout_secs`         | 900     | 60 ..= 604800  |
//! | `resend_cooldown_secs` | 60      | 0 ..= 3600     |
//! | `agent_idle_lock_secs` | 600     | 60 ..= 86400   |
//! | `backup_retention_days`| 30      | 1 ..= 3650     |

use jiff::SignedDuration;

/// The agent idle lock's default: ten minutes without input.
pub const DEFAULT_AGENT_IDLE_LOCK_SECS: i64 = 10 * 60;

/// Timings and limits of the closure flow, and the agent idle lock. [`Policy::default`] is
/// the reference platform's (see the module's table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Hours between confirming a closure and the purge.
    pub grace_hours: i64,
    /// How long an emailed code stays valid, in seconds.
    pub code_ttl_secs: i64,
    /// Wrong code entries allowed before the code is voided.
    pub code_max_tries: u32,
    /// Wrong passwords allowed in the wizard before closure is locked.
    pub password_max_tries: u32,
    /// How long closure stays locked after too many wrong entries, in seconds.
    pub lockout_secs: i64,
    /// The least time between two codes sent for one request, in seconds.
    pub resend_cooldown_secs: i64,
    /// How long a support agent's session may stay without input before it locks and asks
    /// for the password again, in seconds (`CLOSEDESK_AGENT_IDLE_SECS` overrides it for drills).
    pub agent_idle_lock_secs: i64,
    /// How many days a copy of the whole database (`backup-db`) is kept before it is due for
    /// deletion; customers are told that older copies may hold their account that long.
    pub backup_retention_days: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            grace_hours: 72,
            code_ttl_secs: 10 * 60,
            code_max_tries: 5,
            password_max_tries: 5,
            lockout_secs: 15 * 60,
            resend_cooldown_secs: 60,
            agent_idle_lock_secs: DEFAULT_AGENT_IDLE_LOCK_SECS,
            backup_retention_days: 30,
        }
    }
}

/// A setting outside its allowed range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} must be between {min} and {max}, not {value}")]
pub struct PolicyError {
    /// The setting's name as written in the settings file.
    pub name: &'static str,
    /// The value found.
    pub value: i64,
    /// The least allowed value.
    pub min: i64,
    /// The greatest allowed value.
    pub max: i64,
}

impl Policy {
    /// Refuses values that would make closure unsafe or unusable.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let checks: [(&'static str, i64, i64, i64); 8] = [
            ("grace_hours", self.grace_hours, 1, 24 * 90),
            ("code_ttl_secs", self.code_ttl_secs, 60, 24 * 3_600),
            ("code_max_tries", i64::from(self.code_max_tries), 1, 20),
            ("password_max_tries", i64::from(self.password_max_tries), 1, 20),
            ("lockout_secs", self.lockout_secs, 60, 7 * 24 * 3_600),
            ("resend_cooldown_secs", self.resend_cooldown_secs, 0, 3_600),
            // At least a minute, so that an agent can read a page; at most a day.
            ("agent_idle_lock_secs", self.agent_idle_lock_secs, 60, 86_400),
            // At least a day; at most ten years, which no retention rule asks for.
            ("backup_retention_days", self.backup_retention_days, 1, 3_650),
        ];
        for (name, value, min, max) in checks {
            if !(min..=max).contains(&value) {
                return Err(PolicyError { name, value, min, max });
            }
        }
        Ok(())
    }

    /// How long a copy of the whole database is kept.
    pub fn backup_retention(&self) -> SignedDuration {
        SignedDuration::from_hours(self.backup_retention_days * 24)
    }

    /// The grace period as a duration.
    pub fn grace(&self) -> SignedDuration {
        SignedDuration::from_hours(self.grace_hours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_reference_policies_and_valid() {
        let policy = Policy::default();
        assert_eq!(
            (policy.grace_hours, policy.code_ttl_secs, policy.code_max_tries, policy.lockout_secs),
            (72, 600, 5, 900)
        );
        assert_eq!(policy.agent_idle_lock_secs, 600, "agents lock after ten minutes");
        assert_eq!(policy.backup_retention_days, 30, "database copies are kept thirty days");
        assert!(policy.validate().is_ok());
    }

    #[test]
    fn the_agent_idle_lock_is_between_a_minute_and_a_day() {
        for secs in [60, 600, 86_400] {
            assert!(Policy { agent_idle_lock_secs: secs, ..Policy::default() }.validate().is_ok(), "{secs}");
        }
        for secs in [0, 59, 86_401, -1] {
            let err = Policy { agent_idle_lock_secs: secs, ..Policy::default() }.validate().unwrap_err();
            assert_eq!(err.name, "agent_idle_lock_secs", "{secs}");
            assert_eq!((err.min, err.max), (60, 86_400));
        }
    }

    #[test]
    fn out_of_range_values_are_refused_by_name() {
        let policy = Policy { grace_hours: 0, ..Policy::default() };
        assert_eq!(policy.validate().unwrap_err().to_string(), "grace_hours must be between 1 and 2160, not 0");
    }
}
