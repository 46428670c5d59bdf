//! Settings: which network to use, the look, and the language.

use egui::RichText;
use taoscope_core::chain::ConnectionState;
use taoscope_core::i18n::{Language, tr, tr_with};
use taoscope_core::network::Network;
use taoscope_core::settings::{Settings, Theme};

use crate::format::{short_hash, thousands};
use crate::theme::{palette, section_ui, spacing};

/// The network choices offered as radio buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkChoice {
    /// Main network.
    Finney,
    /// Test network.
    Test,
    /// Node on this computer.
    Local,
    /// A URL the user types.
    Custom,
}

/// What the page remembers between frames.
#[derive(Debug, Clone)]
pub struct SettingsPageState {
    choice: NetworkChoice,
    custom_url: String,
    url_error: Option<String>,
}

impl SettingsPageState {
    /// Starts from the network in use.
    pub fn new(network: &Network) -> Self {
        let (choice, custom_url) = match network {
            Network::Finney => (NetworkChoice::Finney, String::new()),
            Network::Test => (NetworkChoice::Test, String::new()),
            Network::Local => (NetworkChoice::Local, String::new()),
            Network::Custom(url) => (NetworkChoice::Custom, url.clone()),
        };
        SettingsPageState {
            choice,
            custom_url,
            url_error: None,
        }
    }

    /// The network the form describes, or the reason it is not valid.
    pub fn chosen_network(&self) -> Result<Network, String> {
        match self.choice {
            NetworkChoice::Finney => Ok(Network::Finney),
            NetworkChoice::Test => Ok(Network::Test),
            NetworkChoice::Local => Ok(Network::Local),
            NetworkChoice::Custom => Network::parse(&self.custom_url).map_err(|e| e.to_string()),
        }
    }
}

/// What the user changed on this frame; the app applies and saves it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SettingsChanges {
    /// Connect to this network and remember it.
    pub network: Option<Network>,
    /// Switch the theme.
    pub theme: Option<Theme>,
    /// Switch the language (`Some(None)` = follow the system).
    pub language: Option<Option<Language>>,
}

/// Draws the Settings page.
pub fn settings_ui(
    ui: &mut egui::Ui,
    state: &mut SettingsPageState,
    settings: &Settings,
    connection: &ConnectionState,
) -> SettingsChanges {
    let theme = settings.theme;
    let p = palette(theme);
    let mut changes = SettingsChanges::default();
    ui.heading(tr("settings.title"));
    ui.add_space(spacing::MEDIUM);

    section_ui(ui, theme, &tr("settings.network"), |ui| {
        ui.label(RichText::new(tr("settings.network_hint")).color(p.muted));
        ui.add_space(spacing::SMALL);
        let options = [
            (NetworkChoice::Finney, "settings.finney"),
            (NetworkChoice::Test, "settings.test"),
            (NetworkChoice::Local, "settings.local"),
            (NetworkChoice::Custom, "settings.custom"),
        ];
        for (choice, key) in options {
            ui.radio_value(&mut state.choice, choice, tr(key));
        }
        if state.choice == NetworkChoice::Custom {
            ui.horizontal(|ui| {
                let label = ui.label(tr("settings.custom_url"));
                let edit = egui::TextEdit::singleline(&mut state.custom_url)
                    .hint_text("wss://node.example:443")
                    .desired_width(360.0);
                if ui.add(edit).labelled_by(label.id).changed() {
                    state.url_error = None;
                }
            });
        }
        if let Some(error) = &state.url_error {
            ui.label(RichText::new(error).color(p.bad));
        }
        ui.add_space(spacing::SMALL);
        if ui.button(tr("settings.connect")).clicked() {
            match state.chosen_network() {
                Ok(network) => {
                    state.url_error = None;
                    changes.network = Some(network);
                }
                Err(reason) => state.url_error = Some(reason),
            }
        }
    });

    section_ui(ui, theme, &tr("settings.node"), |ui| {
        node_details_ui(ui, connection, theme);
    });

    section_ui(ui, theme, &tr("settings.appearance"), |ui| {
        ui.horizontal(|ui| {
            ui.label(tr("settings.theme"));
            let mut chosen = theme;
            ui.radio_value(&mut chosen, Theme::Dark, tr("settings.dark"));
            ui.radio_value(&mut chosen, Theme::Light, tr("settings.light"));
            if chosen != theme {
                changes.theme = Some(chosen);
            }
        });
        ui.horizontal(|ui| {
            ui.label(tr("settings.language"));
            let mut chosen = settings.language;
            ui.radio_value(&mut chosen, None, tr("settings.language_system"));
            for language in Language::ALL {
                ui.radio_value(&mut chosen, Some(language), language.native_name());
            }
            if chosen != settings.language {
                changes.language = Some(chosen);
            }
        });
    });
    changes
}

fn node_details_ui(ui: &mut egui::Ui, connection: &ConnectionState, theme: Theme) {
    let p = palette(theme);
    let ConnectionState::Live { info, network } = connection else {
        ui.label(
            RichText::new(crate::widgets::status_bar::connection_text(connection)).color(p.muted),
        );
        return;
    };
    egui::Grid::new("node-details")
        .num_columns(2)
        .spacing([spacing::LARGE, spacing::SMALL])
        .show(ui, |ui| {
            let rows = [
                ("settings.node_address", network.url().to_string()),
                ("settings.node_chain", info.chain.clone()),
                ("settings.node_genesis", short_hash(&info.genesis_hash)),
                ("settings.node_spec", info.spec_version.to_string()),
                ("settings.node_best", thousands(info.best_block)),
                ("settings.node_finalized", thousands(info.finalized_block)),
            ];
            for (key, value) in rows {
                ui.label(RichText::new(tr(key)).color(p.muted));
                ui.label(value);
                ui.end_row();
            }
        });
    if info.genesis_hash != taoscope_core::network::FINNEY_GENESIS_HASH
        && matches!(network, Network::Finney)
    {
        ui.label(RichText::new(tr_with("settings.genesis_mismatch", &[])).color(p.warn));
    }
}
