//! Bittensor terms that explain themselves: a label with a dotted underline whose one-sentence
//! explanation (`glossary.<term>` in the catalogue) shows on hover and on keyboard focus.
//!
//! egui shows tooltips only for the pointer, so a term is also focusable with Tab, and a
//! focused term shows its tooltip and a focus ring; the sentence is the widget's accessible
//! description, so screen readers and tests find it too.

use egui::{Response, RichText, Sense, Stroke};
use taoscope_core::i18n::tr;
use taoscope_core::settings::Theme;

use crate::theme::palette;

/// A Bittensor term with a catalogue explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    /// A subnet's own token.
    Alpha,
    /// Blocks between a subnet's epochs.
    Tempo,
    /// What a subnet or neuron receives per block or epoch.
    Emission,
    /// A validator's cut of its stakers' rewards.
    Take,
    /// How much an order moves the pool price.
    Slippage,
    /// A miner's share of the subnet's miner rewards.
    Incentive,
    /// A validator's share of the subnet's validator rewards.
    Dividends,
    /// The right to set weights.
    ValidatorPermit,
    /// The key a neuron works with.
    Hotkey,
    /// The key that holds the funds.
    Coldkey,
    /// The registration cost, destroyed.
    Burn,
    /// Issuance halving.
    Halving,
    /// Yearly yield.
    Apy,
    /// How far the price may move before the chain refuses the order.
    Tolerance,
}

impl Term {
    /// Every term, in the order a glossary lists them.
    pub const ALL: [Term; 14] = [
        Term::Alpha,
        Term::Tempo,
        Term::Emission,
        Term::Take,
        Term::Slippage,
        Term::Incentive,
        Term::Dividends,
        Term::ValidatorPermit,
        Term::Hotkey,
        Term::Coldkey,
        Term::Burn,
        Term::Halving,
        Term::Apy,
        Term::Tolerance,
    ];

    /// The catalogue key of the term's one-sentence explanation.
    pub fn key(self) -> &'static str {
        match self {
            Term::Alpha => "glossary.alpha",
            Term::Tempo => "glossary.tempo",
            Term::Emission => "glossary.emission",
            Term::Take => "glossary.take",
            Term::Slippage => "glossary.slippage",
            Term::Incentive => "glossary.incentive",
            Term::Dividends => "glossary.dividends",
            Term::ValidatorPermit => "glossary.validator_permit",
            Term::Hotkey => "glossary.hotkey",
            Term::Coldkey => "glossary.coldkey",
            Term::Burn => "glossary.burn",
            Term::Halving => "glossary.halving",
            Term::Apy => "glossary.apy",
            Term::Tolerance => "glossary.tolerance",
        }
    }

    /// The explanation in the active language.
    pub fn explanation(self) -> String {
        tr(self.key())
    }
}

/// Attaches `term`'s explanation to any widget: shown on hover, shown while the widget has
/// keyboard focus, and set as its accessible description.
pub fn explain(response: Response, term: Term) -> Response {
    let text = term.explanation();
    if response.has_focus() {
        response.show_tooltip_text(text.clone());
    }
    response.on_hover_text(text)
}

/// Paints the dotted underline that marks an explained term under `rect` (the text's box).
pub fn underline_ui(ui: &egui::Ui, rect: egui::Rect, theme: Theme) {
    let colour = palette(theme).muted;
    let y = rect.bottom() - 0.5;
    let shapes = egui::Shape::dotted_line(
        &[egui::pos2(rect.left(), y), egui::pos2(rect.right(), y)],
        colour,
        3.0,
        0.8,
    );
    ui.painter().extend(shapes);
}

/// A term's label: `text` with a dotted underline, focusable with Tab, explaining `term` on
/// hover and on focus.
pub fn term_ui(ui: &mut egui::Ui, text: impl Into<RichText>, term: Term, theme: Theme) -> Response {
    let response = ui.add(egui::Label::new(text.into()).sense(Sense::focusable_noninteractive()));
    underline_ui(ui, response.rect, theme);
    if response.has_focus() {
        ui.painter().rect_stroke(
            response.rect.expand(2.0),
            2.0,
            Stroke::new(1.0, palette(theme).accent),
            egui::StrokeKind::Outside,
        );
    }
    explain(response, term)
}

/// A muted term label, as table headers and review rows show them.
pub fn muted_term_ui(ui: &mut egui::Ui, text: &str, term: Term, theme: Theme) -> Response {
    term_ui(
        ui,
        RichText::new(text).color(palette(theme).muted),
        term,
        theme,
    )
}

/// A bold term label, as the headers of grids show them.
pub fn strong_term_ui(ui: &mut egui::Ui, text: &str, term: Term, theme: Theme) -> Response {
    term_ui(ui, RichText::new(text).strong(), term, theme)
}
