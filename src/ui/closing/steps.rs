//! The wizard's steps as the closure worker runs them: a command of the wizard turned into a
//! request (queued until the worker is free), and a reply taken into the wizard's view. The
//! customer's wizard and the agent's assisted one both go through here.

use crate::core::closure::{Event, Step};

use super::command::ClosureCommand;
use super::flow::{ClosureReply, ClosureRequest};
use super::wizard::WizardView;

/// Turns a wizard command into a request for the closure worker, unless one is under way.
pub fn queue_wizard_step(view: &mut WizardView, command: ClosureCommand) {
    let Some(wizard) = view.flow.wizard.clone() else {
        return;
    };
    let step = |event| ClosureRequest::Step { wizard: wizard.clone(), event };
    let request = match command {
        ClosureCommand::CheckReadiness => ClosureRequest::CheckReadiness { wizard: wizard.clone() },
        ClosureCommand::AcknowledgeWarnings => step(Event::WarningsAcknowledged),
        ClosureCommand::SubmitPassword(password) => ClosureRequest::Password { wizard: wizard.clone(), password },
        ClosureCommand::ChooseReason { reason, note } => {
            let note = Some(note).filter(|note| !note.trim().is_empty());
            step(Event::ReasonChosen { reason, note })
        }
        ClosureCommand::DecideBackup { taken } => step(Event::BackupDecided { taken }),
        ClosureCommand::SendCode => ClosureRequest::SendCode { wizard: wizard.clone() },
        ClosureCommand::ResendCode => ClosureRequest::Resend { wizard: wizard.clone() },
        ClosureCommand::Confirm { code, email, phrase } => {
            ClosureRequest::Confirm { wizard: wizard.clone(), code, email, phrase }
        }
        ClosureCommand::Back => step(Event::Back),
        _ => return,
    };
    view.flow.queue(request);
}

/// Takes in a closure step's reply; returns whether the wizard has just finished.
pub fn wizard_reply(view: &mut WizardView, result: crate::service::ServiceResult<ClosureReply>) -> bool {
    let Some(news) = view.flow.on_reply(result) else {
        return false;
    };
    let (finished, back_at_readiness) = (news.reached(Step::Done), news.reached(Step::Readiness));
    if let Some(info) = news.info {
        view.info = Some(info);
    }
    if let Some(readiness) = news.readiness {
        view.readiness = Some(readiness);
    }
    if back_at_readiness {
        // Coming back to readiness, the warnings are acknowledged anew.
        view.acknowledged = false;
    }
    if news.code_mailed || finished {
        view.mailbox.refresh();
    }
    finished
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::core::AccountId;
    use crate::core::closure::{Purpose, Reason, Refusal, Wizard};
    use jiff::Timestamp;

    fn now() -> Timestamp {
        "2026-11-29T10:00:00Z".parse().unwrap()
    }

    /// A wizard view that has started and waits for the person at `step`.
    fn wizard_at(step: Step, purpose: Purpose) -> (WizardView, Wizard) {
        let mut view = WizardView::new(AccountId(1), Path::new("/nowhere/closedesk.db"), now());
        view.flow.queued = None;
        view.flow.busy = None;
        let mut wizard = Wizard::new(AccountId(1), purpose, 7, None);
        wizard.step = step;
        view.flow.wizard = Some(wizard.clone());
        (view, wizard)
    }

    #[test]
    fn a_step_is_queued_once_and_a_blank_note_means_none() {
        let (mut view, _) = wizard_at(Step::Reason, Purpose::Close);
        queue_wizard_step(&mut view, ClosureCommand::ChooseReason { reason: Reason::Privacy, note: "  ".into() });
        assert!(matches!(
            view.flow.queued,
            Some(ClosureRequest::Step { event: Event::ReasonChosen { reason: Reason::Privacy, note: None }, .. })
        ));
        assert_eq!(view.flow.busy, Some("Saving…"));
        queue_wizard_step(&mut view, ClosureCommand::Back);
        assert!(
            matches!(view.flow.queued, Some(ClosureRequest::Step { event: Event::ReasonChosen { .. }, .. })),
            "nothing else is queued while a step runs"
        );
    }

    #[test]
    fn a_refusal_reads_as_its_message_and_the_end_refreshes_the_mailbox() {
        let (mut view, wizard) = wizard_at(Step::Identity, Purpose::Close);
        view.flow.busy = Some("Checking the password…");
        view.mailbox.wanted = false;
        let refused = ClosureReply {
            wizard: Some(wizard.clone()),
            refusal: Some(Refusal::WrongPassword { tries_left: 4 }),
            ..ClosureReply::default()
        };
        assert!(!wizard_reply(&mut view, Ok(refused)));
        assert_eq!(view.flow.busy, None);
        assert_eq!(view.flow.message.as_deref(), Some("The password is wrong (4 tries left)."));

        let mut done = wizard;
        done.step = Step::Done;
        assert!(wizard_reply(&mut view, Ok(ClosureReply { wizard: Some(done), ..ClosureReply::default() })));
        assert_eq!(view.flow.message, None);
        assert!(view.mailbox.wanted, "the confirmation mail is read");
        assert!(
            !wizard_reply(&mut view, Err(crate::service::ServiceError::Refused("the database is locked".into()))),
            "an error is no ending"
        );
        assert_eq!(view.flow.message.as_deref(), Some("the database is locked"));
    }
}
