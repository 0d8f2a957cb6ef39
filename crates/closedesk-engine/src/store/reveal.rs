//! Recording that a support agent revealed a customer's personal data.
//!
//! The trail keeps who, which account, when, and a reason *code* from a fixed list: never the
//! words the agent typed, which could hold the very personal data that was revealed.

use jiff::Timestamp;
use rusqlite::Connection;

use super::{StoreResult, accounts, audit};
use crate::core::audit::{Actor, AuditEvent};
use crate::core::{AccountId, AccountRef, AgentId};

/// The audit action of a reveal.
pub const REVEAL_ACTION: &str = "reveal_personal_data";

/// The audit action of the line that records the reason of a reveal (its outcome is the code).
pub const REVEAL_REASON_ACTION: &str = "reveal_reason";

/// Why an agent reveals a customer's personal data, from a fixed list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RevealReason {
    /// The customer asked for it (e.g. to check an address they gave).
    CustomerRequest,
    /// The customer's identity is being checked.
    IdentityCheck,
    /// A dispute with a seller is being handled.
    DisputeHandling,
    /// A legal request (authority, court) requires it.
    LegalRequest,
}

impl RevealReason {
    /// Every reason, in the order the form lists them.
    pub const ALL: [Self; 4] = [Self::CustomerRequest, Self::IdentityCheck, Self::DisputeHandling, Self::LegalRequest];

    /// The code written to the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            Self::CustomerRequest => "customer_request",
            Self::IdentityCheck => "identity_check",
            Self::DisputeHandling => "dispute_handling",
            Self::LegalRequest => "legal_request",
        }
    }

    /// The label the form shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::CustomerRequest => "Customer request",
            Self::IdentityCheck => "Identity check",
            Self::DisputeHandling => "Dispute handling",
            Self::LegalRequest => "Legal request",
        }
    }
}

/// Records that `agent` revealed `account`'s personal data for `reason`: one line
/// `reveal_personal_data`/`ok` and one `reveal_reason` with the reason's code, in one transaction.
///
/// Fails (and records nothing) if the account does not exist.
pub fn record_reveal(
    conn: &mut Connection,
    agent: AgentId,
    account: AccountId,
    reason: RevealReason,
    now: Timestamp,
) -> StoreResult<()> {
    super::write(conn, |tx| {
        accounts::get_account(tx, &AccountRef::Id(account))?;
        let actor = Actor::Agent(agent);
        let account = Some(account);
        audit::record(tx, &AuditEvent { account, actor, action: REVEAL_ACTION, outcome: "ok" }, now)?;
        audit::record(tx, &AuditEvent { account, actor, action: REVEAL_REASON_ACTION, outcome: reason.code() }, now)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_are_distinct_snake_case_words() {
        let codes: std::collections::HashSet<_> = RevealReason::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), RevealReason::ALL.len());
        assert!(codes.iter().all(|c| c.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    }

    #[test]
    fn a_reveal_writes_two_lines_without_personal_data_and_an_unknown_account_none() {
        let dir = tempfile::tempdir().unwrap();
        let now: Timestamp = "2026-11-29T10:00:00Z".parse().unwrap();
        let (mut conn, _) = crate::demo::open_or_create_with_demo(&dir.path().join("c.db"), now).unwrap();
        let account = accounts::list_accounts(&conn, &accounts::AccountFilter { search: None, status: None, limit: 1 })
            .unwrap()[0]
            .id;
        let before = audit::list(&conn, Some(account), 1000).unwrap().len();
        record_reveal(&mut conn, AgentId(1), account, RevealReason::IdentityCheck, now).unwrap();
        let lines = audit::list(&conn, Some(account), 1000).unwrap();
        assert_eq!(lines.len(), before + 2);
        let tail: Vec<_> = lines[before..].iter().map(|l| (l.action.as_str(), l.outcome.as_str())).collect();
        assert_eq!(tail, [(REVEAL_ACTION, "ok"), (REVEAL_REASON_ACTION, "identity_check")]);
        assert!(lines[before..].iter().all(|l| l.actor_kind == "agent" && l.actor_id == Some(1)));

        assert!(record_reveal(&mut conn, AgentId(1), AccountId(999_999), RevealReason::LegalRequest, now).is_err());
        assert!(audit::list(&conn, Some(AccountId(999_999)), 10).unwrap().is_empty());
    }
}
