//! A signed-in customer's pages beyond the overview: the settings page (its data, the
//! subscriptions), the closure wizard and the backup panel, kept for the session; and the
//! settings page's worker.

use jiff::Timestamp;

use crate::core::AccountId;
use crate::core::permissions::Principal;
use crate::service;
use crate::ui::closing::command::AreaPage;
use crate::ui::closing::export::ExportState;
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
        result: Result<SettingsData, String>,
    },
    /// A subscription could not be changed; the page keeps what it shows.
    SubscriptionRefused {
        /// Whose subscription.
        account: AccountId,
        /// Why.
        message: String,
    },
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
                    result: service::account::settings(&db_path, principal, account).map_err(|err| err.to_string()),
                },
                Err(err) => CustomerOutput::SubscriptionRefused { account, message: err.to_string() },
            }
        })
    } else if area.settings_wanted {
        area.settings_wanted = false;
        jobs.start(CustomerJob::LoadSettings, move || CustomerOutput::Settings {
            account,
            result: service::account::settings(&db_path, principal, account).map_err(|err| err.to_string()),
        })
    } else {
        return;
    };
    if let Err(err) = started {
        area.settings = Remote::Failed(err.to_string());
        area.subscription_changing = false;
    }
}
