//! Moving money: transfers, staking and registration as extrinsics built from the node's
//! metadata, quoted and checked before signing, signed with the wallet's keys, submitted
//! once and tracked to finality.
//!
//! - `call`: the typed [`Action`] a user asks for, and the call it becomes.
//! - `build`: offline building and signing against a [`ChainContext`].

mod build;
mod call;
mod error;

pub use build::{
    ChainContext, MORTAL_PERIOD_BLOCKS, SignedTransaction, build_for_fee_quote, build_signed,
};
pub use call::{Action, CallSpec, PriceLimit, registration_action};
pub use error::TxError;

#[cfg(test)]
mod tests;
