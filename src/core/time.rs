//! Instants as the store keeps them (Unix seconds, UTC) and as people read them.

use jiff::Timestamp;

/// Converts a Unix-seconds value from the store into a timestamp.
pub fn from_unix(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// `2026-11-29 14:05 UTC`: how the CLI and logs show an instant.
pub fn utc_minute(at: Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// `2026-11-29`: the UTC calendar day of an instant.
pub fn utc_date(at: Timestamp) -> String {
    at.strftime("%Y-%m-%d").to_string()
}
