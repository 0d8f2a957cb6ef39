//! Colours, sizes and spacing of the window, in one place so that screens stay consistent.
//!
//! Screens never spell a colour: they ask this module for one, by meaning.

use egui::{Color32, CornerRadius, Frame, Margin, Stroke, Visuals};

#[cfg(test)]
mod contrast;

/// The teal of the application icon, used for highlights in the light theme.
pub const ACCENT: Color32 = Color32::from_rgb(20, 110, 118);

/// A lighter teal that reads well on dark backgrounds.
pub const ACCENT_ON_DARK: Color32 = Color32::from_rgb(78, 176, 184);

/// Fill of a selected item (e.g. the chosen sign-in mode) in the light theme.
const SELECTION_FILL_LIGHT: Color32 = Color32::from_rgb(196, 230, 232);
/// Text of a selected item in the light theme.
const SELECTION_TEXT_LIGHT: Color32 = Color32::from_rgb(8, 62, 68);
/// Fill of a selected item in the dark theme: the icon's teal.
const SELECTION_FILL_DARK: Color32 = ACCENT;
/// Text of a selected item in the dark theme.
const SELECTION_TEXT_DARK: Color32 = Color32::from_rgb(232, 246, 243);

/// Fill of a warning notice (e.g. a scheduled deletion) in the light theme.
const NOTICE_FILL_LIGHT: Color32 = Color32::from_rgb(255, 241, 214);
/// Border of a warning notice in the light theme.
const NOTICE_STROKE_LIGHT: Color32 = Color32::from_rgb(214, 140, 20);
/// Text of a warning notice in the light theme.
const NOTICE_TEXT_LIGHT: Color32 = Color32::from_rgb(110, 62, 0);
/// Fill of a warning notice in the dark theme.
const NOTICE_FILL_DARK: Color32 = Color32::from_rgb(74, 52, 16);
/// Border of a warning notice in the dark theme.
const NOTICE_STROKE_DARK: Color32 = Color32::from_rgb(214, 150, 40);
/// Text of a warning notice in the dark theme.
const NOTICE_TEXT_DARK: Color32 = Color32::from_rgb(255, 222, 160);

/// Body text in the dark theme: egui's grey 140 is too close to its hint text to tell apart once
/// hints meet 4.5:1.
const TEXT_DARK: Color32 = Color32::from_gray(205);
/// Hints, captions and other quiet text: the lightest greys that still read at 4.5:1 on every
/// background of their theme (egui's default fades body text to 60 %, about 2.7:1).
const WEAK_TEXT_LIGHT: Color32 = Color32::from_gray(108);
const WEAK_TEXT_DARK: Color32 = Color32::from_gray(152);
/// The border of an unfocused text field: without one a white field on a near-white card is
/// invisible (3:1 is what WCAG asks of a control's boundary).
const FIELD_BORDER_LIGHT: Color32 = Color32::from_gray(128);
const FIELD_BORDER_DARK: Color32 = Color32::from_gray(118);
/// Error and warning text: egui's pure red and orange fall below 4.5:1 on light cards.
const ERROR_LIGHT: Color32 = Color32::from_rgb(178, 30, 30);
const ERROR_DARK: Color32 = Color32::from_rgb(255, 112, 102);
const WARNING_LIGHT: Color32 = Color32::from_rgb(150, 80, 0);

/// The smallest gap between related things.
pub const SPACE_S: f32 = 4.0;
/// The usual gap between the rows of a form.
pub const SPACE_M: f32 = 8.0;
/// The gap between sections of a screen.
pub const SPACE_L: f32 = 16.0;
/// The gap above a screen's first heading.
pub const SPACE_XL: f32 = 32.0;

/// The width of the sign-in form and of the start-up messages.
pub const FORM_WIDTH: f32 = 340.0;
/// The width of the content of one count card on the overview.
pub const CARD_WIDTH: f32 = 156.0;
/// The margin inside a card, between its border and its content.
const CARD_MARGIN: i8 = 12;
/// The width a card takes up, border and margins included.
pub const CARD_OUTER_WIDTH: f32 = CARD_WIDTH + 2.0 * CARD_MARGIN as f32 + 2.0;
/// The margin around the content of the main area of the window.
pub const PANEL_MARGIN: i8 = 16;
/// The height of one row of a table.
pub const TABLE_ROW_HEIGHT: f32 = 22.0;

/// The size of the product name in the top bar.
pub const BRAND_SIZE: f32 = 18.0;
/// The size of a screen's main heading (e.g. the account's display name).
pub const TITLE_SIZE: f32 = 26.0;
/// The size of the number on a count card.
pub const CARD_NUMBER_SIZE: f32 = 22.0;
/// The size of the spinner shown while something loads.
pub const SPINNER_SIZE: f32 = 28.0;

/// Applies the closedesk look to both the light and the dark style.
pub fn apply(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(SPACE_M, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 4.0);
        style.spacing.interact_size.y = 24.0;
        // Scroll bars take their own strip instead of floating over the content, so that a
        // field as wide as the page ends before the bar rather than under it.
        style.spacing.scroll = egui::style::ScrollStyle::solid();
        let dark = style.visuals.dark_mode;
        let (fill, text) = if dark {
            (SELECTION_FILL_DARK, SELECTION_TEXT_DARK)
        } else {
            (SELECTION_FILL_LIGHT, SELECTION_TEXT_LIGHT)
        };
        style.visuals.selection.bg_fill = fill;
        style.visuals.selection.stroke = Stroke::new(1.0, text);
        style.visuals.hyperlink_color = if dark { ACCENT_ON_DARK } else { ACCENT };
        let visuals = &mut style.visuals;
        if dark {
            visuals.widgets.noninteractive.fg_stroke.color = TEXT_DARK;
        } else {
            visuals.warn_fg_color = WARNING_LIGHT;
        }
        visuals.weak_text_color = Some(if dark { WEAK_TEXT_DARK } else { WEAK_TEXT_LIGHT });
        visuals.error_fg_color = if dark { ERROR_DARK } else { ERROR_LIGHT };
        visuals.widgets.inactive.bg_stroke =
            Stroke::new(1.0, if dark { FIELD_BORDER_DARK } else { FIELD_BORDER_LIGHT });
    });
}

/// The accent colour for the current theme.
pub fn accent(visuals: &Visuals) -> Color32 {
    if visuals.dark_mode { ACCENT_ON_DARK } else { ACCENT }
}

/// The colour of an error message.
pub fn error_text(visuals: &Visuals) -> Color32 {
    visuals.error_fg_color
}

/// The colour of a warning notice's text.
pub fn notice_text(visuals: &Visuals) -> Color32 {
    if visuals.dark_mode { NOTICE_TEXT_DARK } else { NOTICE_TEXT_LIGHT }
}

/// The frame around a warning notice, such as a scheduled deletion.
pub fn notice_frame(visuals: &Visuals) -> Frame {
    let (fill, stroke) = if visuals.dark_mode {
        (NOTICE_FILL_DARK, NOTICE_STROKE_DARK)
    } else {
        (NOTICE_FILL_LIGHT, NOTICE_STROKE_LIGHT)
    };
    Frame::new()
        .fill(fill)
        .stroke(Stroke::new(1.0, stroke))
        .corner_radius(CornerRadius::same(6))
        .inner_margin(Margin::symmetric(14, 10))
}

/// The frame around an error message that stops a screen (e.g. a database that cannot be opened).
pub fn error_frame(visuals: &Visuals) -> Frame {
    Frame::new()
        .fill(visuals.extreme_bg_color)
        .stroke(Stroke::new(1.0, visuals.error_fg_color))
        .corner_radius(CornerRadius::same(6))
        .inner_margin(Margin::symmetric(14, 10))
}

/// The frame of a card: the sign-in form and the count tiles.
pub fn card_frame(visuals: &Visuals) -> Frame {
    Frame::new()
        .fill(visuals.faint_bg_color)
        .stroke(visuals.widgets.noninteractive.bg_stroke)
        .corner_radius(CornerRadius::same(8))
        .inner_margin(Margin::same(CARD_MARGIN))
}

/// Green for "nothing blocks" in the light theme.
const OK_TEXT_LIGHT: Color32 = Color32::from_rgb(22, 112, 52);
/// Green for "nothing blocks" in the dark theme.
const OK_TEXT_DARK: Color32 = Color32::from_rgb(120, 214, 146);
/// Red for withdrawals and other negative amounts in the light theme.
const NEGATIVE_LIGHT: Color32 = Color32::from_rgb(170, 40, 40);
/// Red for negative amounts in the dark theme.
const NEGATIVE_DARK: Color32 = Color32::from_rgb(240, 130, 120);
/// Colours of a chart's series after the accent, one per currency, light theme.
const CHART_LIGHT: [Color32; 3] =
    [Color32::from_rgb(196, 120, 20), Color32::from_rgb(110, 70, 170), Color32::from_rgb(60, 120, 200)];
/// Colours of a chart's series after the accent, dark theme.
const CHART_DARK: [Color32; 3] =
    [Color32::from_rgb(236, 170, 80), Color32::from_rgb(176, 140, 230), Color32::from_rgb(120, 170, 240)];

/// The colour of a reassuring line, such as "Nothing blocks closing this account."
pub fn ok_text(visuals: &Visuals) -> Color32 {
    if visuals.dark_mode { OK_TEXT_DARK } else { OK_TEXT_LIGHT }
}

/// The colour of a negative amount in a table (a withdrawal).
pub fn negative_amount(visuals: &Visuals) -> Color32 {
    if visuals.dark_mode { NEGATIVE_DARK } else { NEGATIVE_LIGHT }
}

/// The colour of series `index` of a chart: the accent first, then distinct hues.
pub fn chart_series(visuals: &Visuals, index: usize) -> Color32 {
    let others = if visuals.dark_mode { CHART_DARK } else { CHART_LIGHT };
    match index {
        0 => accent(visuals),
        n => others[(n - 1) % others.len()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_as_wide_as_a_scrolled_page_ends_before_the_scroll_bar() {
        let ctx = egui::Context::default();
        apply(&ctx);
        let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1100.0, 560.0));
        let mut text = String::new();
        let mut field = egui::Rect::NOTHING;
        let mut page = egui::Rect::NOTHING;
        // The bar shows from the second frame, once the content's height is known.
        for _ in 0..3 {
            let input = egui::RawInput { screen_rect: Some(window), ..egui::RawInput::default() };
            let mut output = ctx.run_ui(input, |ui| {
                page = ui.max_rect();
                egui::ScrollArea::vertical().show(ui, |ui| {
                    field = ui.add(egui::TextEdit::singleline(&mut text).desired_width(f32::INFINITY)).rect;
                    ui.allocate_space(egui::vec2(10.0, 2000.0));
                });
            });
            // Nothing draws these frames: their font texture is not wanted.
            output.textures_delta.clear();
        }
        let bar = ctx.global_style().spacing.scroll.bar_width;
        assert!(field.right() + bar <= page.right(), "the field {field:?} runs under the bar of {page:?}");
    }
}
