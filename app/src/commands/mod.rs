//! Runs what the command line asked for.

mod balance;
mod chain;
mod forecast;
mod hotkey;
mod keys;
mod metagraph;
mod miner;
mod secrets;
mod snapshot;
mod stake;
mod subnets;
mod wallet;
mod yuma;

use std::process::ExitCode;

use taoscope_core::chain::{ChainClient, ChainError, PinnedBlock};
use taoscope_core::i18n::{Language, set_language, tr, tr_with};
use taoscope_core::network::Network;
use taoscope_core::settings::Settings;
use taoscope_ui::LaunchOptions;
use taoscope_ui::pages::Page;

use crate::cli::{
    ChainCommand, Cli, Command, ForecastCommand, KeysCommand, MinerCommand, SnapshotCommand,
    WalletCommand,
};

/// Exit code for bad input on the command line (as clap uses).
pub const EXIT_USAGE: u8 = 2;
/// Exit code for a failure while doing the work.
pub const EXIT_FAILURE: u8 = 1;

/// A command's failure: the one-line message and the exit code.
pub struct Failure {
    /// What to print after "error: ".
    pub message: String,
    /// Process exit code.
    pub code: u8,
}

impl Failure {
    /// Bad input: exit code 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: EXIT_USAGE,
        }
    }

    /// The work failed: exit code 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: EXIT_FAILURE,
        }
    }
}

/// Dispatches the parsed command line and turns failures into one stderr line.
pub fn run(cli: Cli) -> ExitCode {
    let settings = Settings::load();
    let language = match cli.lang.as_deref().map(|l| (l, Language::parse(l))) {
        Some((_, Some(language))) => language,
        Some((given, None)) => {
            return report(Failure::usage(tr_with(
                "cli.bad_language",
                &[("given", &given)],
            )));
        }
        None => settings.effective_language(),
    };
    set_language(language);
    let network = match cli.network.as_deref().map(Network::parse).transpose() {
        Ok(n) => n,
        Err(e) => return report(Failure::usage(e.to_string())),
    };
    let outcome = match cli.command {
        Some(Command::Chain(ChainCommand::Info(out))) => {
            chain::info(network.unwrap_or(settings.network), out.json)
        }
        Some(Command::Keys(KeysCommand::Inspect {
            mnemonic_file,
            uri,
            out,
        })) => keys::inspect(mnemonic_file, uri, out.json),
        Some(Command::Wallet(command)) => run_wallet(command),
        Some(Command::Subnets(args)) => subnets::run(
            network.unwrap_or(settings.network),
            args.snapshot.as_deref(),
            args.output.json,
        ),
        Some(Command::Metagraph(args)) => metagraph::run(
            network.unwrap_or(settings.network),
            args.netuid,
            args.snapshot.as_deref(),
            args.output.json,
        ),
        Some(Command::Snapshot(SnapshotCommand::Save(args))) => {
            snapshot::save(network.unwrap_or(settings.network), &args)
        }
        Some(Command::Snapshot(SnapshotCommand::Info(args))) => {
            snapshot::info(&args.file, args.output.json)
        }
        Some(Command::Balance(args)) => balance::run(
            network.unwrap_or(settings.network),
            &args.address,
            args.output.json,
        ),
        Some(Command::Hotkey(args)) => hotkey::run(
            network.unwrap_or(settings.network),
            &args.address,
            args.output.json,
        ),
        Some(Command::Yuma(args)) => yuma::run(&args),
        Some(Command::Forecast(ForecastCommand::Halving(args))) => forecast::halving(&args),
        Some(Command::Stake(command)) => stake::run(network.unwrap_or(settings.network), command),
        Some(Command::Transfer(args)) => stake::transfer(network.unwrap_or(settings.network), args),
        Some(Command::Register(args)) => stake::register(network.unwrap_or(settings.network), args),
        Some(Command::Miner(MinerCommand::Gpus(out))) => miner::gpus(out.json),
        Some(Command::Miner(MinerCommand::Profiles(out))) => miner::profiles(out.json),
        Some(Command::Miner(MinerCommand::Run(args))) => miner::run(
            network.unwrap_or_else(|| settings.network.clone()),
            settings.wallet_path.clone(),
            &args,
        ),
        Some(Command::Forecast(ForecastCommand::Rewards(args))) => {
            forecast::rewards(network.unwrap_or(settings.network), &args)
        }
        None => open_window(
            network,
            language,
            cli.screenshot,
            cli.page.as_deref(),
            cli.neuron,
            cli.wallet_path,
            cli.snapshot,
        ),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(failure),
    }
}

fn run_wallet(command: WalletCommand) -> Result<(), Failure> {
    match command {
        WalletCommand::List { path, out } => wallet::list(path.wallet_path, out.json),
        WalletCommand::Unlock {
            name,
            path,
            password_file,
            out,
        } => wallet::unlock(&name, path.wallet_path, password_file, out.json),
        WalletCommand::Import {
            name,
            path,
            mnemonic_file,
            hotkey_mnemonic_file,
            password_file,
            overwrite,
            out,
        } => wallet::import(wallet::ImportArgs {
            name,
            path: path.wallet_path,
            mnemonic_file,
            hotkey_mnemonic_file,
            password_file,
            overwrite,
            json: out.json,
        }),
        WalletCommand::Create {
            name,
            path,
            words,
            password_file,
            out,
        } => wallet::create(&name, path.wallet_path, words, password_file, out.json),
        WalletCommand::Remember {
            name,
            path,
            password_file,
        } => wallet::remember(&name, path.wallet_path, password_file),
        WalletCommand::Forget { name, path } => wallet::forget(&name, path.wallet_path),
    }
}

/// Connects to `network`, pins its newest finalized block and runs `read` there.
fn read_pinned<T, F, Fut>(network: &Network, read: F) -> Result<T, Failure>
where
    F: FnOnce(PinnedBlock) -> Fut,
    Fut: std::future::Future<Output = Result<T, ChainError>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::failed(e.to_string()))?;
    runtime
        .block_on(async {
            let client = ChainClient::connect(network).await?;
            let at = client.pin_latest().await?;
            read(at).await
        })
        .map_err(|e| Failure::failed(e.to_string()))
}

/// Writes `text` to stdout in one go. A closed pipe (`taoscope … | head`) is not an error:
/// the reader has all it wanted.
fn emit(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::failed(e.to_string())),
        _ => Ok(()),
    }
}

/// Prints `value` as indented JSON.
pub fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let mut text =
        serde_json::to_string_pretty(value).map_err(|e| Failure::failed(e.to_string()))?;
    text.push('\n');
    emit(&text)
}

/// How the cells of a printed table line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Number columns.
    Right,
}

/// Prints rows of cells as aligned columns; the first row is the header.
pub fn print_table<R: AsRef<[String]>>(rows: &[R], align: Align) -> Result<(), Failure> {
    let columns = rows.iter().map(|r| r.as_ref().len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.as_ref().get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in rows {
        let line: Vec<String> = row
            .as_ref()
            .iter()
            .zip(&widths)
            .map(|(cell, width)| match align {
                Align::Left => format!("{cell:<width$}"),
                Align::Right => format!("{cell:>width$}"),
            })
            .collect();
        let line = line.join("  ");
        text.push_str(match align {
            Align::Left => line.trim_end(),
            Align::Right => &line,
        });
        text.push('\n');
    }
    emit(&text)
}

/// Prints label/value pairs, labels aligned.
pub(crate) fn print_pairs(pairs: &[(String, String)]) -> Result<(), Failure> {
    let width = pairs
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let text: String = pairs
        .iter()
        .map(|(key, value)| format!("{key:<width$}  {value}\n"))
        .collect();
    emit(&text)
}

/// Checks an SS58 address typed into `field`, before any network access.
pub(crate) fn parse_address(field: &str, address: &str) -> Result<[u8; 32], Failure> {
    taoscope_core::explorer::ss58::decode(field, address).map_err(|e| Failure::usage(e.to_string()))
}

fn report(failure: Failure) -> ExitCode {
    eprintln!("{}: {}", tr("cli.error"), failure.message);
    ExitCode::from(failure.code)
}

fn open_window(
    network: Option<Network>,
    language: Language,
    screenshot: Option<std::path::PathBuf>,
    page: Option<&str>,
    neuron: Option<u16>,
    wallet_path: Option<std::path::PathBuf>,
    snapshot: Option<std::path::PathBuf>,
) -> Result<(), Failure> {
    let page = match page {
        Some(name) => Some(Page::parse(name).ok_or_else(|| {
            Failure::usage(tr_with(
                "cli.bad_page",
                &[("given", &name), ("pages", &Page::names().join(", "))],
            ))
        })?),
        None => None,
    };
    let wants_picture = screenshot.is_some();
    let written = taoscope_ui::run(LaunchOptions {
        network,
        page,
        neuron,
        screenshot,
        language: Some(language),
        wallet_path,
        miners_dir: None,
        miner_profiles_dir: None,
        // Only the self-driving stake-progress screenshot signs without asking.
        script_password: std::env::var("TAOSCOPE_SCREENSHOT_PASSWORD")
            .ok()
            .filter(|_| wants_picture)
            .map(zeroize::Zeroizing::new),
        snapshot: snapshot.map(|path| {
            if path.as_os_str() == "bundled" {
                taoscope_ui::app::SnapshotChoice::Bundled
            } else {
                taoscope_ui::app::SnapshotChoice::File(path)
            }
        }),
    })
    .map_err(Failure::failed)?;
    match (wants_picture, written) {
        (true, Some(path)) => {
            println!("{}", path.display());
            Ok(())
        }
        (true, None) => Err(Failure::failed(tr("cli.screenshot_not_written"))),
        (false, _) => Ok(()),
    }
}
