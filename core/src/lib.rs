//! Taoscope's engine, with no GUI dependencies: networks and the chain client,
//! the request bridge the UI talks to, settings and message catalogues.
//!
//! `yuma` reproduces the chain's epoch and `emission` its block emission and halvings.
//! Keys, wallets and pool math join as their issues land.

rust_i18n::i18n!("locales", fallback = "en");

pub mod chain;
pub mod emission;
pub mod i18n;
pub mod network;
#[cfg(feature = "replay")]
pub mod replay;
pub mod service;
pub mod settings;
pub mod yuma;
