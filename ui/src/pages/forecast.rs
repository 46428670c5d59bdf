//! The Forecast page: the next TAO halving at the nominal and the observed issuance rate,
//! the issuance curve to 21M, the user's positions with daily and yearly forecasts, and a
//! calculator for a position the user is thinking of taking. Every figure comes from
//! `core::emission` and `core::forecast`; the assumptions are listed next to the numbers.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use egui::RichText;
use plotters::prelude::*;
use taoscope_core::chain::IssuanceObservation;
use taoscope_core::emission::{
    HalvingEta, IssuancePoint, IssuanceRate, RAO_PER_TAO, block_emission_for_issuance,
    halving_schedule, issuance_curve,
};
use taoscope_core::explorer::snapshot::Snapshot;
use taoscope_core::explorer::{
    Alpha, BlockRef, Delegate, Metagraph, NetworkTotals, StakeEntry, SubnetSummary, ss58,
};
use taoscope_core::forecast::{
    Assumption, MarketFacts, PositionKind, PositionQuery, RewardForecast, forecast_rewards,
    parse_alpha_amount,
};
use taoscope_core::i18n::{tr, tr_count, tr_with};
use taoscope_core::service::{CoreHandle, Request, RequestId, Response};
use taoscope_core::settings::Theme;

use super::wallet::Loadable;
use crate::format::{amount_text, short_address, thousands};
use crate::theme::{palette, section_ui, spacing};
use crate::widgets::chart::{chart_area, plot_colour};
use crate::widgets::empty_state::{EmptyState, empty_state_inline_ui};
use crate::widgets::term::{Term, strong_term_ui, term_ui};

/// The window the observed issuance rate is measured over: one day of blocks.
pub const OBSERVATION_BLOCKS: u64 = 7_200;
/// Seconds per block, for days and dates.
const BLOCK_SECONDS: u64 = 12;
/// Halvings the chart and the schedule reach (the sixth is at ≈ 20.67M TAO).
const CHART_HALVINGS: usize = 6;

/// The calculator's choices.
struct Calculator {
    netuid: Option<u16>,
    hotkey: Option<String>,
    amount: String,
}

/// What the page remembers between frames.
pub struct ForecastPageState {
    /// The snapshot the page was loaded from (None: live); a change reloads the page.
    source: Option<Arc<Snapshot>>,
    started: bool,
    totals: Loadable<(BlockRef, NetworkTotals)>,
    observed: Loadable<(BlockRef, IssuanceObservation)>,
    subnets: Loadable<(BlockRef, Vec<SubnetSummary>)>,
    delegates: Loadable<(BlockRef, Vec<Delegate>)>,
    metagraphs: BTreeMap<u16, Loadable<(BlockRef, Box<Metagraph>)>>,
    stakes: BTreeMap<String, Loadable<(BlockRef, Vec<StakeEntry>)>>,
    /// Issuance typed by the user when the data has none (TAO, as text).
    entered_issuance: String,
    calculator: Calculator,
}

impl Default for ForecastPageState {
    fn default() -> Self {
        ForecastPageState {
            source: None,
            started: false,
            totals: Loadable::Idle,
            observed: Loadable::Idle,
            subnets: Loadable::Idle,
            delegates: Loadable::Idle,
            metagraphs: BTreeMap::new(),
            stakes: BTreeMap::new(),
            entered_issuance: String::new(),
            calculator: Calculator {
                netuid: None,
                hotkey: None,
                amount: "100".into(),
            },
        }
    }
}

fn settle<T: Clone + PartialEq>(
    slot: &mut Loadable<T>,
    id: RequestId,
    result: Result<&T, String>,
) -> bool {
    if *slot != Loadable::Loading(id) {
        return false;
    }
    *slot = match result {
        Ok(v) => Loadable::Ready(v.clone()),
        Err(e) => Loadable::Failed(e),
    };
    true
}

impl ForecastPageState {
    /// Starts the page's reads (once per data source): totals, the observed rate, the
    /// subnets list, delegates' takes and each wallet address's stake (live only).
    pub fn ensure_loaded(&mut self, core: &mut CoreHandle, addresses: &HashSet<String>) {
        let snapshot = core.snapshot();
        let same_source = match (&snapshot, &self.source) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        if self.started && same_source {
            self.load_stakes(core, addresses);
            return;
        }
        let calculator = std::mem::replace(
            &mut self.calculator,
            Calculator {
                netuid: None,
                hotkey: None,
                amount: String::new(),
            },
        );
        *self = ForecastPageState::default();
        self.calculator.amount = calculator.amount;
        self.started = true;
        self.source = snapshot.clone();
        self.totals = Loadable::Loading(core.send(Request::NetworkTotals));
        self.observed = Loadable::Loading(core.send(Request::IssuanceObservation {
            blocks_back: OBSERVATION_BLOCKS,
        }));
        match &snapshot {
            // A snapshot's subnets list only when it saved one; rows rebuilt from a
            // metagraph lack the price and emissions a forecast would read.
            Some(s) => {
                if let (Some(list), Ok(_)) = (&s.subnets, s.subnets()) {
                    self.subnets = Loadable::Ready((s.block.clone(), list.clone()));
                } else {
                    self.subnets = Loadable::Failed(tr("forecast.no_subnets_in_snapshot"));
                }
                self.delegates = Loadable::Failed(tr("forecast.no_takes_in_snapshot"));
                if let Some(first) = s.metagraphs.first() {
                    self.calculator.netuid = Some(first.netuid);
                }
            }
            None => {
                self.subnets = Loadable::Loading(core.send(Request::Subnets));
                self.delegates = Loadable::Loading(core.send(Request::Delegates));
                self.load_stakes(core, addresses);
            }
        }
    }

    /// Asks for the stake of every wallet address not asked yet (live only). The wallet
    /// list mixes coldkeys and hotkeys; a hotkey simply has no positions.
    fn load_stakes(&mut self, core: &mut CoreHandle, addresses: &HashSet<String>) {
        if self.source.is_some() {
            return;
        }
        for address in addresses {
            if self.stakes.contains_key(address) {
                continue;
            }
            let Ok(key) = ss58::decode("coldkey", address) else {
                continue;
            };
            let id = core.send(Request::StakeForColdkey { coldkey: key });
            self.stakes.insert(address.clone(), Loadable::Loading(id));
        }
    }

    fn ensure_metagraph(&mut self, core: &mut CoreHandle, netuid: u16) {
        self.metagraphs
            .entry(netuid)
            .or_insert_with(|| Loadable::Loading(core.send(Request::Metagraph { netuid })));
    }

    /// Takes the answers to this page's requests.
    pub fn handle_response(&mut self, id: RequestId, response: &Response) -> bool {
        let text = |e: &taoscope_core::chain::ChainError| e.to_string();
        match response {
            Response::NetworkTotals(r) => settle(&mut self.totals, id, r.as_ref().map_err(text)),
            Response::IssuanceObservation(r) => {
                settle(&mut self.observed, id, r.as_ref().map_err(text))
            }
            Response::Subnets(r) => settle(&mut self.subnets, id, r.as_ref().map_err(text)),
            Response::Delegates(r) => settle(&mut self.delegates, id, r.as_ref().map_err(text)),
            Response::Metagraph(r) => self
                .metagraphs
                .values_mut()
                .any(|slot| settle(slot, id, r.as_ref().map_err(text))),
            Response::StakeForColdkey(r) => self
                .stakes
                .values_mut()
                .any(|slot| settle(slot, id, r.as_ref().map_err(text))),
            _ => false,
        }
    }

    /// True once everything the page shows first has arrived or failed.
    pub fn is_ready(&self) -> bool {
        self.started
            && self.totals.is_settled()
            && self.observed.is_settled()
            && self.subnets.is_settled()
            && self.metagraphs.values().all(Loadable::is_settled)
            && self.stakes.values().all(Loadable::is_settled)
            && self
                .calculator
                .netuid
                .is_none_or(|n| self.metagraphs.get(&n).is_some_and(Loadable::is_settled))
    }

    fn subnet(&self, netuid: u16) -> Option<&SubnetSummary> {
        match &self.subnets {
            Loadable::Ready((_, list)) => list.iter().find(|s| s.netuid == netuid),
            _ => None,
        }
    }

    fn take(&self, hotkey: &str) -> Option<u16> {
        match &self.delegates {
            Loadable::Ready((_, list)) => list.iter().find(|d| d.hotkey == hotkey).map(|d| d.take),
            _ => None,
        }
    }

    fn metagraph(&self, netuid: u16) -> Option<&Metagraph> {
        match self.metagraphs.get(&netuid) {
            Some(Loadable::Ready((_, m))) => Some(m),
            _ => None,
        }
    }

    fn forecast(&self, query: &PositionQuery) -> Option<Result<RewardForecast, String>> {
        let metagraph = self.metagraph(query.netuid)?;
        let facts = MarketFacts {
            subnet: self.subnet(query.netuid),
            take_u16: self.take(&query.hotkey),
        };
        Some(forecast_rewards(metagraph, &facts, query).map_err(|e| e.to_string()))
    }
}

/// Unix seconds now.
fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Where the halving countdown starts: issuance, block and that block's time.
struct Start {
    issuance_rao: u64,
    block: u64,
    unix: i64,
    entered: bool,
}

/// Draws the Forecast page.
pub fn forecast_ui(
    ui: &mut egui::Ui,
    state: &mut ForecastPageState,
    core: &mut CoreHandle,
    addresses: &HashSet<String>,
    theme: Theme,
) {
    let p = palette(theme);
    state.ensure_loaded(core, addresses);
    ui.heading(tr("forecast.title"));
    let source_text = match &state.source {
        Some(s) => tr_with(
            "forecast.from_snapshot",
            &[("block", &thousands(s.block.number))],
        ),
        None => tr("forecast.from_live"),
    };
    ui.label(RichText::new(source_text).color(p.muted));
    ui.add_space(spacing::MEDIUM);

    let halving_and_chart = |ui: &mut egui::Ui, state: &mut ForecastPageState| {
        let start = halving_section_ui(ui, state, theme);
        section_ui(ui, theme, &tr("forecast.chart_title"), |ui| {
            issuance_chart_ui(ui, state, start.as_ref(), theme);
        });
    };
    // Side by side on a wide window, so the countdown and a forecast show together.
    if ui.available_width() >= 900.0 {
        ui.columns(2, |columns| {
            if let [left, right] = columns {
                halving_and_chart(left, state);
                positions_section_ui(right, state, core, theme);
                calculator_section_ui(right, state, core, theme);
            }
        });
    } else {
        halving_and_chart(ui, state);
        positions_section_ui(ui, state, core, theme);
        calculator_section_ui(ui, state, core, theme);
    }
}

fn halving_section_ui(
    ui: &mut egui::Ui,
    state: &mut ForecastPageState,
    theme: Theme,
) -> Option<Start> {
    let p = palette(theme);
    section_ui(ui, theme, &tr("forecast.halving_title"), |ui| {
        let snapshot_time = state
            .source
            .as_ref()
            .and_then(|s| s.block_time_ms)
            .map(|ms| i64::try_from(ms / 1000).unwrap_or(0));
        let start = match &state.totals {
            Loadable::Ready((block, totals)) => Some(Start {
                issuance_rao: totals.total_issuance_rao.0,
                block: block.number,
                unix: snapshot_time.unwrap_or_else(now_unix),
                entered: false,
            }),
            Loadable::Idle | Loadable::Loading(_) => {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new());
                    ui.label(tr("forecast.loading"));
                });
                return None;
            }
            Loadable::Failed(reason) => {
                let empty = EmptyState::new(
                    tr("empty.forecast_no_issuance_title"),
                    tr("empty.forecast_no_issuance_body"),
                );
                empty_state_inline_ui(ui, &empty, theme);
                ui.label(
                    RichText::new(tr_with("forecast.no_issuance", &[("reason", reason)]))
                        .color(p.warn),
                );
                let entered = ui
                    .horizontal(|ui| {
                        let label = ui.label(tr("forecast.enter_issuance"));
                        ui.add(
                            egui::TextEdit::singleline(&mut state.entered_issuance)
                                .desired_width(160.0)
                                .hint_text(tr("forecast.issuance_hint")),
                        )
                        .labelled_by(label.id);
                    })
                    .response;
                let _ = entered;
                let text = state.entered_issuance.trim();
                if text.is_empty() {
                    return None;
                }
                match parse_alpha_amount(text) {
                    Ok(units) => Some(Start {
                        issuance_rao: units.0,
                        block: state.source.as_ref().map_or(0, |s| s.block.number),
                        unix: snapshot_time.unwrap_or_else(now_unix),
                        entered: true,
                    }),
                    Err(e) => {
                        ui.label(RichText::new(e).color(p.bad));
                        return None;
                    }
                }
            }
        }?;
        countdown_ui(ui, state, &start, theme);
        Some(start)
    })
}

/// Whole days in `blocks` 12-second blocks.
fn days(blocks: u64) -> u64 {
    blocks.saturating_mul(BLOCK_SECONDS) / 86_400
}

fn tao_text(rao: u64) -> String {
    amount_text(rao, "τ", 4)
}

fn countdown_ui(ui: &mut egui::Ui, state: &ForecastPageState, start: &Start, theme: Theme) {
    let p = palette(theme);
    let emission = block_emission_for_issuance(start.issuance_rao);
    egui::Grid::new("halving-facts")
        .num_columns(2)
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            ui.label(tr(if start.entered {
                "forecast.issuance_entered"
            } else {
                "forecast.issuance"
            }));
            ui.label(RichText::new(tao_text(start.issuance_rao)).strong());
            ui.end_row();
            term_ui(ui, tr("forecast.emission_now"), Term::Emission, theme);
            ui.label(tr_with(
                "forecast.per_block",
                &[("amount", &tao_text(emission))],
            ));
            ui.end_row();
        });
    ui.add_space(spacing::MEDIUM);
    let nominal = halving_schedule(
        start.issuance_rao,
        IssuanceRate::Nominal,
        start.block,
        start.unix,
        1,
    );
    let observed_rate = match &state.observed {
        Loadable::Ready((_, o)) => Ok(o.rao_per_block()),
        Loadable::Failed(reason) => Err(reason.clone()),
        _ => Err(tr("forecast.loading")),
    };
    let observed = observed_rate.clone().and_then(|rate| {
        halving_schedule(
            start.issuance_rao,
            IssuanceRate::Observed {
                rao_per_block: rate,
            },
            start.block,
            start.unix,
            1,
        )
        .map_err(|e| e.to_string())
    });
    let first =
        |r: &Result<Vec<HalvingEta>, String>| r.as_ref().ok().and_then(|v| v.first().cloned());
    let nominal_eta = first(&nominal.map_err(|e| e.to_string()));
    let observed_eta = first(&observed);
    egui::Grid::new("halving-countdown")
        .num_columns(5)
        .striped(true)
        .spacing([20.0, 6.0])
        .show(ui, |ui| {
            for key in [
                "forecast.col_rate",
                "forecast.col_per_block",
                "forecast.col_block",
                "forecast.col_date",
                "forecast.col_days",
            ] {
                if key == "forecast.col_block" {
                    strong_term_ui(ui, &tr(key), Term::Halving, theme);
                } else {
                    ui.label(RichText::new(tr(key)).strong());
                }
            }
            ui.end_row();
            ui.label(tr("forecast.nominal"));
            ui.label(tao_text(emission));
            eta_cells_ui(ui, nominal_eta.as_ref());
            ui.end_row();
            let blocks = tr_count(
                "unit.blocks",
                OBSERVATION_BLOCKS,
                &[("count", &thousands(OBSERVATION_BLOCKS))],
            );
            ui.label(tr_with("forecast.observed", &[("blocks", &blocks)]));
            match &observed_rate {
                Ok(rate) => {
                    ui.label(tao_text(*rate));
                    match &observed {
                        Ok(_) => eta_cells_ui(ui, observed_eta.as_ref()),
                        Err(e) => {
                            ui.label(RichText::new(e).color(p.warn));
                        }
                    }
                }
                Err(reason) => {
                    ui.label(RichText::new(reason).color(p.muted));
                }
            }
            ui.end_row();
        });
    if let (Some(n), Some(o)) = (&nominal_eta, &observed_eta) {
        let later = o.blocks_from_now.saturating_sub(n.blocks_from_now);
        let days_between = later.saturating_mul(BLOCK_SECONDS) / 86_400;
        let blocks = tr_count("unit.blocks", later, &[("count", &thousands(later))]);
        let days = tr_count(
            "unit.days",
            days_between,
            &[("count", &thousands(days_between))],
        );
        ui.label(tr_with(
            "forecast.difference",
            &[("blocks", &blocks), ("days", &days)],
        ));
    }
    if let Some(eta) = &nominal_eta {
        ui.label(
            RichText::new(tr_with(
                "forecast.next_threshold",
                &[
                    ("threshold", &amount_text(eta.threshold_rao, "τ", 0)),
                    ("after", &tao_text(eta.block_emission_after_rao)),
                ],
            ))
            .color(p.muted),
        );
    }
    ui.add_space(spacing::SMALL);
    for key in [
        "forecast.halving_assumption.trigger",
        "forecast.halving_assumption.nominal",
        "forecast.halving_assumption.observed",
        "forecast.halving_assumption.blocks",
    ] {
        ui.label(
            RichText::new(format!("- {}", tr(key)))
                .color(p.muted)
                .small(),
        );
    }
}

fn eta_cells_ui(ui: &mut egui::Ui, eta: Option<&HalvingEta>) {
    match eta {
        Some(eta) => {
            ui.label(thousands(eta.eta_block));
            let date = taoscope_core::emission::utc_iso8601(eta.eta_unix_seconds);
            ui.label(date.get(..10).unwrap_or(&date).to_string());
            ui.label(thousands(days(eta.blocks_from_now)));
        }
        None => {
            ui.label(tr("common.unknown"));
        }
    }
}

/// Calendar years for the chart's x axis (display only).
fn year_of(unix: i64) -> f64 {
    1970.0 + unix as f64 / 31_556_952.0
}

fn issuance_chart_ui(
    ui: &mut egui::Ui,
    state: &ForecastPageState,
    start: Option<&Start>,
    theme: Theme,
) {
    let p = palette(theme);
    // With no issuance to start from, the chart shows the chain's rule itself: the nominal
    // curve from zero issuance, against blocks, with no date.
    let (issuance, block, unix) = match start {
        Some(s) => (s.issuance_rao, s.block, Some(s.unix)),
        None => (0, 0, None),
    };
    let Ok(nominal) = issuance_curve(issuance, IssuanceRate::Nominal, block, CHART_HALVINGS, 240)
    else {
        ui.label(tr("forecast.at_cap"));
        return;
    };
    let observed = match (&state.observed, start) {
        (Loadable::Ready((_, o)), Some(_)) if o.rao_per_block() > 0 => issuance_curve(
            issuance,
            IssuanceRate::Observed {
                rao_per_block: o.rao_per_block(),
            },
            block,
            CHART_HALVINGS,
            240,
        )
        .ok(),
        _ => None,
    };
    let halvings = halving_schedule(issuance, IssuanceRate::Nominal, block, 0, CHART_HALVINGS)
        .unwrap_or_default();
    let x_of = |b: u64| -> f64 {
        match unix {
            Some(u) => year_of(u + ((b.saturating_sub(block)) * BLOCK_SECONDS) as i64),
            None => b as f64 / 1_000_000.0,
        }
    };
    let y_of = |pt: &IssuancePoint| pt.issuance_rao as f64 / (RAO_PER_TAO as f64 * 1_000_000.0);
    let last = observed
        .as_ref()
        .and_then(|c| c.last())
        .or(nominal.last())
        .map_or(block + 1, |pt| pt.block);
    let (x0, x1) = (x_of(block), x_of(last).max(x_of(block) + 1e-6));
    ui.label(
        RichText::new(match unix {
            Some(_) => tr("forecast.chart_caption"),
            None => tr("forecast.chart_caption_rule"),
        })
        .color(p.muted),
    );
    let width = ui.available_width().min(720.0);
    let area = chart_area(ui, egui::vec2(width, 220.0));
    let y0 = (issuance as f64 / 1e15).min(10.0).floor();
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(48)
        .build_cartesian_2d(x0..x1, y0..21.5)
    else {
        return;
    };
    let text = plot_colour(p.muted);
    let is_years = unix.is_some();
    let _ = chart
        .configure_mesh()
        .bold_line_style(plot_colour(p.card))
        .light_line_style(plot_colour(p.card))
        .axis_style(text)
        .label_style(("sans-serif", 12).into_font().color(&text))
        .x_label_formatter(&|v| {
            if is_years {
                format!("{v:.0}")
            } else {
                format!("{v:.0}M")
            }
        })
        .y_label_formatter(&|v| format!("{v:.0}M"))
        .draw();
    let cap = plot_colour(p.bad);
    let _ = chart.draw_series(LineSeries::new(
        [(x0, 21.0), (x1, 21.0)],
        cap.stroke_width(1),
    ));
    let mark = plot_colour(p.warn);
    for h in &halvings {
        let x = x_of(h.eta_block);
        let _ = chart.draw_series(LineSeries::new([(x, y0), (x, 21.5)], mark.stroke_width(1)));
    }
    let _ = chart.draw_series(LineSeries::new(
        nominal.iter().map(|pt| (x_of(pt.block), y_of(pt))),
        plot_colour(p.accent).stroke_width(2),
    ));
    if let Some(curve) = &observed {
        let _ = chart.draw_series(LineSeries::new(
            curve.iter().map(|pt| (x_of(pt.block), y_of(pt))),
            plot_colour(p.good).stroke_width(2),
        ));
    }
    ui.horizontal_wrapped(|ui| {
        legend_ui(ui, p.accent, &tr("forecast.legend_nominal"));
        if observed.is_some() {
            legend_ui(ui, p.good, &tr("forecast.legend_observed"));
        }
        legend_ui(ui, p.warn, &tr("forecast.legend_halving"));
        legend_ui(ui, p.bad, &tr("forecast.legend_cap"));
    });
}

/// A painted colour swatch and its label (no glyphs the default font lacks).
fn legend_ui(ui: &mut egui::Ui, colour: egui::Color32, label: &str) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 4.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 1.0, colour);
    ui.label(label);
    ui.add_space(spacing::MEDIUM);
}

fn positions_section_ui(
    ui: &mut egui::Ui,
    state: &mut ForecastPageState,
    core: &mut CoreHandle,
    theme: Theme,
) {
    let p = palette(theme);
    section_ui(ui, theme, &tr("forecast.positions_title"), |ui| {
        if state.source.is_some() {
            ui.label(RichText::new(tr("forecast.positions_snapshot")).color(p.muted));
            return;
        }
        if state.stakes.is_empty() {
            let empty = EmptyState::new(
                tr("empty.forecast_no_wallets_title"),
                tr("empty.forecast_no_wallets_body"),
            );
            empty_state_inline_ui(ui, &empty, theme);
            return;
        }
        let mut positions: Vec<StakeEntry> = Vec::new();
        let mut loading = false;
        for slot in state.stakes.values() {
            match slot {
                Loadable::Ready((_, list)) => positions.extend(list.iter().cloned()),
                Loadable::Failed(reason) => {
                    ui.label(RichText::new(reason).color(p.bad));
                }
                _ => loading = true,
            }
        }
        positions.retain(|s| s.stake.0 > 0);
        let netuids: BTreeSet<u16> = positions
            .iter()
            .map(|s| s.netuid)
            .filter(|n| *n != 0)
            .collect();
        for netuid in netuids {
            state.ensure_metagraph(core, netuid);
        }
        if loading {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label(tr("forecast.loading"));
            });
        }
        if positions.is_empty() {
            if !loading {
                let empty = EmptyState::new(
                    tr("empty.forecast_no_positions_title"),
                    tr("empty.forecast_no_positions_body"),
                );
                empty_state_inline_ui(ui, &empty, theme);
            }
            return;
        }
        let mut assumptions: BTreeSet<Assumption> = BTreeSet::new();
        egui::Grid::new("positions")
            .num_columns(7)
            .striped(true)
            .spacing([16.0, 6.0])
            .show(ui, |ui| {
                for key in [
                    "forecast.col_subnet",
                    "forecast.col_validator",
                    "forecast.col_stake",
                    "forecast.col_value",
                    "forecast.col_per_day",
                    "forecast.col_per_year",
                    "forecast.col_apy",
                ] {
                    match key {
                        "forecast.col_stake" => {
                            strong_term_ui(ui, &tr(key), Term::Alpha, theme);
                        }
                        "forecast.col_apy" => {
                            strong_term_ui(ui, &tr(key), Term::Apy, theme);
                        }
                        _ => {
                            ui.label(RichText::new(tr(key)).strong());
                        }
                    }
                }
                ui.end_row();
                for position in &positions {
                    ui.label(position.netuid.to_string());
                    ui.label(short_address(&position.hotkey));
                    ui.label(amount_text(position.stake.0, "α", 4));
                    if position.netuid == 0 {
                        ui.label(RichText::new(tr("forecast.root_not_forecast")).color(p.muted));
                        ui.end_row();
                        continue;
                    }
                    let query = PositionQuery {
                        netuid: position.netuid,
                        hotkey: position.hotkey.clone(),
                        amount: position.stake,
                        kind: PositionKind::Existing,
                    };
                    match state.forecast(&query) {
                        None => {
                            ui.add(egui::Spinner::new());
                        }
                        Some(Err(e)) => {
                            ui.label(RichText::new(e).color(p.bad));
                        }
                        Some(Ok(f)) => {
                            assumptions.extend(f.assumptions.iter().copied());
                            ui.label(
                                f.value_rao
                                    .map_or_else(|| tr("common.unknown"), |v| tao_text(v.0)),
                            );
                            ui.label(per_text(f.alpha_per_day, f.tao_per_day_rao.map(|r| r.0)));
                            ui.label(per_text(f.alpha_per_year, f.tao_per_year_rao.map(|r| r.0)));
                            ui.label(crate::format::percent_float_text(f.apy_percent, 2));
                        }
                    }
                    ui.end_row();
                }
            });
        assumptions_ui(ui, &assumptions, theme);
    });
}

fn per_text(alpha: Alpha, tao: Option<u64>) -> String {
    match tao {
        Some(t) => format!("{} ({})", amount_text(alpha.0, "α", 4), tao_text(t)),
        None => amount_text(alpha.0, "α", 4),
    }
}

fn assumptions_ui(ui: &mut egui::Ui, assumptions: &BTreeSet<Assumption>, theme: Theme) {
    if assumptions.is_empty() {
        return;
    }
    let p = palette(theme);
    ui.add_space(spacing::SMALL);
    ui.label(RichText::new(tr("rewards.assumptions")).strong());
    for a in assumptions {
        ui.label(
            RichText::new(format!("- {}", a.text()))
                .color(p.muted)
                .small(),
        );
    }
}

fn calculator_section_ui(
    ui: &mut egui::Ui,
    state: &mut ForecastPageState,
    core: &mut CoreHandle,
    theme: Theme,
) {
    let p = palette(theme);
    section_ui(ui, theme, &tr("forecast.calculator_title"), |ui| {
        let netuids: Vec<u16> = match (&state.source, &state.subnets) {
            (Some(s), _) => s.metagraphs.iter().map(|m| m.netuid).collect(),
            (None, Loadable::Ready((_, list))) => {
                list.iter().map(|s| s.netuid).filter(|n| *n != 0).collect()
            }
            _ => Vec::new(),
        };
        let list_failed = matches!(state.subnets, Loadable::Failed(_));
        if state.calculator.netuid.is_none() {
            state.calculator.netuid = netuids.first().copied();
            // Live with no subnets list (an older node): any netuid can still be typed.
            if state.source.is_none() && list_failed {
                state.calculator.netuid = Some(1);
            }
        }
        let Some(netuid) = state.calculator.netuid else {
            if !list_failed {
                ui.add(egui::Spinner::new());
            } else {
                ui.label(RichText::new(tr("forecast.calculator_no_subnets")).color(p.muted));
            }
            return;
        };
        state.ensure_metagraph(core, netuid);
        let mut chosen = netuid;
        if netuids.is_empty() {
            ui.horizontal(|ui| {
                ui.add(egui::DragValue::new(&mut chosen).range(1..=u16::MAX));
                ui.label(tr("forecast.calc_subnet"));
            });
        } else {
            egui::ComboBox::from_label(tr("forecast.calc_subnet"))
                .selected_text(chosen.to_string())
                .show_ui(ui, |ui| {
                    for n in &netuids {
                        ui.selectable_value(&mut chosen, *n, n.to_string());
                    }
                });
        }
        if chosen != netuid {
            state.calculator.netuid = Some(chosen);
            state.calculator.hotkey = None;
            return;
        }
        let metagraph = match state.metagraphs.get(&netuid) {
            Some(Loadable::Ready((_, m))) => m.clone(),
            Some(Loadable::Failed(reason)) => {
                ui.label(RichText::new(reason).color(p.bad));
                return;
            }
            _ => {
                ui.add(egui::Spinner::new());
                return;
            }
        };
        // Validators that earned dividends, largest stake first.
        let mut validators: Vec<_> = metagraph
            .neurons
            .iter()
            .filter(|n| n.validator_permit && n.dividends > 0)
            .collect();
        validators.sort_by_key(|n| std::cmp::Reverse(n.stake));
        if state.calculator.hotkey.is_none() {
            state.calculator.hotkey = validators.first().map(|n| n.hotkey.clone());
        }
        let Some(hotkey) = state.calculator.hotkey.clone() else {
            ui.label(RichText::new(tr("forecast.calculator_no_validators")).color(p.muted));
            return;
        };
        let label_of = |h: &str| {
            metagraph
                .neurons
                .iter()
                .find(|n| n.hotkey == h)
                .map_or_else(
                    || short_address(h),
                    |n| format!("UID {} {}", n.uid, short_address(h)),
                )
        };
        let mut picked = hotkey.clone();
        egui::ComboBox::from_label(tr("forecast.calc_validator"))
            .selected_text(label_of(&hotkey))
            .width(240.0)
            .show_ui(ui, |ui| {
                for n in &validators {
                    ui.selectable_value(&mut picked, n.hotkey.clone(), label_of(&n.hotkey));
                }
            });
        state.calculator.hotkey = Some(picked.clone());
        ui.horizontal(|ui| {
            let label = ui.label(tr("forecast.calc_amount"));
            ui.add(egui::TextEdit::singleline(&mut state.calculator.amount).desired_width(140.0))
                .labelled_by(label.id);
        });
        let amount = match parse_alpha_amount(&state.calculator.amount) {
            Ok(a) => a,
            Err(e) => {
                ui.label(RichText::new(e).color(p.bad));
                return;
            }
        };
        let query = PositionQuery {
            netuid,
            hotkey: picked,
            amount,
            kind: PositionKind::Added,
        };
        match state.forecast(&query) {
            None => {
                ui.add(egui::Spinner::new());
            }
            Some(Err(e)) => {
                ui.label(RichText::new(e).color(p.bad));
            }
            Some(Ok(f)) => forecast_result_ui(ui, &f, theme),
        }
    });
}

fn forecast_result_ui(ui: &mut egui::Ui, f: &RewardForecast, theme: Theme) {
    let unknown = || tr("common.unknown");
    let rows = [
        (
            tr("rewards.value"),
            f.value_rao.map_or_else(unknown, |v| tao_text(v.0)),
            None,
        ),
        (
            tr("rewards.share"),
            crate::format::percent_float_text(f.share_ppb as f64 / 10_000_000.0, 4),
            None,
        ),
        (
            tr("rewards.take"),
            crate::format::percent_float_text(f64::from(f.take_u16) * 100.0 / 65_535.0, 2),
            Some(Term::Take),
        ),
        (
            tr("rewards.per_tempo"),
            amount_text(f.alpha_per_tempo.0, "α", 6),
            Some(Term::Tempo),
        ),
        (
            tr("rewards.per_day"),
            per_text(f.alpha_per_day, f.tao_per_day_rao.map(|r| r.0)),
            None,
        ),
        (
            tr("rewards.per_year"),
            per_text(f.alpha_per_year, f.tao_per_year_rao.map(|r| r.0)),
            None,
        ),
        (
            tr("rewards.apy"),
            crate::format::percent_float_text(f.apy_percent, 2),
            Some(Term::Apy),
        ),
    ];
    egui::Grid::new("calculator-result")
        .num_columns(2)
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            for (k, v, term) in rows {
                match term {
                    Some(term) => {
                        term_ui(ui, k, term, theme);
                    }
                    None => {
                        ui.label(k);
                    }
                }
                ui.label(RichText::new(v).strong());
                ui.end_row();
            }
        });
    // Below the grid, so a long sentence wraps instead of widening the card.
    if let Some(h) = &f.next_halving {
        ui.label(format!(
            "{}: {}",
            tr("rewards.after_halving"),
            tr_with(
                "rewards.after_halving_value",
                &[
                    ("alpha", &amount_text(h.alpha_per_day_after.0, "α", 4)),
                    ("threshold", &amount_text(h.threshold.0, "α", 0)),
                ],
            )
        ));
    }
    let set: BTreeSet<Assumption> = f.assumptions.iter().copied().collect();
    assumptions_ui(ui, &set, theme);
}
