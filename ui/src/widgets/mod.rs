//! Reusable widgets.

pub mod chart;
pub mod empty_state;
pub mod heatmap;
pub mod identicon;
pub mod qr;
pub mod status_bar;
pub mod term;
pub mod tx_flow;
