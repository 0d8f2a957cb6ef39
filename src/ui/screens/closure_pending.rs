//! What a customer whose account is scheduled for deletion sees after signing in: the date,
//! and a way to cancel with the password and a mailed code. Nothing else is reachable.

use std::path::Path;

use egui::{RichText, Ui};
use jiff::Timestamp;

use crate::core::AccountId;
use crate::core::closure::{Refusal, Step, Wizard};
use crate::ui::closure::{ClosureCommand, ClosureRequest, FlowInfo, next_flow_id};
use crate::ui::command::Command;
use crate::ui::format::local_minute;
use crate::ui::mailbox::MailboxView;
use crate::ui::remote::Remote;
use crate::ui::screens::wizard::{MAILBOX_HINT, refusal_text};
use crate::ui::theme;
use crate::ui::widgets::countdown::countdown_ui;
use crate::ui::widgets::mailbox_panel::mailbox_panel_ui;
use crate::ui::widgets::secret_field::{
    SecretField, focus_when_idle, forget_undo_history, secret_input_ui, submitted_with_enter,
};
use crate::ui::widgets::{centered_column, error_text_ui, progress_ui};

/// The closure-pending screen's state.
#[derive(Debug)]
pub struct ClosurePendingView {
    /// Tells this screen's worker results from those of another.
    pub flow: u64,
    /// The account scheduled for deletion.
    pub account: AccountId,
    /// The name, masked email and pending closure.
    pub info: Remote<FlowInfo>,
    /// The cancellation, once the password was accepted and a code mailed.
    pub wizard: Option<Wizard>,
    /// What the worker is doing, while it is.
    pub busy: Option<&'static str>,
    /// A step waiting for the closure worker to be free.
    pub queued: Option<ClosureRequest>,
    /// Why the last step was refused or failed.
    pub message: Option<String>,
    /// The password field.
    pub password: SecretField,
    /// The code field.
    pub code: SecretField,
    /// A resend was refused until then: the screen counts down to it.
    pub cooldown_until: Option<Timestamp>,
    /// The account's newest mails, where the code arrives.
    pub mailbox: MailboxView,
    /// The time, as of the last frame, for the countdown.
    pub now: Timestamp,
}

impl ClosurePendingView {
    /// The screen of `account`, loading what it shows.
    pub fn new(account: AccountId, db_path: &Path) -> Self {
        let request = ClosureRequest::PendingInfo { account };
        Self {
            flow: next_flow_id(),
            account,
            info: Remote::Loading,
            wizard: None,
            busy: Some(request.describe()),
            queued: Some(request),
            message: None,
            password: SecretField::default(),
            code: SecretField::default(),
            cooldown_until: None,
            mailbox: MailboxView::new(account, db_path),
            // The app's logic sets the time before the first frame is drawn.
            now: Timestamp::UNIX_EPOCH,
        }
    }

    /// How the top bar names who is signed in.
    pub fn identity(&self) -> String {
        match self.info.ready() {
            Some(info) => format!("{} <{}>", info.display_name, info.masked_email),
            None => format!("Account {}", self.account),
        }
    }

    /// The purge date, once known.
    pub fn purge_after(&self) -> Option<Timestamp> {
        self.info.ready().and_then(|info| info.closure.as_ref()).map(|closure| closure.purge_after)
    }
}

/// The heading: "Your account is scheduled for deletion on <date>."
pub fn scheduled_text(purge_after: Option<Timestamp>) -> String {
    match purge_after {
        Some(at) => format!("Your account is scheduled for deletion on {}.", local_minute(at)),
        None => "Your account is scheduled for deletion.".to_owned(),
    }
}

/// Draws the screen; returns a command when the person moves the cancellation on.
pub fn closure_pending_ui(ui: &mut Ui, view: &mut ClosurePendingView) -> Option<Command> {
    let mut command = None;
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        ui.add_space(theme::SPACE_L);
        centered_column(ui, theme::FORM_WIDTH * 2.0, |ui| {
            command = match &view.info {
                Remote::Loading => {
                    progress_ui(ui, "Loading your account…");
                    None
                }
                Remote::Failed(message) => {
                    error_text_ui(ui, message);
                    ui.button("Try again").clicked().then_some(Command::Closure(ClosureCommand::ReloadPending))
                }
                Remote::Ready(_) => cancel_ui(ui, view),
            };
        });
    });
    command
}

fn cancel_ui(ui: &mut Ui, view: &mut ClosurePendingView) -> Option<Command> {
    let mut command = None;
    ui.label(RichText::new(scheduled_text(view.purge_after())).size(theme::TITLE_SIZE).strong());
    ui.label(RichText::new("Cancel the closure?").heading());
    ui.add_space(theme::SPACE_M);
    ui.label(
        "After that date your orders, addresses, payment details, messages and settings are erased for good. \
         To keep the account, prove it is you: enter your password, and we mail a 6-digit code to your \
         registered address.",
    );
    ui.add_space(theme::SPACE_M);
    let busy = view.busy.is_some();
    let masked = view.info.ready().map_or("your registered address", |info| info.masked_email.as_str());
    let code_out = view.wizard.as_ref().filter(|wizard| wizard.step == Step::Confirm).and_then(|wizard| wizard.code);

    match code_out {
        None => {
            let field = secret_input_ui(ui, "Password", &mut view.password, true, !busy);
            focus_when_idle(ui, &field);
            let entered = submitted_with_enter(ui, &field);
            ui.add_space(theme::SPACE_S);
            let go = ui.add_enabled(!busy && !view.password.is_empty(), egui::Button::new("Continue")).clicked();
            if (go || entered) && !busy && !view.password.is_empty() {
                forget_undo_history(ui, &field);
                command = Some(ClosureCommand::CancelWithPassword(view.password.take()));
            }
        }
        Some(code) => {
            if code.spent {
                ui.label("The last code can no longer be used: ask for a new one.");
            } else {
                ui.label(format!(
                    "We sent a 6-digit code to {masked}. It expires at {}.",
                    local_minute(code.expires_at)
                ));
            }
            ui.label(RichText::new(MAILBOX_HINT).weak());
            ui.add_space(theme::SPACE_S);
            let field = secret_input_ui(ui, "Code", &mut view.code, false, !busy);
            focus_when_idle(ui, &field);
            let entered = submitted_with_enter(ui, &field);
            ui.add_space(theme::SPACE_S);
            let waiting = view
                .cooldown_until
                .and_then(|until| countdown_ui(ui, &refusal_text(Refusal::ResendTooSoon { until }), until, view.now));
            let ready = !busy && !view.code.is_empty();
            let (cancel, resend, over) = ui
                .horizontal(|ui| {
                    let cancel = ui.add_enabled(ready, egui::Button::new("Cancel closure")).clicked();
                    let resend = ui.add_enabled(!busy && waiting.is_none(), egui::Button::new("Resend code")).clicked();
                    let over = ui.add_enabled(!busy, egui::Button::new("Start over")).clicked();
                    (cancel, resend, over)
                })
                .inner;
            if (cancel || entered) && ready {
                forget_undo_history(ui, &field);
                command = Some(ClosureCommand::ConfirmCancel { code: view.code.take() });
            } else if resend {
                command = Some(ClosureCommand::ResendCancelCode);
            } else if over {
                command = Some(ClosureCommand::Back);
            }
        }
    }

    ui.add_space(theme::SPACE_S);
    if let Some(doing) = view.busy {
        progress_ui(ui, doing);
    }
    if let Some(message) = &view.message {
        error_text_ui(ui, message);
    }
    ui.add_space(theme::SPACE_M);
    ui.label(RichText::new("Marketing mail stays off after cancelling; you can turn it on again later.").weak());
    ui.add_space(theme::SPACE_M);
    if let Some(refresh) = mailbox_panel_ui(ui, &view.mailbox) {
        return Some(refresh);
    }
    command.map(Command::Closure)
}
