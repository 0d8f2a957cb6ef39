//! The closure wizard, one file per step. Each step is a function of what it shows that
//! returns the command the person gave; [`wizard_ui`] draws the step the state machine is on,
//! with the worker's spinner, the last refusal, and (when a code is out) the mailbox.

mod backup;
mod confirm;
mod done;
mod identity;
mod readiness;
mod reason;
mod summary;

use std::path::Path;

use egui::{RichText, Ui};
use jiff::Timestamp;

use crate::core::AccountId;
use crate::core::closure::{Reason, Step};
use crate::core::readiness::Readiness;
use crate::ui::closing::command::ClosingCommand;
use crate::ui::closing::command::ClosureCommand;
use crate::ui::closing::export::ExportState;
use crate::ui::closing::flow::{ClosureFlow, ClosureRequest, FlowInfo};
use crate::ui::closing::mailbox::MailboxView;
use crate::ui::closing::mailbox_panel::mailbox_panel_ui;
use crate::ui::theme;
use crate::ui::widgets::secret_field::SecretField;
use crate::ui::widgets::{error_text_ui, progress_ui};

pub use confirm::MAILBOX_HINT;

/// The steps a customer's own wizard goes through, from readiness to done.
const STEPS: [Step; 7] =
    [Step::Readiness, Step::Identity, Step::Reason, Step::Backup, Step::Summary, Step::Confirm, Step::Done];

/// The steps of an assisted closure: no password step, since the mailed code the customer
/// reads out is the proof of identity.
const ASSISTED_STEPS: [Step; 6] =
    [Step::Readiness, Step::Reason, Step::Backup, Step::Summary, Step::Confirm, Step::Done];

/// The closure wizard as the window holds it: the state machine's state, what the worker
/// read, and what is typed into the current step.
#[derive(Debug)]
pub struct WizardView {
    /// The request, its worker and the code field.
    pub flow: ClosureFlow,
    /// Names, counts and policy, read when the wizard starts.
    pub info: Option<FlowInfo>,
    /// The last readiness verdict.
    pub readiness: Option<Readiness>,
    /// "I understand" is ticked.
    pub acknowledged: bool,
    /// The password field.
    pub password: SecretField,
    /// The reason picked.
    pub reason: Option<Reason>,
    /// The optional note.
    pub note: String,
    /// The email field of the confirmation.
    pub typed_email: String,
    /// The phrase field of the confirmation.
    pub phrase: String,
    /// The account's newest mails, where the code arrives.
    pub mailbox: MailboxView,
    /// The time, as of the last frame, for locks and the purge date shown.
    pub now: Timestamp,
    /// Set aside while the person looks at the rows a blocker links to; it waits at its step.
    pub paused: bool,
    /// The step whose first field was last given the keyboard.
    pub arrived_at: Option<Step>,
}

impl WizardView {
    /// A new wizard for `account` whose first readiness check waits for the closure worker.
    pub fn new(account: AccountId, db_path: &Path, now: Timestamp) -> Self {
        Self {
            flow: ClosureFlow::new(Some(ClosureRequest::BeginClose { account })),
            info: None,
            readiness: None,
            acknowledged: false,
            password: SecretField::default(),
            reason: None,
            note: String::new(),
            typed_email: String::new(),
            phrase: String::new(),
            mailbox: MailboxView::new(account, db_path),
            now,
            paused: false,
            arrived_at: None,
        }
    }

    /// Whether the state machine has reached the end.
    pub fn is_done(&self) -> bool {
        self.flow.is_done()
    }
}

/// Draws the wizard; returns the command of the step on screen.
pub fn wizard_ui(ui: &mut Ui, view: &mut WizardView, export: &mut ExportState) -> Option<ClosingCommand> {
    let mut command = None;
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        let assisted = view.flow.wizard.as_ref().is_some_and(|wizard| wizard.assisted);
        let title = if assisted { "Close the customer's account (assisted)" } else { "Close your account" };
        ui.label(RichText::new(title).size(theme::TITLE_SIZE).strong());
        ui.add_space(theme::SPACE_S);
        let Some(wizard) = view.flow.wizard.clone() else {
            command = starting_ui(ui, view);
            return;
        };
        ui.label(RichText::new(step_heading(wizard.step, assisted)).heading());
        ui.add_space(theme::SPACE_M);

        if view.arrived_at != Some(wizard.step) {
            view.arrived_at = Some(wizard.step);
            ui.data_mut(|data| data.insert_temp(arrival_id(), true));
        }
        let busy = view.flow.is_busy();
        command = match wizard.step {
            Step::Readiness => {
                readiness::readiness_step_ui(ui, view.readiness.as_ref(), &mut view.acknowledged, busy, assisted)
                    .map(ClosingCommand::Closure)
            }
            Step::Identity => {
                // The refusal already says until when; the notice is for a lock carried over.
                let locked_until = wizard.locked_at(view.now).filter(|_| view.flow.message.is_none());
                identity::identity_step_ui(ui, &mut view.password, locked_until, busy).map(ClosingCommand::Closure)
            }
            Step::Reason => reason::reason_step_ui(ui, &mut view.reason, &mut view.note, busy, assisted)
                .map(ClosingCommand::Closure),
            Step::Backup => backup::backup_step_ui(ui, export, busy),
            Step::Summary => {
                summary::summary_step_ui(ui, view.info.as_ref(), view.now, busy, assisted).map(ClosingCommand::Closure)
            }
            Step::Confirm => confirm::confirm_step_ui(ui, view, assisted).map(ClosingCommand::Closure),
            Step::Done => done::done_step_ui(ui, wizard.purge_after, assisted).map(ClosingCommand::Closure),
        };

        ui.add_space(theme::SPACE_S);
        if let Some(doing) = view.flow.busy {
            progress_ui(ui, doing);
        }
        if let Some(message) = &view.flow.message {
            error_text_ui(ui, message);
        }
        // In an assisted closure the customer reads the code out of their own mail: the agent
        // is never shown the mailbox.
        if matches!(wizard.step, Step::Confirm | Step::Done) && !assisted {
            ui.add_space(theme::SPACE_L);
            if let Some(mailbox) = mailbox_panel_ui(ui, &view.mailbox) {
                command = Some(ClosingCommand::Closure(mailbox));
            }
        }
    });
    command
}

fn arrival_id() -> egui::Id {
    egui::Id::unique("closedesk-wizard-step-arrival")
}

/// Gives `first` the keyboard if its step has just been reached and nothing of the step took it
/// yet: a step is a new screen, and a keyboard user starts at its first field.
fn focus_on_arrival(ui: &Ui, first: &egui::Response) {
    if first.enabled() && ui.data_mut(|data| data.remove_temp::<bool>(arrival_id())).unwrap_or(false) {
        first.request_focus();
    }
}

/// "Back to closing" above the rows a wizard's blocker linked to.
pub fn back_to_closing_ui(ui: &mut Ui) -> Option<ClosureCommand> {
    let pressed = ui
        .horizontal(|ui| {
            let back = ui.button("Back to closing").on_hover_text("Return to the closure wizard, at the same step");
            ui.label(RichText::new("The closure wizard waits at its step.").weak());
            back.clicked()
        })
        .inner;
    ui.add_space(theme::SPACE_S);
    pressed.then_some(ClosureCommand::BackToClosing)
}

/// Before the worker has started the request: progress, or why it could not start.
fn starting_ui(ui: &mut Ui, view: &WizardView) -> Option<ClosingCommand> {
    if let Some(doing) = view.flow.busy {
        progress_ui(ui, doing);
        return None;
    }
    if let Some(message) = &view.flow.message {
        error_text_ui(ui, message);
    }
    ui.horizontal(|ui| {
        if ui.button("Try again").clicked() {
            Some(ClosingCommand::Closure(ClosureCommand::StartClosing))
        } else if ui.button("Back to settings").clicked() {
            Some(ClosingCommand::Closure(ClosureCommand::LeaveWizard))
        } else {
            None
        }
    })
    .inner
}

/// The heading of a step, "Step 3 of 7: Why are you leaving?", counting only the steps this
/// wizard has: an assisted one has no password step, and speaks of the customer.
pub fn step_heading(step: Step, assisted: bool) -> String {
    let steps: &[Step] = if assisted { &ASSISTED_STEPS } else { &STEPS };
    // A step the wizard does not have (never reached) still gets a heading, without a number.
    let Some(index) = steps.iter().position(|candidate| *candidate == step) else {
        return step_title(step, assisted).to_owned();
    };
    format!("Step {} of {}: {}", index + 1, steps.len(), step_title(step, assisted))
}

/// The step's title, addressing the customer in their own wizard and the agent in an
/// assisted one.
fn step_title(step: Step, assisted: bool) -> &'static str {
    match (step, assisted) {
        (Step::Readiness, false) => "Before you close",
        (Step::Readiness, true) => "Before the customer closes",
        (Step::Identity, _) => "Confirm it is you",
        (Step::Reason, false) => "Why are you leaving?",
        (Step::Reason, true) => "Why is the customer leaving?",
        (Step::Backup, _) => "Keep a copy",
        (Step::Summary, _) => "What will happen",
        (Step::Confirm, false) => "Enter the code",
        (Step::Confirm, true) => "Enter the customer's code",
        (Step::Done, _) => "Closure scheduled",
    }
}

/// The "Back" button of a step.
/// The label of the button that goes back one step.
const BACK: &str = "Back";

fn back_button(ui: &mut Ui, enabled: bool) -> bool {
    ui.add_enabled(enabled, egui::Button::new(BACK)).clicked()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_counts_seven_steps_and_an_assisted_closure_six() {
        assert_eq!(step_heading(Step::Identity, false), "Step 2 of 7: Confirm it is you");
        assert_eq!(step_heading(Step::Done, false), "Step 7 of 7: Closure scheduled");
        assert_eq!(step_heading(Step::Readiness, true), "Step 1 of 6: Before the customer closes");
        assert_eq!(step_heading(Step::Reason, true), "Step 2 of 6: Why is the customer leaving?");
        assert_eq!(step_heading(Step::Done, true), "Step 6 of 6: Closure scheduled");
        for step in ASSISTED_STEPS {
            assert!(step_heading(step, true).contains(" of 6: "), "{step:?}");
        }
    }
}
