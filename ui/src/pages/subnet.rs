//! One subnet: its pool and schedule, the metagraph as a sortable table that lays out only
//! the visible rows (1024 UIDs stay smooth), and charts of incentive and stake vs dividends.

use std::collections::{BTreeMap, HashSet};

use egui::RichText;
use egui_extras::{Column, TableBuilder};
use plotters::prelude::*;
use taoscope_core::explorer::{Hyperparameters, Metagraph, Neuron, ss58};
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::service::{CoreHandle, Request, RequestId, Response};
use taoscope_core::settings::Theme;

use super::wallet::Loadable;
use crate::format::{amount_text, short_address, thousands};
use crate::theme::{palette, section_ui, spacing};
use crate::widgets::chart::{chart_area, plot_colour};
use crate::widgets::empty_state::{EmptyState, empty_state_ui};
use crate::widgets::heatmap::{WeightsPanel, heatmaps_ui};
use crate::widgets::term::{Term, explain, muted_term_ui, strong_term_ui, underline_ui};

/// Sortable columns of the metagraph table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeuronColumn {
    /// UID.
    Uid,
    /// Alpha stake.
    Stake,
    /// Incentive.
    Incentive,
    /// Dividends.
    Dividends,
    /// Consensus.
    Consensus,
    /// Emission last epoch.
    Emission,
    /// Block of the last update.
    LastUpdate,
}

/// What the page remembers between frames.
pub struct SubnetPageState {
    netuid: u16,
    data: Loadable<Metagraph>,
    sort: NeuronColumn,
    descending: bool,
    selected: Option<u16>,
    /// Row order for the current sort, rebuilt only when the data or the sort changes.
    order: Vec<usize>,
    order_for: Option<(NeuronColumn, bool)>,
    /// Weights and bonds heatmaps, fetched only when opened.
    weights: WeightsPanel,
    /// The user asked for the what-if panel.
    whatif_requested: bool,
    /// The header's hyperparameters, asked for once the metagraph is there.
    hyperparams: Loadable<Hyperparameters>,
    /// Validators' on-chain names by coldkey (SS58); empty until read, or where none is set.
    names: BTreeMap<String, String>,
    names_asked: bool,
    /// A reload for a newer block, sent while the current data stays on screen.
    refresh_id: Option<RequestId>,
    /// Why the last reload failed (what is shown is the previous block's).
    refresh_error: Option<String>,
}

impl SubnetPageState {
    /// A page for `netuid`.
    pub fn new(netuid: u16) -> Self {
        SubnetPageState {
            netuid,
            data: Loadable::Idle,
            sort: NeuronColumn::Stake,
            descending: true,
            selected: None,
            order: Vec::new(),
            order_for: None,
            weights: WeightsPanel::new(netuid),
            whatif_requested: false,
            hyperparams: Loadable::Idle,
            names: BTreeMap::new(),
            names_asked: false,
            refresh_id: None,
            refresh_error: None,
        }
    }

    /// The subnet shown.
    pub fn netuid(&self) -> u16 {
        self.netuid
    }

    /// True once after the user asked for the what-if panel.
    pub fn take_whatif_request(&mut self) -> bool {
        std::mem::take(&mut self.whatif_requested)
    }

    /// True once the metagraph has loaded or failed.
    pub fn is_ready(&self) -> bool {
        self.data.is_settled()
    }

    /// Asks for the metagraph unless it is there or on its way; once it is there, for the
    /// hyperparameters and the validators' names.
    pub fn ensure_loaded(&mut self, core: &mut CoreHandle) {
        if matches!(self.data, Loadable::Idle) {
            let id = core.send(Request::Metagraph {
                netuid: self.netuid,
            });
            self.data = Loadable::Loading(id);
        }
        let Loadable::Ready(metagraph) = &self.data else {
            return;
        };
        if matches!(self.hyperparams, Loadable::Idle) {
            let id = core.send(Request::Hyperparameters {
                netuid: self.netuid,
            });
            self.hyperparams = Loadable::Loading(id);
        }
        if !self.names_asked {
            self.names_asked = true;
            let mut coldkeys: Vec<[u8; 32]> = metagraph
                .neurons
                .iter()
                .filter(|n| n.validator_permit)
                .filter_map(|n| ss58::decode("coldkey", &n.coldkey).ok())
                .collect();
            coldkeys.sort_unstable();
            coldkeys.dedup();
            if !coldkeys.is_empty() {
                core.send(Request::IdentityNames { coldkeys });
            }
        }
    }

    /// Reloads in the background (a new finalized block); the page stays up meanwhile.
    pub fn refresh(&mut self, core: &mut CoreHandle) {
        if matches!(self.data, Loadable::Ready(_)) && self.refresh_id.is_none() {
            self.refresh_id = Some(core.send(Request::Metagraph {
                netuid: self.netuid,
            }));
            if self.hyperparams.is_settled() {
                self.hyperparams = Loadable::Idle;
            }
        }
    }

    /// Opens the details of neuron `uid` (or closes them with `None`).
    pub fn select(&mut self, uid: Option<u16>) {
        self.selected = uid;
    }

    /// The on-chain name of the validator whose coldkey is `coldkey`, if it set one.
    pub fn name_of(&self, coldkey: &str) -> Option<&str> {
        self.names.get(coldkey).map(String::as_str)
    }

    /// Takes the answer to this page's request.
    pub fn handle_response(&mut self, id: RequestId, response: &Response) -> bool {
        match response {
            Response::Metagraph(result) if self.data == Loadable::Loading(id) => {
                self.data = match result {
                    Ok((_, m)) => Loadable::Ready(Metagraph::clone(m)),
                    Err(e) => Loadable::Failed(e.to_string()),
                };
                self.order_for = None;
                true
            }
            Response::WeightsAndBonds(_) => self.weights.handle_response(id, response),
            Response::Metagraph(result) if self.refresh_id == Some(id) => {
                self.refresh_id = None;
                match result {
                    Ok((_, m)) => {
                        self.data = Loadable::Ready(Metagraph::clone(m));
                        self.order_for = None;
                        self.refresh_error = None;
                    }
                    Err(e) => self.refresh_error = Some(e.to_string()),
                }
                true
            }
            Response::Hyperparameters(result) if self.hyperparams == Loadable::Loading(id) => {
                self.hyperparams = match result {
                    Ok((_, params)) if params.netuid == self.netuid => {
                        Loadable::Ready(params.clone())
                    }
                    Ok(_) => Loadable::Idle,
                    Err(e) => Loadable::Failed(e.to_string()),
                };
                true
            }
            Response::IdentityNames(result) => {
                // Names are a nicety: without them the page shows addresses, as before.
                if let Ok((_, names)) = result {
                    self.names
                        .extend(names.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                true
            }
            _ => false,
        }
    }

    fn refresh_order(&mut self) {
        let Loadable::Ready(metagraph) = &self.data else {
            return;
        };
        if self.order_for == Some((self.sort, self.descending)) {
            return;
        }
        self.order = sorted_rows(&metagraph.neurons, self.sort, self.descending);
        self.order_for = Some((self.sort, self.descending));
    }
}

/// Row indices of `neurons` ordered by `column`; ties keep UID order.
pub fn sorted_rows(neurons: &[Neuron], column: NeuronColumn, descending: bool) -> Vec<usize> {
    let key = |n: &Neuron| -> u64 {
        match column {
            NeuronColumn::Uid => u64::from(n.uid),
            NeuronColumn::Stake => n.stake.0,
            NeuronColumn::Incentive => u64::from(n.incentive),
            NeuronColumn::Dividends => u64::from(n.dividends),
            NeuronColumn::Consensus => u64::from(n.consensus),
            NeuronColumn::Emission => n.emission.0,
            NeuronColumn::LastUpdate => n.last_update,
        }
    };
    let mut order: Vec<usize> = (0..neurons.len()).collect();
    order.sort_by(|a, b| {
        let (ka, kb) = (neurons.get(*a).map(key), neurons.get(*b).map(key));
        if descending { kb.cmp(&ka) } else { ka.cmp(&kb) }
    });
    order
}

fn proportion(value: u16) -> String {
    // u16 proportions: value / 65535, shown with 4 decimals.
    let scaled = u64::from(value) * 10_000 / 65_535;
    format!("{}.{:04}", scaled / 10_000, scaled % 10_000)
}

/// Draws the subnet page. `mine` holds the user's hotkeys and coldkeys, highlighted.
pub fn subnet_ui(
    ui: &mut egui::Ui,
    state: &mut SubnetPageState,
    core: &mut CoreHandle,
    mine: &HashSet<String>,
    theme: Theme,
) {
    let p = palette(theme);
    state.ensure_loaded(core);
    ui.heading(tr_with("subnet.title", &[("netuid", &state.netuid)]));
    let metagraph = match &state.data {
        Loadable::Idle | Loadable::Loading(_) => {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label(tr("subnet.loading"));
            });
            return;
        }
        Loadable::Failed(reason) => {
            let reason = reason.clone();
            section_ui(ui, theme, &tr("subnet.failed"), |ui| {
                ui.label(RichText::new(reason).color(p.bad));
                if ui.button(tr("common.retry")).clicked() {
                    state.data = Loadable::Idle;
                }
            });
            return;
        }
        Loadable::Ready(m) => m.clone(),
    };
    state.refresh_order();

    header_ui(ui, &metagraph, theme);
    updated_ui(ui, state, &metagraph, theme);
    if metagraph.neurons.is_empty() {
        let empty = EmptyState::new(tr("empty.subnet_title"), tr("empty.subnet_body"));
        empty_state_ui(ui, &empty, theme);
        hyperparams_ui(ui, state, theme);
        return;
    }
    hyperparams_ui(ui, state, theme);
    ui.add_space(spacing::SMALL);
    ui.horizontal(|ui| {
        ui.vertical(|ui| incentive_chart_ui(ui, &metagraph.neurons, theme));
        ui.vertical(|ui| stake_dividends_chart_ui(ui, &metagraph.neurons, theme));
    });
    // Heatmaps (collapsed, fetched when opened) and the what-if panel live in their own files.
    heatmaps_ui(ui, &mut state.weights, core, theme);
    if ui.button(tr("whatif.open")).clicked() {
        state.whatif_requested = true;
    }
    if let Some(uid) = state.selected
        && let Some(neuron) = metagraph.neurons.iter().find(|n| n.uid == uid)
    {
        let name = state.name_of(&neuron.coldkey).map(str::to_string);
        neuron_details_ui(ui, neuron, name.as_deref(), &mut state.selected, theme);
    }
    metagraph_table_ui(ui, state, &metagraph, mine, theme);
}

/// "Last updated at block N", and why the newest reload failed, if it did.
fn updated_ui(ui: &mut egui::Ui, state: &SubnetPageState, metagraph: &Metagraph, theme: Theme) {
    let p = palette(theme);
    ui.label(
        RichText::new(tr_with(
            "subnets.at_block",
            &[("number", &thousands(metagraph.block))],
        ))
        .color(p.muted),
    );
    if let Some(reason) = &state.refresh_error {
        ui.label(
            RichText::new(tr_with("common.refresh_failed", &[("reason", reason)])).color(p.bad),
        );
    }
}

/// The subnet's hyperparameters in a section that opens on demand, by the runtime's names.
fn hyperparams_ui(ui: &mut egui::Ui, state: &mut SubnetPageState, theme: Theme) {
    let p = palette(theme);
    egui::CollapsingHeader::new(RichText::new(tr("subnet.hyperparams")).strong())
        .id_salt("subnet-hyperparams")
        .default_open(true)
        .show(ui, |ui| match &state.hyperparams {
            Loadable::Idle | Loadable::Loading(_) => {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new());
                    ui.label(tr("subnet.hyperparams_loading"));
                });
            }
            Loadable::Failed(reason) => {
                ui.label(RichText::new(reason).color(p.bad));
                if ui.button(tr("common.retry")).clicked() {
                    state.hyperparams = Loadable::Idle;
                }
            }
            Loadable::Ready(params) => {
                ui.label(
                    RichText::new(tr_with(
                        "subnet.hyperparams_source",
                        &[("call", &params.source)],
                    ))
                    .size(crate::theme::text::SMALL)
                    .color(p.muted),
                );
                // Three name/value pairs a row keeps thirty-odd parameters short.
                egui::Grid::new("subnet-hyperparams-grid")
                    .num_columns(6)
                    .striped(true)
                    .spacing([spacing::LARGE, spacing::SMALL])
                    .show(ui, |ui| {
                        for row in params.params.chunks(3) {
                            for param in row {
                                ui.label(RichText::new(&param.name).color(p.muted));
                                ui.label(RichText::new(param.value.to_string()).monospace());
                            }
                            ui.end_row();
                        }
                    });
            }
        });
}

fn header_ui(ui: &mut egui::Ui, metagraph: &Metagraph, theme: Theme) {
    let p = palette(theme);
    let s = &metagraph.subnet;
    let unknown = tr("common.unknown");
    let name = match (&s.symbol, &s.name) {
        (Some(symbol), Some(name)) => format!("{symbol} {name}"),
        _ => unknown.clone(),
    };
    let validators = metagraph
        .neurons
        .iter()
        .filter(|n| n.validator_permit)
        .count();
    let facts = [
        ("subnet.name", name),
        ("subnet.block", thousands(metagraph.block)),
        (
            "subnet.uids",
            format!(
                "{} / {}",
                metagraph.n,
                s.max_uids.map_or(unknown.clone(), |m| m.to_string())
            ),
        ),
        ("subnet.validators", validators.to_string()),
        (
            "subnet.tao_in",
            s.tao_in_rao
                .map_or(unknown.clone(), |r| amount_text(r.0, "τ", 2)),
        ),
        (
            "subnet.alpha_in",
            s.alpha_in
                .map_or(unknown.clone(), |a| amount_text(a.0, "α", 2)),
        ),
        (
            "subnet.tempo",
            s.tempo.map_or(unknown.clone(), |t| t.to_string()),
        ),
        (
            "subnet.burn",
            s.registration_cost_rao
                .map_or(unknown.clone(), |r| amount_text(r.0, "τ", 4)),
        ),
    ];
    // The facts a newcomer may not know explain themselves on hover and focus.
    let term_of = |key: &str| match key {
        "subnet.validators" => Some(Term::ValidatorPermit),
        "subnet.alpha_in" => Some(Term::Alpha),
        "subnet.tempo" => Some(Term::Tempo),
        "subnet.burn" => Some(Term::Burn),
        _ => None,
    };
    egui::Grid::new("subnet-header")
        .num_columns(8)
        .spacing([spacing::LARGE, spacing::SMALL])
        .show(ui, |ui| {
            for (key, _) in &facts {
                match term_of(key) {
                    Some(term) => {
                        muted_term_ui(ui, &tr(key), term, theme);
                    }
                    None => {
                        ui.label(RichText::new(tr(key)).color(p.muted));
                    }
                }
            }
            ui.end_row();
            for (_, value) in &facts {
                ui.label(RichText::new(value).strong());
            }
            ui.end_row();
        });
    ui.label(
        RichText::new(tr_with(
            "subnet.source",
            &[("source", &format!("{:?}", metagraph.source))],
        ))
        .size(crate::theme::text::SMALL)
        .color(p.muted),
    );
}

fn metagraph_table_ui(
    ui: &mut egui::Ui,
    state: &mut SubnetPageState,
    metagraph: &Metagraph,
    mine: &HashSet<String>,
    theme: Theme,
) {
    let p = palette(theme);
    let sortable = [
        (
            Some(NeuronColumn::Uid),
            "subnet.col_uid",
            Some(Term::ValidatorPermit),
        ),
        (None, "subnet.col_hotkey", Some(Term::Hotkey)),
        (None, "subnet.col_coldkey", Some(Term::Coldkey)),
        (
            Some(NeuronColumn::Stake),
            "subnet.col_stake",
            Some(Term::Alpha),
        ),
        (
            Some(NeuronColumn::Incentive),
            "subnet.col_incentive",
            Some(Term::Incentive),
        ),
        (
            Some(NeuronColumn::Dividends),
            "subnet.col_dividends",
            Some(Term::Dividends),
        ),
        (Some(NeuronColumn::Consensus), "subnet.col_consensus", None),
        (
            Some(NeuronColumn::Emission),
            "subnet.col_emission",
            Some(Term::Emission),
        ),
        (Some(NeuronColumn::LastUpdate), "subnet.col_updated", None),
        (None, "subnet.col_axon", None),
    ];
    let mut clicked_sort = None;
    let mut clicked_uid = None;
    TableBuilder::new(ui)
        .striped(true)
        .max_scroll_height(420.0)
        .column(Column::exact(56.0))
        .columns(Column::exact(120.0), 2)
        .columns(Column::auto().at_least(70.0), 6)
        .column(Column::remainder().at_least(120.0))
        .header(24.0, |mut header| {
            for (column, key, term) in sortable {
                header.col(|ui| match (column, term) {
                    (Some(column), _) => {
                        let direction = (state.sort == column).then_some(state.descending);
                        if sort_button_ui(ui, &tr(key), direction, term, theme).clicked() {
                            clicked_sort = Some(column);
                        }
                    }
                    (None, Some(term)) => {
                        strong_term_ui(ui, &tr(key), term, theme);
                    }
                    (None, None) => {
                        ui.label(RichText::new(tr(key)).strong());
                    }
                });
            }
        })
        .body(|body| {
            body.rows(22.0, state.order.len(), |mut row| {
                let Some(neuron) = state
                    .order
                    .get(row.index())
                    .and_then(|i| metagraph.neurons.get(*i))
                else {
                    return;
                };
                let is_mine = mine.contains(&neuron.hotkey) || mine.contains(&neuron.coldkey);
                row.set_selected(is_mine);
                row.col(|ui| {
                    let uid = if neuron.validator_permit {
                        RichText::new(format!("{} V", neuron.uid))
                            .color(p.accent)
                            .strong()
                    } else {
                        RichText::new(neuron.uid.to_string())
                    };
                    if ui
                        .link(uid)
                        .on_hover_text(tr("subnet.validator_hint"))
                        .clicked()
                    {
                        clicked_uid = Some(neuron.uid);
                    }
                });
                row.col(|ui| match state.names.get(&neuron.coldkey) {
                    Some(name) => {
                        ui.label(RichText::new(name).strong())
                            .on_hover_text(&neuron.hotkey);
                    }
                    None => {
                        ui.label(RichText::new(short_address(&neuron.hotkey)).monospace())
                            .on_hover_text(&neuron.hotkey);
                    }
                });
                row.col(|ui| {
                    ui.label(RichText::new(short_address(&neuron.coldkey)).monospace())
                        .on_hover_text(&neuron.coldkey);
                });
                row.col(|ui| {
                    ui.label(amount_text(neuron.stake.0, "α", 2));
                });
                row.col(|ui| {
                    ui.label(proportion(neuron.incentive));
                });
                row.col(|ui| {
                    ui.label(proportion(neuron.dividends));
                });
                row.col(|ui| {
                    ui.label(proportion(neuron.consensus));
                });
                row.col(|ui| {
                    ui.label(amount_text(neuron.emission.0, "α", 4));
                });
                row.col(|ui| {
                    ui.label(thousands(neuron.last_update));
                });
                row.col(|ui| {
                    ui.label(
                        neuron
                            .axon
                            .as_ref()
                            .map_or("—".to_string(), |a| a.address.clone()),
                    );
                });
            });
        });
    if let Some(column) = clicked_sort {
        if state.sort == column {
            state.descending = !state.descending;
        } else {
            state.sort = column;
            state.descending = column != NeuronColumn::Uid;
        }
    }
    if clicked_uid.is_some() {
        state.selected = clicked_uid;
    }
}

/// A header button that sorts; the current sort shows a small painted triangle (drawn,
/// so it never depends on a font having an arrow glyph). A header that names a Bittensor
/// `term` is underlined with dots and explains it on hover and keyboard focus.
pub fn sort_button_ui(
    ui: &mut egui::Ui,
    label: &str,
    descending: Option<bool>,
    term: Option<Term>,
    theme: Theme,
) -> egui::Response {
    // One line: a wrapped header would hide its end and misplace the term's underline.
    let mut response =
        ui.add(egui::Button::new(format!("{label}   ")).wrap_mode(egui::TextWrapMode::Extend));
    if let Some(term) = term {
        let r = response.rect;
        let pad = ui.spacing().button_padding;
        // Under the label only: the trailing spaces hold the sort triangle.
        let text = egui::Rect::from_min_max(
            egui::pos2(r.left() + pad.x, r.top()),
            egui::pos2(r.right() - pad.x - 14.0, r.bottom() - pad.y + 1.0),
        );
        underline_ui(ui, text, theme);
        response = explain(response, term);
    }
    if let Some(descending) = descending {
        let r = response.rect;
        let centre = egui::pos2(r.right() - 10.0, r.center().y);
        let (tip, base) = if descending { (4.0, -4.0) } else { (-4.0, 4.0) };
        let points = vec![
            egui::pos2(centre.x - 4.0, centre.y + base),
            egui::pos2(centre.x + 4.0, centre.y + base),
            egui::pos2(centre.x, centre.y + tip),
        ];
        ui.painter().add(egui::Shape::convex_polygon(
            points,
            palette(theme).accent,
            egui::Stroke::NONE,
        ));
    }
    response
}

fn neuron_details_ui(
    ui: &mut egui::Ui,
    neuron: &Neuron,
    name: Option<&str>,
    selected: &mut Option<u16>,
    theme: Theme,
) {
    let p = palette(theme);
    let unknown = || tr("common.unknown");
    let yes_no = |b: bool| tr(if b { "common.yes" } else { "common.no" });
    // A window over the page's top right: it stays in view wherever the table is scrolled.
    egui::Window::new(tr_with("subnet.neuron_title", &[("uid", &neuron.uid)]))
        .title_bar(false)
        .fade_in(false)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_TOP, [-16.0, 16.0])
        .frame(crate::theme::card(theme).stroke(egui::Stroke::new(1.0, p.accent)))
        .show(ui.ctx(), |ui| {
            ui.label(
                RichText::new(tr_with("subnet.neuron_title", &[("uid", &neuron.uid)]))
                    .size(crate::theme::text::HEADING)
                    .strong(),
            );
            egui::Grid::new("neuron-details")
                .num_columns(2)
                .show(ui, |ui| {
                    // Every field the metagraph gives for this UID.
                    let rows = [
                        ("subnet.col_uid", neuron.uid.to_string()),
                        ("subnet.col_hotkey", neuron.hotkey.clone()),
                        ("subnet.col_coldkey", neuron.coldkey.clone()),
                        ("subnet.identity", name.map_or_else(unknown, str::to_string)),
                        ("subnet.active", yes_no(neuron.active)),
                        ("subnet.validator_permit", yes_no(neuron.validator_permit)),
                        ("subnet.col_stake", amount_text(neuron.stake.0, "α", 9)),
                        (
                            "subnet.tao_stake",
                            neuron
                                .tao_stake
                                .map_or_else(unknown, |r| amount_text(r.0, "τ", 9)),
                        ),
                        (
                            "subnet.total_stake",
                            neuron
                                .total_stake
                                .map_or_else(unknown, |a| amount_text(a.0, "α", 9)),
                        ),
                        ("subnet.col_consensus", proportion(neuron.consensus)),
                        ("subnet.col_incentive", proportion(neuron.incentive)),
                        ("subnet.col_dividends", proportion(neuron.dividends)),
                        (
                            "subnet.validator_trust",
                            neuron.validator_trust.map_or_else(unknown, proportion),
                        ),
                        (
                            "subnet.col_emission",
                            amount_text(neuron.emission.0, "α", 9),
                        ),
                        ("subnet.col_updated", thousands(neuron.last_update)),
                        (
                            "subnet.registered_at",
                            neuron.registered_at.map_or_else(unknown, thousands),
                        ),
                        (
                            "subnet.col_axon",
                            neuron
                                .axon
                                .as_ref()
                                .map_or("—".into(), |a| a.address.clone()),
                        ),
                        (
                            "subnet.axon_version",
                            neuron
                                .axon
                                .as_ref()
                                .map_or("—".into(), |a| a.version.to_string()),
                        ),
                        (
                            "subnet.axon_block",
                            neuron
                                .axon
                                .as_ref()
                                .map_or("—".into(), |a| thousands(a.block)),
                        ),
                    ];
                    for (key, value) in rows {
                        ui.label(RichText::new(tr(key)).color(p.muted));
                        ui.label(RichText::new(value).monospace());
                        ui.end_row();
                    }
                });
            ui.horizontal(|ui| {
                ui.hyperlink_to(tr("subnet.explorer_link"), explorer_url(&neuron.hotkey));
                if ui.button(tr("common.close")).clicked() {
                    *selected = None;
                }
            });
        });
}

/// The public explorer's page for a hotkey (taostats lists every hotkey by SS58).
pub fn explorer_url(hotkey: &str) -> String {
    format!("https://taostats.io/hotkey/{hotkey}")
}

/// Incentive of every miner, largest first: how concentrated rewards are.
fn incentive_chart_ui(ui: &mut egui::Ui, neurons: &[Neuron], theme: Theme) {
    let p = palette(theme);
    ui.label(RichText::new(tr("subnet.incentive_chart")).strong());
    let mut values: Vec<f64> = neurons
        .iter()
        .filter(|n| n.incentive > 0)
        .map(|n| f64::from(n.incentive) / 65_535.0)
        .collect();
    values.sort_by(|a, b| b.total_cmp(a));
    let area = chart_area(ui, egui::vec2(420.0, 170.0));
    let max = values.first().copied().unwrap_or(1.0).max(1e-6);
    let count = values.len().max(1) as f64;
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin(6)
        .x_label_area_size(20)
        .y_label_area_size(44)
        .build_cartesian_2d(0.0..count, 0.0..max * 1.05)
    else {
        return;
    };
    let text = plot_colour(p.muted);
    let _ = chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(plot_colour(p.card))
        .light_line_style(plot_colour(p.card))
        .axis_style(text)
        .label_style(("sans-serif", 11).into_font().color(&text))
        .y_label_formatter(&|v| format!("{v:.3}"))
        .draw();
    // One bar per rewarded miner: a handful of winners or a long tail both read at a glance.
    let bar = plot_colour(p.accent);
    let gap = if count > 60.0 { 0.0 } else { 0.15 };
    let _ = chart.draw_series(values.iter().enumerate().map(|(i, v)| {
        let x = i as f64;
        Rectangle::new([(x + gap, 0.0), (x + 1.0 - gap, *v)], bar.filled())
    }));
}

/// Stake (x) against dividends (y) for validators: who earns more than their weight.
fn stake_dividends_chart_ui(ui: &mut egui::Ui, neurons: &[Neuron], theme: Theme) {
    let p = palette(theme);
    ui.label(RichText::new(tr("subnet.stake_dividends_chart")).strong());
    let points: Vec<(f64, f64)> = neurons
        .iter()
        .filter(|n| n.validator_permit || n.dividends > 0)
        .map(|n| (n.stake.0 as f64 / 1e9, f64::from(n.dividends) / 65_535.0))
        .collect();
    let area = chart_area(ui, egui::vec2(420.0, 170.0));
    let max_x = points.iter().map(|p| p.0).fold(1.0, f64::max);
    let max_y = points.iter().map(|p| p.1).fold(1e-6, f64::max);
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin(6)
        .x_label_area_size(20)
        .y_label_area_size(44)
        .build_cartesian_2d(0.0..max_x * 1.05, 0.0..max_y * 1.1)
    else {
        return;
    };
    let text = plot_colour(p.muted);
    let _ = chart
        .configure_mesh()
        .bold_line_style(plot_colour(p.card))
        .light_line_style(plot_colour(p.card))
        .axis_style(text)
        .label_style(("sans-serif", 11).into_font().color(&text))
        .x_label_formatter(&|v| format!("{:.0}k", v / 1000.0))
        .y_label_formatter(&|v| format!("{v:.3}"))
        .draw();
    let dot = plot_colour(p.warn);
    let _ = chart.draw_series(
        points
            .iter()
            .map(|(x, y)| Circle::new((*x, *y), 3, dot.filled())),
    );
}
