//! Finding customers by email, name, account id or order number, through indexes only, so a
//! search over 100,000 accounts answers about as fast as one over 1,000.

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::accounts::{ACCOUNT_COLUMNS, AccountRow, account_from_row};
use super::{StoreResult, name_pairs};
use crate::core::{AccountId, AccountStatus};

/// How many customers a search returns at first: a few screens of results, so that what a search
/// costs follows what it shows rather than how many customers match. More come on request.
pub const PAGE: usize = 50;

/// The longest search text considered; longer input is cut.
const MAX_QUERY_CHARS: usize = 200;

/// The account whose id `text` is, if that account was purged: its id and when it was purged.
/// A search that finds no one can then say why, where a purged account's email and name, gone
/// with it, could never be found.
pub fn purged_account(conn: &Connection, text: &str) -> StoreResult<Option<(AccountId, Timestamp)>> {
    let Ok(id) = text.trim().parse::<i64>().map(AccountId) else {
        return Ok(None);
    };
    Ok(super::accounts::purged_at(conn, id)?.map(|at| (id, at)))
}

/// Accounts matching `text`, best matches first, at most `limit`.
///
/// An exact account id or order number answers alone; otherwise emails starting with the text
/// come first (in email order), then, for one word, names and emails with a word starting with
/// it, and for several words, names with a word starting with each in any order (both in
/// account order). Each group keeps its order as `limit` grows, so a longer page only adds
/// rows at the end.
pub fn search_accounts(
    conn: &Connection,
    text: &str,
    status: Option<AccountStatus>,
    limit: usize,
) -> StoreResult<Vec<AccountRow>> {
    let text: String = text.trim().chars().take(MAX_QUERY_CHARS).collect();
    if text.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let status = status.map(AccountStatus::as_str);
    let mut found: Vec<AccountRow> = Vec::new();
    let push = |rows: Vec<AccountRow>, found: &mut Vec<AccountRow>| {
        for row in rows {
            if found.len() < limit && !found.iter().any(|f| f.id == row.id) {
                found.push(row);
            }
        }
    };

    if let Ok(id) = text.parse::<i64>() {
        let rows = query(
            conn,
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1 AND (?2 IS NULL OR status = ?2)"),
            params![id, status],
        )?;
        push(rows, &mut found);
    }
    let by_order = query(
        conn,
        &format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id IN (
                 SELECT account_id FROM orders WHERE order_number = ?1 COLLATE NOCASE)
             AND (?2 IS NULL OR status = ?2)"
        ),
        params![text, status],
    )?;
    push(by_order, &mut found);

    // An exact id or order number is what the agent meant: word matches would only bury it.
    if !found.is_empty() {
        return Ok(found);
    }

    // The NOCASE unique index on email serves this range: an email prefix, case-insensitively.
    let by_email = query(
        conn,
        &format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts
             WHERE email >= ?1 AND email < ?1 || char(1114111) AND (?2 IS NULL OR status = ?2)
             ORDER BY email LIMIT ?3"
        ),
        params![text, status, sql_limit(limit)],
    )?;
    push(by_email, &mut found);

    // A bare number is an account id or order number, handled above; as words it would match
    // every email with those digits.
    let numeric = text.chars().all(|c| c.is_ascii_digit());
    let words = search_words(&text);
    if found.len() < limit && !numeric && !words.is_empty() {
        // With a status filter some hits are dropped afterwards, so fetch a margin more.
        let wanted = if status.is_some() { limit.saturating_mul(4) } else { (limit - found.len()).saturating_add(1) };
        // Several words are looked up as pairs, so the cost follows the accounts that hold them
        // all rather than every account that holds one; a single word is a prefix of any word of
        // the name or the email. Unranked, the match stops at the limit instead of scoring every
        // hit.
        let (index, fts) = match name_pairs::pair_query(&words) {
            Some(pairs) => ("account_name_pairs", pairs),
            None => ("account_search", format!("\"{}\"*", words[0])),
        };
        let by_words = query(
            conn,
            &format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id IN (
                     SELECT rowid FROM {index} WHERE {index} MATCH ?1 LIMIT ?3)
                 AND (?2 IS NULL OR status = ?2)"
            ),
            params![fts, status, sql_limit(wanted)],
        )?;
        push(by_words, &mut found);
    }
    Ok(found)
}

/// How many accounts [`search_accounts`] finds for `text` without a limit: the accounts
/// with that id or order number if there are any, else those whose email starts with the text
/// or whose name or email holds its words. Counted in SQLite, so a search matching most of a
/// large database costs no memory per match.
pub fn count_accounts(conn: &Connection, text: &str, status: Option<AccountStatus>) -> StoreResult<u64> {
    let text: String = text.trim().chars().take(MAX_QUERY_CHARS).collect();
    if text.is_empty() {
        return Ok(0);
    }
    let status = status.map(AccountStatus::as_str);
    let count = |sql: &str, params: &[&dyn rusqlite::ToSql]| -> StoreResult<u64> {
        let count: i64 = conn.prepare_cached(sql)?.query_row(params, |row| row.get(0))?;
        Ok(count as u64)
    };
    let id = text.parse::<i64>().ok();
    let exact = count(
        "SELECT count(*) FROM accounts WHERE (id = ?1 OR id IN (
             SELECT account_id FROM orders WHERE order_number = ?2 COLLATE NOCASE))
         AND (?3 IS NULL OR status = ?3)",
        &[&id, &text, &status],
    )?;
    if exact > 0 {
        return Ok(exact);
    }
    let numeric = text.chars().all(|c| c.is_ascii_digit());
    let words = search_words(&text);
    let by_email = "SELECT id FROM accounts
         WHERE email >= ?1 AND email < ?1 || char(1114111) AND (?2 IS NULL OR status = ?2)";
    if numeric || words.is_empty() {
        return count(&format!("SELECT count(*) FROM ({by_email})"), &[&text, &status]);
    }
    let (index, fts) = match name_pairs::pair_query(&words) {
        Some(pairs) => ("account_name_pairs", pairs),
        None => ("account_search", format!("\"{}\"*", words[0])),
    };
    count(
        &format!(
            "SELECT count(*) FROM ({by_email} UNION
                 SELECT id FROM accounts WHERE id IN (SELECT rowid FROM {index} WHERE {index} MATCH ?3)
                 AND (?2 IS NULL OR status = ?2))"
        ),
        &[&text, &status, &fts],
    )
}

/// `limit` as SQLite's LIMIT, where a negative number means none.
fn sql_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(-1)
}

fn query(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> StoreResult<Vec<AccountRow>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, account_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The words of a search, at most eight.
///
/// Single letters are left out when longer words are there: they match nearly every account
/// and would make the index walk all of them.
fn search_words(text: &str) -> Vec<&str> {
    let words: Vec<&str> = name_pairs::words(text).collect();
    let long: Vec<&str> = words.iter().copied().filter(|w| w.chars().count() > 1).collect();
    let mut chosen = if long.is_empty() { words } else { long };
    chosen.truncate(8);
    chosen
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;

    use super::*;
    use crate::store::accounts::{NewAccount, insert_account};

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::create_empty(&dir.path().join("search.db")).unwrap();
        for (name, email) in [
            ("Mateo García", "mateo.garcia@example.com"),
            ("Amélie Laurent", "amelie.laurent@example.com"),
            ("Laurent Dubois", "ldubois@example.org"),
        ] {
            let account = NewAccount {
                display_name: name,
                email,
                phone: None,
                country: "FR",
                created_at: Timestamp::UNIX_EPOCH,
                password_phc: "x",
            };
            insert_account(&conn, &account).unwrap();
        }
        (dir, conn)
    }

    fn names(rows: &[AccountRow]) -> Vec<&str> {
        rows.iter().map(|r| r.display_name.as_str()).collect()
    }

    #[test]
    fn finds_by_word_prefix_without_accents_and_by_email_prefix() {
        let (_dir, conn) = db();
        assert_eq!(names(&search_accounts(&conn, "garc", None, 10).unwrap()), ["Mateo García"]);
        assert_eq!(names(&search_accounts(&conn, "laurent", None, 10).unwrap()), ["Amélie Laurent", "Laurent Dubois"]);
        assert_eq!(names(&search_accounts(&conn, "AMELIE.L", None, 10).unwrap()), ["Amélie Laurent"]);
        assert_eq!(names(&search_accounts(&conn, "2", None, 10).unwrap()), ["Amélie Laurent"]);
        assert!(search_accounts(&conn, "\"*) NEAR (zz", None, 10).unwrap().is_empty(), "query syntax is escaped");
    }

    #[test]
    fn several_words_find_names_holding_each_in_any_order() {
        let (_dir, conn) = db();
        assert_eq!(names(&search_accounts(&conn, "laur ame", None, 10).unwrap()), ["Amélie Laurent"]);
        assert_eq!(names(&search_accounts(&conn, "AMEL laurent", None, 10).unwrap()), ["Amélie Laurent"]);
        assert_eq!(names(&search_accounts(&conn, "dub la", None, 10).unwrap()), ["Laurent Dubois"]);
        assert_eq!(
            names(&search_accounts(&conn, "mateo g", None, 10).unwrap()),
            ["Mateo García"],
            "a lone letter is left out"
        );
        // Decomposed accents (as some keyboards and pasted text give) fold like composed ones,
        // typed or stored.
        assert_eq!(names(&search_accounts(&conn, "garci\u{301}a mat", None, 10).unwrap()), ["Mateo García"]);
        let decomposed = NewAccount {
            display_name: "Zoe\u{308} Marti\u{301}n",
            email: "zm@example.com",
            phone: None,
            country: "ES",
            created_at: Timestamp::UNIX_EPOCH,
            password_phc: "x",
        };
        insert_account(&conn, &decomposed).unwrap();
        assert_eq!(names(&search_accounts(&conn, "martin zoe", None, 10).unwrap()), [decomposed.display_name]);
        assert!(search_accounts(&conn, "amelie dubois", None, 10).unwrap().is_empty(), "the words must share a name");
        assert!(search_accounts(&conn, "laurent laurent", None, 10).unwrap().is_empty(), "one name word is not two");
    }

    #[test]
    fn three_words_must_all_start_words_of_the_name() {
        let (_dir, conn) = db();
        let account = NewAccount {
            display_name: "Ana María López",
            email: "aml@example.com",
            phone: None,
            country: "ES",
            created_at: Timestamp::UNIX_EPOCH,
            password_phc: "x",
        };
        insert_account(&conn, &account).unwrap();
        assert_eq!(names(&search_accounts(&conn, "lop ana mar", None, 10).unwrap()), ["Ana María López"]);
        assert!(search_accounts(&conn, "lop ana mateo", None, 10).unwrap().is_empty());
    }

    #[test]
    fn a_renamed_account_is_found_by_its_new_name_only() {
        let (_dir, conn) = db();
        conn.execute("UPDATE accounts SET display_name = 'Mateo Ruiz' WHERE email = 'mateo.garcia@example.com'", [])
            .unwrap();
        assert_eq!(names(&search_accounts(&conn, "mateo ruiz", None, 10).unwrap()), ["Mateo Ruiz"]);
        assert!(search_accounts(&conn, "mateo garcia", None, 10).unwrap().is_empty());
    }

    #[test]
    fn a_longer_page_only_adds_rows_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::create_empty(&dir.path().join("pages.db")).unwrap();
        let spec = crate::demo::seed::SeedSpec { accounts: 600, orders_per_account: 0, seed: 9 };
        crate::demo::seed::seed(&mut conn, &spec, Timestamp::UNIX_EPOCH, &mut |_| {}).unwrap();
        // The commonest pair of two-letter name-word starts, for a pair search with most hits.
        let mut pairs = std::collections::HashMap::<String, usize>::new();
        let all = crate::store::accounts::AccountFilter { limit: 1_000, ..Default::default() };
        for row in crate::store::accounts::list_accounts(&conn, &all).unwrap() {
            let starts: Vec<String> = row.display_name.split(' ').map(|w| w.chars().take(2).collect()).collect();
            *pairs.entry(starts.join(" ")).or_default() += 1;
        }
        let (pair, _) = pairs.into_iter().max_by_key(|(pair, count)| (*count, pair.clone())).unwrap();
        // Emails only, emails then name words, name words only, and name-word pairs.
        for text in ["synthetic-b1-1", "s", "ma", &pair] {
            let mut shorter: Vec<i64> = Vec::new();
            for limit in [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144] {
                let page: Vec<i64> =
                    search_accounts(&conn, text, None, limit).unwrap().iter().map(|r| r.id.0).collect();
                assert!(page.starts_with(&shorter), "{text:?} up to {limit}: {page:?} does not go on from {shorter:?}");
                shorter = page;
            }
            assert!(shorter.len() > 3, "{text:?} finds enough to page through: {}", shorter.len());
        }
    }

    #[test]
    fn a_deleted_account_leaves_the_index() {
        let (_dir, conn) = db();
        conn.execute("DELETE FROM accounts WHERE email = 'ldubois@example.org'", []).unwrap();
        assert_eq!(names(&search_accounts(&conn, "laurent", None, 10).unwrap()), ["Amélie Laurent"]);
        assert!(search_accounts(&conn, "laurent dub", None, 10).unwrap().is_empty());
        let indexed: i64 = conn.query_row("SELECT count(*) FROM account_search", [], |r| r.get(0)).unwrap();
        assert_eq!(indexed, 2);
        // With secure-delete the index pages no longer hold the deleted name's tokens at all.
        let mut stmt = conn
            .prepare("SELECT block FROM account_search_data UNION ALL SELECT block FROM account_name_pairs_data")
            .unwrap();
        let blocks: Vec<Vec<u8>> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        for needle in ["dubois", "ldubois"].map(str::as_bytes) {
            assert!(
                !blocks.iter().any(|b| b.windows(needle.len()).any(|w| w == needle)),
                "{} left in the index",
                String::from_utf8_lossy(needle)
            );
        }
    }

    #[test]
    fn the_count_is_what_a_search_without_a_limit_finds() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::create_empty(&dir.path().join("count.db")).unwrap();
        let spec = crate::demo::seed::SeedSpec { accounts: 300, orders_per_account: 1, seed: 4 };
        crate::demo::seed::seed(&mut conn, &spec, Timestamp::UNIX_EPOCH, &mut |_| {}).unwrap();
        conn.execute("UPDATE accounts SET status = 'closure_pending' WHERE id % 3 = 0", []).unwrap();
        let order: String = conn.query_row("SELECT order_number FROM orders LIMIT 1", [], |r| r.get(0)).unwrap();
        let a_name: String =
            conn.query_row("SELECT display_name FROM accounts WHERE id = 7", [], |r| r.get(0)).unwrap();
        for text in ["synthetic-b1-1", "s", "ma", "7", "123456", &order, &a_name, "zzzz", "", "\"*) NEAR (zz"] {
            for status in [None, Some(AccountStatus::Active), Some(AccountStatus::ClosurePending)] {
                let all = search_accounts(&conn, text, status, usize::MAX).unwrap();
                let count = count_accounts(&conn, text, status).unwrap();
                assert_eq!(count, all.len() as u64, "{text:?} with {status:?}");
                if count > 2 {
                    assert_eq!(search_accounts(&conn, text, status, 2).unwrap().len(), 2, "{text:?} cut at 2");
                }
            }
        }
    }

    #[test]
    fn the_status_filter_applies_to_every_kind_of_match() {
        let (_dir, conn) = db();
        assert!(search_accounts(&conn, "garcia", Some(AccountStatus::ClosurePending), 10).unwrap().is_empty());
    }
}
