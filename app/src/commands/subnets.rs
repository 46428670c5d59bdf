//! `taoscope subnets`: every subnet with its pool, spot price, tempo and registration cost.

use taoscope_core::explorer::Rao;
use taoscope_core::i18n::tr;
use taoscope_core::network::Network;

use std::path::Path;

use super::snapshot::load_snapshot;
use super::{Align, Failure, print_json, print_table, read_pinned};

/// Reads every subnet at the newest finalized block, or from a snapshot, and prints them.
pub fn run(network: Network, snapshot: Option<&Path>, json: bool) -> Result<(), Failure> {
    let subnets = match snapshot {
        Some(path) => {
            let saved = load_snapshot(path)?;
            saved
                .subnets()
                .map_err(|e| Failure::failed(e.to_string()))?
                .to_vec()
        }
        None => read_pinned(&network, |at| async move { at.subnets().await })?,
    };
    if json {
        return print_json(&subnets);
    }
    let unknown = || tr("explorer.unknown");
    let mut rows = vec![vec![
        tr("explorer.netuid"),
        tr("explorer.name"),
        tr("explorer.symbol"),
        tr("explorer.price"),
        tr("explorer.tao_in"),
        tr("explorer.alpha_in"),
        tr("explorer.tempo"),
        tr("explorer.registration_cost"),
    ]];
    for s in &subnets {
        rows.push(vec![
            s.netuid.to_string(),
            s.name.clone(),
            s.symbol.clone(),
            s.price_rao_per_alpha
                .map(|p| Rao(p).to_string())
                .unwrap_or_else(unknown),
            s.tao_in_rao.to_string(),
            s.alpha_in.to_string(),
            s.tempo.to_string(),
            s.registration_cost_rao
                .map(|c| c.to_string())
                .unwrap_or_else(unknown),
        ]);
    }
    print_table(&rows, Align::Left)
}
