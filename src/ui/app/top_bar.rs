//! The bar across the top of the window: the product, a customer's pages, who is signed in,
//! the theme, sign-out.

use egui::{RichText, ThemePreference, Ui};

use crate::ui::app::command::Command;
use crate::ui::closing::command::{AreaPage, ClosureCommand};
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
            if let Some(chosen) = right_group_ui(ui, identity.is_some()) {
                command = Some(chosen);
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

/// The theme switch and "Sign out", at the right end of the bar.
///
/// The bar's right end is laid out right to left, and Tab visits widgets in the order they are
/// added: so the group is one left-to-right strip, added in reading order, as wide as it
/// measured in the last frame. The width changes only when "Sign out" comes or goes, and the
/// next frame, asked for at once, draws it right. (Discarding the pass instead would cost the
/// screen below its own first-frame sizing pass: a grid would show a frame late.)
fn right_group_ui(ui: &mut Ui, sign_out: bool) -> Option<Command> {
    let width_id = egui::Id::unique("closedesk-top-bar-right");
    let width = ui.data(|data| data.get_temp::<f32>(width_id)).unwrap_or_default();
    let size = egui::vec2(width, ui.spacing().interact_size.y);
    let mut command = None;
    let group = ui.allocate_ui_with_layout(size, egui::Layout::left_to_right(egui::Align::Center), |ui| {
        if let Some(choice) = theme_switch_ui(ui) {
            command = Some(Command::SetTheme(choice));
        }
        if sign_out {
            ui.add_space(theme::SPACE_M);
            if ui.button("Sign out").clicked() {
                command = Some(Command::SignOut);
            }
        }
        ui.min_rect().width()
    });
    let measured = group.inner;
    if (measured - width).abs() > 0.5 {
        ui.data_mut(|data| data.insert_temp(width_id, measured));
        ui.ctx().request_repaint();
    }
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
    ui.label(RichText::new("Theme").weak());
    for (preference, label, hover) in THEME_CHOICES {
        let response = ui.selectable_label(current == preference, label).on_hover_text(hover);
        if response.clicked() && current != preference {
            chosen = Some(preference);
        }
    }
    chosen
}
