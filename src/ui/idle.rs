//! Locking an idle support-agent session: no pointer or keyboard input for a while, and the
//! agent must give their password again before any customer data shows.
//!
//! The idle time is a policy of the settings file (`agent_idle_lock_secs` in
//! [`crate::core::policy::Policy`]), read by the open-db worker; `CLOSEDESK_AGENT_IDLE_SECS`
//! overrides it for drills and tests.

use std::time::{Duration, Instant};

/// The idle time in force until the settings file is read: the policy's default. No session
/// can start before that, so it only matters if the file is never read.
pub const DEFAULT_IDLE_LOCK: Duration =
    Duration::from_secs(crate::core::policy::DEFAULT_AGENT_IDLE_LOCK_SECS.unsigned_abs());

/// Overrides the settings file's idle time (whole seconds, at least 1), for tests and drills:
/// `CLOSEDESK_AGENT_IDLE_SECS=5 closedesk`. Anything else keeps the settings file's.
pub const IDLE_ENV: &str = "CLOSEDESK_AGENT_IDLE_SECS";

/// The idle time `CLOSEDESK_AGENT_IDLE_SECS` asks for, if it asks for one.
pub fn idle_override_from_env() -> Option<Duration> {
    idle_override_from(std::env::var(IDLE_ENV).ok().as_deref())
}

/// The idle time a value of `CLOSEDESK_AGENT_IDLE_SECS` asks for; a missing, blank, zero or
/// unreadable value asks for none, so the settings file's holds and a typo never turns the
/// lock off.
pub fn idle_override_from(value: Option<&str>) -> Option<Duration> {
    let secs = value.and_then(|text| text.trim().parse::<u64>().ok()).filter(|secs| *secs > 0);
    secs.map(Duration::from_secs)
}

/// When the person last touched the window, and how long they may stay away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleTimer {
    /// The idle time that locks.
    pub lock_after: Duration,
    last_input: Instant,
    /// The egui pass whose input was last looked at: while the window is hidden, `logic` runs
    /// again with the last shown pass's input, which must not count as new activity.
    last_pass: u64,
}

impl IdleTimer {
    /// A timer that starts counting at `now`.
    pub fn new(lock_after: Duration, now: Instant) -> Self {
        Self { lock_after, last_input: now, last_pass: u64::MAX }
    }

    /// Starts counting again from `now` (after an unlock).
    pub fn restart(&mut self, now: Instant) {
        self.last_input = now;
    }

    /// Notes the input of egui pass `pass`, if any arrived and the pass is new.
    pub fn observe(&mut self, pass: u64, had_input: bool, now: Instant) {
        if pass != self.last_pass {
            self.last_pass = pass;
            if had_input {
                self.last_input = now;
            }
        }
    }

    /// How long until the session locks: zero once it is due.
    pub fn remaining(&self, now: Instant) -> Duration {
        self.lock_after.saturating_sub(now.saturating_duration_since(self.last_input))
    }

    /// Whether the session has been idle for the whole lock time at `now`.
    pub fn is_due(&self, now: Instant) -> bool {
        self.remaining(now).is_zero()
    }
}

/// Whether this pass brought pointer or keyboard input (moves, clicks, keys, text, scrolling,
/// assistive-technology actions).
pub fn had_input(input: &egui::InputState) -> bool {
    !input.events.is_empty() || input.pointer.any_down()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_env_value_sets_seconds_and_anything_odd_keeps_the_settings_files() {
        assert_eq!(idle_override_from(Some("5")), Some(Duration::from_secs(5)));
        assert_eq!(idle_override_from(Some(" 90 ")), Some(Duration::from_secs(90)));
        for odd in [None, Some(""), Some("0"), Some("-3"), Some("ten")] {
            assert_eq!(idle_override_from(odd), None, "{odd:?}");
        }
        assert_eq!(DEFAULT_IDLE_LOCK, Duration::from_mins(10));
    }

    #[test]
    fn input_in_a_new_pass_restarts_the_count_and_a_repeated_pass_does_not() {
        let start = Instant::now();
        let mut timer = IdleTimer::new(Duration::from_secs(10), start);
        assert!(!timer.is_due(start + Duration::from_secs(9)));
        timer.observe(1, true, start + Duration::from_secs(9));
        assert!(!timer.is_due(start + Duration::from_secs(18)));
        assert_eq!(timer.remaining(start + Duration::from_secs(18)), Duration::from_secs(1));
        // The hidden window runs logic again on pass 1's input: no new activity.
        timer.observe(1, true, start + Duration::from_secs(18));
        timer.observe(2, false, start + Duration::from_secs(19));
        assert!(timer.is_due(start + Duration::from_secs(19)));
        timer.restart(start + Duration::from_secs(20));
        assert!(!timer.is_due(start + Duration::from_secs(29)));
    }
}
