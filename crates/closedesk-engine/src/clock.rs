//! The one place that reads the wall clock. `CLOSEDESK_NOW` moves it, for tests and drills.

use jiff::{SignedDuration, Timestamp};

/// The environment variable that sets "now" (RFC 3339, e.g. `2026-12-01T09:00:00Z`).
pub const NOW_ENV: &str = "CLOSEDESK_NOW";

/// A bad `CLOSEDESK_NOW`.
#[derive(Debug, thiserror::Error)]
#[error("{NOW_ENV} must be an RFC 3339 instant such as 2026-12-01T09:00:00Z: {0}")]
pub struct ClockError(String);

/// Where "now" comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    System,
    /// Always this instant: a CLI command runs as of `CLOSEDESK_NOW`.
    Fixed(Timestamp),
    /// The system clock moved by an offset, so that time still passes in the GUI.
    Shifted(SignedDuration),
}

impl Clock {
    /// A frozen clock at `CLOSEDESK_NOW` if it is set, else the system clock (for CLI commands).
    pub fn for_command() -> Result<Self, ClockError> {
        Ok(read_env()?.map_or(Self::System, Self::Fixed))
    }

    /// A clock that starts at `CLOSEDESK_NOW` if it is set and then runs (for the GUI).
    pub fn for_app() -> Result<Self, ClockError> {
        Ok(read_env()?.map_or(Self::System, |at| Self::Shifted(at.duration_since(Timestamp::now()))))
    }

    /// The current instant by this clock.
    pub fn now(self) -> Timestamp {
        match self {
            Self::System => Timestamp::now(),
            Self::Fixed(at) => at,
            Self::Shifted(offset) => Timestamp::now().checked_add(offset).unwrap_or_else(|_| Timestamp::now()),
        }
    }
}

fn read_env() -> Result<Option<Timestamp>, ClockError> {
    match std::env::var(NOW_ENV) {
        Ok(text) if !text.trim().is_empty() => {
            text.trim().parse().map(Some).map_err(|err: jiff::Error| ClockError(err.to_string()))
        }
        _ => Ok(None),
    }
}
