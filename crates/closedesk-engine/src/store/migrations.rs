//! Versioned schema steps keyed on `PRAGMA user_version`, as cargo's `util/sqlite.rs` does.

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::{StoreResult, audit, name_pairs};

/// The schema steps in order. A released step is never edited: add a new one.
const STEPS: &[&str] = &[
    include_str!("sql/0001_accounts.sql"),
    include_str!("sql/0002_sign_in.sql"),
    include_str!("sql/0003_closure_flow.sql"),
    include_str!("sql/0004_dashboard.sql"),
    include_str!("sql/0005_customer_search.sql"),
    include_str!("sql/0006_audit_filters.sql"),
    include_str!("sql/0007_name_pairs.sql"),
    include_str!("sql/0008_unknown_logins.sql"),
    include_str!("sql/0009_audit_chain.sql"),
    include_str!("sql/0010_order_totals.sql"),
    include_str!("sql/0011_keyed_codes.sql"),
    include_str!("sql/0012_erasure_ledger.sql"),
    include_str!("sql/0013_orders_by_account.sql"),
];

/// Work SQL cannot do (hashing rows, say), run right after the SQL step of the same number
/// and inside the same transaction. Released like the steps: never edit one, add a new one.
const AFTER_STEP: &[(i64, RustStep)] = &[(9, audit::chain_existing)];

/// A step's work in Rust, given the migration's transaction.
type RustStep = fn(&Transaction<'_>) -> StoreResult<()>;

/// The schema version this build writes and understands.
pub const LATEST_VERSION: i64 = STEPS.len() as i64;

/// Marks a SQLite file as a closedesk database (`PRAGMA application_id`): "CDsk".
pub const APPLICATION_ID: i32 = 0x4344_736B;

/// Brings the schema up to [`LATEST_VERSION`] in one exclusive transaction.
pub fn migrate(conn: &mut Connection) -> StoreResult<()> {
    migrate_to(conn, LATEST_VERSION)
}

/// Applies the steps up to `target` (for tests that build an older database).
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> StoreResult<()> {
    // The schema's triggers call it, from step 7 on.
    name_pairs::register(conn)?;
    // Every worker opens its own connection: when nothing is to do, take no lock at all, so
    // that opening never waits behind (or holds up) another process's write.
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let app_id: i32 = conn.pragma_query_value(None, "application_id", |row| row.get(0))?;
    if version >= target && app_id == APPLICATION_ID {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let current: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for (index, step) in STEPS.iter().enumerate().take(target as usize).skip(current as usize) {
        let version = index as i64 + 1;
        tx.execute_batch(step)?;
        for (_, work) in AFTER_STEP.iter().filter(|(after, _)| *after == version) {
            work(&tx)?;
        }
        tx.pragma_update(None, "user_version", version)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::open;

    fn table_names(conn: &Connection) -> Vec<String> {
        let mut stmt =
            conn.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') ORDER BY name").unwrap();
        stmt.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("twice.db");
        let mut conn = open::create_empty(&path).unwrap();
        let before = table_names(&conn);
        migrate(&mut conn).unwrap();
        assert_eq!(table_names(&conn), before);
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, LATEST_VERSION);
    }

    #[test]
    fn database_from_previous_step_upgrades_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            migrate_to(&mut conn, LATEST_VERSION - 1).unwrap();
            conn.execute(
                "INSERT INTO accounts (display_name, email, country, created_at) VALUES ('Old Timer', 'old@example.test', 'DE', 0)",
                [],
            )
            .unwrap();
        }
        let conn = open::open_existing(&path).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, LATEST_VERSION);
        let count: i64 = conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 1);
        let found = crate::store::search::search_accounts(&conn, "tim old", None, 10).unwrap();
        assert_eq!(found.len(), 1, "the newest step indexed the account that was already there");
    }

    #[test]
    fn unkeyed_code_digests_of_earlier_versions_are_overwritten_and_their_codes_voided() {
        use crate::core::AccountId;
        use crate::core::closure::{CodeHash, IssuedCode, KeyId, Purpose, Wizard};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let at: jiff::Timestamp = "2026-12-01T09:00:00Z".parse().unwrap();
        {
            let mut conn = Connection::open(&path).unwrap();
            // Step 11 keys the codes: the database is one step before it.
            migrate_to(&mut conn, 10).unwrap();
            conn.execute(
                "INSERT INTO accounts (display_name, email, country, created_at) VALUES ('Old Timer', 'old@example.test', 'DE', 0)",
                [],
            )
            .unwrap();
            let mut wizard = Wizard::new(AccountId(1), Purpose::Close, 7, None);
            wizard.code = Some(IssuedCode {
                hash: CodeHash([0xAB; 32]),
                key: KeyId::default(),
                issued_at: at,
                expires_at: at,
                tries_left: 5,
                spent: false,
            });
            crate::store::closure::save_attempt(&conn, &wizard, at).unwrap();
        }
        let conn = open::open_existing(&path).unwrap();
        let code = crate::store::closure::load_attempt(&conn, AccountId(1)).unwrap().unwrap().code.unwrap();
        assert!(code.spent);
        assert_eq!(code.hash.0, [0; 32]);
        let json: String = conn.query_row("SELECT state_json FROM closure_attempts", [], |r| r.get(0)).unwrap();
        assert!(!json.contains("171"), "the old digest's bytes are gone: {json}");
    }
}
