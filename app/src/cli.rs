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

    /// The page to open: wallet or settings.
    #[arg(long, value_name = "NAME")]
    pub page: Option<String>,

    /// With `--page subnet:N`: open this UID's neuron details.
    #[arg(long, value_name = "UID")]
    pub neuron: Option<u16>,

    /// The wallets folder for this run (default: the saved one, else ~/.bittensor/wallets).
    #[arg(long, value_name = "DIR")]
    pub wallet_path: Option<PathBuf>,

    /// Show an offline snapshot instead of live data: a file, or `bundled`.
    #[arg(long = "snapshot", value_name = "FILE|bundled", id = "window_snapshot")]
    pub snapshot: Option<PathBuf>,

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
    /// Keys: derive addresses from recovery phrases and URIs.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// btcli-compatible wallets: list, create, import, unlock, keychain.
    #[command(subcommand)]
    Wallet(WalletCommand),
    /// Every subnet: pool, spot price, tempo and registration cost.
    Subnets(SubnetsArgs),
    /// A subnet's neurons: keys, stake, incentive, dividends, emission.
    Metagraph(MetagraphArgs),
    /// An account's free, reserved and frozen TAO and its nonce.
    Balance(AddressArgs),
    /// Where a hotkey is registered: subnets, UIDs and owner.
    Hotkey(AddressArgs),
    /// Offline snapshots of the explorer's data at one block.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// Run a Yuma epoch case (the format of shared/vectors/yuma) and print its outputs.
    Yuma(YumaArgs),
    /// Projections: halvings and issuance.
    #[command(subcommand)]
    Forecast(ForecastCommand),
}

/// `taoscope subnets …`
#[derive(Debug, Args)]
pub struct SubnetsArgs {
    /// Read from a snapshot file (or `bundled`) instead of the network.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `taoscope snapshot …`
#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Save the subnets list, chain totals and metagraphs at the newest finalized block.
    Save(SnapshotSaveArgs),
    /// What a snapshot file holds: network, block, time and parts.
    Info(SnapshotInfoArgs),
}

/// `taoscope snapshot save …`
#[derive(Debug, Args)]
pub struct SnapshotSaveArgs {
    /// The file to write (gzip-compressed JSON).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// Save only these subnets' metagraphs (repeat the flag); default: every subnet.
    #[arg(long, value_name = "N")]
    pub netuid: Vec<u16>,

    /// Leave out the subnets list and chain totals.
    #[arg(long)]
    pub metagraphs_only: bool,
}

/// `taoscope snapshot info …`
#[derive(Debug, Args)]
pub struct SnapshotInfoArgs {
    /// The snapshot file, or `bundled` for the one built into Taoscope.
    #[arg(value_name = "FILE", default_value = "bundled")]
    pub file: PathBuf,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `taoscope metagraph …`
#[derive(Debug, Args)]
pub struct MetagraphArgs {
    /// The subnet.
    #[arg(long, value_name = "N")]
    pub netuid: u16,

    /// Read from a snapshot file (or `bundled`) instead of the network.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// A command about one account.
#[derive(Debug, Args)]
pub struct AddressArgs {
    /// The account's SS58 address (starts with 5).
    #[arg(value_name = "SS58")]
    pub address: String,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `taoscope keys …`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// The address and public key of a recovery phrase (from a file) or a URI such as //Alice.
    Inspect {
        /// File holding the recovery phrase.
        #[arg(long, value_name = "FILE", conflicts_with = "uri")]
        mnemonic_file: Option<PathBuf>,
        /// A derivation URI (//Alice, PHRASE//hard/soft).
        #[arg(long, value_name = "URI")]
        uri: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
    },
}

/// Where the wallets live.
#[derive(Debug, Args)]
pub struct WalletPathArgs {
    /// The wallets folder (default: $BT_WALLET_PATH or ~/.bittensor/wallets).
    #[arg(long, value_name = "DIR")]
    pub wallet_path: Option<PathBuf>,
}

/// `taoscope wallet …`
#[derive(Debug, Subcommand)]
pub enum WalletCommand {
    /// Every wallet with its coldkey address and hotkeys.
    List {
        #[command(flatten)]
        path: WalletPathArgs,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Decrypt a coldkey to check its password; prints the address.
    Unlock {
        /// Wallet name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        path: WalletPathArgs,
        /// File holding the password (else it is asked for).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Restore a wallet from its recovery phrase(s).
    Import {
        /// Wallet name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        path: WalletPathArgs,
        /// File holding the coldkey's recovery phrase (else it is asked for).
        #[arg(long, value_name = "FILE")]
        mnemonic_file: Option<PathBuf>,
        /// File holding the default hotkey's recovery phrase.
        #[arg(long, value_name = "FILE")]
        hotkey_mnemonic_file: Option<PathBuf>,
        /// File holding the password that will encrypt the coldkey.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// Replace existing key files of that wallet.
        #[arg(long)]
        overwrite: bool,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Create a wallet with new recovery phrases (printed once: write them down).
    Create {
        /// Wallet name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        path: WalletPathArgs,
        /// Words in each recovery phrase: 12, 15, 18, 21 or 24.
        #[arg(long, default_value_t = 12)]
        words: usize,
        /// File holding the password that will encrypt the coldkey.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Remember the coldkey in this computer's keychain, so signing needs no password.
    Remember {
        /// Wallet name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        path: WalletPathArgs,
        /// File holding the password.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Remove the coldkey from this computer's keychain.
    Forget {
        /// Wallet name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        path: WalletPathArgs,
    },
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
