//! Plain-text tables for human output.

use crate::core::money::group_thousands;

/// Lays out `rows` under `headers` in columns two spaces apart.
pub fn render(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (index, (cell, width)) in cells.zip(&widths).enumerate() {
            if index > 0 {
                text.push_str("  ");
            }
            text.push_str(cell);
            text.extend(std::iter::repeat_n(' ', width.saturating_sub(cell.chars().count())));
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// The line that ends a listing cut at its limit, "showing 100 of 18,008 accounts — …", or
/// nothing when it shows all `total`. `what` names the rows, in the plural (a cut listing left
/// out at least one row, so it held two at least).
pub fn cut_note(shown: usize, total: u64, what: &str) -> String {
    if shown as u64 >= total {
        return String::new();
    }
    format!(
        "showing {} of {} {what} — use --limit N for more, --limit 0 for all\n",
        group_thousands(shown as u64),
        group_thousands(total)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cut_listing_says_how_much_it_left_out() {
        assert_eq!(
            super::cut_note(100, 18_008, "accounts"),
            "showing 100 of 18,008 accounts — use --limit N for more, --limit 0 for all\n"
        );
        assert_eq!(super::cut_note(3, 3, "accounts"), "");
        assert_eq!(super::cut_note(0, 0, "accounts"), "");
    }

    #[test]
    fn columns_line_up() {
        let text = super::render(&["ID", "NAME"], &[vec!["1".into(), "Ann".into()], vec!["10".into(), "Bo".into()]]);
        assert_eq!(text, "ID  NAME\n1   Ann\n10  Bo\n");
    }
}
