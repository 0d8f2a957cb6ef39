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

/// The first whole minute at or after `at`: a wait shown to the minute must not end before the
/// real one, or the person who comes back at the stated time is turned away again.
pub fn minute_up(at: Timestamp) -> Timestamp {
    let seconds = at.as_second();
    let rounded = seconds.div_euclid(60) * 60;
    let up = if rounded == seconds && at.subsec_nanosecond() == 0 { rounded } else { rounded + 60 };
    Timestamp::from_second(up).unwrap_or(at)
}

/// `2026-11-29`: the UTC calendar day of an instant.
pub fn utc_date(at: Timestamp) -> String {
    at.strftime("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_is_rounded_up_to_the_next_whole_minute() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(minute_up(at("2026-11-29T14:05:00Z")), at("2026-11-29T14:05:00Z"));
        assert_eq!(minute_up(at("2026-11-29T14:05:01Z")), at("2026-11-29T14:06:00Z"));
        assert_eq!(minute_up(at("2026-11-29T14:05:00.5Z")), at("2026-11-29T14:06:00Z"));
        assert_eq!(utc_minute(minute_up(at("2026-11-29T23:59:30Z"))), "2026-11-30 00:00 UTC");
    }
}
