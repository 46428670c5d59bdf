//! Runs what the command line asked for.

mod chain;
mod keys;
mod secrets;
mod wallet;

use std::process::ExitCode;

use taoscope_core::i18n::{Language, set_language, tr, tr_with};
use taoscope_core::network::Network;
use taoscope_core::settings::Settings;
use taoscope_ui::LaunchOptions;
use taoscope_ui::pages::Page;

use crate::cli::{ChainCommand, Cli, Command, KeysCommand, WalletCommand};

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
        None => open_window(
            network,
            language,
            cli.screenshot,
            cli.page.as_deref(),
            cli.wallet_path,
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

/// Prints `value` as pretty JSON on stdout.
pub fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure::failed(e.to_string()))?;
    println!("{text}");
    Ok(())
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
    wallet_path: Option<std::path::PathBuf>,
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
        screenshot,
        language: Some(language),
        wallet_path,
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
