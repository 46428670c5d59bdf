//! `taoscope hotkey SS58`: where a hotkey is registered and who owns it.

use taoscope_core::i18n::tr;
use taoscope_core::network::Network;

use super::{Failure, parse_address, print_json, print_pairs, read_pinned};

/// Checks the hotkey, reads its registrations at the newest finalized block and prints them.
pub fn run(network: Network, address: &str, json: bool) -> Result<(), Failure> {
    let hotkey = parse_address("hotkey", address)?;
    let found = read_pinned(&network, |at| async move {
        at.hotkey_registrations(&hotkey).await
    })?;
    if json {
        return print_json(&found);
    }
    let uids: Vec<String> = found
        .uids
        .iter()
        .map(|(netuid, uid)| format!("{netuid}:{uid}"))
        .collect();
    print_pairs(&[
        (tr("explorer.hotkey"), found.hotkey.clone()),
        (
            tr("explorer.owner"),
            found
                .owner_coldkey
                .clone()
                .unwrap_or_else(|| tr("explorer.unknown")),
        ),
        (
            tr("explorer.registered_on"),
            if uids.is_empty() {
                tr("explorer.nowhere")
            } else {
                uids.join(", ")
            },
        ),
    ])
}
