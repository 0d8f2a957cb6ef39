//! A signed-in customer's pages beyond the overview: the settings page (its data, the
//! subscriptions), the closure wizard and the backup panel, kept for the session; and the
//! settings page's worker.

use std::path::Path;

use jiff::Timestamp;

use crate::core::AccountId;
use crate::core::permissions::Principal;
use crate::service;
use crate::ui::closing::command::{AreaPage, ClosureCommand};
use crate::ui::closing::export::ExportState;
use crate::ui::closing::steps::queue_wizard_step;
use crate::ui::closing::wizard::WizardView;
use crate::ui::jobs::JobKey;
use crate::ui::remote::Remote;
use crate::ui::workers::Workers;

use super::settings::SettingsData;

/// The settings page's worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CustomerJob {
    /// Read the account settings page's data (after a subscription change, if one was asked for).
    LoadSettings,
}

impl JobKey for CustomerJob {
    fn thread_name(self) -> &'static str {
        "load-settings"
    }

    fn describe(self) -> &'static str {
        "loading the settings"
    }
}

/// What the settings page's worker hands back.
#[derive(Debug)]
pub enum CustomerOutput {
    /// The settings page's data was read.
    Settings {
        /// Whose settings.
        account: AccountId,
        /// The data, or why it cannot be read.
        result: service::ServiceResult<SettingsData>,
    },
    /// A subscription could not be changed; the page keeps what it shows.
    SubscriptionRefused {
        /// Whose subscription.
        account: AccountId,
        /// Why.
        error: service::ServiceError,
    },
}

impl CustomerOutput {
    /// Whether the worker found the session over: the account gone since signing in.
    pub fn ends_session(&self) -> bool {
        match self {
            Self::Settings { result: Err(err), .. } | Self::SubscriptionRefused { error: err, .. } => {
                err.ends_session()
            }
            Self::Settings { .. } => false,
        }
    }
}

/// What applying a command of the area asks of the app.
#[derive(Debug, PartialEq, Eq)]
pub enum AreaOutcome {
    /// Nothing beyond the area.
    Applied,
    /// What the overview counts changed (the wizard's steps write audit lines and mail):
    /// read the account again.
    ReloadAccount,
    /// Show the closure-pending screen of this account, to cancel its closure.
    OpenCancel(AccountId),
}

/// A signed-in customer's pages beyond the overview, kept for the session: leaving the
/// settings for the overview keeps a wizard or an export where it was.
#[derive(Debug)]
pub struct AccountArea {
    /// The signed-in customer's account.
    pub account: AccountId,
    /// The page shown.
    pub page: AreaPage,
    /// The settings page's data.
    pub settings: Remote<SettingsData>,
    /// A (re)load of the settings page's data is due.
    pub settings_wanted: bool,
    /// A subscription change to make on the settings worker, then read the page again.
    pub subscription_change: Option<(String, bool)>,
    /// The settings worker is making a subscription change.
    pub subscription_changing: bool,
    /// Why the last subscription change was refused.
    pub subscription_error: Option<String>,
    /// The closure wizard, once started.
    pub wizard: Option<WizardView>,
    /// The backup panel, shared by the settings page and the wizard's backup step.
    pub export: ExportState,
    /// A one-time notice above the overview.
    pub flash: Option<String>,
}

impl AccountArea {
    /// The area of `account`, used by `principal` (the session's), on its overview.
    pub fn new(account: AccountId, principal: Principal) -> Self {
        Self {
            account,
            page: AreaPage::Overview,
            settings: Remote::Loading,
            settings_wanted: true,
            subscription_change: None,
            subscription_changing: false,
            subscription_error: None,
            wizard: None,
            // The export worker checks the session's principal, not the account on screen.
            export: ExportState::new(account, principal),
            flash: None,
        }
    }

    /// Reads the settings page's data again.
    pub fn reload_settings(&mut self) {
        self.settings = Remote::Loading;
        self.settings_wanted = true;
    }

    /// Applies a command of the settings page or the wizard at `now`; the wizard's steps are
    /// queued for the closure worker. Says what the app is to do beyond the area.
    pub fn apply(&mut self, command: ClosureCommand, db_path: &Path, now: Timestamp) -> AreaOutcome {
        let mut reload_account = false;
        match command {
            ClosureCommand::ShowPage(page) => {
                if page == AreaPage::Wizard && self.wizard.is_none() {
                    return AreaOutcome::Applied;
                }
                // The wizard's steps write audit lines and mail: what the overview counts changed.
                reload_account = self.page == AreaPage::Wizard && page != AreaPage::Wizard;
                if page == AreaPage::Settings {
                    self.reload_settings();
                }
                if let Some(wizard) = self.wizard.as_mut().filter(|_| page == AreaPage::Wizard) {
                    wizard.paused = false;
                }
                self.page = page;
                self.flash = None;
            }
            ClosureCommand::ReloadSettings => self.reload_settings(),
            ClosureCommand::SetSubscription { topic, enabled } => {
                if self.subscription_change.is_none() && !self.subscription_changing {
                    self.subscription_change = Some((topic, enabled));
                    self.subscription_error = None;
                }
            }
            ClosureCommand::StartClosing => {
                if self.wizard.as_ref().is_none_or(WizardView::is_done) {
                    self.wizard = Some(WizardView::new(self.account, db_path, now));
                }
                if let Some(wizard) = self.wizard.as_mut() {
                    wizard.paused = false;
                }
                self.page = AreaPage::Wizard;
                self.flash = None;
            }
            ClosureCommand::LeaveWizard => {
                self.wizard = None;
                self.page = AreaPage::Settings;
                self.reload_settings();
                reload_account = true;
            }
            ClosureCommand::OpenCancel => return AreaOutcome::OpenCancel(self.account),
            ClosureCommand::RefreshMailbox => {
                if let Some(wizard) = self.wizard.as_mut() {
                    wizard.mailbox.refresh();
                }
            }
            step => {
                if let Some(view) = self.wizard.as_mut() {
                    queue_wizard_step(view, step);
                }
            }
        }
        if reload_account { AreaOutcome::ReloadAccount } else { AreaOutcome::Applied }
    }

    /// Takes in the settings page's worker's result.
    pub fn on_output(&mut self, output: CustomerOutput) {
        match output {
            CustomerOutput::Settings { account, result } => {
                if self.account == account {
                    self.settings = result.into();
                    self.subscription_changing = false;
                }
            }
            CustomerOutput::SubscriptionRefused { account, error } => {
                if self.account == account {
                    self.subscription_error = Some(error.to_string());
                    self.subscription_changing = false;
                }
            }
        }
    }
}

/// Starts the settings worker: a subscription change the customer asked for (then the page's
/// data again), or the page's data when it is wanted.
pub fn start_settings_work(
    area: &mut AccountArea,
    jobs: &mut Workers<'_, CustomerJob, CustomerOutput>,
    principal: Option<Principal>,
    now: Timestamp,
) {
    let (db_path, account) = (jobs.db_path().to_owned(), area.account);
    let started = if let Some((topic, enabled)) = area.subscription_change.take() {
        area.settings_wanted = false;
        area.subscription_changing = true;
        jobs.start(CustomerJob::LoadSettings, move || {
            match service::account::set_subscription(&db_path, principal, account, &topic, enabled, now) {
                Ok(()) => CustomerOutput::Settings {
                    account,
                    result: service::account::settings(&db_path, principal, account),
                },
                Err(error) => CustomerOutput::SubscriptionRefused { account, error },
            }
        })
    } else if area.settings_wanted {
        area.settings_wanted = false;
        jobs.start(CustomerJob::LoadSettings, move || CustomerOutput::Settings {
            account,
            result: service::account::settings(&db_path, principal, account),
        })
    } else {
        return;
    };
    if let Err(err) = started {
        area.settings = Remote::Failed(err.to_string());
        area.subscription_changing = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaving_the_wizard_reads_the_account_again_and_cancelling_goes_to_the_pending_screen() {
        let db = Path::new("/nowhere/closedesk.db");
        let now = "2026-11-29T10:00:00Z".parse().unwrap();
        let mut area = AccountArea::new(AccountId(1), Principal::Customer(AccountId(1)));
        assert_eq!(area.apply(ClosureCommand::ShowPage(AreaPage::Wizard), db, now), AreaOutcome::Applied);
        assert_eq!(area.page, AreaPage::Overview, "there is no wizard to show yet");

        assert_eq!(area.apply(ClosureCommand::StartClosing, db, now), AreaOutcome::Applied);
        assert_eq!(area.page, AreaPage::Wizard);
        assert!(area.wizard.is_some());
        assert_eq!(area.apply(ClosureCommand::ShowPage(AreaPage::Settings), db, now), AreaOutcome::ReloadAccount);
        assert!(area.wizard.is_some(), "the wizard waits while the settings are shown");

        assert_eq!(area.apply(ClosureCommand::LeaveWizard, db, now), AreaOutcome::ReloadAccount);
        assert!(area.wizard.is_none());
        assert_eq!(area.page, AreaPage::Settings);
        assert_eq!(area.apply(ClosureCommand::OpenCancel, db, now), AreaOutcome::OpenCancel(AccountId(1)));
    }
}
