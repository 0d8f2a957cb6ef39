//! WCAG 2.2 AA contrast of the theme's colours, computed from the styles the window applies:
//! 4.5:1 for text against every background it is drawn on, 3:1 for the border that shows where
//! a text field is (success criteria 1.4.3 and 1.4.11).

use egui::{Color32, Style, Theme, Visuals};

use super::{apply, card_frame, notice_frame, notice_text};

const TEXT: f64 = 4.5;
const FIELD_BORDER: f64 = 3.0;

/// The style the window draws with in `theme`, after [`apply`].
fn style(theme: Theme) -> Style {
    let ctx = egui::Context::default();
    apply(&ctx);
    (*ctx.style_of(theme)).clone()
}

/// `top` painted over `under` the way egui blends: premultiplied alpha, in gamma space.
fn over(top: Color32, under: Color32) -> Color32 {
    let keep = 255 - u16::from(top.a());
    let mix = |t: u8, u: u8| (u16::from(t) + u16::from(u) * keep / 255).min(255) as u8;
    Color32::from_rgb(mix(top.r(), under.r()), mix(top.g(), under.g()), mix(top.b(), under.b()))
}

fn luminance(color: Color32) -> f64 {
    let linear = |channel: u8| {
        let c = f64::from(channel) / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * linear(color.r()) + 0.7152 * linear(color.g()) + 0.0722 * linear(color.b())
}

fn ratio(a: Color32, b: Color32) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Where text lands: the window, a card on it, and a text field.
fn backgrounds(visuals: &Visuals) -> [(&'static str, Color32); 4] {
    let panel = visuals.panel_fill;
    [
        ("panel", panel),
        ("window", visuals.window_fill),
        ("card", over(card_frame(visuals).fill, panel)),
        ("text field", over(visuals.text_edit_bg_color(), panel)),
    ]
}

/// The text colours screens use, by what they say.
fn text_colours(visuals: &Visuals) -> Vec<(&'static str, Color32)> {
    vec![
        ("body text", visuals.text_color()),
        ("weak text (hints, captions)", visuals.weak_text_color()),
        ("widget text", visuals.widgets.inactive.text_color()),
        ("error", super::error_text(visuals)),
        ("warning", visuals.warn_fg_color),
        ("link", visuals.hyperlink_color),
        ("accent", super::accent(visuals)),
        ("ok", super::ok_text(visuals)),
        ("negative amount", super::negative_amount(visuals)),
    ]
}

fn failures(theme: Theme) -> Vec<String> {
    let style = style(theme);
    let visuals = &style.visuals;
    let mut failed = Vec::new();
    let mut check = |what: String, ratio: f64, least: f64| {
        if ratio < least {
            failed.push(format!("{theme:?}: {what} is {ratio:.2}:1, needs {least}:1"));
        }
    };
    for (place, background) in backgrounds(visuals) {
        for (text, colour) in text_colours(visuals) {
            check(format!("{text} on {place}"), ratio(over(colour, background), background), TEXT);
        }
    }
    let button = over(visuals.widgets.inactive.weak_bg_fill, visuals.panel_fill);
    check("button text on a button".into(), ratio(visuals.widgets.inactive.text_color(), button), TEXT);
    let selected = over(visuals.selection.bg_fill, visuals.panel_fill);
    check("selected text on its fill".into(), ratio(visuals.selection.stroke.color, selected), TEXT);
    let notice = notice_frame(visuals).fill;
    check("notice text on a notice".into(), ratio(notice_text(visuals), notice), TEXT);

    let border = visuals.widgets.inactive.bg_stroke;
    // A border without width is no border: its colour alone would pass.
    let shown = if border.width > 0.0 { border.color } else { Color32::TRANSPARENT };
    for (place, background) in backgrounds(visuals).into_iter().take(3) {
        check(format!("text field border on {place}"), ratio(over(shown, background), background), FIELD_BORDER);
    }
    failed
}

#[test]
fn text_and_field_borders_meet_wcag_aa_in_both_themes() {
    let failed: Vec<String> = [Theme::Light, Theme::Dark].into_iter().flat_map(failures).collect();
    assert!(failed.is_empty(), "{} contrast failures:\n{}", failed.len(), failed.join("\n"));
}

#[test]
fn the_ratio_matches_the_wcag_reference_values() {
    assert!((ratio(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 1e-9);
    assert!((ratio(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 1e-9);
    // #767676 on white is the lightest grey that passes 4.5:1.
    let grey = ratio(Color32::from_gray(0x76), Color32::WHITE);
    assert!((4.5..4.6).contains(&grey), "{grey}");
}
