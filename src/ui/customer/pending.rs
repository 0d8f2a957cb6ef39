//! The closure-pending screen's cancellation: its commands applied, its replies taken in.

use crate::core::closure::{Purpose, Step};
use crate::ui::closing::command::ClosureCommand;
use crate::ui::closing::flow::{ClosureReply, ClosureRequest};
use crate::ui::remote::Remote;

use super::closure_pending::ClosurePendingView;

/// Applies a command of the closure-pending screen: the password, the code, a resend, a
/// reload, starting over, the mailbox.
pub fn apply(view: &mut ClosurePendingView, command: ClosureCommand) {
    match command {
        ClosureCommand::CancelWithPassword(password) => {
            view.flow.queue(ClosureRequest::BeginCancel { account: view.account, password });
        }
        ClosureCommand::ResendCancelCode => view.flow.resend(),
        ClosureCommand::ConfirmCancel { code } => view.flow.confirm_code(code),
        ClosureCommand::ReloadPending => {
            let queued = view.flow.queue(ClosureRequest::PendingInfo { account: view.account });
            if queued {
                view.info = Remote::Loading;
            }
        }
        // Starting over needs the password again; the old code is replaced by the next one.
        ClosureCommand::Back if !view.flow.is_busy() => {
            view.flow.wizard = None;
            view.flow.message = None;
        }
        ClosureCommand::RefreshMailbox => view.mailbox.refresh(),
        _ => {}
    }
}

/// Takes in a cancellation step's reply; returns whether the closure is now cancelled.
pub fn pending_reply(view: &mut ClosurePendingView, result: crate::service::ServiceResult<ClosureReply>) -> bool {
    if let Err(err) = &result
        && view.info.is_loading()
    {
        view.flow.busy = None;
        view.info = Remote::Failed(err.to_string());
        return false;
    }
    let Some(news) = view.flow.on_reply(result) else {
        return false;
    };
    if let Some(info) = news.info {
        view.info = Remote::Ready(info);
    }
    if news.code_mailed {
        view.mailbox.refresh();
    }
    view.flow.wizard.as_ref().is_some_and(|wizard| wizard.purpose == Purpose::Cancel && wizard.step == Step::Done)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::core::AccountId;
    use crate::core::closure::Wizard;

    #[test]
    fn a_cancellation_ends_when_its_code_is_confirmed() {
        let mut view = ClosurePendingView::new(AccountId(1), Path::new("/nowhere/closedesk.db"));
        let mut wizard = Wizard::new(AccountId(1), Purpose::Cancel, 7, None);
        wizard.step = Step::Confirm;
        let reply = ClosureReply { wizard: Some(wizard.clone()), code_mailed: true, ..ClosureReply::default() };
        view.mailbox.wanted = false;
        assert!(!pending_reply(&mut view, Ok(reply)));
        assert!(view.mailbox.wanted, "the mailbox shows the new code");
        wizard.step = Step::Done;
        assert!(pending_reply(&mut view, Ok(ClosureReply { wizard: Some(wizard), ..ClosureReply::default() })));
    }
}
