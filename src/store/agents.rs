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
