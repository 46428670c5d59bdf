//! `taoscope metagraph --netuid N`: a subnet's neurons at one block.

use taoscope_core::explorer::table::proportion_text;
use taoscope_core::i18n::{tr, tr_count, tr_with};
use taoscope_core::network::Network;

use std::path::Path;

use super::snapshot::load_snapshot;
use super::{Align, Failure, emit, print_json, print_table, read_pinned};

/// Reads subnet `netuid`'s metagraph at the newest finalized block, or from a snapshot,
/// and prints it.
pub fn run(
    network: Network,
    netuid: u16,
    snapshot: Option<&Path>,
    json: bool,
) -> Result<(), Failure> {
    let metagraph = match snapshot {
        Some(path) => load_snapshot(path)?
            .metagraph(netuid)
            .map_err(|e| Failure::failed(e.to_string()))?
            .clone(),
        None => read_pinned(&network, |at| async move { at.metagraph(netuid).await })?,
    };
    if json {
        return print_json(&metagraph);
    }
    let heading = tr_with(
        "explorer.metagraph_heading",
        &[
            ("netuid", &metagraph.netuid),
            (
                "neurons",
                &tr_count("unit.neurons", u64::from(metagraph.n), &[]),
            ),
            ("block", &metagraph.block),
        ],
    );
    emit(&format!("{heading}\n"))?;
    let mut rows = vec![vec![
        tr("explorer.uid"),
        tr("explorer.hotkey"),
        tr("explorer.coldkey"),
        tr("explorer.stake"),
        tr("explorer.incentive"),
        tr("explorer.dividends"),
        tr("explorer.emission"),
        tr("explorer.validator"),
    ]];
    for n in &metagraph.neurons {
        rows.push(vec![
            n.uid.to_string(),
            n.hotkey.clone(),
            n.coldkey.clone(),
            n.stake.to_string(),
            proportion_text(n.incentive),
            proportion_text(n.dividends),
            n.emission.to_string(),
            if n.validator_permit { "✓" } else { "" }.to_string(),
        ]);
    }
    print_table(&rows, Align::Left)
}
