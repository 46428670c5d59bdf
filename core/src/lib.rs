//! Taoscope's engine, with no GUI dependencies: networks and the chain client,
//! the request bridge the UI talks to, settings and message catalogues.
//!
//! Keys and btcli wallets, the explorer's domain model, transactions, the local miner,
//! and the projections: `yuma` reproduces the chain's epoch and `emission` its block
//! emission and halvings.

rust_i18n::i18n!("locales", fallback = "en");

/// The catalogue, named here only so cargo rebuilds this crate when it changes: the
/// `i18n!` macro reads it at compile time but does not tell cargo, so a build could
/// otherwise keep serving an older catalogue.
const _CATALOGUE: &str = include_str!("../locales/app.yml");

pub mod address_book;
pub mod amount;
pub mod chain;
pub mod emission;
pub mod explorer;
pub mod forecast;
pub mod format;
pub mod i18n;
pub mod keychain;
pub mod keys;
pub mod miner;
pub mod network;
#[cfg(feature = "replay")]
pub mod replay;
#[cfg(feature = "replay")]
pub mod replay_demo;
#[cfg(feature = "replay")]
pub mod scripted_peer;
pub mod service;
pub mod settings;
pub mod tx;
pub mod wallet;
pub mod whatif;
pub mod yuma;
