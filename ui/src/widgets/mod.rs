//! Reusable widgets.

pub mod chart;
pub mod identicon;
pub mod qr;
pub mod status_bar;
pub mod tx_flow;
