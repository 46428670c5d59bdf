//! The what-if panel of a subnet (opened from its page): edits on the left — a validator's
//! weight row, a stake, kappa, the bonds moving average, liquid alpha, Yuma 3 — and on the
//! right the incentive and dividends per uid before and after, as bars with deltas. The
//! epoch runs in core, off the UI thread, each time the edits change.

use std::sync::Arc;

use egui::{Color32, RichText};
use taoscope_core::explorer::{Metagraph, Neuron};
use taoscope_core::forecast::parse_alpha_amount;
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::service::{CoreHandle, Request, RequestId, Response};
use taoscope_core::settings::Theme;
use taoscope_core::whatif::{UidChange, WhatIfEdits, WhatIfJob, WhatIfOutcome};
use taoscope_core::yuma::EpochParams;

use super::wallet::Loadable;
use crate::format::short_address;
use crate::theme::{palette, section_ui, spacing};
use crate::widgets::empty_state::{EmptyState, empty_state_ui};
use crate::widgets::heatmap::WeightsPanel;
use crate::widgets::term::{Term, term_ui};

/// How many uids the bars show.
pub const TOP_CHANGES: usize = 12;

/// What the panel remembers between frames.
pub struct WhatIfPageState {
    netuid: u16,
    metagraph: Loadable<Arc<Metagraph>>,
    weights: WeightsPanel,
    /// With no stored weights, start from rows rebuilt from the stored incentive.
    rebuild: bool,
    edits: WhatIfEdits,
    validator: Option<u16>,
    new_miner: String,
    new_weight: u16,
    stake_uid: Option<u16>,
    stake_text: String,
    kappa: u16,
    bonds_moving_average: u64,
    liquid_alpha: bool,
    yuma3: bool,
    outcome: Loadable<WhatIfOutcome>,
    /// The job behind `outcome` (or on its way), to rerun only when something changed.
    sent: Option<(WhatIfEdits, bool, bool)>,
}

impl WhatIfPageState {
    /// A panel for `netuid`; nothing is read until it is drawn.
    pub fn new(netuid: u16) -> Self {
        let defaults = EpochParams::default();
        WhatIfPageState {
            netuid,
            metagraph: Loadable::Idle,
            weights: WeightsPanel::new(netuid),
            rebuild: true,
            edits: WhatIfEdits::default(),
            validator: None,
            new_miner: String::new(),
            new_weight: u16::MAX,
            stake_uid: None,
            stake_text: String::new(),
            kappa: defaults.kappa,
            bonds_moving_average: defaults.bonds_moving_average,
            liquid_alpha: defaults.liquid_alpha_enabled,
            yuma3: defaults.yuma3_enabled,
            outcome: Loadable::Idle,
            sent: None,
        }
    }

    /// The subnet shown.
    pub fn netuid(&self) -> u16 {
        self.netuid
    }

    /// True once the first before/after has arrived or something failed.
    pub fn is_ready(&self) -> bool {
        matches!(self.metagraph, Loadable::Failed(_)) || self.outcome.is_settled()
    }

    /// Takes the answers to this panel's requests.
    pub fn handle_response(&mut self, id: RequestId, response: &Response) -> bool {
        match response {
            Response::Metagraph(result) if self.metagraph == Loadable::Loading(id) => {
                self.metagraph = match result {
                    Ok((_, m)) => Loadable::Ready(Arc::new(Metagraph::clone(m))),
                    Err(e) => Loadable::Failed(e.to_string()),
                };
                true
            }
            Response::WeightsAndBonds(_) => self.weights.handle_response(id, response),
            Response::WhatIf(result) if self.outcome == Loadable::Loading(id) => {
                self.outcome = match result {
                    Ok(o) => Loadable::Ready(o.clone()),
                    Err(e) => Loadable::Failed(e.clone()),
                };
                true
            }
            _ => false,
        }
    }

    fn collect_edits(&mut self) {
        let defaults = EpochParams::default();
        self.edits.kappa = (self.kappa != defaults.kappa).then_some(self.kappa);
        self.edits.bonds_moving_average = (self.bonds_moving_average
            != defaults.bonds_moving_average)
            .then_some(self.bonds_moving_average);
        self.edits.liquid_alpha =
            (self.liquid_alpha != defaults.liquid_alpha_enabled).then_some(self.liquid_alpha);
        self.edits.yuma3 = (self.yuma3 != defaults.yuma3_enabled).then_some(self.yuma3);
    }

    /// Sends the epoch job when the data is in and the edits differ from the last job.
    fn rerun_if_changed(&mut self, core: &mut CoreHandle) {
        let Loadable::Ready(metagraph) = &self.metagraph else {
            return;
        };
        if !self.weights.is_settled() {
            return;
        }
        let has_weights = self.weights.data().is_some();
        let key = (self.edits.clone(), self.rebuild, has_weights);
        if self.sent.as_ref() == Some(&key) {
            return;
        }
        let job = WhatIfJob {
            metagraph: metagraph.clone(),
            weights: self.weights.data().map(|w| Arc::new(w.clone())),
            rebuild_from_incentive: self.rebuild,
            edits: self.edits.clone(),
        };
        self.outcome = Loadable::Loading(core.send(Request::WhatIf(Box::new(job))));
        self.sent = Some(key);
    }

    /// The weight row of `uid` as the next run would use it.
    fn current_row(&self, metagraph: &Metagraph, uid: u16) -> Vec<(u16, u16)> {
        if let Some(row) = self.edits.weight_rows.get(&uid) {
            return row.clone();
        }
        match self.weights.data() {
            Some(w) => w.weights.get(&uid).cloned().unwrap_or_default(),
            None if self.rebuild => taoscope_core::whatif::rows_from_incentive(metagraph)
                .remove(&uid)
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }
}

/// Draws the what-if panel.
pub fn whatif_ui(
    ui: &mut egui::Ui,
    state: &mut WhatIfPageState,
    core: &mut CoreHandle,
    theme: Theme,
) {
    let p = palette(theme);
    if matches!(state.metagraph, Loadable::Idle) {
        state.metagraph = Loadable::Loading(core.send(Request::Metagraph {
            netuid: state.netuid,
        }));
    }
    state.weights.ensure_loaded(core);
    ui.heading(tr_with("whatif.title", &[("netuid", &state.netuid)]));
    ui.label(RichText::new(tr("whatif.intro")).color(p.muted));
    ui.add_space(spacing::MEDIUM);
    let metagraph = match &state.metagraph {
        Loadable::Ready(m) if m.neurons.is_empty() => {
            let empty =
                EmptyState::new(tr("empty.whatif_title"), tr("empty.whatif_no_neurons_body"));
            empty_state_ui(ui, &empty, theme);
            return;
        }
        Loadable::Ready(m) => m.clone(),
        Loadable::Failed(reason) => {
            let reason = reason.clone();
            let empty = EmptyState::new(tr("empty.whatif_title"), tr("empty.whatif_body"))
                .with_action(tr("common.retry"));
            if empty_state_ui(ui, &empty, theme) {
                state.metagraph = Loadable::Idle;
                state.weights = WeightsPanel::new(state.netuid);
                state.sent = None;
            }
            ui.label(RichText::new(reason).color(p.bad));
            return;
        }
        _ => {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label(tr("whatif.loading"));
            });
            return;
        }
    };
    ui.columns(2, |columns| {
        if let [left, right] = columns {
            edits_ui(left, state, &metagraph, theme);
            results_ui(right, state, &metagraph, theme);
        }
    });
    state.collect_edits();
    state.rerun_if_changed(core);
}

fn edits_ui(ui: &mut egui::Ui, state: &mut WhatIfPageState, metagraph: &Metagraph, theme: Theme) {
    let p = palette(theme);
    section_ui(ui, theme, &tr("whatif.edits_title"), |ui| {
        match (state.weights.data(), state.weights.failure()) {
            (Some(w), _) => {
                ui.label(tr_with(
                    "whatif.weights_loaded",
                    &[("rows", &w.weights.len())],
                ));
            }
            (None, Some(reason)) => {
                ui.label(RichText::new(reason.to_string()).color(p.warn));
                ui.checkbox(&mut state.rebuild, tr("whatif.rebuild"));
                if !state.rebuild {
                    ui.label(RichText::new(tr("whatif.build_a_row")).color(p.muted));
                }
            }
            (None, None) => {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new());
                    ui.label(tr("whatif.loading_weights"));
                });
            }
        }
        ui.add_space(spacing::SMALL);
        weight_row_ui(ui, state, metagraph, theme);
        ui.separator();
        stake_ui(ui, state, metagraph, theme);
        ui.separator();
        ui.label(RichText::new(tr("whatif.hyperparameters")).strong());
        ui.add(egui::Slider::new(&mut state.kappa, 0..=u16::MAX).text(tr("whatif.kappa")));
        ui.add(
            egui::Slider::new(&mut state.bonds_moving_average, 0..=1_000_000)
                .text(tr("whatif.bonds_moving_average")),
        );
        ui.checkbox(&mut state.yuma3, tr("whatif.yuma3"));
        ui.add_enabled(
            state.yuma3,
            egui::Checkbox::new(&mut state.liquid_alpha, tr("whatif.liquid_alpha")),
        );
        ui.add_space(spacing::SMALL);
        if ui.button(tr("whatif.reset")).clicked() {
            let netuid = state.netuid;
            let metagraph_slot = std::mem::replace(&mut state.metagraph, Loadable::Idle);
            let weights = std::mem::replace(&mut state.weights, WeightsPanel::new(netuid));
            *state = WhatIfPageState::new(netuid);
            state.metagraph = metagraph_slot;
            state.weights = weights;
        }
    });
}

fn validator_label(n: &Neuron) -> String {
    format!("UID {} {}", n.uid, short_address(&n.hotkey))
}

fn weight_row_ui(
    ui: &mut egui::Ui,
    state: &mut WhatIfPageState,
    metagraph: &Metagraph,
    theme: Theme,
) {
    let p = palette(theme);
    let mut validators: Vec<&Neuron> = metagraph
        .neurons
        .iter()
        .filter(|n| n.validator_permit)
        .collect();
    validators.sort_by_key(|n| std::cmp::Reverse(n.total_stake.unwrap_or(n.stake)));
    if state.validator.is_none() {
        state.validator = validators.first().map(|n| n.uid);
    }
    let Some(uid) = state.validator else {
        ui.label(RichText::new(tr("whatif.no_validators")).color(p.muted));
        return;
    };
    let mut chosen = uid;
    let selected = metagraph
        .neurons
        .iter()
        .find(|n| n.uid == uid)
        .map_or_else(|| uid.to_string(), validator_label);
    egui::ComboBox::from_label(tr("whatif.validator"))
        .selected_text(selected)
        .width(220.0)
        .show_ui(ui, |ui| {
            for n in &validators {
                ui.selectable_value(&mut chosen, n.uid, validator_label(n));
            }
        });
    state.validator = Some(chosen);
    let mut row = state.current_row(metagraph, chosen);
    let before = row.clone();
    ui.label(RichText::new(tr_with("whatif.row_title", &[("uid", &chosen)])).strong());
    let mut remove = None;
    egui::ScrollArea::vertical()
        .id_salt("whatif-row")
        .max_height(140.0)
        .show(ui, |ui| {
            egui::Grid::new("whatif-row-grid")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    if row.is_empty() {
                        ui.label(RichText::new(tr("whatif.row_empty")).color(p.muted));
                        ui.end_row();
                    }
                    for (i, (miner, weight)) in row.iter_mut().enumerate() {
                        ui.label(tr_with("whatif.miner", &[("uid", miner)]));
                        ui.add(egui::DragValue::new(weight).range(0..=u16::MAX));
                        if ui.small_button(tr("whatif.remove")).clicked() {
                            remove = Some(i);
                        }
                        ui.end_row();
                    }
                });
        });
    if let Some(i) = remove
        && i < row.len()
    {
        row.remove(i);
    }
    ui.horizontal(|ui| {
        let label = ui.label(tr("whatif.new_miner"));
        ui.add(egui::TextEdit::singleline(&mut state.new_miner).desired_width(60.0))
            .labelled_by(label.id);
        ui.add(egui::DragValue::new(&mut state.new_weight).range(0..=u16::MAX));
        if ui.button(tr("whatif.add")).clicked() {
            match state.new_miner.trim().parse::<u16>() {
                Ok(m) if m < metagraph.n => {
                    row.retain(|(j, _)| *j != m);
                    row.push((m, state.new_weight));
                    state.new_miner.clear();
                }
                _ => {
                    state.new_miner = tr("whatif.bad_uid");
                }
            }
        }
        if ui.button(tr("whatif.clear_row")).clicked() {
            row.clear();
        }
    });
    if row != before {
        state.edits.weight_rows.insert(chosen, row);
    }
}

fn stake_ui(ui: &mut egui::Ui, state: &mut WhatIfPageState, metagraph: &Metagraph, theme: Theme) {
    let p = palette(theme);
    let Some(uid) = state.stake_uid.or(state.validator) else {
        return;
    };
    let Some(neuron) = metagraph.neurons.iter().find(|n| n.uid == uid) else {
        return;
    };
    if state.stake_uid != Some(uid) {
        state.stake_uid = Some(uid);
        state.stake_text = amount_plain(neuron.stake.0);
    }
    let label_text = tr_with("whatif.stake_of", &[("uid", &uid)]);
    ui.horizontal(|ui| {
        let label = ui.label(&label_text);
        ui.add(egui::TextEdit::singleline(&mut state.stake_text).desired_width(180.0))
            .labelled_by(label.id);
    });
    match parse_alpha_amount(&state.stake_text) {
        Ok(a) if a != neuron.stake => {
            state.edits.stakes.insert(uid, a.0);
        }
        Ok(_) => {
            state.edits.stakes.remove(&uid);
        }
        Err(e) => {
            ui.label(RichText::new(e).color(p.bad));
        }
    }
    if state.validator != Some(uid) {
        state.stake_uid = state.validator;
    }
}

/// Alpha units as a plain decimal the amount parser reads back (no grouping).
fn amount_plain(units: u64) -> String {
    let frac = format!("{:09}", units % 1_000_000_000);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        (units / 1_000_000_000).to_string()
    } else {
        format!("{}.{frac}", units / 1_000_000_000)
    }
}

fn results_ui(ui: &mut egui::Ui, state: &WhatIfPageState, metagraph: &Metagraph, theme: Theme) {
    let p = palette(theme);
    section_ui(ui, theme, &tr("whatif.results_title"), |ui| {
        let outcome = match &state.outcome {
            Loadable::Ready(o) => o,
            Loadable::Failed(reason) => {
                ui.label(RichText::new(reason).color(p.bad));
                return;
            }
            _ => {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new());
                    ui.label(tr("whatif.running"));
                });
                return;
            }
        };
        let mut rows = outcome.top_changes(TOP_CHANGES);
        if rows.is_empty() {
            ui.label(RichText::new(tr("whatif.no_change")).color(p.muted));
            rows = largest(outcome, TOP_CHANGES);
        } else {
            ui.label(RichText::new(tr("whatif.top_changed")).color(p.muted));
        }
        ui.horizontal(|ui| {
            swatch_ui(ui, p.muted, &tr("whatif.before"), None, theme);
            swatch_ui(
                ui,
                p.accent,
                &tr("whatif.after_incentive"),
                Some(Term::Incentive),
                theme,
            );
            swatch_ui(
                ui,
                p.good,
                &tr("whatif.after_dividends"),
                Some(Term::Dividends),
                theme,
            );
        });
        ui.add_space(spacing::SMALL);
        for change in &rows {
            bars_ui(ui, change, metagraph, theme);
        }
        ui.add_space(spacing::SMALL);
        for key in &outcome.assumptions {
            ui.label(
                RichText::new(format!("- {}", tr(key)))
                    .color(p.muted)
                    .small(),
            );
        }
        ui.label(
            RichText::new(format!("- {}", tr("whatif.recomputed")))
                .color(p.muted)
                .small(),
        );
    });
}

/// With nothing changed: the uids with the most incentive plus dividends, to show the start.
fn largest(outcome: &WhatIfOutcome, count: usize) -> Vec<UidChange> {
    let at = |v: &[u16], i: usize| v.get(i).copied().unwrap_or(0);
    let mut all: Vec<UidChange> = (0..outcome.incentive_before.len())
        .map(|i| UidChange {
            uid: u16::try_from(i).unwrap_or(u16::MAX),
            incentive: (
                at(&outcome.incentive_before, i),
                at(&outcome.incentive_after, i),
            ),
            dividends: (
                at(&outcome.dividends_before, i),
                at(&outcome.dividends_after, i),
            ),
        })
        .filter(|c| c.incentive.0 > 0 || c.dividends.0 > 0)
        .collect();
    all.sort_by_key(|c| std::cmp::Reverse(u32::from(c.incentive.0) + u32::from(c.dividends.0)));
    all.truncate(count);
    all
}

fn swatch_ui(ui: &mut egui::Ui, colour: Color32, label: &str, term: Option<Term>, theme: Theme) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 8.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 1.0, colour);
    match term {
        Some(term) => {
            term_ui(ui, label, term, theme);
        }
        None => {
            ui.label(label);
        }
    }
    ui.add_space(spacing::MEDIUM);
}

/// `0.1234` for a u16 proportion, `+0.0100` for a signed change.
fn share(v: u16) -> String {
    format!("{:.4}", f64::from(v) / 65_535.0)
}

fn delta(before: u16, after: u16) -> String {
    let d = (f64::from(after) - f64::from(before)) / 65_535.0;
    format!("{d:+.4}")
}

/// One uid: incentive and dividends, each a before bar over an after bar, with the delta.
fn bars_ui(ui: &mut egui::Ui, change: &UidChange, metagraph: &Metagraph, theme: Theme) {
    let p = palette(theme);
    let who = metagraph
        .neurons
        .get(usize::from(change.uid))
        .map_or_else(String::new, |n| short_address(&n.hotkey));
    ui.label(RichText::new(format!("UID {}  {who}", change.uid)).strong());
    for (key, (before, after), colour) in [
        ("whatif.incentive", change.incentive, p.accent),
        ("whatif.dividends", change.dividends, p.good),
    ] {
        ui.horizontal(|ui| {
            ui.add_sized(
                [80.0, 14.0],
                egui::Label::new(RichText::new(tr(key)).small()),
            );
            let width = (ui.available_width() - 170.0).max(60.0);
            let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 14.0), egui::Sense::hover());
            let painter = ui.painter_at(rect);
            painter.rect_filled(rect, 2.0, p.card.gamma_multiply(1.4));
            let bar = |v: u16, top: f32, c: Color32| {
                let w = rect.width() * f32::from(v) / 65_535.0;
                let r = egui::Rect::from_min_size(
                    rect.min + egui::vec2(0.0, top),
                    egui::vec2(w, rect.height() / 2.0),
                );
                painter.rect_filled(r, 1.0, c);
            };
            bar(before, 0.0, p.muted);
            bar(after, rect.height() / 2.0, colour);
            ui.label(
                RichText::new(format!(
                    "{} / {} ({})",
                    share(before),
                    share(after),
                    delta(before, after)
                ))
                .small(),
            );
        });
    }
}
