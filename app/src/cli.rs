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

    /// The page to open: wallet, subnets, subnet:N, whatif:N, forecast, miner or settings.
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
    /// Projections: halvings, issuance and reward forecasts.
    #[command(subcommand)]
    Forecast(ForecastCommand),
    /// Stake, unstake, move, swap or give stake, with a price bound by default.
    #[command(subcommand)]
    Stake(StakeCommand),
    /// Send TAO to another account (keeps your account open unless --allow-death).
    Transfer(TransferArgs),
    /// Register a hotkey on a subnet by burning TAO (what a miner needs first).
    Register(RegisterArgs),
    /// The local GPU miner: GPUs, subnet miner profiles, and running one.
    #[command(subcommand)]
    Miner(MinerCommand),
}

/// What every money-moving command takes.
#[derive(Debug, Args)]
pub struct TxArgs {
    /// The wallet that signs (its coldkey).
    #[arg(long, value_name = "NAME")]
    pub wallet: String,

    #[command(flatten)]
    pub path: WalletPathArgs,

    /// Build and quote only: print the call, the quote and the warnings; sign nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Read the coldkey password from this file (else the keychain, else a prompt).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// Send a stake move unshielded even where the node offers the MEV shield (by default
    /// it goes out encrypted, protected from front-running).
    #[arg(long)]
    pub no_shield: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// A price bound's tolerance, and the way out of it.
#[derive(Debug, Args)]
pub struct ToleranceArgs {
    /// How far the price may move against you, in percent (default 0.5).
    #[arg(long, value_name = "PERCENT", allow_hyphen_values = true)]
    pub tolerance: Option<String>,

    /// Send the unbounded call instead (the price may move any amount).
    #[arg(long)]
    pub unguarded: bool,
}

/// `taoscope stake …`
#[derive(Debug, Subcommand)]
pub enum StakeCommand {
    /// Buy a subnet's alpha with TAO and stake it with a validator.
    Add {
        #[command(flatten)]
        tx: TxArgs,
        /// The validator's hotkey (SS58).
        #[arg(long, value_name = "SS58")]
        hotkey: String,
        /// The subnet.
        #[arg(long)]
        netuid: u16,
        /// TAO to spend, e.g. 1.5.
        #[arg(long, value_name = "TAO", allow_hyphen_values = true)]
        amount: String,
        #[command(flatten)]
        bound: ToleranceArgs,
    },
    /// Sell staked alpha back to TAO.
    Remove {
        #[command(flatten)]
        tx: TxArgs,
        /// The validator's hotkey (SS58).
        #[arg(long, value_name = "SS58")]
        hotkey: String,
        /// The subnet.
        #[arg(long)]
        netuid: u16,
        /// Alpha to sell, e.g. 10.25.
        #[arg(
            long,
            value_name = "ALPHA",
            required_unless_present = "all",
            allow_hyphen_values = true
        )]
        amount: Option<String>,
        /// Sell the whole position, leaving no dust.
        #[arg(long, conflicts_with = "amount")]
        all: bool,
        #[command(flatten)]
        bound: ToleranceArgs,
    },
    /// Move stake to another validator and/or subnet.
    Move {
        #[command(flatten)]
        tx: TxArgs,
        /// The validator the stake is with (SS58).
        #[arg(long, value_name = "SS58")]
        hotkey: String,
        /// The validator it goes to (SS58).
        #[arg(long, value_name = "SS58")]
        to_hotkey: String,
        /// The subnet it is on.
        #[arg(long)]
        netuid: u16,
        /// The subnet it goes to (default: the same).
        #[arg(long)]
        to_netuid: Option<u16>,
        /// Alpha to move.
        #[arg(long, value_name = "ALPHA", allow_hyphen_values = true)]
        amount: String,
    },
    /// Swap stake to another subnet with the same validator.
    Swap {
        #[command(flatten)]
        tx: TxArgs,
        /// The validator (SS58).
        #[arg(long, value_name = "SS58")]
        hotkey: String,
        /// From this subnet.
        #[arg(long)]
        netuid: u16,
        /// To this subnet.
        #[arg(long)]
        to_netuid: u16,
        /// Alpha to swap.
        #[arg(long, value_name = "ALPHA", allow_hyphen_values = true)]
        amount: String,
        #[command(flatten)]
        bound: ToleranceArgs,
    },
    /// Give stake to another coldkey.
    Transfer {
        #[command(flatten)]
        tx: TxArgs,
        /// The validator the stake is with (SS58).
        #[arg(long, value_name = "SS58")]
        hotkey: String,
        /// The receiving coldkey (SS58).
        #[arg(long, value_name = "SS58")]
        to: String,
        /// The subnet it is on.
        #[arg(long)]
        netuid: u16,
        /// The subnet it arrives on (default: the same).
        #[arg(long)]
        to_netuid: Option<u16>,
        /// Alpha to give.
        #[arg(long, value_name = "ALPHA", allow_hyphen_values = true)]
        amount: String,
    },
    /// Unstake everything held with a validator, on every subnet.
    UnstakeAll {
        #[command(flatten)]
        tx: TxArgs,
        /// The validator (SS58).
        #[arg(long, value_name = "SS58")]
        hotkey: String,
        /// Only the alpha, restaked on root (`unstake_all_alpha`).
        #[arg(long)]
        alpha_only: bool,
    },
}

/// `taoscope register …`
#[derive(Debug, Args)]
pub struct RegisterArgs {
    #[command(flatten)]
    pub tx: TxArgs,
    /// The hotkey to register (SS58).
    #[arg(long, value_name = "SS58")]
    pub hotkey: String,
    /// The subnet.
    #[arg(long)]
    pub netuid: u16,
    /// Refuse if registering would burn more than this many TAO.
    #[arg(long, value_name = "TAO", allow_hyphen_values = true)]
    pub max_burn: Option<String>,
}

/// `taoscope transfer …`
#[derive(Debug, Args)]
pub struct TransferArgs {
    #[command(flatten)]
    pub tx: TxArgs,
    /// The receiver (SS58).
    #[arg(long, value_name = "SS58")]
    pub to: String,
    /// TAO to send, e.g. 1.5.
    #[arg(long, value_name = "TAO", allow_hyphen_values = true)]
    pub amount: String,
    /// Allow your account to drop under the 500-rao minimum and close.
    #[arg(long)]
    pub allow_death: bool,
}

/// `taoscope miner …`
#[derive(Debug, Subcommand)]
pub enum MinerCommand {
    /// The GPUs on this machine; `[]` (and what was checked, on stderr) when none.
    Gpus(OutputArgs),
    /// Every miner profile and whether it fits this machine, and why not.
    Profiles(OutputArgs),
    /// Set up a profile's miner and run it, supervised, until Ctrl-C.
    Run(MinerRunArgs),
}

/// `taoscope miner run …`
#[derive(Debug, Args)]
pub struct MinerRunArgs {
    /// The profile's name (see `taoscope miner profiles`).
    #[arg(long, value_name = "NAME")]
    pub profile: String,

    /// The wallet (coldkey) name; only the name reaches the miner.
    #[arg(long, value_name = "W")]
    pub wallet: String,

    /// The hotkey name the miner signs with.
    #[arg(long, value_name = "H")]
    pub hotkey: String,

    #[command(flatten)]
    pub path: WalletPathArgs,

    /// The axon port (default: the profile's).
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,

    /// Print the exact commands, environment and working folder, and run nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Start it, then leave it running in the background (the window re-attaches to it).
    #[arg(long)]
    pub detach: bool,

    /// Launch without checking that the hotkey is registered on the subnet.
    #[arg(long)]
    pub skip_registration_check: bool,

    #[command(flatten)]
    pub output: OutputArgs,
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
    /// Expected rewards of a stake position: alpha per epoch, day and year, TAO value, APY.
    Rewards(RewardsArgs),
}

/// `taoscope forecast rewards …`
#[derive(Debug, Args)]
pub struct RewardsArgs {
    /// The subnet.
    #[arg(long, value_name = "N")]
    pub netuid: u16,

    /// The validator's hotkey, SS58.
    #[arg(long, value_name = "SS58")]
    pub hotkey: String,

    /// Alpha staked (or to stake), e.g. 12.5: more than zero, at most 9 decimals.
    #[arg(long, value_name = "ALPHA", allow_hyphen_values = true)]
    pub amount_alpha: String,

    /// The amount is already staked on the validator (default: it would be added).
    #[arg(long)]
    pub existing: bool,

    /// Read from a snapshot file (or `bundled`) instead of the network.
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,

    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
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
