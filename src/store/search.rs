//! Finding customers by email, name, account id or order number, through indexes only, so a
//! search over 100,000 accounts answers about as fast as one over 1,000.

use rusqlite::{Connection, params};

use super::StoreResult;
use super::accounts::{ACCOUNT_COLUMNS, AccountRow, account_from_row};
use crate::core::AccountStatus;

/// The longest search text considered; longer input is cut.
const MAX_QUERY_CHARS: usize = 200;

/// Accounts matching `text`, best matches first, at most `limit`.
///
/// An exact account id or order number answers alone; otherwise emails starting with the text
/// come first, then names and emails whose words start with each word of the text.
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
        params![text, status, limit as i64],
    )?;
    push(by_email, &mut found);

    // A bare number is an account id or order number, handled above; as words it would match
    // every email with those digits.
    let numeric = text.chars().all(|c| c.is_ascii_digit());
    if found.len() < limit
        && !numeric
        && let Some(fts) = fts_query(&text)
    {
        // With a status filter some hits are dropped afterwards, so fetch a margin more.
        let wanted = if status.is_some() { limit * 4 } else { limit - found.len() + 1 };
        let by_words = query(
            conn,
            &format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id IN (
                     SELECT rowid FROM account_search WHERE account_search MATCH ?1 LIMIT ?3)
                 AND (?2 IS NULL OR status = ?2)
                 ORDER BY display_name COLLATE NOCASE, id"
            ),
            params![fts, status, wanted as i64],
        )?;
        push(by_words, &mut found);
    }
    Ok(found)
}

fn query(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> StoreResult<Vec<AccountRow>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, account_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Turns free text into an FTS5 query: every word must start a word of the name or email.
///
/// Single letters are left out when longer words are there: they match nearly every account
/// and would make the index walk all of them. No ranking either: an unranked match stops at
/// the limit instead of scoring every hit.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let long: Vec<&str> = words.iter().copied().filter(|w| w.chars().count() > 1).collect();
    let chosen = if long.is_empty() { words } else { long };
    let terms: Vec<String> = chosen.iter().take(8).map(|w| format!("\"{w}\"*")).collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
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
    fn a_deleted_account_leaves_the_index() {
        let (_dir, conn) = db();
        conn.execute("DELETE FROM accounts WHERE email = 'ldubois@example.org'", []).unwrap();
        assert_eq!(names(&search_accounts(&conn, "laurent", None, 10).unwrap()), ["Amélie Laurent"]);
        let indexed: i64 = conn.query_row("SELECT count(*) FROM account_search", [], |r| r.get(0)).unwrap();
        assert_eq!(indexed, 2);
    }

    #[test]
    fn the_status_filter_applies_to_every_kind_of_match() {
        let (_dir, conn) = db();
        assert!(search_accounts(&conn, "garcia", Some(AccountStatus::ClosurePending), 10).unwrap().is_empty());
    }
}
