//! Which columns of the listings an agent's screen masks, and which text filters skip while
//! masked: looked up in the one list of personal data ([`crate::core::personal`]) from the
//! `alias.column`s each column's SQL reads, so that a listing showing a personal column is
//! masked without a second list to keep in step.

use super::listing::Listing;
use crate::core::personal::{self, Class, Mask};

/// The word that follows `FROM` or `JOIN` is a table, the next its alias.
const TABLE_KEYWORDS: [&str; 2] = ["FROM", "JOIN"];

/// The aliases `from` (a listing's `FROM` clause without the keyword) and `expr` (which may
/// hold a subquery) give their tables: `[("o", "orders"), …]`.
fn aliases<'s>(from: &'s str, expr: &'s str) -> Vec<(&'s str, &'s str)> {
    let words = |text: &'s str| {
        text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ','))
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
    };
    let mut found = Vec::new();
    let from_words = words(from);
    if let [table, alias, ..] = from_words.as_slice() {
        found.push((*alias, *table));
    }
    for list in [from_words, words(expr)] {
        for (index, word) in list.iter().enumerate() {
            if TABLE_KEYWORDS.iter().any(|keyword| word.eq_ignore_ascii_case(keyword))
                && let (Some(table), Some(alias)) = (list.get(index + 1), list.get(index + 2))
            {
                found.push((*alias, *table));
            }
        }
    }
    found
}

/// The `alias.column` pairs `expr` reads, outside its string literals.
fn references(expr: &str) -> Vec<(&str, &str)> {
    let bytes = expr.as_bytes();
    let is_start = |b: u8| b.is_ascii_alphabetic() || b == b'_';
    let is_part = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let ident_end = |from: usize| (from..bytes.len()).find(|&i| !is_part(bytes[i])).unwrap_or(bytes.len());
    let mut found = Vec::new();
    let (mut index, mut in_string) = (0, false);
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'\'' {
            in_string = !in_string;
            index += 1;
        } else if !in_string && is_start(byte) && (index == 0 || !matches!(bytes[index - 1], b':' | b'.')) {
            let end = ident_end(index);
            if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(|b| is_start(*b)) {
                let column_end = ident_end(end + 1);
                found.push((&expr[index..end], &expr[end + 1..column_end]));
                index = column_end;
            } else {
                index = end;
            }
        } else {
            index += 1;
        }
    }
    found
}

/// The class of each column `expr` reads (given the listing's `from`); `None` for a column
/// the list of personal data does not know.
fn classes(expr: &str, from: &str) -> Vec<Option<Class>> {
    let aliases = aliases(from, expr);
    references(expr)
        .into_iter()
        .map(|(alias, column)| {
            let table = aliases.iter().find(|(known, _)| *known == alias).map(|(_, table)| *table)?;
            personal::class(table, column)
        })
        .collect()
}

/// How a value computed by `expr` is masked on an agent's screen: as the personal columns it
/// reads are. A column the list does not know is hidden rather than shown, and so is a value
/// mixing columns masked in different ways.
fn mask_of(expr: &str, from: &str) -> Option<Mask> {
    classes(expr, from).into_iter().fold(None, |mask, class| {
        let this = class.map_or(Some(Mask::Hidden), Class::mask);
        match (mask, this) {
            (None, this) => this,
            (Some(mask), Some(other)) if mask != other => Some(Mask::Hidden),
            (mask, _) => mask,
        }
    })
}

impl Listing {
    /// How each column, in [`Listing::columns`] order, is masked on an agent's screen until
    /// the agent reveals the account; `None` for a column shown as it is.
    pub fn masks(self) -> Vec<Option<Mask>> {
        let from = self.spec().from;
        self.columns().iter().map(|column| mask_of(column.sql, from)).collect()
    }
}

/// The expressions of `text` (a listing's filtered columns) that read masked personal data.
pub(super) fn masked_text(from: &str, text: &[&'static str]) -> Vec<&'static str> {
    text.iter().copied().filter(|expr| mask_of(expr, from).is_some()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dashboard::listing::ChildSpec;

    /// How each child column is masked: the children are shown unmasked, so this must be all `None`.
    fn child_masks(child: &ChildSpec) -> Vec<Option<Mask>> {
        child.columns.iter().map(|column| mask_of(column.sql, child.from)).collect()
    }

    #[test]
    fn references_skip_literals_parameters_and_numbers() {
        assert_eq!(references("'•••• ' || p.last4"), [("p", "last4")]);
        assert_eq!(references("printf('%02d/%d', p.exp_month, p.exp_year)"), [("p", "exp_month"), ("p", "exp_year")]);
        assert_eq!(references("CASE WHEN p.exp_year * 12 < :now_month THEN 'x.y' END"), [("p", "exp_year")]);
        assert_eq!(references("round(1.5 * o.total_minor)"), [("o", "total_minor")]);
        assert_eq!(
            aliases("conversations c LEFT JOIN orders o ON o.id = c.order_id", "(SELECT x FROM order_items i)"),
            [("c", "conversations"), ("o", "orders"), ("i", "order_items")]
        );
    }

    #[test]
    fn every_column_a_listing_reads_is_in_the_list_of_personal_data() {
        for listing in Listing::ALL {
            let spec = listing.spec();
            let mut exprs: Vec<&str> = listing.columns().iter().map(|column| column.sql).collect();
            exprs.extend(spec.text);
            for expr in exprs {
                let classes = classes(expr, spec.from);
                assert!(!classes.is_empty() || !expr.contains('.'), "{listing}: {expr} reads no known column");
                assert!(classes.iter().all(Option::is_some), "{listing}: {expr} reads a column the list lacks");
            }
            if let Some(child) = listing.child() {
                for column in child.columns {
                    assert!(classes(column.sql, child.from).iter().all(Option::is_some), "{listing}: {}", column.sql);
                }
            }
        }
    }

    #[test]
    fn the_masks_are_the_agent_screens_masks() {
        let masked = |listing: Listing| -> Vec<(&str, Mask)> {
            listing.columns().iter().zip(listing.masks()).filter_map(|(c, m)| Some((c.title, m?))).collect()
        };
        assert_eq!(
            masked(Listing::Addresses),
            [
                ("Recipient", Mask::Name),
                ("Street", Mask::Street),
                ("Postal code", Mask::PostalCode),
                ("Phone", Mask::Phone)
            ]
        );
        assert_eq!(masked(Listing::Mail), [("To", Mask::Email), ("Message", Mask::Hidden)]);
        for listing in Listing::ALL.into_iter().filter(|l| !matches!(l, Listing::Addresses | Listing::Mail)) {
            assert_eq!(masked(listing), [], "{listing}");
        }
        assert_eq!(
            Listing::Addresses.spec().personal,
            ["a.recipient", "a.line1", "a.line2", "a.postal_code"],
            "the masked filter skips exactly the masked columns"
        );
        assert_eq!(Listing::Mail.spec().personal, ["m.to_addr", "m.body"]);
    }

    #[test]
    fn children_are_shown_unmasked_so_none_reads_a_masked_column() {
        for listing in Listing::ALL {
            if let Some(child) = listing.child() {
                assert!(child_masks(child).iter().all(Option::is_none), "{listing}");
            }
        }
    }

    #[test]
    fn an_unknown_or_mixed_source_is_hidden() {
        assert_eq!(mask_of("a.no_such_column", "addresses a"), Some(Mask::Hidden));
        assert_eq!(mask_of("a.recipient || a.phone", "addresses a"), Some(Mask::Hidden));
        assert_eq!(mask_of("a.line1 || a.city", "addresses a"), Some(Mask::Street));
    }
}
