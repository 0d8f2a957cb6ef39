//! What the audit trail may hold: ids, and actions and outcomes from fixed vocabularies.
//!
//! Actions and outcomes are `&'static str` on purpose: a message built at run time, which
//! could carry an email or a name, cannot be written to the trail.

use crate::core::{AccountId, AgentId};

/// Who did something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// The account's own customer.
    Customer(AccountId),
    /// A support agent acting for a customer.
    Agent(AgentId),
    /// closedesk itself (purges, first-launch set-up).
    System,
}

impl Actor {
    /// The database spelling of the actor's kind.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Customer(_) => "customer",
            Self::Agent(_) => "agent",
            Self::System => "system",
        }
    }

    /// The actor's numeric id, if it has one.
    pub fn id(self) -> Option<i64> {
        match self {
            Self::Customer(id) => Some(id.0),
            Self::Agent(id) => Some(id.0),
            Self::System => None,
        }
    }
}

/// One line of the audit trail, before it is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    /// The account the event concerns, if any.
    pub account: Option<AccountId>,
    /// Who acted.
    pub actor: Actor,
    /// What was attempted, e.g. `sign_in`.
    pub action: &'static str,
    /// How it ended, e.g. `ok` or `wrong_password`.
    pub outcome: &'static str,
}
