//! Who may do what. Screens hide what a person may not do, but every job checks here first,
//! so a hidden button is never the only guard.

use crate::core::audit::Actor;
use crate::core::{AccountId, AgentId, Role};

/// Who is acting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal {
    /// A signed-in customer: only their own account.
    Customer(AccountId),
    /// A signed-in support agent with a role.
    Agent {
        /// The agent's id.
        id: AgentId,
        /// What the agent may do.
        role: Role,
    },
}

impl Principal {
    /// Who the audit trail names for what this principal does.
    pub fn actor(self) -> Actor {
        match self {
            Self::Customer(account) => Actor::Customer(account),
            Self::Agent { id, .. } => Actor::Agent(id),
        }
    }
}

/// Something a principal may try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// See an account's dashboards.
    ViewAccount(AccountId),
    /// Write an account's backup file (for an agent: at the customer's request).
    ExportAccount(AccountId),
    /// Run the closure wizard for an account (for an agent: assisted, proven by the mailed code).
    CloseAccount(AccountId),
    /// Cancel an account's pending closure (for an agent: with the customer's code).
    CancelClosure(AccountId),
    /// Look customers up.
    SearchCustomers,
    /// Show an account's personal data unmasked (audited with a reason).
    RevealPersonalData(AccountId),
    /// See the closure-pending accounts and their purge dates.
    ViewClosureQueue,
    /// Purge the accounts whose grace period has ended.
    RunPurge,
    /// Copy the whole database.
    BackupDatabase,
    /// Add, disable agents and reset their passwords.
    ManageAgents,
    /// Read the audit trail and export it.
    ViewAudit,
    /// Turn the account's email and notification subscriptions on or off: the customer's own
    /// consent, so no agent gives it for them.
    ChangeSubscriptions(AccountId),
}

impl Action {
    /// Every action, about `account` where one is needed (for exhaustive tests and docs).
    pub fn all(account: AccountId) -> [Self; 12] {
        [
            Self::ViewAccount(account),
            Self::ExportAccount(account),
            Self::CloseAccount(account),
            Self::CancelClosure(account),
            Self::SearchCustomers,
            Self::RevealPersonalData(account),
            Self::ViewClosureQueue,
            Self::RunPurge,
            Self::BackupDatabase,
            Self::ManageAgents,
            Self::ViewAudit,
            Self::ChangeSubscriptions(account),
        ]
    }
}

/// A refused action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("You are not allowed to do this.")]
pub struct Denied {
    /// What was refused.
    pub action: Action,
}

/// Whether `principal` may do `action`.
pub fn authorize(principal: Principal, action: Action) -> Result<(), Denied> {
    let allowed = match principal {
        Principal::Customer(own) => match action {
            Action::ViewAccount(account)
            | Action::ExportAccount(account)
            | Action::CloseAccount(account)
            | Action::CancelClosure(account)
            | Action::ChangeSubscriptions(account) => account == own,
            Action::SearchCustomers
            | Action::RevealPersonalData(_)
            | Action::ViewClosureQueue
            | Action::RunPurge
            | Action::BackupDatabase
            | Action::ManageAgents
            | Action::ViewAudit => false,
        },
        Principal::Agent { .. } if matches!(action, Action::ChangeSubscriptions(_)) => false,
        Principal::Agent { role: Role::Admin, .. } => true,
        Principal::Agent { role: Role::Agent, .. } => {
            !matches!(action, Action::RunPurge | Action::BackupDatabase | Action::ManageAgents)
        }
    };
    if allowed { Ok(()) } else { Err(Denied { action }) }
}

/// Whether the session's principal may do `action`; with nobody signed in (`None`), nothing is
/// allowed, so that a worker started outside a session reads no one's data.
pub fn authorize_session(principal: Option<Principal>, action: Action) -> Result<(), Denied> {
    principal.map_or(Err(Denied { action }), |principal| authorize(principal, action))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: AccountId = AccountId(1);
    const OTHER: AccountId = AccountId(2);

    fn allowed(principal: Principal, action: Action) -> bool {
        authorize(principal, action).is_ok()
    }

    #[test]
    fn a_customer_may_act_only_on_their_own_account() {
        let customer = Principal::Customer(OWN);
        let own = Action::all(OWN).map(|a| allowed(customer, a));
        assert_eq!(own, [true, true, true, true, false, false, false, false, false, false, false, true]);
        assert!(Action::all(OTHER).iter().all(|a| !allowed(customer, *a)), "nothing on another account");
    }

    #[test]
    fn an_agent_may_assist_but_not_purge_back_up_the_database_or_manage_agents() {
        let agent = Principal::Agent { id: AgentId(7), role: Role::Agent };
        for account in [OWN, OTHER] {
            let verdicts = Action::all(account).map(|a| allowed(agent, a));
            assert_eq!(verdicts, [true, true, true, true, true, true, true, false, false, false, true, false]);
        }
    }

    #[test]
    fn an_admin_may_do_everything_but_give_a_customers_consent() {
        let admin = Principal::Agent { id: AgentId(8), role: Role::Admin };
        for account in [OWN, OTHER] {
            let refused: Vec<Action> = Action::all(account).into_iter().filter(|a| !allowed(admin, *a)).collect();
            assert_eq!(refused, [Action::ChangeSubscriptions(account)]);
        }
    }

    #[test]
    fn nobody_signed_in_may_do_nothing() {
        for action in Action::all(OWN) {
            assert_eq!(authorize_session(None, action), Err(Denied { action }));
        }
        assert!(authorize_session(Some(Principal::Customer(OWN)), Action::ViewAccount(OWN)).is_ok());
    }

    #[test]
    fn a_refusal_names_the_action() {
        let err = authorize(Principal::Customer(OWN), Action::RunPurge).unwrap_err();
        assert_eq!(err.action, Action::RunPurge);
    }
}
