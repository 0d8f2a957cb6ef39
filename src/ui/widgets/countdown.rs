//! A wait that ends at an instant, with the time left kept up to date.

use std::time::Duration;

use egui::{Response, Ui};
use jiff::Timestamp;

/// `42 s`, `3 min 05 s`: the time left, to the second.
pub fn time_left(secs: i64) -> String {
    if secs >= 60 { format!("{} min {:02} s", secs / 60, secs % 60) } else { format!("{secs} s") }
}

/// Shows `text` with the time left until `until`, as of `now`, and asks for a repaint every
/// second while it runs. Shows nothing once the wait is over; returns whether it still runs.
pub fn countdown_ui(ui: &mut Ui, text: &str, until: Timestamp, now: Timestamp) -> Option<Response> {
    let secs = until.duration_since(now).as_secs();
    if secs <= 0 {
        return None;
    }
    // The next frame is a second away: it counts one down, or ends the wait.
    ui.ctx().request_repaint_after(Duration::from_secs(1));
    Some(ui.label(format!("{text} ({} to go)", time_left(secs))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_left_reads_in_seconds_or_minutes() {
        assert_eq!(time_left(42), "42 s");
        assert_eq!(time_left(185), "3 min 05 s");
    }
}
