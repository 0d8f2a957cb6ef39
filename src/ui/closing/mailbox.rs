//! The local outbox read like a mailbox: the newest mails of one account, from their `.eml`
//! files, read on the `mailbox` worker. Mail is not sent anywhere in closedesk, so this is how
//! a person reads a code; the decoding itself is the mail module's ([`crate::mail::read_eml_body`]).

use std::path::{Path, PathBuf};

use crate::core::AccountId;
use crate::core::permissions::Principal;
use crate::{paths, service};

pub use crate::service::account::MailItem;

use crate::ui::closing::flow::{ClosingJob, ClosureOutput};
use crate::ui::jobs::JobError;
use crate::ui::remote::Remote;
use crate::ui::workers::Workers;

/// How many of the newest mails the mailbox shows.
pub const MAILBOX_SIZE: usize = 5;

/// The mailbox of one account as a screen holds it.
#[derive(Debug)]
pub struct MailboxView {
    /// The account whose mail is shown.
    pub account: AccountId,
    /// The outbox folder, named on screen so that a person can open it.
    pub folder: PathBuf,
    /// The newest mails.
    pub items: Remote<Vec<MailItem>>,
    /// Whether a (re)load is due; the app starts it when the mailbox worker is free.
    pub wanted: bool,
}

impl MailboxView {
    /// A mailbox of `account`, for the database at `db_path`, that loads at once.
    pub fn new(account: AccountId, db_path: &Path) -> Self {
        Self { account, folder: paths::outbox_dir(db_path), items: Remote::Loading, wanted: true }
    }

    /// Asks for a reload, e.g. after a code was mailed.
    pub fn refresh(&mut self) {
        self.wanted = true;
    }
}

/// Reads the newest mails of `account` on the mailbox worker, if `principal` (the session's)
/// may view the account; the result arrives as [`ClosureOutput::Mailbox`].
pub fn start_load(
    jobs: &mut Workers<'_, ClosingJob, ClosureOutput>,
    account: AccountId,
    principal: Option<Principal>,
) -> Result<(), JobError> {
    let db_path = jobs.db_path().to_owned();
    jobs.start(ClosingJob::Mailbox, move || ClosureOutput::Mailbox {
        account,
        result: service::account::mailbox(&db_path, principal, account, MAILBOX_SIZE),
    })
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::demo::{DEMO_ACCOUNTS, account_id};
    use crate::mail;
    use crate::ui::jobs::JobEvent;
    use crate::ui::workers::Work;

    type MailboxJobs = Work<ClosingJob, ClosureOutput>;

    /// Reads `account`'s mailbox as `principal` through the mailbox worker.
    fn mailbox_of(
        jobs: &mut MailboxJobs,
        account: AccountId,
        principal: Option<Principal>,
    ) -> crate::service::ServiceResult<Vec<MailItem>> {
        start_load(&mut jobs.workers(), account, principal).unwrap();
        let Some(JobEvent::Finished(output)) = jobs.jobs.wait_for_events().pop() else {
            panic!("the mailbox did not load");
        };
        let ClosureOutput::Mailbox { account: answered, result } = output else { panic!("{output:?}") };
        assert_eq!(answered, account);
        result
    }

    #[test]
    fn a_customer_asking_for_another_accounts_mailbox_is_refused_and_reads_no_mail() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("closedesk.db");
        let now = "2026-11-29T10:00:00Z".parse().unwrap();
        let (conn, _) = crate::demo::open_or_create_with_demo(&db, now).unwrap();
        let (own, other) =
            (account_id(&conn, &DEMO_ACCOUNTS[0]).unwrap(), account_id(&conn, &DEMO_ACCOUNTS[1]).unwrap());
        // The other account has a mail in the outbox, so a leak would show.
        let code = crate::core::closure::Code::from_number(42);
        let mail = mail::code_mail(crate::core::closure::Purpose::Close, &code, now);
        mail::send(&conn, &paths::outbox_dir(&db), other, DEMO_ACCOUNTS[1].email, &mail, now).unwrap();
        let mut jobs = MailboxJobs::new(egui::Context::default(), db);
        let customer = Some(Principal::Customer(own));

        let refused = mailbox_of(&mut jobs, other, customer);
        assert!(matches!(refused, Err(crate::service::ServiceError::Denied(_))), "{refused:?}");
        // Nobody signed in reads nothing either.
        assert!(mailbox_of(&mut jobs, other, None).is_err());

        // Their own mailbox loads; an agent, whom core lets view any account, reads the other's
        // (the agent desk itself never asks: the agent hears the code from the customer).
        assert!(mailbox_of(&mut jobs, own, customer).is_ok());
        let agent = Some(Principal::Agent { id: crate::core::AgentId(1), role: crate::core::Role::Agent });
        let theirs = mailbox_of(&mut jobs, other, agent).unwrap();
        assert!(theirs.iter().any(|item| item.body.contains("Your code: 000042")), "{theirs:?}");
    }
}
