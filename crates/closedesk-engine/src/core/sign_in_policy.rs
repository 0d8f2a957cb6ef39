//! How repeated failed sign-ins for one account slow down further attempts.

use jiff::{SignedDuration, Timestamp};

/// Failures allowed in a row before attempts are spaced out.
pub const FREE_FAILURES: i64 = 3;

/// The wait after the first failure past [`FREE_FAILURES`]; it doubles with each further one.
pub const FIRST_DELAY_SECS: i64 = 30;

/// The longest wait between attempts.
pub const MAX_DELAY_SECS: i64 = 15 * 60;

/// How long failures count: a failure this long after the previous one starts the count again.
pub const FORGET_AFTER_SECS: i64 = 24 * 60 * 60;

/// Failures before this instant no longer count at `now`.
pub fn forgotten_before(now: Timestamp) -> Timestamp {
    now - SignedDuration::from_secs(FORGET_AFTER_SECS)
}

/// When the next attempt may be made after `failures` consecutive failures, the last at
/// `last_failure_at`; `None` when an attempt may be made at once.
pub fn next_attempt_at(failures: i64, last_failure_at: Timestamp) -> Option<Timestamp> {
    if failures < FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES).min(10) as u32;
    let delay_secs = (FIRST_DELAY_SECS << doublings).min(MAX_DELAY_SECS);
    Some(last_failure_at + SignedDuration::from_secs(delay_secs))
}

/// Whether an attempt at `now` must wait, and until when.
pub fn must_wait_until(failures: i64, last_failure_at: Timestamp, now: Timestamp) -> Option<Timestamp> {
    next_attempt_at(failures, last_failure_at).filter(|at| *at > now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap()
    }

    #[test]
    fn first_failures_are_free_then_waits_double_up_to_a_cap() {
        assert_eq!(must_wait_until(2, at(1_000), at(1_000)), None);
        assert_eq!(must_wait_until(3, at(1_000), at(1_000)), Some(at(1_030)));
        assert_eq!(must_wait_until(3, at(1_000), at(1_030)), None);
        assert_eq!(must_wait_until(4, at(1_000), at(1_000)), Some(at(1_060)));
        assert_eq!(must_wait_until(40, at(1_000), at(1_000)), Some(at(1_000 + MAX_DELAY_SECS)));
    }
}
