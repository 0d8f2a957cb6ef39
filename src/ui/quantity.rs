//! How the window spells counts and sizes: digits grouped by thousands ("266,240") and file
//! sizes in decimal units ("43.5 MB"), so that a number is read at a glance.

use crate::core::words::plural;

/// `266,240`: a count with its digits grouped by thousands.
pub use crate::core::money::group_thousands as grouped;

/// `1,234 orders`: a grouped count with its noun, singular for one.
pub fn counted(count: u64, one: &str, many: &str) -> String {
    format!("{} {}", grouped(count), plural(i64::try_from(count).unwrap_or(i64::MAX), one, many))
}

/// `43.5 MB`: a size in bytes, in decimal units (as file managers show them) with one decimal
/// from a kilobyte up, and exact below it.
pub fn byte_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1_000 {
        return counted(bytes, "byte", "bytes");
    }
    // Precision lost in the cast is far below the one decimal shown.
    #[expect(clippy::cast_precision_loss, reason = "a size is shown to one decimal")]
    let mut value = bytes as f64 / 1_000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1_000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(266_240), "266,240");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(counted(1, "order", "orders"), "1 order");
        assert_eq!(counted(100_000, "order", "orders"), "100,000 orders");
    }

    #[test]
    fn sizes_are_shown_in_human_units() {
        assert_eq!(byte_size(1), "1 byte");
        assert_eq!(byte_size(999), "999 bytes");
        assert_eq!(byte_size(1_000), "1.0 kB");
        assert_eq!(byte_size(266_240), "266.2 kB");
        assert_eq!(byte_size(43_500_000), "43.5 MB");
        assert_eq!(byte_size(999_990), "1.0 MB", "rounding up moves to the next unit");
        assert_eq!(byte_size(2_000_000_000_000_000), "2000.0 TB");
    }
}
