//! `taoscope snapshot save|info`, and loading a snapshot for `--snapshot FILE`.

use std::path::Path;

use taoscope_core::chain::SnapshotPlan;
use taoscope_core::explorer::snapshot::{Snapshot, utc_text};
use taoscope_core::i18n::tr;
use taoscope_core::network::{FINNEY_GENESIS_HASH, Network};

use super::{Failure, print_json, print_pairs, read_pinned};
use crate::cli::SnapshotSaveArgs;

/// The snapshot at `path`; the name `bundled` means the one built into Taoscope.
pub fn load_snapshot(path: &Path) -> Result<Snapshot, Failure> {
    let loaded = if path == Path::new("bundled") {
        Snapshot::bundled()
    } else {
        Snapshot::load(path)
    };
    loaded.map_err(|e| Failure::failed(e.to_string()))
}

/// Reads the plan's parts at the newest finalized block and writes them to `--out`.
pub fn save(network: Network, args: &SnapshotSaveArgs) -> Result<(), Failure> {
    let plan = SnapshotPlan {
        metagraphs_only: args.metagraphs_only,
        netuids: (!args.netuid.is_empty()).then(|| args.netuid.clone()),
    };
    let given_name = network.name().to_string();
    let snapshot = read_pinned(&network, |at| async move {
        // A node with finney's genesis is finney, whatever address reached it.
        let name = if at.genesis_hash() == FINNEY_GENESIS_HASH {
            "finney".to_string()
        } else {
            given_name
        };
        at.snapshot(&name, &plan).await
    })?;
    snapshot
        .save(&args.out)
        .map_err(|e| Failure::failed(e.to_string()))?;
    print_pairs(&summary(&snapshot))
}

/// Prints what a snapshot holds.
pub fn info(path: &Path, json: bool) -> Result<(), Failure> {
    let snapshot = load_snapshot(path)?;
    if json {
        return print_json(&serde_json::json!({
            "format": snapshot.format,
            "network": snapshot.network,
            "genesis_hash": snapshot.genesis_hash,
            "block": snapshot.block,
            "block_time_ms": snapshot.block_time_ms,
            "note": snapshot.note,
            "subnets": snapshot.subnets.as_ref().map(Vec::len),
            "totals": snapshot.totals.is_some(),
            "metagraphs": snapshot.metagraphs.iter().map(|m| m.netuid).collect::<Vec<_>>(),
        }));
    }
    print_pairs(&summary(&snapshot))
}

fn summary(snapshot: &Snapshot) -> Vec<(String, String)> {
    let unknown = || tr("explorer.unknown");
    let netuids: Vec<String> = snapshot
        .metagraphs
        .iter()
        .map(|m| m.netuid.to_string())
        .collect();
    vec![
        (tr("settings.network"), snapshot.network.clone()),
        (tr("explorer.block"), snapshot.block.number.to_string()),
        (
            tr("explorer.block_time"),
            snapshot.block_time_ms.map(utc_text).unwrap_or_else(unknown),
        ),
        (
            tr("explorer.subnets_saved"),
            snapshot
                .subnets
                .as_ref()
                .map(|s| s.len().to_string())
                .unwrap_or_else(|| tr("explorer.not_saved")),
        ),
        (tr("explorer.metagraphs_saved"), netuids.join(", ")),
        (tr("explorer.note"), snapshot.note.clone()),
    ]
}
