//! The customer's pages drawn over (or above) the overview: the settings page, the wizard, a
//! one-time notice, and the way back to a wizard set aside.

use egui::Ui;

use crate::ui::closing::command::{AreaPage, ClosingCommand};
use crate::ui::closing::wizard::{back_to_closing_ui, wizard_ui};
use crate::ui::theme;
use crate::ui::widgets::notice_ui;

use super::area::AccountArea;
use super::settings::{SettingsPage, settings_ui};

/// What [`area_ui`] drew.
pub enum Drawn {
    /// A page of the area, and the command it returned.
    Page(Option<ClosingCommand>),
    /// Nothing but a notice or the way back to a wizard set aside, if any, and what was pressed
    /// there: the overview is to be drawn below.
    Overview(Option<ClosingCommand>),
}

/// Draws a customer's page when it is not the overview.
pub fn area_ui(ui: &mut Ui, area: Option<&mut AccountArea>) -> Drawn {
    let Some(area) = area else {
        return Drawn::Overview(None);
    };
    match area.page {
        AreaPage::Overview => {
            if let Some(flash) = &area.flash {
                notice_ui(ui, flash);
                ui.add_space(theme::SPACE_M);
            }
            if area.wizard.as_ref().is_some_and(|wizard| wizard.paused) {
                return Drawn::Overview(back_to_closing_ui(ui).map(ClosingCommand::Closure));
            }
            Drawn::Overview(None)
        }
        AreaPage::Settings => {
            let closing = area.wizard.as_ref().is_some_and(|wizard| !wizard.is_done());
            let page = SettingsPage {
                data: &area.settings,
                closing_in_progress: closing,
                changing: area.subscription_change.is_some() || area.subscription_changing,
                subscription_error: area.subscription_error.as_deref(),
            };
            Drawn::Page(settings_ui(ui, &page, &mut area.export))
        }
        AreaPage::Wizard => {
            Drawn::Page(area.wizard.as_mut().and_then(|wizard| wizard_ui(ui, wizard, &mut area.export)))
        }
    }
}
