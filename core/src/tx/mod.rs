//! Moving money: transfers, staking and registration as extrinsics built from the node's
//! metadata, quoted and checked before signing, signed with the wallet's keys, submitted
//! once and tracked to finality.
//!
//! - `call`: the typed [`Action`] a user asks for, and the call it becomes.
//! - `build`: offline building and signing against a [`ChainContext`].
//! - `estimate`: offline constant-product estimates from recorded pool reserves.
//! - `prepare`: reads, price bound, quote and checks at one pinned block.
//! - `holdings`: balance and stake positions before and after, for the deltas shown.
//! - `journal`: the pending-transaction journal that prevents double sends.
//! - `shield`: the MEV shield: stake moves encrypted to the block producers' key.
//! - `submit`: submit once, track to finality, read the outcome, reconcile after a drop.

mod build;
mod call;
mod error;
mod estimate;
mod holdings;
mod journal;
mod prepare;
mod shield;
mod submit;

pub use build::{
    ChainContext, MORTAL_PERIOD_BLOCKS, SignedTransaction, build_for_fee_quote, build_signed,
};
pub use call::{Action, CallSpec, PriceLimit, has_call, registration_action};
pub use error::TxError;
pub use estimate::{PoolReserves, estimate_add_stake, estimate_remove_stake};
pub use holdings::{Holdings, PositionHolding, change, change_text, read_holdings};
pub use journal::{Journal, JournalEntry};
pub use prepare::{
    EXISTENTIAL_DEPOSIT_RAO, HIGH_IMPACT_PPM, MIN_STAKE_RAO, Prepared, Quote, Tolerance, Warning,
    bounded_price, prepare,
};
pub use shield::{
    ENCAPSULATION_KEY_LEN, Outgoing, REVEAL_BLOCKS, SHIELD_PERIOD_BLOCKS, ShieldKey, ShieldedParts,
    ShieldedTransaction, build_shield_for_fee_quote, build_shielded, build_shielded_with_rng,
    ciphertext_len, encrypt, key_for_signing, read_fresh_shield_key, read_shield_key,
    shield_offered, sign_prepared, split_ciphertext,
};
pub use submit::{
    DispatchOutcome, TxStatus, decode_outcome, explain_module_error, reconcile, submit_and_watch,
    submit_shielded_and_watch,
};

#[cfg(test)]
mod tests;
