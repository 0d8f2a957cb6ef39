//! What a customer whose account is scheduled for deletion sees after signing in: the date,
//! and a way to cancel with the password and a mailed code. Nothing else is reachable.

use std::path::Path;

use egui::{RichText, Ui};
use jiff::Timestamp;

use crate::core::AccountId;
use crate::ui::closing::command::ClosureCommand;
use crate::ui::closing::flow::{ClosureFlow, ClosureRequest, FlowInfo};
use crate::ui::closing::mailbox::MailboxView;
use crate::ui::closing::mailbox_panel::mailbox_panel_ui;
use crate::ui::closing::wizard::MAILBOX_HINT;
use crate::ui::format::local_minute;
use crate::ui::remote::Remote;
use crate::ui::theme;
use crate::ui::widgets::code_entry::{CodeAction, CodeWords, code_entry_ui};
use crate::ui::widgets::secret_field::{
    SecretField, focus_when_idle, forget_undo_history, secret_input_ui, submitted_with_enter,
};
use crate::ui::widgets::{centered_column, error_text_ui, progress_ui};

/// The closure-pending screen's state.
#[derive(Debug)]
pub struct ClosurePendingView {
    /// The cancellation: its request, worker and code field.
    pub flow: ClosureFlow,
    /// The account scheduled for deletion.
    pub account: AccountId,
    /// The name, masked email and pending closure.
    pub info: Remote<FlowInfo>,
    /// The password field.
    pub password: SecretField,
    /// The account's newest mails, where the code arrives.
    pub mailbox: MailboxView,
    /// The time, as of the last frame, for the countdown.
    pub now: Timestamp,
}

impl ClosurePendingView {
    /// The screen of `account`, loading what it shows.
    pub fn new(account: AccountId, db_path: &Path) -> Self {
        Self {
            flow: ClosureFlow::new(Some(ClosureRequest::PendingInfo { account })),
            account,
            info: Remote::Loading,
            password: SecretField::default(),
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

/// The heading: "Your account is scheduled for deletion on `<date>`."
pub fn scheduled_text(purge_after: Option<Timestamp>) -> String {
    match purge_after {
        Some(at) => format!("Your account is scheduled for deletion on {}.", local_minute(at)),
        None => "Your account is scheduled for deletion.".to_owned(),
    }
}

/// Draws the screen; returns a command when the person moves the cancellation on.
pub fn closure_pending_ui(ui: &mut Ui, view: &mut ClosurePendingView) -> Option<ClosureCommand> {
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
                    ui.button("Try again").clicked().then_some(ClosureCommand::ReloadPending)
                }
                Remote::Ready(_) => cancel_ui(ui, view),
            };
        });
    });
    command
}

fn cancel_ui(ui: &mut Ui, view: &mut ClosurePendingView) -> Option<ClosureCommand> {
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
    let busy = view.flow.is_busy();
    if view.flow.code_out().is_none() {
        let field = secret_input_ui(ui, "Password", &mut view.password, true, !busy);
        focus_when_idle(ui, &field);
        let entered = submitted_with_enter(ui, &field);
        ui.add_space(theme::SPACE_S);
        let go = ui.add_enabled(!busy && !view.password.is_empty(), egui::Button::new("Continue")).clicked();
        if (go || entered) && !busy && !view.password.is_empty() {
            forget_undo_history(ui, &field);
            command = Some(ClosureCommand::CancelWithPassword(view.password.take()));
        }
    } else {
        let masked = view.info.ready().map_or("your registered address", |info| info.masked_email.as_str()).to_owned();
        let words = CodeWords {
            sent_to: &masked,
            hint: MAILBOX_HINT,
            field: "Code",
            confirm: "Cancel closure",
            other: Some("Start over"),
        };
        command = code_entry_ui(ui, view.flow.code_entry(), words, view.now, |_, _| false).map(|action| match action {
            CodeAction::Confirm(code) => ClosureCommand::ConfirmCancel { code },
            CodeAction::Resend => ClosureCommand::ResendCancelCode,
            CodeAction::Other => ClosureCommand::Back,
        });
    }

    ui.add_space(theme::SPACE_S);
    if let Some(doing) = view.flow.busy {
        progress_ui(ui, doing);
    }
    if let Some(message) = &view.flow.message {
        error_text_ui(ui, message);
    }
    ui.add_space(theme::SPACE_M);
    ui.label(
        RichText::new("Marketing mail stays off after cancelling, until you turn it on again in Account settings.")
            .weak(),
    );
    ui.add_space(theme::SPACE_M);
    if let Some(refresh) = mailbox_panel_ui(ui, &view.mailbox) {
        return Some(refresh);
    }
    command
}
