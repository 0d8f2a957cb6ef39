//! How the dashboards spell numbers, money, dates and table cells, and the small painted
//! markers (sort direction, expand) the bundled fonts have no glyphs for.

use egui::{Response, Sense, Ui, vec2};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Unit};

use crate::core::Money;
use crate::core::money::group_thousands;
use crate::core::words::{counted, plural};
use crate::service::dashboard::Value;
use crate::ui::format::local_minute;

/// `1,234`: a count as a person reads it.
pub fn thousands(count: u64) -> String {
    group_thousands(count)
}

/// `1,234 of 100,000 orders`: how many rows a filter keeps out of all of them.
pub fn count_line(shown: u64, total: u64, (one, many): (&str, &str)) -> String {
    format!("{} of {} {}", thousands(shown), thousands(total), plural(total as i64, one, many))
}

/// `EUR 12.50 + USD 3.00`, or `none` when there is no amount.
pub fn money_list(amounts: &[Money]) -> String {
    if amounts.is_empty() {
        return "none".to_owned();
    }
    amounts.iter().map(ToString::to_string).collect::<Vec<_>>().join(" + ")
}

/// `6 years, 2 months`: how long ago `since` was, as of `as_of`, in calendar terms.
pub fn age(since: Timestamp, as_of: Timestamp) -> String {
    let start = since.to_zoned_datetime(TimeZone::UTC);
    let end = as_of.to_zoned_datetime(TimeZone::UTC);
    let Ok(span) = start.until((Unit::Year, &end)) else {
        return "unknown".to_owned();
    };
    let (years, months, days) = (span.get_years(), span.get_months(), span.get_days());
    match (years, months) {
        (0, 0) => counted(i64::from(days), "day", "days"),
        (0, m) => counted(i64::from(m), "month", "months"),
        (y, 0) => counted(i64::from(y), "year", "years"),
        (y, m) => format!("{}, {}", counted(i64::from(y), "year", "years"), counted(i64::from(m), "month", "months")),
    }
}

/// How a table cell reads: money with its currency, instants in local time, empty for none.
pub fn cell_text(value: &Value) -> String {
    match value {
        Value::Empty => String::new(),
        Value::Text(text) => text.clone(),
        Value::Integer(number) => number.to_string(),
        Value::Money(money) => money.to_string(),
        Value::Time(at) => local_minute(*at),
    }
}

/// Paints a small triangle pointing down (`descending`) or up, as a sort marker.
pub fn sort_marker_ui(ui: &mut Ui, descending: bool) -> Response {
    let size = ui.text_style_height(&egui::TextStyle::Body) * 0.5;
    let (rect, response) = ui.allocate_exact_size(vec2(size, size), Sense::hover());
    let color = ui.visuals().strong_text_color();
    let points = if descending {
        vec![rect.left_top(), rect.right_top(), rect.center_bottom()]
    } else {
        vec![rect.left_bottom(), rect.right_bottom(), rect.center_top()]
    };
    ui.painter().add(egui::Shape::convex_polygon(points, color, egui::Stroke::NONE));
    response
}

/// A toggle reading `label` after a painted triangle that points right when closed and down
/// when open: a row that expands. Screen readers hear the label and the open state.
pub fn expander_ui(ui: &mut Ui, open: bool, label: &str) -> Response {
    let size = ui.text_style_height(&egui::TextStyle::Body) * 0.45;
    let (marker, _) = ui.allocate_exact_size(vec2(size, size), Sense::hover());
    let response = ui.add(egui::Button::selectable(open, label).frame_when_inactive(false));
    let center = marker.center();
    let half = size / 2.0;
    let points = if open {
        vec![center + vec2(-half, -half / 1.5), center + vec2(half, -half / 1.5), center + vec2(0.0, half)]
    } else {
        vec![center + vec2(-half / 1.5, -half), center + vec2(half, 0.0), center + vec2(-half / 1.5, half)]
    };
    let color = ui.visuals().widgets.style(&response).fg_stroke.color;
    ui.painter().add(egui::Shape::convex_polygon(points, color, egui::Stroke::NONE));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Currency;

    #[test]
    fn counts_are_grouped_and_the_noun_follows_the_total() {
        assert_eq!(count_line(1_234, 100_000, ("order", "orders")), "1,234 of 100,000 orders");
        assert_eq!(count_line(1, 1, ("order", "orders")), "1 of 1 order");
        assert_eq!(count_line(0, 0, ("order", "orders")), "0 of 0 orders");
    }

    #[test]
    fn ages_read_in_years_and_months() {
        let at = |text: &str| -> Timestamp { text.parse().unwrap() };
        assert_eq!(age(at("2020-01-10T00:00:00Z"), at("2026-03-15T00:00:00Z")), "6 years, 2 months");
        assert_eq!(age(at("2025-03-10T00:00:00Z"), at("2026-03-15T00:00:00Z")), "1 year");
        assert_eq!(age(at("2026-03-10T00:00:00Z"), at("2026-03-15T00:00:00Z")), "5 days");
    }

    #[test]
    fn several_currencies_are_added_up_in_words() {
        let eur = Currency::new("EUR").unwrap();
        let usd = Currency::new("USD").unwrap();
        assert_eq!(money_list(&[Money::new(1_250, eur), Money::new(300, usd)]), "EUR 12.50 + USD 3.00");
        assert_eq!(money_list(&[]), "none");
    }
}
