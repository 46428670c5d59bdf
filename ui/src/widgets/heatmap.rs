//! Weights and bonds heatmaps (validators × miners) for the subnet page, fetched only when
//! the user opens them: [`WeightsPanel`] holds the one request, [`heatmaps_ui`] draws two
//! collapsed sections, [`heatmap_ui`] paints one matrix.

use egui::{Color32, RichText, Sense};
use taoscope_core::explorer::weights::{StoredRows, WeightsAndBonds, max_value};
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::service::{CoreHandle, Request, RequestId, Response};
use taoscope_core::settings::Theme;

use crate::pages::wallet::Loadable;
use crate::theme::{palette, spacing};

/// The subnet's weights and bonds, once asked for.
pub struct WeightsPanel {
    netuid: u16,
    data: Loadable<Box<WeightsAndBonds>>,
}

impl WeightsPanel {
    /// Nothing fetched yet for `netuid`.
    pub fn new(netuid: u16) -> Self {
        WeightsPanel {
            netuid,
            data: Loadable::Idle,
        }
    }

    /// Asks for the weights and bonds unless they are there or on their way.
    pub fn ensure_loaded(&mut self, core: &mut CoreHandle) {
        if matches!(self.data, Loadable::Idle) {
            self.data = Loadable::Loading(core.send(Request::WeightsAndBonds {
                netuid: self.netuid,
            }));
        }
    }

    /// The data, once it has arrived.
    pub fn data(&self) -> Option<&WeightsAndBonds> {
        match &self.data {
            Loadable::Ready(w) => Some(w),
            _ => None,
        }
    }

    /// True once the data has arrived or failed.
    pub fn is_settled(&self) -> bool {
        self.data.is_settled()
    }

    /// Why the data could not be read, if it could not.
    pub fn failure(&self) -> Option<&str> {
        match &self.data {
            Loadable::Failed(reason) => Some(reason),
            _ => None,
        }
    }

    /// Takes the answer to this panel's request.
    pub fn handle_response(&mut self, id: RequestId, response: &Response) -> bool {
        match response {
            Response::WeightsAndBonds(result) if self.data == Loadable::Loading(id) => {
                self.data = match result {
                    Ok((_, w)) => Loadable::Ready(w.clone()),
                    Err(e) => Loadable::Failed(e.to_string()),
                };
                true
            }
            _ => false,
        }
    }
}

/// Two collapsed sections, "Weights" and "Bonds"; opening either fetches both.
pub fn heatmaps_ui(
    ui: &mut egui::Ui,
    panel: &mut WeightsPanel,
    core: &mut CoreHandle,
    theme: Theme,
) {
    for (key, pick) in [
        (
            "heatmap.weights",
            (|w: &WeightsAndBonds| &w.weights) as fn(&WeightsAndBonds) -> &StoredRows,
        ),
        ("heatmap.bonds", |w: &WeightsAndBonds| &w.bonds),
    ] {
        egui::CollapsingHeader::new(tr(key))
            .id_salt(("heatmap", key, panel.netuid))
            .default_open(false)
            .show(ui, |ui| {
                panel.ensure_loaded(core);
                match &panel.data {
                    Loadable::Ready(w) => heatmap_ui(ui, pick(w), theme),
                    Loadable::Failed(reason) => {
                        let reason = reason.clone();
                        ui.label(RichText::new(reason).color(palette(theme).warn));
                        if ui.button(tr("common.retry")).clicked() {
                            panel.data = Loadable::Idle;
                        }
                    }
                    _ => {
                        ui.horizontal(|ui| {
                            ui.add(egui::Spinner::new());
                            ui.label(tr("heatmap.loading"));
                        });
                    }
                }
            });
    }
}

/// One matrix: a row per validator that has a row, a column per miner any row names;
/// brighter is larger. Hovering shows the cell.
pub fn heatmap_ui(ui: &mut egui::Ui, rows: &StoredRows, theme: Theme) {
    let p = palette(theme);
    let validators: Vec<u16> = rows
        .iter()
        .filter(|(_, r)| !r.is_empty())
        .map(|(uid, _)| *uid)
        .collect();
    let mut miners: Vec<u16> = rows.values().flatten().map(|&(j, _)| j).collect();
    miners.sort_unstable();
    miners.dedup();
    if validators.is_empty() || miners.is_empty() {
        ui.label(RichText::new(tr("heatmap.empty")).color(p.muted));
        return;
    }
    ui.label(
        RichText::new(tr_with(
            "heatmap.caption",
            &[("rows", &validators.len()), ("columns", &miners.len())],
        ))
        .color(p.muted),
    );
    let max = f32::from(max_value(rows));
    let width = ui.available_width().min(900.0);
    let cell_h = (240.0 / validators.len() as f32).clamp(3.0, 14.0);
    let cell_w = width / miners.len() as f32;
    let size = egui::vec2(width, cell_h * validators.len() as f32);
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, p.card);
    let column_of = |uid: u16| miners.binary_search(&uid).ok();
    for (r, uid) in validators.iter().enumerate() {
        let Some(row) = rows.get(uid) else { continue };
        for &(j, v) in row {
            let (Some(c), true) = (column_of(j), v > 0) else {
                continue;
            };
            let t = (f32::from(v) / max).clamp(0.0, 1.0);
            let colour = lerp(p.card, p.accent, 0.15 + 0.85 * t);
            let min = rect.min + egui::vec2(c as f32 * cell_w, r as f32 * cell_h);
            painter.rect_filled(
                egui::Rect::from_min_size(min, egui::vec2(cell_w.max(1.0), cell_h)),
                0.0,
                colour,
            );
        }
    }
    if let Some(pos) = response.hover_pos() {
        let c = ((pos.x - rect.min.x) / cell_w) as usize;
        let r = ((pos.y - rect.min.y) / cell_h) as usize;
        if let (Some(&v_uid), Some(&m_uid)) = (validators.get(r), miners.get(c)) {
            let value = rows
                .get(&v_uid)
                .and_then(|row| row.iter().find(|(j, _)| *j == m_uid))
                .map_or(0, |&(_, v)| v);
            response.on_hover_text_at_pointer(tr_with(
                "heatmap.cell",
                &[("validator", &v_uid), ("miner", &m_uid), ("value", &value)],
            ));
        }
    }
    ui.add_space(spacing::SMALL);
}

fn lerp(a: Color32, b: Color32, t: f32) -> Color32 {
    let mix = |x: u8, y: u8| (f32::from(x) + (f32::from(y) - f32::from(x)) * t) as u8;
    Color32::from_rgb(mix(a.r(), b.r()), mix(a.g(), b.g()), mix(a.b(), b.b()))
}
