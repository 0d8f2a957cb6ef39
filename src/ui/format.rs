//! How the window spells instants: in the computer's own time zone, unlike the CLI's UTC.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// `2026-11-29`: the local calendar day of an instant.
pub fn local_date(at: Timestamp) -> String {
    date_in(at, TimeZone::system())
}

/// `2026-11-29 15:05 CET`: an instant to the minute, in local time with the zone's abbreviation.
pub fn local_minute(at: Timestamp) -> String {
    minute_in(at, TimeZone::system())
}

fn date_in(at: Timestamp, tz: TimeZone) -> String {
    at.to_zoned_datetime(tz).strftime("%Y-%m-%d").to_string()
}

fn minute_in(at: Timestamp, tz: TimeZone) -> String {
    at.to_zoned_datetime(tz).strftime("%Y-%m-%d %H:%M %Z").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_shown_in_the_given_zone() {
        let at: Timestamp = "2026-11-29T23:30:00Z".parse().unwrap();
        // A POSIX rule rather than a zone name, so that the test needs no tz database.
        let paris = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        assert_eq!(date_in(at, paris.clone()), "2026-11-30", "past midnight in Paris");
        assert_eq!(minute_in(at, paris), "2026-11-30 00:30 CET");
        assert_eq!(minute_in(at, TimeZone::UTC), "2026-11-29 23:30 UTC");
    }
}
