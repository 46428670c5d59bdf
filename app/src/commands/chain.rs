//! `taoscope chain info`.

use taoscope_core::chain::ChainClient;
use taoscope_core::i18n::tr;
use taoscope_core::network::Network;

use super::Failure;

/// Connects, reads the chain facts and prints them.
pub fn info(network: Network, json: bool) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::failed(e.to_string()))?;
    let info = runtime
        .block_on(async {
            let client = ChainClient::connect(&network).await?;
            client.info().await
        })
        .map_err(|e| Failure::failed(e.to_string()))?;
    if json {
        let text =
            serde_json::to_string_pretty(&info).map_err(|e| Failure::failed(e.to_string()))?;
        println!("{text}");
    } else {
        let rows = [
            (tr("settings.node_address"), network.url().to_string()),
            (tr("settings.node_chain"), info.chain.clone()),
            (tr("settings.node_genesis"), info.genesis_hash.clone()),
            (tr("settings.node_best"), info.best_block.to_string()),
            (
                tr("settings.node_finalized"),
                info.finalized_block.to_string(),
            ),
            (tr("settings.node_spec"), info.spec_version.to_string()),
        ];
        let width = rows
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        for (key, value) in rows {
            println!("{key:<width$}  {value}");
        }
    }
    Ok(())
}
