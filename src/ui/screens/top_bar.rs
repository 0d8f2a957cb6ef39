//! The bar across the top of the window: the product, a customer's pages, who is signed in,
//! the theme, sign-out.

use egui::{RichText, ThemePreference, Ui};

use crate::ui::closure::{AreaPage, ClosureCommand};
use crate::ui::command::Command;
use crate::ui::theme;

/// The theme choices, in the order shown, with their words and tooltips.
///
/// egui's own `global_theme_preference_buttons` labels these with emoji that the bundled fonts
/// cannot draw, so the switch is spelled out in words.
const THEME_CHOICES: [(ThemePreference, &str, &str); 3] = [
    (ThemePreference::System, "System", "Follow the system's light or dark mode"),
    (ThemePreference::Light, "Light", "Use the light theme"),
    (ThemePreference::Dark, "Dark", "Use the dark theme"),
];

/// Draws the top bar. `identity` names who is signed in; without it there is no sign-out.
/// `page` is the page a signed-in customer is on; with it, the bar leads to the overview and
/// the account settings.
pub fn top_bar_ui(ui: &mut Ui, identity: Option<&str>, page: Option<AreaPage>) -> Option<Command> {
    let mut command = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new("closedesk").strong().color(theme::accent(ui.visuals())).size(theme::BRAND_SIZE));
        if let Some(page) = page {
            ui.add_space(theme::SPACE_L);
            if let Some(chosen) = pages_ui(ui, page) {
                command = Some(Command::Closure(ClosureCommand::ShowPage(chosen)));
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if identity.is_some() && ui.button("Sign out").clicked() {
                command = Some(Command::SignOut);
            }
            ui.add_space(theme::SPACE_M);
            if let Some(choice) = theme_switch_ui(ui) {
                command = Some(Command::SetTheme(choice));
            }
            if let Some(identity) = identity {
                ui.separator();
                // In a narrow window the name gives way to the page buttons: cut short with "…",
                // whole on hover.
                ui.add(egui::Label::new(identity).truncate());
            }
        });
    });
    command
}

/// "Overview" and "Account settings"; the wizard belongs to the settings.
fn pages_ui(ui: &mut Ui, page: AreaPage) -> Option<AreaPage> {
    let on_settings = matches!(page, AreaPage::Settings | AreaPage::Wizard);
    let mut chosen = None;
    if ui.selectable_label(page == AreaPage::Overview, "Overview").clicked() && page != AreaPage::Overview {
        chosen = Some(AreaPage::Overview);
    }
    if ui.selectable_label(on_settings, "Account settings").clicked() && page != AreaPage::Settings {
        chosen = Some(AreaPage::Settings);
    }
    chosen
}

/// A small segmented switch between following the system, light and dark.
fn theme_switch_ui(ui: &mut Ui) -> Option<ThemePreference> {
    let current = ui.options(|options| options.theme_preference);
    let mut chosen = None;
    // The layout runs right to left here: add the choices in reverse to read left to right.
    for (preference, label, hover) in THEME_CHOICES.iter().rev() {
        let response = ui.selectable_label(current == *preference, *label).on_hover_text(*hover);
        if response.clicked() && current != *preference {
            chosen = Some(*preference);
        }
    }
    ui.label(RichText::new("Theme").weak());
    chosen
}
