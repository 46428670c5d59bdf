//! `taoscope balance SS58`: an account's TAO balance and nonce.

use taoscope_core::i18n::tr;
use taoscope_core::network::Network;

use super::{Failure, parse_address, print_json, print_pairs, read_pinned};

/// Checks the address, reads `System.Account` at the newest finalized block and prints it.
pub fn run(network: Network, address: &str, json: bool) -> Result<(), Failure> {
    let account = parse_address("address", address)?;
    let balance = read_pinned(&network, |at| async move { at.balance(&account).await })?;
    if json {
        return print_json(&balance);
    }
    print_pairs(&[
        (tr("explorer.free"), balance.free_rao.to_string()),
        (tr("explorer.reserved"), balance.reserved_rao.to_string()),
        (tr("explorer.frozen"), balance.frozen_rao.to_string()),
        (tr("explorer.nonce"), balance.nonce.to_string()),
    ])
}
