//! Named queries about support agents.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension as _, params};

use super::{StoreError, StoreResult};
use crate::core::{AgentId, Role};

/// A support agent as listed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AgentRow {
    /// The agent's id.
    pub id: AgentId,
    /// The sign-in name.
    pub name: String,
    /// What the agent may do.
    pub role: Role,
    /// Whether sign-in is refused.
    pub disabled: bool,
}

/// Adds an agent; a name already taken (in any case) is a conflict.
pub fn insert_agent(
    conn: &Connection,
    name: &str,
    role: Role,
    password_phc: &str,
    now: Timestamp,
) -> StoreResult<AgentId> {
    let inserted = conn
        .prepare_cached("INSERT INTO agents (name, role, password_phc, created_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![name.trim(), role.as_str(), password_phc, now.as_second()]);
    match inserted {
        Ok(_) => Ok(AgentId(conn.last_insert_rowid())),
        Err(err) if err.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
            Err(StoreError::Conflict(format!("an agent named '{}' already exists", name.trim())))
        }
        Err(err) => Err(err.into()),
    }
}

/// The agent signing in under `name`, with the stored password.
pub fn credential_by_name(conn: &Connection, name: &str) -> StoreResult<Option<(AgentRow, String)>> {
    let row = conn
        .prepare_cached("SELECT id, name, role, disabled, password_phc FROM agents WHERE name = ?1")?
        .query_row([name.trim()], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, bool>(3)?,
                row.get::<_, String>(4)?,
            ))
        })
        .optional()?;
    let Some((id, name, role, disabled, phc)) = row else {
        return Ok(None);
    };
    let role = role.parse().map_err(|_| StoreError::Conflict(format!("agent {id} has an unknown role")))?;
    Ok(Some((AgentRow { id: AgentId(id), name, role, disabled }, phc)))
}

/// Every agent, by name.
pub fn list_agents(conn: &Connection) -> StoreResult<Vec<AgentRow>> {
    let mut stmt = conn.prepare_cached("SELECT id, name, role, disabled FROM agents ORDER BY name")?;
    let rows = stmt.query_map([], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, bool>(3)?))
    })?;
    rows.map(|row| {
        let (id, name, role, disabled) = row?;
        let role = role.parse().map_err(|_| StoreError::Conflict(format!("agent {id} has an unknown role")))?;
        Ok(AgentRow { id: AgentId(id), name, role, disabled })
    })
    .collect()
}

/// The agent with `id`; one that does not exist is [`StoreError::NotFound`].
pub fn get_agent(conn: &Connection, id: AgentId) -> StoreResult<AgentRow> {
    let row = conn
        .prepare_cached("SELECT id, name, role, disabled FROM agents WHERE id = ?1")?
        .query_row([id.0], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, bool>(3)?))
        })
        .optional()?;
    let Some((id, name, role, disabled)) = row else {
        return Err(StoreError::NotFound(format!("agent {id}")));
    };
    let role = role.parse().map_err(|_| StoreError::Conflict(format!("agent {id} has an unknown role")))?;
    Ok(AgentRow { id: AgentId(id), name, role, disabled })
}

/// The agent signing in under `name` (in any case), without the stored password.
pub fn find_by_name(conn: &Connection, name: &str) -> StoreResult<Option<AgentRow>> {
    Ok(credential_by_name(conn, name)?.map(|(row, _phc)| row))
}

/// Refuses or allows `id`'s sign-in. Disabling the last enabled admin is a conflict: nobody
/// could then manage agents or purge from the app.
pub fn set_disabled(conn: &Connection, id: AgentId, disabled: bool) -> StoreResult<()> {
    let agent = get_agent(conn, id)?;
    if disabled && agent.role == Role::Admin && !agent.disabled {
        let admins: i64 = conn
            .prepare_cached("SELECT count(*) FROM agents WHERE role = 'admin' AND disabled = 0")?
            .query_row([], |row| row.get(0))?;
        if admins <= 1 {
            return Err(StoreError::Conflict(format!("agent {id} is the last enabled admin")));
        }
    }
    conn.prepare_cached("UPDATE agents SET disabled = ?2 WHERE id = ?1")?.execute(params![id.0, disabled])?;
    Ok(())
}

/// Replaces `id`'s password hash and forgets its failed sign-ins, so that a locked-out agent
/// can sign in with the new password at once.
pub fn set_password(conn: &Connection, id: AgentId, password_phc: &str) -> StoreResult<()> {
    let changed = conn
        .prepare_cached("UPDATE agents SET password_phc = ?2 WHERE id = ?1")?
        .execute(params![id.0, password_phc])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("agent {id}")));
    }
    conn.prepare_cached("DELETE FROM sign_in_failures WHERE subject_kind = 'agent' AND subject_id = ?1")?
        .execute([id.0])?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a test fails loudly on any error")]
mod tests {
    use super::*;

    const PHC: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA";

    fn empty_db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::create_empty(&dir.path().join("agents.db")).unwrap();
        (dir, conn)
    }

    #[test]
    fn an_agent_is_disabled_and_enabled_again() {
        let (_dir, conn) = empty_db();
        insert_agent(&conn, "boss", Role::Admin, PHC, Timestamp::UNIX_EPOCH).unwrap();
        let id = insert_agent(&conn, "Robin", Role::Agent, PHC, Timestamp::UNIX_EPOCH).unwrap();
        set_disabled(&conn, id, true).unwrap();
        assert!(get_agent(&conn, id).unwrap().disabled);
        assert!(find_by_name(&conn, "ROBIN").unwrap().unwrap().disabled, "names match in any case");
        set_disabled(&conn, id, false).unwrap();
        assert!(!get_agent(&conn, id).unwrap().disabled);
        assert!(matches!(set_disabled(&conn, AgentId(999), true), Err(StoreError::NotFound(_))));
    }

    #[test]
    fn the_last_enabled_admin_cannot_be_disabled() {
        let (_dir, conn) = empty_db();
        let first = insert_agent(&conn, "first", Role::Admin, PHC, Timestamp::UNIX_EPOCH).unwrap();
        assert!(matches!(set_disabled(&conn, first, true), Err(StoreError::Conflict(_))));
        let second = insert_agent(&conn, "second", Role::Admin, PHC, Timestamp::UNIX_EPOCH).unwrap();
        set_disabled(&conn, first, true).unwrap();
        assert!(matches!(set_disabled(&conn, second, true), Err(StoreError::Conflict(_))));
    }

    #[test]
    fn a_password_reset_replaces_the_hash_and_forgets_failures() {
        let (_dir, conn) = empty_db();
        let id = insert_agent(&conn, "robin", Role::Agent, PHC, Timestamp::UNIX_EPOCH).unwrap();
        conn.execute(
            "INSERT INTO sign_in_failures (subject_kind, subject_id, failures, last_failure_at) VALUES ('agent', ?1, 9, 0)",
            [id.0],
        )
        .unwrap();
        set_password(&conn, id, "$argon2id$new").unwrap();
        let (_, phc) = credential_by_name(&conn, "robin").unwrap().unwrap();
        assert_eq!(phc, "$argon2id$new");
        let failures: i64 = conn.query_row("SELECT count(*) FROM sign_in_failures", [], |row| row.get(0)).unwrap();
        assert_eq!(failures, 0);
        assert!(matches!(set_password(&conn, AgentId(999), PHC), Err(StoreError::NotFound(_))));
    }
}
