//! The Subnets page: every subnet with its price, pool and emission, searchable and
//! sortable, with a chart of where emission goes.

use std::collections::BTreeMap;

use egui::RichText;
use egui_extras::{Column, TableBuilder};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use taoscope_core::explorer::{Alpha, BlockRef, SubnetSummary};
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::service::{CoreHandle, Request, RequestId, Response};
use taoscope_core::settings::Theme;

use super::wallet::Loadable;
use crate::format::{amount_text, price_text, thousands};
use crate::theme::{palette, section_ui, spacing};
use crate::widgets::chart::{chart_area, plot_colour};
use crate::widgets::empty_state::{EmptyState, empty_state_ui};
use crate::widgets::term::Term;

/// Columns of the subnets table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubnetColumn {
    /// Subnet id.
    Netuid,
    /// Name.
    Name,
    /// Price in TAO per alpha.
    Price,
    /// Price × alpha outstanding.
    MarketCap,
    /// TAO in the pool.
    TaoIn,
    /// Share of the TAO injected per block.
    Emission,
    /// Blocks between epochs.
    Tempo,
    /// Registration cost.
    Burn,
    /// The user's own alpha on the subnet (the wallet page's portfolio).
    MyStake,
}

/// What the page remembers between frames.
pub struct SubnetsPageState {
    data: Loadable<(BlockRef, Vec<SubnetSummary>)>,
    search: String,
    sort: SubnetColumn,
    descending: bool,
    /// A reload for a newer block, sent while the current list stays on screen.
    refresh_id: Option<RequestId>,
    /// Why the last reload failed (the list shown is the previous one).
    refresh_error: Option<String>,
}

impl Default for SubnetsPageState {
    fn default() -> Self {
        SubnetsPageState {
            data: Loadable::Idle,
            search: String::new(),
            sort: SubnetColumn::Emission,
            descending: true,
            refresh_id: None,
            refresh_error: None,
        }
    }
}

/// A subnet's market cap in rao: price (rao per α) × alpha outstanding (α units) / 10^9.
pub fn market_cap_rao(subnet: &SubnetSummary) -> Option<u128> {
    let price = u128::from(subnet.price_rao_per_alpha?);
    let supply = u128::from(subnet.alpha_out.0) + u128::from(subnet.alpha_in.0);
    Some(price * supply / 1_000_000_000)
}

/// Each subnet's share of the TAO injected per block, in parts per million; `None` for a
/// subnet whose emission the source does not give (a snapshot row built from a metagraph),
/// so the page says "unknown" instead of a made-up 0%.
pub fn emission_shares_ppm(subnets: &[SubnetSummary]) -> Vec<Option<u64>> {
    let total: u128 = subnets
        .iter()
        .filter_map(|s| s.tao_in_emission_rao)
        .map(|r| u128::from(r.0))
        .sum();
    subnets
        .iter()
        .map(|s| {
            let own = u128::from(s.tao_in_emission_rao?.0);
            Some(
                (own * 1_000_000)
                    .checked_div(total)
                    .map_or(0, |ppm| u64::try_from(ppm).unwrap_or(1_000_000)),
            )
        })
        .collect()
}

/// A share in parts per million as a percentage with two decimals, or "unknown".
pub fn share_text(share: Option<u64>) -> String {
    share.map_or_else(|| tr("common.unknown"), crate::format::percent_text)
}

impl SubnetsPageState {
    /// True once the list has loaded or failed.
    pub fn is_ready(&self) -> bool {
        self.data.is_settled()
    }

    /// Asks for the list unless it is there or on its way.
    pub fn ensure_loaded(&mut self, core: &mut CoreHandle) {
        if matches!(self.data, Loadable::Idle) {
            self.data = Loadable::Loading(core.send(Request::Subnets));
        }
    }

    /// Reloads in the background (a new finalized block); the list stays up meanwhile.
    pub fn refresh(&mut self, core: &mut CoreHandle) {
        if matches!(self.data, Loadable::Ready(_)) && self.refresh_id.is_none() {
            self.refresh_id = Some(core.send(Request::Subnets));
        }
    }

    /// Takes the answer to this page's request.
    pub fn handle_response(&mut self, id: RequestId, response: &Response) -> bool {
        match response {
            Response::Subnets(result) if self.refresh_id == Some(id) => {
                self.refresh_id = None;
                match result {
                    Ok(data) => {
                        self.data = Loadable::Ready(data.clone());
                        self.refresh_error = None;
                    }
                    Err(e) => self.refresh_error = Some(e.to_string()),
                }
                true
            }
            Response::Subnets(result) if self.data == Loadable::Loading(id) => {
                self.data = match result {
                    Ok(data) => Loadable::Ready(data.clone()),
                    Err(e) => Loadable::Failed(e.to_string()),
                };
                true
            }
            _ => false,
        }
    }
}

fn sort_key(
    subnet: &SubnetSummary,
    column: SubnetColumn,
    shares: &[(u16, Option<u64>)],
    my_stake: &BTreeMap<u16, Alpha>,
) -> (u128, String) {
    // Unknown sorts below every known share, 0% included.
    let share = shares
        .iter()
        .find(|(n, _)| *n == subnet.netuid)
        .and_then(|(_, s)| *s)
        .map_or(0, |s| u128::from(s) + 1);
    match column {
        SubnetColumn::Netuid => (u128::from(subnet.netuid), String::new()),
        SubnetColumn::Name => (0, subnet.name.to_lowercase()),
        SubnetColumn::Price => (
            u128::from(subnet.price_rao_per_alpha.unwrap_or(0)),
            String::new(),
        ),
        SubnetColumn::MarketCap => (market_cap_rao(subnet).unwrap_or(0), String::new()),
        SubnetColumn::TaoIn => (u128::from(subnet.tao_in_rao.0), String::new()),
        SubnetColumn::Emission => (share, String::new()),
        SubnetColumn::Tempo => (u128::from(subnet.tempo), String::new()),
        SubnetColumn::Burn => (
            u128::from(subnet.registration_cost_rao.map_or(0, |r| r.0)),
            String::new(),
        ),
        SubnetColumn::MyStake => (
            u128::from(my_stake.get(&subnet.netuid).map_or(0, |a| a.0)),
            String::new(),
        ),
    }
}

/// The table's columns: what each sorts by, its title key, and the term it explains.
const COLUMNS: [(SubnetColumn, &str, Option<Term>); 9] = [
    (SubnetColumn::Netuid, "subnets.col_netuid", None),
    (SubnetColumn::Name, "subnets.col_name", None),
    (SubnetColumn::Price, "subnets.col_price", Some(Term::Alpha)),
    (SubnetColumn::MarketCap, "subnets.col_market_cap", None),
    (SubnetColumn::TaoIn, "subnets.col_tao_in", None),
    (
        SubnetColumn::Emission,
        "subnets.col_emission",
        Some(Term::Emission),
    ),
    (SubnetColumn::Tempo, "subnets.col_tempo", Some(Term::Tempo)),
    (SubnetColumn::Burn, "subnets.col_burn", Some(Term::Burn)),
    (SubnetColumn::MyStake, "subnets.col_my_stake", None),
];

/// Draws the Subnets page; returns the netuid the user opened, if any.
pub fn subnets_ui(
    ui: &mut egui::Ui,
    state: &mut SubnetsPageState,
    core: &mut CoreHandle,
    my_stake: &BTreeMap<u16, Alpha>,
    theme: Theme,
) -> Option<u16> {
    let p = palette(theme);
    state.ensure_loaded(core);
    ui.heading(tr("subnets.title"));
    let (block, subnets) = match &state.data {
        Loadable::Idle | Loadable::Loading(_) => {
            ui.horizontal(|ui| {
                ui.add(egui::Spinner::new());
                ui.label(tr("subnets.loading"));
            });
            return None;
        }
        Loadable::Failed(reason) => {
            let reason = reason.clone();
            section_ui(ui, theme, &tr("subnets.failed"), |ui| {
                ui.label(RichText::new(reason).color(p.bad));
                if ui.button(tr("common.retry")).clicked() {
                    state.data = Loadable::Loading(core.send(Request::Subnets));
                }
            });
            return None;
        }
        Loadable::Ready((block, subnets)) => (block.clone(), subnets.clone()),
    };
    ui.label(
        RichText::new(tr_with(
            "subnets.at_block",
            &[("number", &thousands(block.number))],
        ))
        .color(p.muted),
    );
    if let Some(reason) = &state.refresh_error {
        ui.label(
            RichText::new(tr_with("common.refresh_failed", &[("reason", reason)])).color(p.bad),
        );
    }
    ui.add_space(spacing::SMALL);

    let shares: Vec<(u16, Option<u64>)> = subnets
        .iter()
        .map(|s| s.netuid)
        .zip(emission_shares_ppm(&subnets))
        .collect();
    emission_chart_ui(ui, &subnets, &shares, theme);

    ui.horizontal(|ui| {
        let label = ui.label(tr("subnets.search"));
        ui.add(egui::TextEdit::singleline(&mut state.search).desired_width(260.0))
            .labelled_by(label.id);
    });
    let needle = state.search.trim().to_lowercase();
    let mut rows: Vec<&SubnetSummary> = subnets
        .iter()
        .filter(|s| {
            needle.is_empty()
                || s.name.to_lowercase().contains(&needle)
                || s.symbol.to_lowercase().contains(&needle)
                || s.netuid.to_string() == needle
        })
        .collect();
    if subnets.is_empty() || rows.is_empty() {
        let empty = if subnets.is_empty() {
            EmptyState::new(tr("empty.subnets_title"), tr("empty.subnets_body"))
                .with_action(tr("empty.reload"))
        } else {
            EmptyState::new(
                tr_with("empty.no_match_title", &[("search", &state.search.trim())]),
                tr("empty.no_match_body"),
            )
            .with_action(tr("empty.clear_search"))
        };
        if empty_state_ui(ui, &empty, theme) {
            if subnets.is_empty() {
                state.data = Loadable::Loading(core.send(Request::Subnets));
            } else {
                state.search.clear();
            }
        }
        return None;
    }
    rows.sort_by(|a, b| {
        let order = sort_key(a, state.sort, &shares, my_stake)
            .cmp(&sort_key(b, state.sort, &shares, my_stake));
        if state.descending {
            order.reverse()
        } else {
            order
        }
    });

    let mut opened = None;
    // Headers stay on one line; a narrow window scrolls the table sideways instead.
    egui::ScrollArea::horizontal()
        .id_salt("subnets-table")
        .show(ui, |ui| {
            table_ui(ui, state, &rows, &shares, my_stake, theme, &mut opened);
        });
    opened
}

/// The sortable table of `rows`; sets `opened` when a subnet's number or name is pressed.
fn table_ui(
    ui: &mut egui::Ui,
    state: &mut SubnetsPageState,
    rows: &[&SubnetSummary],
    shares: &[(u16, Option<u64>)],
    my_stake: &BTreeMap<u16, Alpha>,
    theme: Theme,
    opened: &mut Option<u16>,
) {
    let columns = COLUMNS;
    TableBuilder::new(ui)
        .striped(true)
        .column(Column::exact(60.0))
        // Sized to the longest name shown, so short names leave room for every column.
        .column(Column::auto().at_least(90.0))
        .columns(Column::auto().at_least(70.0), columns.len() - 2)
        .header(24.0, |mut header| {
            for (column, key, term) in columns {
                header.col(|ui| {
                    let direction = (state.sort == column).then_some(state.descending);
                    if super::subnet::sort_button_ui(ui, &tr(key), direction, term, theme).clicked()
                    {
                        if state.sort == column {
                            state.descending = !state.descending;
                        } else {
                            state.sort = column;
                            state.descending =
                                !matches!(column, SubnetColumn::Netuid | SubnetColumn::Name);
                        }
                    }
                });
            }
        })
        .body(|body| {
            body.rows(24.0, rows.len(), |mut row| {
                let Some(subnet) = rows.get(row.index()) else {
                    return;
                };
                let share = shares
                    .iter()
                    .find(|(n, _)| *n == subnet.netuid)
                    .and_then(|(_, s)| *s);
                row.col(|ui| {
                    if ui.link(subnet.netuid.to_string()).clicked() {
                        *opened = Some(subnet.netuid);
                    }
                });
                row.col(|ui| {
                    let name = if subnet.name.is_empty() {
                        tr("subnets.unnamed")
                    } else {
                        subnet.name.clone()
                    };
                    if ui.link(format!("{} {}", subnet.symbol, name)).clicked() {
                        *opened = Some(subnet.netuid);
                    }
                });
                row.col(|ui| {
                    ui.label(
                        subnet
                            .price_rao_per_alpha
                            .map_or_else(|| tr("common.unknown"), price_text),
                    );
                });
                row.col(|ui| {
                    ui.label(market_cap_rao(subnet).map_or_else(
                        || tr("common.unknown"),
                        |cap| amount_text(u64::try_from(cap).unwrap_or(u64::MAX), "τ", 2),
                    ));
                });
                row.col(|ui| {
                    ui.label(amount_text(subnet.tao_in_rao.0, "τ", 2));
                });
                row.col(|ui| {
                    ui.label(share_text(share));
                });
                row.col(|ui| {
                    ui.label(subnet.tempo.to_string());
                });
                row.col(|ui| {
                    ui.label(
                        subnet
                            .registration_cost_rao
                            .map_or_else(|| tr("common.unknown"), |r| amount_text(r.0, "τ", 4)),
                    );
                });
                row.col(|ui| {
                    // Blank, not zero, where the user holds nothing: the column reads at a glance.
                    if let Some(alpha) = my_stake.get(&subnet.netuid) {
                        ui.label(amount_text(alpha.0, &subnet.symbol, 4));
                    }
                });
            });
        });
}

/// A bar chart of the largest emission shares (top 16), so the long tail does not hide them.
fn emission_chart_ui(
    ui: &mut egui::Ui,
    subnets: &[SubnetSummary],
    shares: &[(u16, Option<u64>)],
    theme: Theme,
) {
    let p = palette(theme);
    if shares.iter().all(|(_, share)| share.is_none()) {
        ui.label(RichText::new(tr("subnets.emission_unknown")).color(p.muted));
        return;
    }
    let mut top: Vec<(u16, u64)> = shares
        .iter()
        .filter_map(|(netuid, share)| Some((*netuid, (*share)?)))
        .filter(|(_, s)| *s > 0)
        .collect();
    top.sort_by_key(|(_, share)| std::cmp::Reverse(*share));
    top.truncate(16);
    if top.is_empty() {
        ui.label(RichText::new(tr("subnets.no_emission")).color(p.muted));
        return;
    }
    ui.label(RichText::new(tr("subnets.emission_chart")).strong());
    let width = ui.available_width().min(900.0);
    let area = chart_area(ui, egui::vec2(width, 180.0));
    let max = top.first().map_or(1, |(_, s)| *s).max(1) as f64 / 10_000.0;
    let n = top.len() as f64;
    // Room below zero for the netuid labels, drawn as text so every bar gets its own.
    let Ok(mut chart) = ChartBuilder::on(&area)
        .margin(6)
        .y_label_area_size(44)
        .build_cartesian_2d(0.0..n, -max * 0.14..max * 1.1)
    else {
        return;
    };
    let text = plot_colour(p.muted);
    let _ = chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .bold_line_style(plot_colour(p.card))
        .light_line_style(plot_colour(p.card))
        .axis_style(text)
        .label_style(("sans-serif", 12).into_font().color(&text))
        .y_label_formatter(&|v| {
            if *v < 0.0 {
                String::new()
            } else {
                crate::format::percent_float_text(*v, 1)
            }
        })
        .draw();
    let bar = plot_colour(p.accent);
    let _ = chart.draw_series(top.iter().enumerate().map(|(i, (_, share))| {
        let value = *share as f64 / 10_000.0;
        Rectangle::new(
            [(i as f64 + 0.15, 0.0), (i as f64 + 0.85, value)],
            bar.filled(),
        )
    }));
    let label_style = ("sans-serif", 12)
        .into_font()
        .color(&text)
        .pos(Pos::new(HPos::Center, VPos::Center));
    let _ = chart.draw_series(top.iter().enumerate().map(|(i, (netuid, _))| {
        let symbol = subnets
            .iter()
            .find(|s| s.netuid == *netuid)
            .map_or("", |s| s.symbol.as_str());
        Text::new(
            format!("{netuid}{symbol}"),
            (i as f64 + 0.5, -max * 0.07),
            label_style.clone(),
        )
    }));
}
