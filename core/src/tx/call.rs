//! What the user asked for, as a typed [`Action`], and how it becomes a call the node
//! understands: pallet, call name and arguments by name, checked against the node's own
//! metadata so a renamed or missing call is refused before anything is signed.

use scale_value::{Composite, Value};
use serde::Serialize;
use subxt::metadata::Metadata;

use super::TxError;
use crate::explorer::{Alpha, Rao};
use crate::keys::AccountId;

/// A price bound for a limit order: the chain stops (or refuses) past `limit_price`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PriceLimit {
    /// Rao of TAO per 1 alpha (price × 10^9), the scale of `current_alpha_price`.
    pub limit_price: u64,
    /// Fill what fits under the limit instead of failing the whole order.
    pub allow_partial: bool,
}

/// One money-moving action, with integer amounts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Send TAO to another account.
    Transfer {
        /// Receiver.
        dest: AccountId,
        /// Amount in rao.
        amount: Rao,
        /// Let the sender's account fall under the existential deposit and close.
        allow_death: bool,
    },
    /// Buy alpha on a subnet with TAO and stake it with a validator.
    AddStake {
        /// The validator's hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: u16,
        /// TAO to spend, in rao.
        amount: Rao,
        /// Price bound (the default); `None` sends the unguarded `add_stake`.
        limit: Option<PriceLimit>,
    },
    /// Sell staked alpha back to TAO.
    RemoveStake {
        /// The validator's hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: u16,
        /// Alpha to sell, in units.
        amount: Alpha,
        /// Price bound (the default); `None` sends the unguarded `remove_stake`.
        limit: Option<PriceLimit>,
    },
    /// Sell a whole position, leaving no dust (`remove_stake_full_limit`).
    RemoveStakeFull {
        /// The validator's hotkey.
        hotkey: AccountId,
        /// The subnet.
        netuid: u16,
        /// Lowest acceptable price, rao per alpha.
        limit_price: Option<u64>,
    },
    /// Move stake to another validator and/or subnet, staying with the same coldkey.
    MoveStake {
        /// The validator the stake is with now.
        origin_hotkey: AccountId,
        /// The validator it goes to.
        destination_hotkey: AccountId,
        /// The subnet it is on now.
        origin_netuid: u16,
        /// The subnet it goes to.
        destination_netuid: u16,
        /// Alpha to move, in origin-subnet units.
        amount: Alpha,
    },
    /// Swap stake between subnets with the same validator.
    SwapStake {
        /// The validator.
        hotkey: AccountId,
        /// From this subnet.
        origin_netuid: u16,
        /// To this subnet.
        destination_netuid: u16,
        /// Alpha to swap, in origin-subnet units.
        amount: Alpha,
        /// Bound on the origin/destination price ratio (× 10^9).
        limit: Option<PriceLimit>,
    },
    /// Give stake to another coldkey.
    TransferStake {
        /// The receiving coldkey.
        destination_coldkey: AccountId,
        /// The validator the stake is with.
        hotkey: AccountId,
        /// From this subnet.
        origin_netuid: u16,
        /// To this subnet.
        destination_netuid: u16,
        /// Alpha to give, in origin-subnet units.
        amount: Alpha,
    },
    /// Unstake everything held with a validator on every subnet, to TAO.
    UnstakeAll {
        /// The validator.
        hotkey: AccountId,
    },
    /// Unstake all alpha held with a validator and restake it on root.
    UnstakeAllAlpha {
        /// The validator.
        hotkey: AccountId,
    },
    /// Register a hotkey on a subnet by paying the burn.
    BurnedRegister {
        /// The subnet.
        netuid: u16,
        /// The hotkey to register.
        hotkey: AccountId,
    },
    /// Register a hotkey on a subnet, refusing if the burn rose above `limit_price`
    /// (newer runtimes only; see [`registration_action`]).
    RegisterLimit {
        /// The subnet.
        netuid: u16,
        /// The hotkey to register.
        hotkey: AccountId,
        /// The most rao the user agreed to burn.
        limit_price: u64,
    },
    /// Claim root dividends on the given subnets.
    ClaimRoot {
        /// Subnets to claim on.
        netuids: Vec<u16>,
    },
}

/// A call ready to encode: pallet, call and arguments in the metadata's order.
#[derive(Debug, Clone)]
pub struct CallSpec {
    /// Pallet name, e.g. "SubtensorModule".
    pub pallet: &'static str,
    /// Call name, e.g. "add_stake_limit".
    pub call: &'static str,
    /// Arguments by name.
    pub args: Vec<(&'static str, Value)>,
}

impl CallSpec {
    /// This call checked against the node's metadata, its arguments put in the node's
    /// order: a missing call or a renamed argument is refused before anything is signed.
    pub fn checked(self, metadata: &Metadata) -> Result<CallSpec, TxError> {
        let mut spec = self;
        let unsupported = || TxError::CallNotSupported {
            call: format!("{}.{}", spec.pallet, spec.call),
        };
        let pallet = metadata
            .pallet_by_name(spec.pallet)
            .ok_or_else(unsupported)?;
        let variant = pallet
            .call_variant_by_name(spec.call)
            .ok_or_else(unsupported)?;
        let expected: Vec<&str> = variant
            .fields
            .iter()
            .filter_map(|f| f.name.as_deref())
            .collect();
        let mut ordered = Vec::with_capacity(expected.len());
        for name in &expected {
            let Some(pos) = spec.args.iter().position(|(n, _)| n == name) else {
                return Err(TxError::CallShapeChanged {
                    call: format!("{}.{}", spec.pallet, spec.call),
                    argument: (*name).to_string(),
                });
            };
            ordered.push(spec.args.swap_remove(pos));
        }
        if let Some((extra, _)) = spec.args.first() {
            return Err(TxError::CallShapeChanged {
                call: format!("{}.{}", spec.pallet, spec.call),
                argument: (*extra).to_string(),
            });
        }
        spec.args = ordered;
        Ok(spec)
    }

    /// The arguments as a named composite, for subxt's dynamic payload.
    pub fn composite(&self) -> Composite<()> {
        Composite::named(
            self.args
                .iter()
                .map(|(name, value)| ((*name).to_string(), value.clone())),
        )
    }
}

fn account(id: &AccountId) -> Value {
    Value::from_bytes(id.as_bytes())
}

fn units(n: u64) -> Value {
    Value::u128(u128::from(n))
}

impl Action {
    /// The call this action sends, before any check against the node's metadata.
    pub fn call_spec(&self) -> CallSpec {
        let subtensor = "SubtensorModule";
        let (pallet, call, args): (&'static str, &'static str, Vec<(&'static str, Value)>) =
            match self {
                Action::Transfer {
                    dest,
                    amount,
                    allow_death,
                } => (
                    "Balances",
                    if *allow_death {
                        "transfer_allow_death"
                    } else {
                        "transfer_keep_alive"
                    },
                    vec![
                        ("dest", Value::unnamed_variant("Id", [account(dest)])),
                        ("value", units(amount.0)),
                    ],
                ),
                Action::AddStake {
                    hotkey,
                    netuid,
                    amount,
                    limit,
                } => {
                    let mut args = vec![
                        ("hotkey", account(hotkey)),
                        ("netuid", units(u64::from(*netuid))),
                        ("amount_staked", units(amount.0)),
                    ];
                    match limit {
                        Some(limit) => {
                            push_limit(&mut args, limit);
                            (subtensor, "add_stake_limit", args)
                        }
                        None => (subtensor, "add_stake", args),
                    }
                }
                Action::RemoveStake {
                    hotkey,
                    netuid,
                    amount,
                    limit,
                } => {
                    let mut args = vec![
                        ("hotkey", account(hotkey)),
                        ("netuid", units(u64::from(*netuid))),
                        ("amount_unstaked", units(amount.0)),
                    ];
                    match limit {
                        Some(limit) => {
                            push_limit(&mut args, limit);
                            (subtensor, "remove_stake_limit", args)
                        }
                        None => (subtensor, "remove_stake", args),
                    }
                }
                Action::RemoveStakeFull {
                    hotkey,
                    netuid,
                    limit_price,
                } => (
                    subtensor,
                    "remove_stake_full_limit",
                    vec![
                        ("hotkey", account(hotkey)),
                        ("netuid", units(u64::from(*netuid))),
                        (
                            "limit_price",
                            match limit_price {
                                Some(p) => Value::unnamed_variant("Some", [units(*p)]),
                                None => Value::unnamed_variant("None", []),
                            },
                        ),
                    ],
                ),
                Action::MoveStake {
                    origin_hotkey,
                    destination_hotkey,
                    origin_netuid,
                    destination_netuid,
                    amount,
                } => (
                    subtensor,
                    "move_stake",
                    vec![
                        ("origin_hotkey", account(origin_hotkey)),
                        ("destination_hotkey", account(destination_hotkey)),
                        ("origin_netuid", units(u64::from(*origin_netuid))),
                        ("destination_netuid", units(u64::from(*destination_netuid))),
                        ("alpha_amount", units(amount.0)),
                    ],
                ),
                Action::SwapStake {
                    hotkey,
                    origin_netuid,
                    destination_netuid,
                    amount,
                    limit,
                } => {
                    let mut args = vec![
                        ("hotkey", account(hotkey)),
                        ("origin_netuid", units(u64::from(*origin_netuid))),
                        ("destination_netuid", units(u64::from(*destination_netuid))),
                        ("alpha_amount", units(amount.0)),
                    ];
                    match limit {
                        Some(limit) => {
                            push_limit(&mut args, limit);
                            (subtensor, "swap_stake_limit", args)
                        }
                        None => (subtensor, "swap_stake", args),
                    }
                }
                Action::TransferStake {
                    destination_coldkey,
                    hotkey,
                    origin_netuid,
                    destination_netuid,
                    amount,
                } => (
                    subtensor,
                    "transfer_stake",
                    vec![
                        ("destination_coldkey", account(destination_coldkey)),
                        ("hotkey", account(hotkey)),
                        ("origin_netuid", units(u64::from(*origin_netuid))),
                        ("destination_netuid", units(u64::from(*destination_netuid))),
                        ("alpha_amount", units(amount.0)),
                    ],
                ),
                Action::UnstakeAll { hotkey } => {
                    (subtensor, "unstake_all", vec![("hotkey", account(hotkey))])
                }
                Action::UnstakeAllAlpha { hotkey } => (
                    subtensor,
                    "unstake_all_alpha",
                    vec![("hotkey", account(hotkey))],
                ),
                Action::BurnedRegister { netuid, hotkey } => (
                    subtensor,
                    "burned_register",
                    vec![
                        ("netuid", units(u64::from(*netuid))),
                        ("hotkey", account(hotkey)),
                    ],
                ),
                Action::RegisterLimit {
                    netuid,
                    hotkey,
                    limit_price,
                } => (
                    subtensor,
                    "register_limit",
                    vec![
                        ("netuid", units(u64::from(*netuid))),
                        ("hotkey", account(hotkey)),
                        ("limit_price", units(*limit_price)),
                    ],
                ),
                Action::ClaimRoot { netuids } => (
                    subtensor,
                    "claim_root",
                    vec![(
                        "subnets",
                        Value::unnamed_composite(netuids.iter().map(|n| units(u64::from(*n)))),
                    )],
                ),
            };
        CallSpec { pallet, call, args }
    }

    /// The call checked against `metadata`: it must exist and take exactly these
    /// argument names (in any order; they are put in the metadata's order).
    pub fn checked_call(&self, metadata: &Metadata) -> Result<CallSpec, TxError> {
        self.call_spec().checked(metadata)
    }

    /// Whether the chain takes this action's transaction fee in alpha from the position
    /// (unstake, move, swap and transfer of stake) rather than in TAO from the balance.
    pub fn fee_paid_in_alpha(&self) -> bool {
        matches!(
            self,
            Action::RemoveStake { .. }
                | Action::RemoveStakeFull { .. }
                | Action::MoveStake { .. }
                | Action::SwapStake { .. }
                | Action::TransferStake { .. }
                | Action::UnstakeAll { .. }
                | Action::UnstakeAllAlpha { .. }
        )
    }

    /// Whether this action moves stake (the ones the MEV shield protects).
    pub fn is_stake_move(&self) -> bool {
        !matches!(
            self,
            Action::Transfer { .. }
                | Action::BurnedRegister { .. }
                | Action::RegisterLimit { .. }
                | Action::ClaimRoot { .. }
        )
    }
}

/// Whether the node's runtime offers `pallet.call`.
pub fn has_call(metadata: &Metadata, pallet: &str, call: &str) -> bool {
    metadata
        .pallet_by_name(pallet)
        .and_then(|p| p.call_variant_by_name(call))
        .is_some()
}

/// The registration call to send: `register_limit` bounded by the burn the user saw,
/// where the node has it, else `burned_register` (which pays whatever the burn is then).
pub fn registration_action(
    metadata: &Metadata,
    netuid: u16,
    hotkey: AccountId,
    agreed_burn_rao: u64,
) -> Action {
    if has_call(metadata, "SubtensorModule", "register_limit") {
        Action::RegisterLimit {
            netuid,
            hotkey,
            limit_price: agreed_burn_rao,
        }
    } else {
        Action::BurnedRegister { netuid, hotkey }
    }
}

fn push_limit(args: &mut Vec<(&'static str, Value)>, limit: &PriceLimit) {
    args.push(("limit_price", units(limit.limit_price)));
    args.push(("allow_partial", Value::bool(limit.allow_partial)));
}
