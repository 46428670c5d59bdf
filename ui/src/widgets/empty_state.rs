//! An empty state that teaches: a title, one or two sentences on what belongs here and how
//! to get it, and at most one button that does the next step.

use egui::RichText;
use taoscope_core::settings::Theme;

use crate::theme::{palette, section_ui, spacing, text};

/// What an empty page or section says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmptyState {
    /// What is missing, in a few words.
    pub title: String,
    /// What belongs here and how to get it, one or two sentences.
    pub body: String,
    /// The label of the button that does the next step, if there is one.
    pub action: Option<String>,
}

impl EmptyState {
    /// An empty state with no button.
    pub fn new(title: String, body: String) -> Self {
        EmptyState {
            title,
            body,
            action: None,
        }
    }

    /// The same, with a button labelled `action`.
    pub fn with_action(mut self, action: String) -> Self {
        self.action = Some(action);
        self
    }
}

/// Draws `state` as a card; true on the frame its button was pressed (click, Enter or Space).
pub fn empty_state_ui(ui: &mut egui::Ui, state: &EmptyState, theme: Theme) -> bool {
    section_ui(ui, theme, &state.title, |ui| inner_ui(ui, state, theme))
}

/// Draws `state` inside a section that already has its own card (no second frame).
pub fn empty_state_inline_ui(ui: &mut egui::Ui, state: &EmptyState, theme: Theme) -> bool {
    ui.label(RichText::new(&state.title).strong());
    inner_ui(ui, state, theme)
}

fn inner_ui(ui: &mut egui::Ui, state: &EmptyState, theme: Theme) -> bool {
    let p = palette(theme);
    ui.label(RichText::new(&state.body).size(text::BODY).color(p.muted));
    let Some(action) = &state.action else {
        return false;
    };
    ui.add_space(spacing::SMALL);
    ui.button(action).clicked()
}
