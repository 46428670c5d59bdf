//! The command line: flags and subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Taoscope: a desktop wallet and subnet explorer for Bittensor (TAO).
///
/// With no subcommand it opens the window.
#[derive(Debug, Parser)]
#[command(name = "taoscope", version, about, long_about = None)]
pub struct Cli {
    /// Network: finney (default), test, local, or a ws:// / wss:// URL.
    #[arg(long, global = true, value_name = "NAME|URL")]
    pub network: Option<String>,

    /// Language of messages and the window: en or ru (default: the system's).
    #[arg(long, global = true, value_name = "en|ru")]
    pub lang: Option<String>,

    /// Render the window, write a PNG here once the page has loaded, and exit.
    #[arg(long, value_name = "FILE")]
    pub screenshot: Option<PathBuf>,

    /// The page to open: settings.
    #[arg(long, value_name = "NAME")]
    pub page: Option<String>,

    /// What to do instead of opening the window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Scriptable commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Facts about the chain and the node.
    #[command(subcommand)]
    Chain(ChainCommand),
    /// Run a Yuma epoch case (the format of shared/vectors/yuma) and print its outputs.
    Yuma(YumaArgs),
    /// Projections: halvings and issuance.
    #[command(subcommand)]
    Forecast(ForecastCommand),
}

/// `taoscope yuma …`
#[derive(Debug, Args)]
pub struct YumaArgs {
    /// The case file (JSON): params plus inputs, or an epochs list.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,

    /// Print JSON (the case's `expected` field names) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `taoscope forecast …`
#[derive(Debug, Subcommand)]
pub enum ForecastCommand {
    /// When the next halvings happen, from total issuance and its rate.
    Halving(HalvingArgs),
}

/// `taoscope forecast halving …`
#[derive(Debug, Args)]
pub struct HalvingArgs {
    /// Total issuance now, in rao (`Balances.TotalIssuance` / `SubtensorModule.TotalIssuance`).
    #[arg(long, value_name = "RAO")]
    pub issuance_rao: u64,

    /// Observed net issuance per block, in rao (default: the nominal block emission).
    #[arg(long, value_name = "RAO")]
    pub rate_rao_per_block: Option<u64>,

    /// The block at which the issuance was read.
    #[arg(long, value_name = "BLOCK")]
    pub at_block: u64,

    /// Unix time (seconds) of that block; default: now.
    #[arg(long, value_name = "SECONDS")]
    pub at_unix_time: Option<i64>,

    /// How many halvings to list.
    #[arg(long, value_name = "N", default_value_t = 6)]
    pub count: usize,

    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `taoscope chain …`
#[derive(Debug, Subcommand)]
pub enum ChainCommand {
    /// Chain name, genesis hash, best and finalized block, runtime spec version.
    Info(OutputArgs),
}

/// Output format flags shared by commands.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}
