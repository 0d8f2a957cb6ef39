//! The list of personal data ([`crate::core::personal`]) held to the schema, the backup's
//! columns and the purge: a column added to one and not classified in the list fails here.

use std::collections::BTreeSet;

use rusqlite::Connection;

use crate::core::personal::{self, Class, Fate, Scan};
use crate::store::export::Table as Exported;

/// Every `(table, column)` of a freshly migrated database, read from SQLite itself.
fn schema_columns() -> BTreeSet<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let conn = crate::store::create_empty(&dir.path().join("schema.db")).unwrap();
    columns_of(&conn)
}

fn columns_of(conn: &Connection) -> BTreeSet<(String, String)> {
    let mut stmt = conn
        .prepare(
            "SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p
             WHERE m.type = 'table' ORDER BY m.name, p.cid",
        )
        .unwrap();
    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().map(Result::unwrap).collect()
}

fn listed_columns() -> BTreeSet<(String, String)> {
    personal::TABLES
        .iter()
        .flat_map(|table| table.columns.iter().map(|(column, _)| (table.name.to_owned(), (*column).to_owned())))
        .collect()
}

#[test]
fn every_column_of_the_schema_is_classified_and_the_list_names_no_other() {
    let schema = schema_columns();
    let listed = listed_columns();
    let unclassified: Vec<_> = schema.difference(&listed).collect();
    assert!(unclassified.is_empty(), "columns of the schema missing from core::personal: {unclassified:?}");
    let unknown: Vec<_> = listed.difference(&schema).collect();
    assert!(unknown.is_empty(), "columns core::personal names that the schema lacks: {unknown:?}");
}

#[test]
fn a_column_added_to_the_schema_but_not_to_the_list_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let conn = crate::store::create_empty(&dir.path().join("schema.db")).unwrap();
    conn.execute("ALTER TABLE accounts ADD COLUMN birth_date TEXT", []).unwrap();
    let missing: Vec<_> = columns_of(&conn).difference(&listed_columns()).cloned().collect();
    assert_eq!(missing, [("accounts".to_owned(), "birth_date".to_owned())]);
}

/// The backup table an account's database table is written as.
fn exported_as(table: &str) -> Option<Exported> {
    match table {
        "accounts" => Some(Exported::Profile),
        "outbox" => Some(Exported::Mail),
        name => Exported::ALL.into_iter().find(|exported| exported.name() == name),
    }
}

#[test]
fn a_backup_holds_every_personal_column_of_the_account_and_no_secret() {
    for table in personal::TABLES.iter().filter(|t| matches!(t.fate, Fate::Deleted | Fate::Anonymized)) {
        let exported = exported_as(table.name);
        for (column, class) in table.columns {
            let in_backup = exported.is_some_and(|e| e.columns().iter().any(|c| c.name == *column));
            match class {
                Class::Personal(_) => assert!(in_backup, "{}.{column} is personal but not in a backup", table.name),
                Class::Secret => assert!(!in_backup, "{}.{column} is a secret but in a backup", table.name),
                Class::NotPersonal | Class::Indexed => {}
            }
        }
    }
    for exported in Exported::ALL {
        let table = personal::TABLES.iter().find(|t| exported_as(t.name) == Some(exported)).unwrap();
        for column in exported.columns() {
            assert!(table.class(column.name).is_some(), "{exported}.{} is not in the list", column.name);
        }
    }
}

#[test]
fn the_purge_deletes_every_table_the_list_says_it_deletes() {
    let source = include_str!("purge.rs");
    for table in personal::TABLES.iter().filter(|t| t.fate == Fate::Deleted) {
        // Full-text tables follow their content table through its triggers.
        if table.columns.iter().any(|(_, class)| *class == Class::Indexed)
            || table.name.contains("_search_")
            || table.name.contains("_name_pairs_")
        {
            continue;
        }
        assert!(source.contains(&format!("\"DELETE FROM {} WHERE", table.name)), "the purge keeps {}", table.name);
    }
    assert!(!source.contains("DELETE FROM audit_events"), "the purge keeps the audit trail, its chain unbroken");
}

#[test]
fn every_table_the_purge_scans_is_found_by_the_account_id() {
    let schema = schema_columns();
    for table in personal::TABLES {
        if table.columns.iter().any(|(_, class)| class.scan() != Scan::No) {
            let owner = if table.name == "accounts" { "id" } else { "account_id" };
            assert!(
                schema.contains(&(table.name.to_owned(), owner.to_owned())),
                "the purge reads {}'s values by {owner}, which it lacks",
                table.name
            );
        }
    }
}
