//! The status bar: network, connection state and the newest block, updated live.

use egui::RichText;
use taoscope_core::chain::ConnectionState;
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::settings::Theme;

use crate::format::thousands;
use crate::theme::palette;

/// One line of text for the connection state, as the status bar and tests read it.
pub fn connection_text(state: &ConnectionState) -> String {
    match state {
        ConnectionState::Connecting { attempt, .. } if *attempt > 1 => {
            tr_with("status.connecting_attempt", &[("attempt", attempt)])
        }
        ConnectionState::Connecting { .. } => tr("status.connecting"),
        ConnectionState::Live { .. } => tr("status.live"),
        ConnectionState::Offline {
            reason,
            retry_in_secs,
            ..
        } => tr_with(
            "status.offline",
            &[("reason", reason), ("seconds", retry_in_secs)],
        ),
        ConnectionState::Error {
            reason,
            retry_in_secs,
            ..
        } => tr_with(
            "status.error",
            &[("reason", reason), ("seconds", retry_in_secs)],
        ),
    }
}

/// Draws the status bar's contents.
pub fn status_bar_ui(ui: &mut egui::Ui, state: &ConnectionState, theme: Theme) {
    let p = palette(theme);
    let colour = match state {
        ConnectionState::Connecting { .. } => p.warn,
        ConnectionState::Live { .. } => p.good,
        ConnectionState::Offline { .. } | ConnectionState::Error { .. } => p.bad,
    };
    ui.horizontal(|ui| {
        let (rect, response) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
        ui.painter().circle_filled(rect.center(), 5.0, colour);
        response.on_hover_text(tr("status.dot_hint"));
        ui.label(RichText::new(state.network().name()).strong());
        ui.separator();
        let text = connection_text(state);
        if matches!(state, ConnectionState::Live { .. }) {
            ui.label(RichText::new(text).color(colour));
        } else {
            // Long reasons stay on one line; the whole sentence is in the tooltip.
            ui.add(egui::Label::new(RichText::new(&text).color(colour)).truncate())
                .on_hover_text(text);
        }
        if let ConnectionState::Live { info, .. } = state {
            ui.separator();
            ui.label(tr_with(
                "status.block",
                &[("number", &thousands(info.best_block))],
            ))
            .on_hover_text(tr("status.block_hint"));
            ui.label(
                RichText::new(tr_with(
                    "status.finalized",
                    &[("number", &thousands(info.finalized_block))],
                ))
                .color(p.muted),
            );
            ui.separator();
            ui.label(
                RichText::new(tr_with("status.spec", &[("version", &info.spec_version)]))
                    .color(p.muted),
            );
        }
    });
}
