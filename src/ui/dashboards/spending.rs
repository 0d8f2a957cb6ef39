//! Spending per month as a bar chart, one series per currency, with the month and amount
//! shown on hover.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

use crate::core::{Currency, Money};
use crate::service::dashboard::MonthTotal;
use crate::ui::theme;
use crate::ui::widgets::figures::money_list;

/// The height of the chart.
const CHART_HEIGHT: f32 = 200.0;

/// `2025-03` for a month index (months since year 0).
fn month_name(index: i64) -> String {
    format!("{:04}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

/// An amount in major units, for the chart's scale only (labels use [`Money`]'s own text).
fn major_units(money: Money) -> f64 {
    money.amount_minor as f64 / 10_f64.powi(money.currency.minor_digits() as i32)
}

/// Draws the chart, or a sentence when nothing was spent.
pub fn spending_ui(ui: &mut Ui, months: &[MonthTotal]) {
    if months.is_empty() {
        ui.label(RichText::new("No paid orders yet.").weak());
        return;
    }
    let mut currencies: Vec<Currency> = months.iter().map(|month| month.total.currency).collect();
    currencies.sort();
    currencies.dedup();
    let totals: Vec<Money> = currencies
        .iter()
        .map(|currency| {
            let sum =
                months.iter().filter(|month| month.total.currency == *currency).map(|m| m.total.amount_minor).sum();
            Money::new(sum, *currency)
        })
        .collect();
    let first = months.iter().map(MonthTotal::month_index).min().unwrap_or_default();
    let last = months.iter().map(MonthTotal::month_index).max().unwrap_or_default();
    ui.label(format!("{} spent from {} to {}", money_list(&totals), month_name(first), month_name(last)));

    let series = currencies.len();
    let width = 0.8 / series as f64;
    let charts: Vec<BarChart> = currencies
        .iter()
        .enumerate()
        .map(|(index, currency)| {
            // Side by side within a month when there are several currencies.
            let shift = (index as f64 - (series as f64 - 1.0) / 2.0) * width;
            let bars =
                months
                    .iter()
                    .filter(|month| month.total.currency == *currency)
                    .map(|month| {
                        Bar::new(month.month_index() as f64 + shift, major_units(month.total))
                            .width(width)
                            .name(format!("{}: {}", month_name(month.month_index()), month.total))
                    })
                    .collect();
            BarChart::new(currency.as_str(), bars)
                .color(theme::chart_series(ui.visuals(), index))
                .element_formatter(Box::new(|bar, _| bar.name.clone()))
        })
        .collect();

    Plot::new("closedesk-spending")
        .height(CHART_HEIGHT)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .show_y(false)
        .include_y(0.0)
        .legend(Legend::default())
        .x_axis_formatter(|mark, _| {
            // Label whole months only.
            let value = mark.value;
            if (value - value.round()).abs() < 1e-6 { month_name(value.round() as i64) } else { String::new() }
        })
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_indexes_read_as_year_and_month() {
        let month = MonthTotal { year: 2025, month: 3, total: Money::new(0, Currency::new("EUR").unwrap()) };
        assert_eq!(month_name(month.month_index()), "2025-03");
        assert_eq!(month_name(2025 * 12 + 11), "2025-12");
    }
}
