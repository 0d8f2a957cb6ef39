//! An index of pairs of name words, so that a search for two words reads only the accounts
//! whose name holds both, instead of walking every account that holds either.
//!
//! Each account's name is indexed as tokens `prefix_word`: every prefix of one name word joined
//! to another whole name word, in both orders ("Emeka Costa" gives `e_costa`, `em_costa`, …,
//! `emeka_costa`, `c_emeka`, …, `costa_emeka`). A search for "eme cos" is then the single prefix
//! query `"eme_cos"*`, whose answers are exactly the accounts with both words, so its cost follows
//! the number of matches and not the size of the customer list.
//!
//! The tokens are built here, by an SQL function the schema's triggers call, but folded (case,
//! diacritics) by SQLite's own tokenizer on both the indexed and the searched side, so the two
//! always agree.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

/// The SQL function the triggers of schema step 7 call; every connection that writes accounts
/// needs it (see [`register`]).
const FUNCTION: &str = "closedesk_name_pairs";

/// Only the first few words of a name are paired, which bounds the tokens per account.
const MAX_WORDS: usize = 4;

/// The join between the two words of a pair: a token character for the pair index (its
/// tokenizer is told so), and never part of a word here.
const JOIN: char = '_';

/// Makes [`FUNCTION`] available on `conn`.
///
/// It is pure and safe to call from the schema, which `trusted_schema = OFF` requires of any
/// function a trigger uses.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function(FUNCTION, 1, flags, |ctx| {
        let name: Option<String> = ctx.get(0)?;
        Ok(pair_tokens(name.as_deref().unwrap_or_default()))
    })
}

/// The words of `text` as search sees them: runs of letters and digits, with the combining
/// accents of decomposed text kept inside the word they belong to, as SQLite's tokenizer does.
pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || is_combining_mark(c))).filter(|w| !w.is_empty())
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// The pair tokens of a name, separated by spaces.
fn pair_tokens(name: &str) -> String {
    let mut chosen: Vec<&str> = Vec::new();
    for word in words(name) {
        if chosen.len() == MAX_WORDS {
            break;
        }
        if !chosen.iter().any(|c| c.to_lowercase() == word.to_lowercase()) {
            chosen.push(word);
        }
    }
    let mut tokens = String::new();
    for (i, first) in chosen.iter().enumerate() {
        for (j, second) in chosen.iter().enumerate() {
            if i == j {
                continue;
            }
            for (end, c) in first.char_indices() {
                if !tokens.is_empty() {
                    tokens.push(' ');
                }
                tokens.push_str(&first[..end + c.len_utf8()]);
                tokens.push(JOIN);
                tokens.push_str(second);
            }
        }
    }
    tokens
}

/// The pair-index query for search words: the first word paired with each of the others, each
/// pair a prefix match. `None` for fewer than two words.
pub(crate) fn pair_query(words: &[&str]) -> Option<String> {
    let (first, rest) = words.split_first()?;
    let terms: Vec<String> = rest.iter().map(|second| format!("\"{first}{JOIN}{second}\"*")).collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_gives_every_prefix_of_each_word_joined_to_each_other_word() {
        assert_eq!(pair_tokens("Ana Li"), "A_Li An_Li Ana_Li L_Ana Li_Ana",);
        assert_eq!(pair_tokens("Zoë"), "", "one word has no pairs");
        assert_eq!(pair_tokens("Anna anna"), "", "a repeated word is not paired with itself");
    }

    #[test]
    fn only_the_first_words_of_a_long_name_are_paired() {
        let tokens = pair_tokens("A B C D E F");
        assert!(tokens.contains("A_D") && !tokens.contains('E'), "{tokens}");
    }

    #[test]
    fn a_connection_without_the_function_cannot_add_an_account_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pairs.db");
        drop(crate::store::create_empty(&path).unwrap());
        let other_tool = Connection::open(&path).unwrap();
        let err = other_tool
            .execute(
                "INSERT INTO accounts (display_name, email, country, created_at) VALUES ('Ana Li', 'ana@example.test', 'DE', 0)",
                [],
            )
            .unwrap_err();
        assert!(err.to_string().contains(FUNCTION), "{err}");
        let count: i64 = other_tool.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 0);
    }

    #[test]
    fn the_query_pairs_the_first_word_with_each_other() {
        assert_eq!(pair_query(&["eme"]), None);
        assert_eq!(pair_query(&["eme", "cos"]).unwrap(), "\"eme_cos\"*");
        assert_eq!(pair_query(&["a", "b", "c"]).unwrap(), "\"a_b\"* AND \"a_c\"*");
    }
}
