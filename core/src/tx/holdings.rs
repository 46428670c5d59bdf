//! What a transaction changed: the signer's free balance and the stake positions it
//! touches, read before (at the quote's block) and after (at a finalized block), in
//! integer base units.

use serde::Serialize;

use super::call::Action;
use super::error::TxError;
use crate::chain::PinnedBlock;
use crate::keys::AccountId;

/// One stake position: the signer's alpha with a validator on a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PositionHolding {
    /// The validator's hotkey, SS58.
    pub hotkey: String,
    /// The subnet.
    pub netuid: u16,
    /// Alpha units (rao on root).
    pub alpha: u64,
}

/// The signer's balance and the positions an action touches, at one block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holdings {
    /// The block they were read at.
    pub block: u64,
    /// Free balance, rao.
    pub free_rao: u64,
    /// The touched positions (those held, and those named by the action even when empty).
    pub positions: Vec<PositionHolding>,
}

/// Which positions an action touches: (hotkey, subnet), or every subnet of a hotkey.
fn touched(action: &Action) -> (Vec<(AccountId, u16)>, Option<AccountId>) {
    match action {
        Action::AddStake { hotkey, netuid, .. }
        | Action::RemoveStake { hotkey, netuid, .. }
        | Action::RemoveStakeFull { hotkey, netuid, .. } => (vec![(*hotkey, *netuid)], None),
        Action::MoveStake {
            origin_hotkey,
            destination_hotkey,
            origin_netuid,
            destination_netuid,
            ..
        } => (
            vec![
                (*origin_hotkey, *origin_netuid),
                (*destination_hotkey, *destination_netuid),
            ],
            None,
        ),
        Action::SwapStake {
            hotkey,
            origin_netuid,
            destination_netuid,
            ..
        } => (
            vec![(*hotkey, *origin_netuid), (*hotkey, *destination_netuid)],
            None,
        ),
        Action::TransferStake {
            hotkey,
            origin_netuid,
            ..
        } => (vec![(*hotkey, *origin_netuid)], None),
        Action::UnstakeAll { hotkey } | Action::UnstakeAllAlpha { hotkey } => {
            (Vec::new(), Some(*hotkey))
        }
        Action::Transfer { .. }
        | Action::BurnedRegister { .. }
        | Action::RegisterLimit { .. }
        | Action::ClaimRoot { .. } => (Vec::new(), None),
    }
}

/// Reads `signer`'s free balance and the positions `action` touches at `pinned`. `also`
/// adds positions to report even if empty now (those held before, for the after read).
pub async fn read_holdings(
    pinned: &PinnedBlock,
    signer: &AccountId,
    action: &Action,
    also: &[PositionHolding],
) -> Result<Holdings, TxError> {
    let chain = |e: crate::chain::ChainError| TxError::Chain(e.to_string());
    let key = *signer.as_bytes();
    let balance = pinned.balance(&key).await.map_err(chain)?;
    let (named, every_subnet_of) = touched(action);
    let mut wanted: Vec<(String, u16)> = named.iter().map(|(h, n)| (h.to_ss58(), *n)).collect();
    wanted.extend(also.iter().map(|p| (p.hotkey.clone(), p.netuid)));
    let needs_stakes = !wanted.is_empty() || every_subnet_of.is_some();
    let stakes = if needs_stakes {
        pinned.stake_for_coldkey(&key).await.map_err(chain)?
    } else {
        Vec::new()
    };
    if let Some(hotkey) = every_subnet_of {
        let hotkey = hotkey.to_ss58();
        wanted.extend(
            stakes
                .iter()
                .filter(|s| s.hotkey == hotkey && s.stake.0 > 0)
                .map(|s| (s.hotkey.clone(), s.netuid)),
        );
    }
    let mut positions: Vec<PositionHolding> = Vec::new();
    for (hotkey, netuid) in wanted {
        if positions
            .iter()
            .any(|p| p.hotkey == hotkey && p.netuid == netuid)
        {
            continue;
        }
        let alpha = stakes
            .iter()
            .filter(|s| s.hotkey == hotkey && s.netuid == netuid)
            .map(|s| s.stake.0)
            .fold(0u64, u64::saturating_add);
        positions.push(PositionHolding {
            hotkey,
            netuid,
            alpha,
        });
    }
    Ok(Holdings {
        block: pinned.block().number,
        free_rao: balance.free_rao.0,
        positions,
    })
}

/// A signed difference of two base-unit amounts.
pub fn change(before: u64, after: u64) -> i128 {
    i128::from(after) - i128::from(before)
}

/// A signed base-unit change as text: "+1.5", "-0.000215", "0".
pub fn change_text(change: i128) -> String {
    let magnitude = u64::try_from(change.unsigned_abs()).unwrap_or(u64::MAX);
    let text = crate::amount::units_text_short(magnitude);
    match change.signum() {
        1 => format!("+{text}"),
        -1 => format!("-{text}"),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_signed_and_exact() {
        assert_eq!(change(10_000_000_000, 8_499_785_000), -1_500_215_000);
        assert_eq!(change_text(-1_500_215_000), "-1.500215");
        assert_eq!(change_text(37_400_000_000), "+37.4");
        assert_eq!(change_text(0), "0");
        assert_eq!(change(u64::MAX, 0), -i128::from(u64::MAX));
    }
}
