//! Counted nouns in the words people read: "1 order", "2 orders".

/// `one` for a count of 1, `many` for any other count (0 included).
pub fn plural<'a>(count: i64, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

/// The count and its noun: `counted(1, "order", "orders")` is "1 order".
pub fn counted(count: i64, one: &str, many: &str) -> String {
    format!("{count} {}", plural(count, one, many))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(counted(1, "order", "orders"), "1 order");
        assert_eq!(counted(0, "order", "orders"), "0 orders");
        assert_eq!(counted(2, "review", "reviews"), "2 reviews");
        assert_eq!(counted(-1, "day", "days"), "-1 days");
    }
}
