//! Reads for the forecasts: what a reward forecast needs about one position, and the
//! observed issuance rate between two blocks.

use subxt::rpcs::rpc_params;

use super::reads::AccountKey;
use super::{ChainError, PinnedBlock};
use crate::explorer::decode::{decode_error, decode_storage_value};
use crate::explorer::{Metagraph, SubnetSummary};

const SUBTENSOR: &str = "SubtensorModule";

/// Everything a reward forecast reads, at one block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardInputs {
    /// The subnet's metagraph.
    pub metagraph: Metagraph,
    /// The subnet's row in the subnets list (spot price, emissions); `None` when the node
    /// could not give it.
    pub subnet: Option<SubnetSummary>,
    /// The validator's take, 0..=65535; `None` when it could not be read.
    pub take_u16: Option<u16>,
}

/// `SubtensorModule.TotalIssuance` at two blocks and the net rate between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuanceObservation {
    /// The later block (the pinned one).
    pub head_block: u64,
    /// Issuance there, rao.
    pub head_issuance_rao: u64,
    /// The earlier block.
    pub earlier_block: u64,
    /// Issuance there, rao.
    pub earlier_issuance_rao: u64,
}

impl IssuanceObservation {
    /// Net rao added per block between the two blocks (0 when issuance fell).
    pub fn rao_per_block(&self) -> u64 {
        let blocks = self.head_block.saturating_sub(self.earlier_block).max(1);
        self.head_issuance_rao
            .saturating_sub(self.earlier_issuance_rao)
            / blocks
    }
}

impl PinnedBlock {
    /// `hotkey`'s take (`Delegates`), 0..=65535, or the chain's default when never set.
    pub async fn delegate_take(&self, hotkey: &AccountKey) -> Result<Option<u16>, ChainError> {
        self.storage_value::<u16>(SUBTENSOR, "Delegates", (hotkey,))
            .await
    }

    /// The metagraph, the subnet's row and the validator's take, read in parallel. Only
    /// the metagraph is required: a node that cannot give the other two (an older runtime,
    /// a recording) leaves them unknown, and the forecast says which assumption replaces them.
    pub async fn reward_inputs(
        &self,
        netuid: u16,
        hotkey: &AccountKey,
    ) -> Result<RewardInputs, ChainError> {
        let (metagraph, subnets, take) = futures::join!(
            self.metagraph(netuid),
            self.subnets(),
            self.delegate_take(hotkey)
        );
        let metagraph = metagraph?;
        let subnet = match subnets {
            Ok(list) => list.into_iter().find(|s| s.netuid == netuid),
            Err(e) => {
                tracing::info!(target: "taoscope::chain", "subnets list unavailable for the forecast: {e}");
                None
            }
        };
        let take_u16 = take.unwrap_or_else(|e| {
            tracing::info!(target: "taoscope::chain", "take unavailable for the forecast: {e}");
            None
        });
        Ok(RewardInputs {
            metagraph,
            subnet,
            take_u16,
        })
    }

    /// `TotalIssuance` here and `blocks_back` blocks earlier, in one pair of reads: the
    /// earlier block's hash, then both values.
    pub async fn issuance_observation(
        &self,
        blocks_back: u64,
    ) -> Result<IssuanceObservation, ChainError> {
        let head_block = self.block().number;
        let earlier_block = head_block.saturating_sub(blocks_back.max(1));
        let key = self.storage_key(SUBTENSOR, "TotalIssuance", ())?;
        let hash: Option<String> = self
            .client()
            .call("chain_getBlockHash", rpc_params![earlier_block])
            .await?;
        let hash = hash.ok_or_else(|| {
            decode_error(
                "chain_getBlockHash",
                format!("the node has no block {earlier_block}"),
            )
        })?;
        let key_hex = format!("0x{}", hex::encode(&key));
        let (head, earlier) = futures::try_join!(self.storage_raw(&key), async {
            let answer: Option<String> = self
                .client()
                .call("state_getStorage", rpc_params![&key_hex, &hash])
                .await?;
            answer
                .map(|h| {
                    hex::decode(h.strip_prefix("0x").unwrap_or(&h))
                        .map_err(|e| decode_error("state_getStorage", format!("not hex: {e}")))
                })
                .transpose()
        })?;
        let value = |raw: Option<Vec<u8>>| -> Result<u64, ChainError> {
            Ok(decode_storage_value::<u64>(
                self.metadata(),
                SUBTENSOR,
                "TotalIssuance",
                raw.as_deref(),
            )?
            .unwrap_or(0))
        };
        Ok(IssuanceObservation {
            head_block,
            head_issuance_rao: value(head)?,
            earlier_block,
            earlier_issuance_rao: value(earlier)?,
        })
    }
}
