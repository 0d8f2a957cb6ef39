//! What a signed-in customer (or an agent on their behalf) reads about an account beside its
//! dashboards: the settings page's data and the mailbox of the local outbox.

use std::path::Path;

use jiff::Timestamp;

use super::access::authorize;
use super::{ServiceError, ServiceResult};
use crate::core::audit::AuditEvent;
use crate::core::permissions::{Action, Principal};
use crate::core::{AccountId, AccountRef, AccountStatus};
use crate::store::closure::MARKETING_TOPICS;
use crate::store::export::{self as rows, CellRef, Table};
use crate::store::{self, StoreError, accounts, audit, outbox, subscriptions};
use crate::{mail, paths};

/// One email or notification subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    /// The topic as stored, e.g. `marketing_email`.
    pub topic: String,
    /// Whether it is on.
    pub enabled: bool,
}

impl Subscription {
    /// `Marketing email`: the topic in words.
    pub fn label(&self) -> String {
        let words = self.topic.replace('_', " ");
        let mut chars = words.chars();
        chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
    }

    /// Whether closing the account switches it off at once.
    pub fn is_marketing(&self) -> bool {
        MARKETING_TOPICS.contains(&self.topic.as_str())
    }
}

/// What the settings page reads from the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsData {
    /// Active, or closure-pending.
    pub status: AccountStatus,
    /// The subscriptions, by topic.
    pub subscriptions: Vec<Subscription>,
}

/// One mail as the mailbox shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct MailItem {
    /// The subject line.
    pub subject: String,
    /// When it was written to the outbox.
    pub sent_at: Timestamp,
    /// The plain-text body as delivered (it may hold a code), or why it cannot be read.
    pub body: String,
}

impl std::fmt::Debug for MailItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body may hold a one-time code: never print it in logs.
        f.debug_struct("MailItem")
            .field("subject", &self.subject)
            .field("sent_at", &self.sent_at)
            .finish_non_exhaustive()
    }
}

/// Reads the settings page's data: the account's status and its subscriptions, once
/// `session` is allowed to view the account: a refused request reads nothing.
pub fn settings(db_path: &Path, session: Option<Principal>, account: AccountId) -> ServiceResult<SettingsData> {
    let conn = store::open_existing(db_path)?;
    authorize(&conn, session, Action::ViewAccount(account))?;
    let row = accounts::get_account(&conn, &AccountRef::Id(account))?;
    let topic = Table::Subscriptions.column_index("topic");
    let enabled = Table::Subscriptions.column_index("enabled");
    let mut subscriptions = Vec::new();
    rows::for_each_row(&conn, account, Table::Subscriptions, |row| -> Result<(), StoreError> {
        let topic = match topic.map(|index| row.cell(index)).transpose()? {
            Some(CellRef::Text(text)) => text.to_owned(),
            _ => return Ok(()),
        };
        let enabled = matches!(enabled.map(|index| row.cell(index)).transpose()?, Some(CellRef::Bool(true)));
        subscriptions.push(Subscription { topic, enabled });
        Ok(())
    })?;
    Ok(SettingsData { status: row.status, subscriptions })
}

/// Turns the subscription `topic` of `account` on or off, audited; the customer's own choice.
/// A marketing subscription stays off while the account is scheduled for deletion.
pub fn set_subscription(
    db_path: &Path,
    session: Option<Principal>,
    account: AccountId,
    topic: &str,
    enabled: bool,
    now: Timestamp,
) -> ServiceResult<()> {
    let mut conn = store::open_existing(db_path)?;
    let checked = authorize(&conn, session, Action::ChangeSubscriptions(account))?;
    let status = accounts::get_account(&conn, &AccountRef::Id(account))?.status;
    if enabled && status != AccountStatus::Active && MARKETING_TOPICS.contains(&topic) {
        return Err(ServiceError::Refused(
            "Marketing mail stays off while the account is scheduled for deletion; cancel the closure first."
                .to_owned(),
        ));
    }
    let action = if enabled { "subscription_on" } else { "subscription_off" };
    let event = AuditEvent { account: Some(account), actor: checked.actor(), action, outcome: "ok" };
    store::write(&mut conn, |tx| {
        subscriptions::set_enabled(tx, account, topic, enabled, now)?;
        audit::record(tx, &event, now)
    })?;
    Ok(())
}

/// Reads the newest `limit` mails of `account` from the outbox table and their `.eml` files,
/// once `session` is allowed to view the account: a refused request reads nothing.
pub fn mailbox(
    db_path: &Path,
    session: Option<Principal>,
    account: AccountId,
    limit: usize,
) -> ServiceResult<Vec<MailItem>> {
    let conn = store::open_existing(db_path)?;
    authorize(&conn, session, Action::ViewAccount(account))?;
    let row = accounts::get_account(&conn, &AccountRef::Id(account))?;
    let rows = outbox::list(&conn, Some(&row.email), limit)?;
    let folder = paths::outbox_dir(db_path);
    Ok(rows
        .into_iter()
        .filter(|mail| mail.account == Some(account))
        .map(|mail| {
            let body = mail::read_eml_body(&folder, &mail.eml_file)
                .unwrap_or_else(|why| format!("The file {} in the outbox folder {why}.", mail.eml_file));
            MailItem { subject: mail.subject, sent_at: mail.created_at, body }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_asking_for_another_accounts_settings_is_refused_and_reads_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        let (conn, _) = crate::demo::open_or_create_with_demo(&db, "2026-11-29T10:00:00Z".parse().unwrap()).unwrap();
        let id = |demo: &crate::demo::DemoAccount| {
            accounts::get_account(&conn, &AccountRef::Email(demo.email.to_owned())).unwrap().id
        };
        let (own, other) = (id(&crate::demo::DEMO_ACCOUNTS[0]), id(&crate::demo::DEMO_ACCOUNTS[1]));
        let customer = Some(Principal::Customer(own));

        assert_eq!(
            settings(&db, customer, other).map_err(|err| err.to_string()),
            Err("You are not allowed to do this.".to_owned())
        );
        assert!(settings(&db, None, own).is_err(), "nobody signed in reads nothing");
        assert!(settings(&db, customer, own).is_ok());
        let agent = Some(Principal::Agent { id: crate::core::AgentId(1), role: crate::core::Role::Agent });
        assert!(settings(&db, agent, other).is_ok());
    }

    #[test]
    fn marketing_stays_off_after_a_cancelled_closure_until_the_customer_turns_it_on_audited() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        let now: Timestamp = "2026-11-29T10:00:00Z".parse().unwrap();
        let (conn, _) = crate::demo::open_or_create_with_demo(&db, now).unwrap();
        let demo = crate::demo::DemoAccount::by_situation("closure pending").unwrap();
        let account = accounts::get_account(&conn, &AccountRef::Email(demo.email.to_owned())).unwrap().id;
        let customer = Some(Principal::Customer(account));
        let marketing = |db: &Path| -> Vec<bool> {
            let data = settings(db, customer, account).unwrap();
            data.subscriptions.iter().filter(|s| s.is_marketing()).map(|s| s.enabled).collect()
        };
        assert!(!marketing(&db).is_empty() && marketing(&db).iter().all(|on| !on), "closing switched it off");
        let topic = "marketing_email";
        let refused = set_subscription(&db, customer, account, topic, true, now).unwrap_err();
        assert!(matches!(refused, ServiceError::Refused(_)), "not while scheduled for deletion: {refused}");

        crate::store::closure::commit_cancel(&conn, account).unwrap();
        assert!(marketing(&db).iter().all(|on| !on), "cancelling the closure leaves it off");

        let agent = Some(Principal::Agent { id: crate::core::AgentId(1), role: crate::core::Role::Admin });
        assert!(matches!(set_subscription(&db, agent, account, topic, true, now), Err(ServiceError::Denied(_))));
        set_subscription(&db, customer, account, topic, true, now).unwrap();
        let data = settings(&db, customer, account).unwrap();
        assert!(data.subscriptions.iter().any(|s| s.topic == topic && s.enabled), "the customer turned it on");
        let on = audit::AuditFilter { action: Some("subscription_on".into()), ..audit::AuditFilter::default() };
        let lines = audit::query(&conn, &on, 0, None).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!((lines[0].actor_kind.as_str(), lines[0].account_id), ("customer", Some(account.0)));
        assert!(matches!(
            set_subscription(&db, customer, account, "no_such_topic", true, now),
            Err(ServiceError::Store(StoreError::NotFound(_)))
        ));
    }
}
