//! The design system: colours, spacing and type sizes for the dark and light themes.
//! Widgets read these tokens and never hard-code a colour.

use egui::{Color32, CornerRadius, FontId, Stroke, Visuals};
use taoscope_core::settings::Theme;

/// Spacing steps, in points.
pub mod spacing {
    /// Between related items.
    pub const SMALL: f32 = 4.0;
    /// Between controls in a group.
    pub const MEDIUM: f32 = 8.0;
    /// Between groups.
    pub const LARGE: f32 = 16.0;
    /// Around a page.
    pub const PAGE: f32 = 20.0;
}

/// Type scale, in points.
pub mod text {
    /// Page titles.
    pub const TITLE: f32 = 22.0;
    /// Section headings.
    pub const HEADING: f32 = 16.0;
    /// Body text.
    pub const BODY: f32 = 14.0;
    /// Secondary details.
    pub const SMALL: f32 = 12.0;
}

/// Colours that depend on the theme.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// Page background.
    pub background: Color32,
    /// Panels (navigation, status bar).
    pub panel: Color32,
    /// Cards and grouped sections.
    pub card: Color32,
    /// Text fields and other inputs, set apart from whatever they sit on.
    pub input: Color32,
    /// Main text.
    pub text: Color32,
    /// Secondary text.
    pub muted: Color32,
    /// Brand accent: selection, links.
    pub accent: Color32,
    /// Live / success.
    pub good: Color32,
    /// Connecting / warnings.
    pub warn: Color32,
    /// Offline / errors.
    pub bad: Color32,
}

/// The palette of `theme`.
pub fn palette(theme: Theme) -> Palette {
    match theme {
        Theme::Dark => Palette {
            background: Color32::from_rgb(0x14, 0x16, 0x1b),
            panel: Color32::from_rgb(0x1b, 0x1e, 0x25),
            card: Color32::from_rgb(0x22, 0x26, 0x2f),
            input: Color32::from_rgb(0x0b, 0x0d, 0x11),
            text: Color32::from_rgb(0xe6, 0xe8, 0xee),
            muted: Color32::from_rgb(0x9a, 0xa1, 0xb0),
            accent: Color32::from_rgb(0x4f, 0xc3, 0xa1),
            good: Color32::from_rgb(0x4c, 0xc9, 0x6f),
            warn: Color32::from_rgb(0xf0, 0xb4, 0x3c),
            bad: Color32::from_rgb(0xf0, 0x5a, 0x5a),
        },
        Theme::Light => Palette {
            background: Color32::from_rgb(0xf6, 0xf7, 0xf9),
            panel: Color32::from_rgb(0xec, 0xee, 0xf2),
            card: Color32::WHITE,
            input: Color32::from_rgb(0xe4, 0xe7, 0xed),
            text: Color32::from_rgb(0x1c, 0x1f, 0x26),
            muted: Color32::from_rgb(0x5d, 0x64, 0x73),
            accent: Color32::from_rgb(0x0f, 0x8f, 0x6e),
            good: Color32::from_rgb(0x1f, 0x9d, 0x47),
            warn: Color32::from_rgb(0xb7, 0x79, 0x00),
            bad: Color32::from_rgb(0xc6, 0x28, 0x28),
        },
    }
}

/// Applies `theme` to the whole context.
pub fn apply(ctx: &egui::Context, theme: Theme) {
    let p = palette(theme);
    let mut visuals = match theme {
        Theme::Dark => Visuals::dark(),
        Theme::Light => Visuals::light(),
    };
    visuals.panel_fill = p.panel;
    visuals.window_fill = p.card;
    visuals.extreme_bg_color = p.input;
    visuals.override_text_color = Some(p.text);
    visuals.hyperlink_color = p.accent;
    visuals.selection.bg_fill = p.accent.linear_multiply(0.35);
    visuals.selection.stroke = Stroke::new(1.0, p.accent);
    visuals.widgets.noninteractive.corner_radius = CornerRadius::same(6);
    let egui_theme = match theme {
        Theme::Dark => egui::Theme::Dark,
        Theme::Light => egui::Theme::Light,
    };
    ctx.set_theme(egui_theme);
    ctx.set_visuals_of(egui_theme, visuals);
    ctx.global_style_mut(|style| {
        style.spacing.item_spacing = egui::vec2(spacing::MEDIUM, spacing::MEDIUM);
        style.spacing.button_padding = egui::vec2(10.0, 5.0);
        style
            .text_styles
            .insert(egui::TextStyle::Body, FontId::proportional(text::BODY));
        style
            .text_styles
            .insert(egui::TextStyle::Button, FontId::proportional(text::BODY));
        style
            .text_styles
            .insert(egui::TextStyle::Heading, FontId::proportional(text::TITLE));
        style
            .text_styles
            .insert(egui::TextStyle::Small, FontId::proportional(text::SMALL));
    });
}

/// Widest a card grows, so lines stay readable on large screens.
pub const CARD_MAX_WIDTH: f32 = 760.0;

/// A framed card that groups one section of a page.
pub fn card(theme: Theme) -> egui::Frame {
    egui::Frame::new()
        .fill(palette(theme).card)
        .corner_radius(CornerRadius::same(8))
        .inner_margin(egui::Margin::same(spacing::LARGE as i8))
}

/// A titled card as wide as the page allows (up to [`CARD_MAX_WIDTH`]), then a gap.
pub fn section_ui<R>(
    ui: &mut egui::Ui,
    theme: Theme,
    title: &str,
    add_contents: impl FnOnce(&mut egui::Ui) -> R,
) -> R {
    let width = (ui.available_width() - 2.0 * spacing::LARGE).clamp(200.0, CARD_MAX_WIDTH);
    let inner = card(theme).show(ui, |ui| {
        ui.set_width(width);
        ui.label(egui::RichText::new(title).size(text::HEADING).strong());
        add_contents(ui)
    });
    ui.add_space(spacing::LARGE);
    inner.inner
}
