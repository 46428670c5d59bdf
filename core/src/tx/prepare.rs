//! Before signing: read what the action depends on at one pinned block, put the price
//! bound on it, quote it with the node's own swap simulation and fee API, and check it the
//! way the chain will, so a doomed transaction is stopped with a reason instead of sent.

use parity_scale_codec::Encode;
use serde::Serialize;

use super::build::{ChainContext, build_for_fee_quote};
use super::call::{Action, PriceLimit};
use super::error::TxError;
use crate::amount::UNITS_PER_TOKEN;
use crate::chain::{ChainError, PinnedBlock};
use crate::explorer::Balance;
use crate::explorer::decode::{STAKE_INFO_API, SWAP_API, decode_api_answer, decode_error};
use crate::explorer::wire::{DispatchInfoWire, SimSwapWire};
use crate::keys::AccountId;

/// The chain's minimum stake: 0.002 TAO (`DefaultMinStake`).
pub const MIN_STAKE_RAO: u64 = 2_000_000;
/// The existential deposit: an account below it is closed (500 rao).
pub const EXISTENTIAL_DEPOSIT_RAO: u64 = 500;
/// Price impact above which the review screen warns (2%).
pub const HIGH_IMPACT_PPM: u64 = 20_000;

const PPM: u64 = 1_000_000;
const PAYMENT_API: &str = "TransactionPaymentApi";
const NONCE_API: &str = "AccountNonceApi";

/// How far the price may move against the user before the chain refuses the order,
/// in parts per million (0.5% = 5,000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tolerance(pub u32);

impl Tolerance {
    /// 0.5%, the default.
    pub const DEFAULT: Tolerance = Tolerance(5_000);

    /// Reads a percentage such as "0.5" or "2" (at most 4 decimals, at most 50%).
    pub fn parse_percent(text: &str) -> Result<Tolerance, TxError> {
        let bad = || TxError::BadTolerance {
            text: text.trim().to_string(),
        };
        // Percent with 4 decimals is exactly parts per million.
        let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty()
            || !digits(whole)
            || !digits(fraction)
            || fraction.len() > 4
        {
            return Err(bad());
        }
        let whole: u32 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let mut frac = 0u32;
        for (i, b) in fraction.bytes().enumerate() {
            frac += u32::from(b - b'0') * 10u32.pow(3 - i as u32);
        }
        let ppm = whole
            .checked_mul(10_000)
            .and_then(|w| w.checked_add(frac))
            .ok_or_else(bad)?;
        if ppm == 0 || ppm > 500_000 {
            return Err(bad());
        }
        Ok(Tolerance(ppm))
    }
}

/// Something the user should see before signing; none of them stops the transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum Warning {
    /// The destination is a registered hotkey: TAO sent there is usually lost to newcomers.
    DestinationIsHotkey,
    /// After this the account keeps less than the existential deposit and is closed.
    ClosesAccount,
    /// The price would move this much (parts per million) from the order alone.
    HighPriceImpact {
        /// Impact in ppm.
        ppm: u64,
    },
    /// The validator holds no UID on this subnet (it earns nothing there).
    HotkeyNotOnSubnet {
        /// The subnet.
        netuid: u16,
    },
    /// The coldkey has root stake whose dividends may be unclaimed; unstaking first can
    /// forfeit them.
    UnclaimedRootDividends,
    /// The node offers the MEV shield, but this transaction goes out unshielded.
    NotShielded,
    /// The fee is taken in alpha from the position, not from the TAO balance.
    FeeTakenFromStake,
    /// Unstake-all sells each of these positions in full, so no dust stays behind;
    /// with `to_root` the TAO is staked again on root (subnet 0) with the same validator.
    SellsEveryPosition {
        /// Positions with this validator that are sold.
        positions: usize,
        /// `unstake_all_alpha`: the TAO goes to root stake, not to the free balance.
        to_root: bool,
    },
}

impl Warning {
    /// The warning as a full sentence in the user's language (CLI and window alike).
    pub fn describe(&self) -> String {
        use crate::i18n::{tr, tr_with};
        match self {
            Warning::DestinationIsHotkey => tr("tx.warning.destination_is_hotkey"),
            Warning::ClosesAccount => tr("tx.warning.closes_account"),
            Warning::HighPriceImpact { ppm } => tr_with(
                "tx.warning.high_price_impact",
                &[(
                    "percent",
                    &format!("{}.{:02}", ppm / 10_000, (ppm % 10_000) / 100),
                )],
            ),
            Warning::HotkeyNotOnSubnet { netuid } => {
                tr_with("tx.warning.hotkey_not_on_subnet", &[("netuid", netuid)])
            }
            Warning::UnclaimedRootDividends => tr("tx.warning.unclaimed_root_dividends"),
            Warning::NotShielded => tr("tx.warning.not_shielded"),
            Warning::FeeTakenFromStake => tr("tx.warning.fee_taken_from_stake"),
            Warning::SellsEveryPosition { positions, to_root } => {
                let count = u64::try_from(*positions).unwrap_or(u64::MAX);
                let positions = crate::i18n::tr_count("unit.positions", count, &[]);
                let key = if *to_root {
                    "tx.warning.sells_every_position_to_root"
                } else {
                    "tx.warning.sells_every_position"
                };
                tr_with(key, &[("positions", &positions)])
            }
        }
    }
}

/// The numbers the review screen shows. Amounts are base units of the token named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Quote {
    /// Spot price of the (origin) subnet, rao per alpha.
    pub price_rao_per_alpha: Option<u64>,
    /// Spot price of the destination subnet for swaps and moves.
    pub destination_price_rao_per_alpha: Option<u64>,
    /// What the swap is expected to give: alpha for a stake, rao for an unstake.
    pub expected_out: Option<u64>,
    /// The least it may give under the price bound.
    pub minimum_out: Option<u64>,
    /// The pool's fee, in the input token.
    pub swap_fee: Option<u64>,
    /// Price impact of this order alone, parts per million.
    pub price_impact_ppm: Option<u64>,
    /// The transaction fee, rao (taken in alpha for stake moves).
    pub tx_fee_rao: Option<u64>,
    /// The bound put on the order (rao per alpha, or the price ratio × 10^9 for swaps).
    pub limit_price: Option<u64>,
    /// The tolerance the bound came from.
    pub tolerance_ppm: u32,
    /// What registering burns now, rao (registration only).
    pub burn_rao: Option<u64>,
    /// The shield wrapper's own fee, rao, paid in TAO on top of `tx_fee_rao` when the
    /// transaction goes out shielded.
    pub shield_fee_rao: Option<u64>,
    /// What the chain charges for moving this stake (`StakeInfoRuntimeApi_get_stake_fee`),
    /// in the input token; `None` for other actions or where the runtime lacks the API.
    pub stake_fee: Option<u64>,
}

/// An action checked, bounded and quoted at one block, with what signing needs.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The action with its price bound filled in.
    pub action: Action,
    /// What the signature commits to (metadata, versions, era block, nonce).
    pub context: ChainContext,
    /// The numbers to show.
    pub quote: Quote,
    /// What to warn about.
    pub warnings: Vec<Warning>,
    /// The signer's balance at the pinned block.
    pub balance: Balance,
    /// The block the quote is from.
    pub block_number: u64,
    /// The MEV shield key this stake move will be encrypted to (read again just before
    /// signing); `None` sends it unshielded.
    pub shield: Option<super::shield::ShieldKey>,
}

impl Prepared {
    /// Whether it goes out shielded (protected from front-running).
    pub fn shielded(&self) -> bool {
        self.shield.is_some()
    }

    /// The user's opt-out: send unshielded, and say so on the review where the node
    /// offered the shield. The shield's own fee no longer applies.
    pub fn without_shield(mut self) -> Prepared {
        if self.shield.take().is_some() && !self.warnings.contains(&Warning::NotShielded) {
            self.warnings.push(Warning::NotShielded);
        }
        self.quote.shield_fee_rao = None;
        self
    }

    /// Every TAO fee this sends: the call's own (unless taken in alpha) and the shield's.
    pub fn tao_fee_rao(&self) -> u64 {
        let own = if self.action.fee_paid_in_alpha() {
            0
        } else {
            self.quote.tx_fee_rao.unwrap_or(0)
        };
        own.saturating_add(self.quote.shield_fee_rao.unwrap_or(0))
    }
}

fn chain(e: ChainError) -> TxError {
    TxError::Chain(e.to_string())
}

fn account_key(a: &AccountId) -> [u8; 32] {
    *a.as_bytes()
}

/// Applies the tolerance to a price: `up` for a ceiling (buying), else a floor.
pub fn bounded_price(price: u64, tolerance: Tolerance, up: bool) -> u64 {
    let t = u128::from(tolerance.0);
    let p = u128::from(price);
    let bounded = if up {
        p * (u128::from(PPM) + t) / u128::from(PPM)
    } else {
        p * (u128::from(PPM) - t) / u128::from(PPM)
    };
    u64::try_from(bounded).unwrap_or(u64::MAX)
}

fn impact_ppm(actual: u64, slippage: u64) -> Option<u64> {
    let ideal = u128::from(actual) + u128::from(slippage);
    (ideal > 0)
        .then(|| u64::try_from(u128::from(slippage) * u128::from(PPM) / ideal).unwrap_or(u64::MAX))
}

/// Reads, bounds, quotes and checks `action` for `signer` at `pinned`.
///
/// `guarded` puts a price bound on stake, unstake and swap (the default); without it the
/// plain calls go out. Errors name the first check that fails; nothing is signed here.
pub async fn prepare(
    pinned: &PinnedBlock,
    mut action: Action,
    signer: AccountId,
    tolerance: Tolerance,
    guarded: bool,
) -> Result<Prepared, TxError> {
    let metadata = pinned.metadata();
    let signer_key = account_key(&signer);
    let (balance, nonce, era_hash) = futures::try_join!(
        async { pinned.balance(&signer_key).await.map_err(chain) },
        account_nonce(pinned, &signer),
        async {
            let hash = pinned.block().hash.trim_start_matches("0x");
            hex::decode(hash)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| TxError::Chain(format!("bad block hash {hash}")))
        }
    )?;

    let mut quote = Quote {
        tolerance_ppm: tolerance.0,
        ..Quote::default()
    };
    let mut warnings = Vec::new();
    check_subnets(pinned, &action).await?;

    let mut replacement = None;
    let unstake_to_root = matches!(action, Action::UnstakeAllAlpha { .. });
    match &mut action {
        Action::Transfer { dest, .. } => {
            if *dest == signer {
                return Err(TxError::SendToSelf);
            }
            if pinned
                .hotkey_owner(&account_key(dest))
                .await
                .map_err(chain)?
                .is_some()
            {
                warnings.push(Warning::DestinationIsHotkey);
            }
        }
        Action::AddStake {
            hotkey,
            netuid,
            amount,
            limit,
        } => {
            require_hotkey(pinned, hotkey).await?;
            if amount.0 < MIN_STAKE_RAO {
                return Err(TxError::BelowMinimumStake {
                    minimum_rao: MIN_STAKE_RAO,
                });
            }
            note_registration(pinned, *netuid, hotkey, &mut warnings).await?;
            let price = alpha_price(pinned, *netuid).await?;
            quote.price_rao_per_alpha = Some(price);
            if let Some(sim) = sim_swap(pinned, "sim_swap_tao_for_alpha", *netuid, amount.0).await?
            {
                quote.expected_out = sim.alpha_amount;
                quote.swap_fee = sim.tao_fee;
                quote.price_impact_ppm = impact_ppm(
                    sim.alpha_amount.unwrap_or(0),
                    sim.alpha_slippage.unwrap_or(0),
                );
            }
            if guarded && *netuid != 0 {
                let limit_price = bounded_price(price, tolerance, true);
                *limit = Some(PriceLimit {
                    limit_price,
                    allow_partial: false,
                });
                quote.limit_price = Some(limit_price);
                let spend = amount.0 - quote.swap_fee.unwrap_or(0).min(amount.0);
                quote.minimum_out = (limit_price > 0).then(|| {
                    u64::try_from(
                        u128::from(spend) * u128::from(UNITS_PER_TOKEN) / u128::from(limit_price),
                    )
                    .unwrap_or(u64::MAX)
                });
            }
        }
        Action::RemoveStake {
            hotkey,
            netuid,
            amount,
            limit,
        } => {
            let held = position(pinned, &signer, hotkey, *netuid).await?;
            if amount.0 > held {
                return Err(TxError::NotEnoughStake {
                    wanted: amount.0,
                    held,
                });
            }
            root_dividend_reminder(pinned, &signer, &mut warnings).await?;
            let price = alpha_price(pinned, *netuid).await?;
            quote.price_rao_per_alpha = Some(price);
            if let Some(sim) = sim_swap(pinned, "sim_swap_alpha_for_tao", *netuid, amount.0).await?
            {
                quote.expected_out = sim.tao_amount;
                quote.swap_fee = sim.alpha_fee;
                quote.price_impact_ppm =
                    impact_ppm(sim.tao_amount.unwrap_or(0), sim.tao_slippage.unwrap_or(0));
                // A partial unstake must give at least the minimum stake in TAO.
                if amount.0 < held && sim.tao_amount.is_some_and(|t| t < MIN_STAKE_RAO) {
                    return Err(TxError::BelowMinimumStake {
                        minimum_rao: MIN_STAKE_RAO,
                    });
                }
            }
            if guarded && *netuid != 0 {
                let limit_price = bounded_price(price, tolerance, false);
                *limit = Some(PriceLimit {
                    limit_price,
                    allow_partial: false,
                });
                quote.limit_price = Some(limit_price);
                quote.minimum_out = Some(
                    u64::try_from(
                        u128::from(amount.0) * u128::from(limit_price)
                            / u128::from(UNITS_PER_TOKEN),
                    )
                    .unwrap_or(u64::MAX),
                );
            }
        }
        Action::RemoveStakeFull {
            hotkey,
            netuid,
            limit_price,
        } => {
            let held = position(pinned, &signer, hotkey, *netuid).await?;
            if held == 0 {
                return Err(TxError::NotEnoughStake { wanted: 1, held });
            }
            root_dividend_reminder(pinned, &signer, &mut warnings).await?;
            let price = alpha_price(pinned, *netuid).await?;
            quote.price_rao_per_alpha = Some(price);
            if let Some(sim) = sim_swap(pinned, "sim_swap_alpha_for_tao", *netuid, held).await? {
                quote.expected_out = sim.tao_amount;
                quote.swap_fee = sim.alpha_fee;
                quote.price_impact_ppm =
                    impact_ppm(sim.tao_amount.unwrap_or(0), sim.tao_slippage.unwrap_or(0));
            }
            if guarded && *netuid != 0 {
                let bound = bounded_price(price, tolerance, false);
                *limit_price = Some(bound);
                quote.limit_price = Some(bound);
            }
        }
        Action::MoveStake {
            origin_hotkey,
            destination_hotkey,
            origin_netuid,
            destination_netuid,
            amount,
        } => {
            require_hotkey(pinned, destination_hotkey).await?;
            let held = position(pinned, &signer, origin_hotkey, *origin_netuid).await?;
            if amount.0 > held {
                return Err(TxError::NotEnoughStake {
                    wanted: amount.0,
                    held,
                });
            }
            note_registration(
                pinned,
                *destination_netuid,
                destination_hotkey,
                &mut warnings,
            )
            .await?;
            quote.price_rao_per_alpha = Some(alpha_price(pinned, *origin_netuid).await?);
            quote.destination_price_rao_per_alpha =
                Some(alpha_price(pinned, *destination_netuid).await?);
        }
        Action::SwapStake {
            hotkey,
            origin_netuid,
            destination_netuid,
            amount,
            limit,
        } => {
            if origin_netuid == destination_netuid {
                return Err(TxError::SameSubnet);
            }
            let held = position(pinned, &signer, hotkey, *origin_netuid).await?;
            if amount.0 > held {
                return Err(TxError::NotEnoughStake {
                    wanted: amount.0,
                    held,
                });
            }
            let origin = alpha_price(pinned, *origin_netuid).await?;
            let destination = alpha_price(pinned, *destination_netuid).await?;
            quote.price_rao_per_alpha = Some(origin);
            quote.destination_price_rao_per_alpha = Some(destination);
            if guarded && destination > 0 {
                let ratio = u64::try_from(
                    u128::from(origin) * u128::from(UNITS_PER_TOKEN) / u128::from(destination),
                )
                .unwrap_or(u64::MAX);
                let limit_price = bounded_price(ratio, tolerance, false);
                *limit = Some(PriceLimit {
                    limit_price,
                    allow_partial: false,
                });
                quote.limit_price = Some(limit_price);
            }
        }
        Action::TransferStake {
            destination_coldkey,
            hotkey,
            origin_netuid,
            amount,
            ..
        } => {
            if *destination_coldkey == signer {
                return Err(TxError::SendToSelf);
            }
            let held = position(pinned, &signer, hotkey, *origin_netuid).await?;
            if amount.0 > held {
                return Err(TxError::NotEnoughStake {
                    wanted: amount.0,
                    held,
                });
            }
            if pinned
                .hotkey_owner(&account_key(destination_coldkey))
                .await
                .map_err(chain)?
                .is_some()
            {
                warnings.push(Warning::DestinationIsHotkey);
            }
        }
        Action::UnstakeAll { hotkey } | Action::UnstakeAllAlpha { hotkey } => {
            let stakes = pinned.stake_for_coldkey(&signer_key).await.map_err(chain)?;
            let hotkey_ss58 = hotkey.to_ss58();
            let to_root = unstake_to_root;
            // unstake_all_alpha leaves root stake where it is (and adds to it).
            let positions = stakes
                .iter()
                .filter(|s| s.hotkey == hotkey_ss58 && s.stake.0 > 0)
                .filter(|s| !(to_root && s.netuid == 0))
                .count();
            if positions == 0 {
                return Err(TxError::NotEnoughStake { wanted: 1, held: 0 });
            }
            root_dividend_reminder(pinned, &signer, &mut warnings).await?;
            warnings.push(Warning::SellsEveryPosition { positions, to_root });
        }
        Action::BurnedRegister { netuid, hotkey }
        | Action::RegisterLimit { netuid, hotkey, .. } => {
            if pinned
                .uid_for_hotkey(*netuid, &account_key(hotkey))
                .await
                .map_err(chain)?
                .is_some()
            {
                return Err(TxError::AlreadyRegistered { netuid: *netuid });
            }
            let burn = pinned
                .storage_value::<u64>("SubtensorModule", "Burn", (*netuid,))
                .await
                .map_err(chain)?
                .unwrap_or(0);
            quote.burn_rao = Some(burn);
            // Bound the burn by what the user is shown, where the runtime can.
            let (netuid, hotkey) = (*netuid, *hotkey);
            replacement = Some(super::call::registration_action(
                metadata, netuid, hotkey, burn,
            ));
        }
        Action::ClaimRoot { .. } => {}
    }
    if let Some(replacement) = replacement {
        action = replacement;
    }

    if action.fee_paid_in_alpha() {
        warnings.push(Warning::FeeTakenFromStake);
    }
    // Stake moves go out shielded where the node publishes a key; where it offers the
    // shield but has no key now, the review says it goes out unshielded.
    let shield = if action.is_stake_move() {
        super::shield::read_shield_key(pinned).await?
    } else {
        None
    };
    if action.is_stake_move()
        && shield.is_none()
        && (super::shield::shield_offered(metadata)
            || crate::explorer::decode::has_runtime_api(
                metadata,
                "ShieldApi",
                "try_decode_shielded_tx",
            ))
    {
        warnings.push(Warning::NotShielded);
    }
    quote.stake_fee = stake_fee(pinned, &action, &signer).await?;
    if quote.price_impact_ppm.is_some_and(|p| p > HIGH_IMPACT_PPM) {
        warnings.push(Warning::HighPriceImpact {
            ppm: quote.price_impact_ppm.unwrap_or(0),
        });
    }

    let runtime = pinned.runtime_version().await.map_err(chain)?;
    let context = ChainContext {
        metadata: pinned.metadata_arc(),
        genesis_hash: parse_hash(&pinned.genesis_hash())?,
        spec_version: runtime.0,
        transaction_version: runtime.1,
        era_block_number: pinned.block().number,
        era_block_hash: era_hash,
        nonce,
    };
    let fee = tx_fee(pinned, &build_for_fee_quote(&action, &context, signer)?).await?;
    quote.tx_fee_rao = Some(fee);
    if shield.is_some() {
        let outer = super::shield::build_shield_for_fee_quote(&action, &context, signer)?;
        quote.shield_fee_rao = Some(tx_fee(pinned, &outer).await?);
    }
    let burn = match action {
        Action::BurnedRegister { .. } => quote.burn_rao.unwrap_or(0),
        _ => 0,
    };
    check_spendable(
        &action,
        &balance,
        fee,
        quote.shield_fee_rao.unwrap_or(0).saturating_add(burn),
        &mut warnings,
    )?;
    Ok(Prepared {
        action,
        context,
        quote,
        warnings,
        balance,
        block_number: pinned.block().number,
        shield,
    })
}

fn parse_hash(text: &str) -> Result<[u8; 32], TxError> {
    hex::decode(text.trim_start_matches("0x"))
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| TxError::Chain(format!("bad hash {text}")))
}

/// Whether the TAO side adds up: amount plus fee within the free balance, and what is
/// left above the existential deposit unless the user chose to close the account.
fn check_spendable(
    action: &Action,
    balance: &Balance,
    fee: u64,
    extra_tao: u64,
    warnings: &mut Vec<Warning>,
) -> Result<(), TxError> {
    let spend = match action {
        Action::Transfer { amount, .. } | Action::AddStake { amount, .. } => amount.0,
        Action::RegisterLimit { limit_price, .. } => *limit_price,
        _ => 0,
    };
    let fee_in_tao = if action.fee_paid_in_alpha() { 0 } else { fee };
    let needed = u128::from(spend) + u128::from(fee_in_tao) + u128::from(extra_tao);
    let free = u128::from(balance.free_rao.0);
    if needed > free {
        return Err(TxError::NotEnoughBalance {
            needed: u64::try_from(needed).unwrap_or(u64::MAX),
            available: balance.free_rao.0,
        });
    }
    let left = free - needed;
    if left < u128::from(EXISTENTIAL_DEPOSIT_RAO) {
        match action {
            Action::Transfer {
                allow_death: true, ..
            } => warnings.push(Warning::ClosesAccount),
            _ => {
                return Err(TxError::WouldCloseAccount {
                    existential_deposit_rao: EXISTENTIAL_DEPOSIT_RAO,
                });
            }
        }
    }
    Ok(())
}

/// Every subnet the action names must exist.
async fn check_subnets(pinned: &PinnedBlock, action: &Action) -> Result<(), TxError> {
    let netuids: Vec<u16> = match action {
        Action::AddStake { netuid, .. }
        | Action::RemoveStake { netuid, .. }
        | Action::RemoveStakeFull { netuid, .. }
        | Action::BurnedRegister { netuid, .. }
        | Action::RegisterLimit { netuid, .. } => vec![*netuid],
        Action::MoveStake {
            origin_netuid,
            destination_netuid,
            ..
        }
        | Action::SwapStake {
            origin_netuid,
            destination_netuid,
            ..
        }
        | Action::TransferStake {
            origin_netuid,
            destination_netuid,
            ..
        } => vec![*origin_netuid, *destination_netuid],
        Action::ClaimRoot { netuids } => netuids.clone(),
        _ => Vec::new(),
    };
    for netuid in netuids {
        if !pinned.subnet_exists(netuid).await.map_err(chain)? {
            return Err(TxError::SubnetMissing { netuid });
        }
    }
    Ok(())
}

async fn require_hotkey(pinned: &PinnedBlock, hotkey: &AccountId) -> Result<(), TxError> {
    match pinned
        .hotkey_owner(&account_key(hotkey))
        .await
        .map_err(chain)?
    {
        Some(_) => Ok(()),
        None => Err(TxError::HotkeyUnknown {
            hotkey: hotkey.to_ss58(),
        }),
    }
}

async fn note_registration(
    pinned: &PinnedBlock,
    netuid: u16,
    hotkey: &AccountId,
    warnings: &mut Vec<Warning>,
) -> Result<(), TxError> {
    if netuid != 0
        && pinned
            .uid_for_hotkey(netuid, &account_key(hotkey))
            .await
            .map_err(chain)?
            .is_none()
    {
        warnings.push(Warning::HotkeyNotOnSubnet { netuid });
    }
    Ok(())
}

/// The signer's alpha with `hotkey` on `netuid`.
async fn position(
    pinned: &PinnedBlock,
    signer: &AccountId,
    hotkey: &AccountId,
    netuid: u16,
) -> Result<u64, TxError> {
    let stakes = pinned
        .stake_for_coldkey(&account_key(signer))
        .await
        .map_err(chain)?;
    let hotkey = hotkey.to_ss58();
    Ok(stakes
        .iter()
        .filter(|s| s.hotkey == hotkey && s.netuid == netuid)
        .map(|s| s.stake.0)
        .sum())
}

/// Root stake earns dividends that must be claimed; unstaking first may forfeit them.
async fn root_dividend_reminder(
    pinned: &PinnedBlock,
    signer: &AccountId,
    warnings: &mut Vec<Warning>,
) -> Result<(), TxError> {
    if !super::call::has_call(pinned.metadata(), "SubtensorModule", "claim_root") {
        return Ok(());
    }
    let stakes = pinned
        .stake_for_coldkey(&account_key(signer))
        .await
        .map_err(chain)?;
    if stakes.iter().any(|s| s.netuid == 0 && s.stake.0 > 0) {
        warnings.push(Warning::UnclaimedRootDividends);
    }
    Ok(())
}

async fn alpha_price(pinned: &PinnedBlock, netuid: u16) -> Result<u64, TxError> {
    if netuid == 0 {
        return Ok(UNITS_PER_TOKEN);
    }
    let bytes = pinned
        .state_call(SWAP_API, "current_alpha_price", &netuid.encode())
        .await
        .map_err(chain)?;
    crate::explorer::decode::decode_alpha_price(pinned.metadata(), &bytes).map_err(chain)
}

/// The node's own simulation of a swap; `None` where the runtime has no simulator.
async fn sim_swap(
    pinned: &PinnedBlock,
    method: &str,
    netuid: u16,
    amount: u64,
) -> Result<Option<SimSwapWire>, TxError> {
    if !crate::explorer::decode::has_runtime_api(pinned.metadata(), SWAP_API, method) {
        return Ok(None);
    }
    let mut args = netuid.encode();
    args.extend(amount.encode());
    let bytes = pinned
        .state_call(SWAP_API, method, &args)
        .await
        .map_err(chain)?;
    decode_api_answer(pinned.metadata(), SWAP_API, method, &bytes)
        .map(Some)
        .map_err(chain)
}

/// `StakeInfoRuntimeApi_get_stake_fee(origin, origin_coldkey, destination,
/// destination_coldkey, amount)` for a stake move: where the stake leaves (hotkey, subnet)
/// and where it goes, `None` on the TAO side of an add or remove.
async fn stake_fee(
    pinned: &PinnedBlock,
    action: &Action,
    signer: &AccountId,
) -> Result<Option<u64>, TxError> {
    type Place = Option<([u8; 32], u16)>;
    let at = |hotkey: &AccountId, netuid: u16| Some((*hotkey.as_bytes(), netuid));
    let me = *signer.as_bytes();
    let (origin, destination, destination_coldkey, amount): (Place, Place, [u8; 32], u64) =
        match action {
            Action::AddStake {
                hotkey,
                netuid,
                amount,
                ..
            } => (None, at(hotkey, *netuid), me, amount.0),
            Action::RemoveStake {
                hotkey,
                netuid,
                amount,
                ..
            } => (at(hotkey, *netuid), None, me, amount.0),
            Action::MoveStake {
                origin_hotkey,
                destination_hotkey,
                origin_netuid,
                destination_netuid,
                amount,
            } => (
                at(origin_hotkey, *origin_netuid),
                at(destination_hotkey, *destination_netuid),
                me,
                amount.0,
            ),
            Action::SwapStake {
                hotkey,
                origin_netuid,
                destination_netuid,
                amount,
                ..
            } => (
                at(hotkey, *origin_netuid),
                at(hotkey, *destination_netuid),
                me,
                amount.0,
            ),
            Action::TransferStake {
                destination_coldkey,
                hotkey,
                origin_netuid,
                destination_netuid,
                amount,
            } => (
                at(hotkey, *origin_netuid),
                at(hotkey, *destination_netuid),
                *destination_coldkey.as_bytes(),
                amount.0,
            ),
            _ => return Ok(None),
        };
    let method = "get_stake_fee";
    if !crate::explorer::decode::has_runtime_api(pinned.metadata(), STAKE_INFO_API, method) {
        return Ok(None);
    }
    let args = (origin, me, destination, destination_coldkey, amount).encode();
    let bytes = pinned
        .state_call(STAKE_INFO_API, method, &args)
        .await
        .map_err(chain)?;
    let fee: u64 =
        decode_api_answer(pinned.metadata(), STAKE_INFO_API, method, &bytes).map_err(chain)?;
    Ok(Some(fee))
}

/// `AccountNonceApi_account_nonce`: the next nonce the chain expects from `account`.
async fn account_nonce(pinned: &PinnedBlock, account: &AccountId) -> Result<u64, TxError> {
    let bytes = pinned
        .state_call(NONCE_API, "account_nonce", account.as_bytes())
        .await
        .map_err(chain)?;
    let nonce: u64 =
        decode_api_answer(pinned.metadata(), NONCE_API, "account_nonce", &bytes).map_err(chain)?;
    Ok(nonce)
}

/// `TransactionPaymentApi_query_info` on a same-length extrinsic with a zero signature.
async fn tx_fee(pinned: &PinnedBlock, unsigned: &super::SignedTransaction) -> Result<u64, TxError> {
    let mut args = unsigned.bytes.clone();
    args.extend((unsigned.bytes.len() as u32).encode());
    let bytes = pinned
        .state_call(PAYMENT_API, "query_info", &args)
        .await
        .map_err(chain)?;
    let info: DispatchInfoWire =
        decode_api_answer(pinned.metadata(), PAYMENT_API, "query_info", &bytes).map_err(chain)?;
    let fee = info.partial_fee.ok_or_else(|| {
        chain(decode_error(
            "TransactionPaymentApi_query_info",
            "no partial_fee",
        ))
    })?;
    Ok(u64::try_from(fee).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explorer::{Alpha, Rao};

    #[test]
    fn tolerance_reads_percent_strictly() {
        assert_eq!(Tolerance::parse_percent("0.5"), Ok(Tolerance(5_000)));
        assert_eq!(Tolerance::parse_percent("2"), Ok(Tolerance(20_000)));
        assert_eq!(Tolerance::parse_percent("0.0001"), Ok(Tolerance(1)));
        for bad in ["", "0", "-1", "0.00001", "51", "abc", "1e2"] {
            assert!(Tolerance::parse_percent(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn bounds_move_the_price_by_the_tolerance() {
        assert_eq!(
            bounded_price(10_000_000, Tolerance(5_000), true),
            10_050_000
        );
        assert_eq!(
            bounded_price(10_000_000, Tolerance(5_000), false),
            9_950_000
        );
        assert_eq!(bounded_price(u64::MAX, Tolerance(500_000), true), u64::MAX);
    }

    #[test]
    fn spendable_checks_fee_and_existential_deposit() {
        let balance = Balance {
            free_rao: Rao(1_000_000_000),
            reserved_rao: Rao(0),
            frozen_rao: Rao(0),
            nonce: 0,
        };
        let dest = crate::keys::Keypair::from_uri("//Bob")
            .expect("bob")
            .account_id();
        let transfer = |amount: u64, allow_death: bool| Action::Transfer {
            dest,
            amount: Rao(amount),
            allow_death,
        };
        let mut w = Vec::new();
        assert!(check_spendable(&transfer(900_000_000, false), &balance, 1_000, 0, &mut w).is_ok());
        assert_eq!(
            check_spendable(&transfer(1_000_000_000, false), &balance, 1_000, 0, &mut w),
            Err(TxError::NotEnoughBalance {
                needed: 1_000_001_000,
                available: 1_000_000_000
            })
        );
        assert_eq!(
            check_spendable(&transfer(999_999_000, false), &balance, 900, 0, &mut w),
            Err(TxError::WouldCloseAccount {
                existential_deposit_rao: 500
            })
        );
        assert!(check_spendable(&transfer(999_999_000, true), &balance, 900, 0, &mut w).is_ok());
        assert_eq!(w, vec![Warning::ClosesAccount]);
        let unstake = Action::RemoveStake {
            hotkey: dest,
            netuid: 1,
            amount: Alpha(5),
            limit: None,
        };
        let empty = Balance {
            free_rao: Rao(10_000),
            ..balance
        };
        assert!(
            check_spendable(&unstake, &empty, 1_000_000, 0, &mut Vec::new()).is_ok(),
            "an unstake's fee comes from the stake, not the balance"
        );
    }
}
