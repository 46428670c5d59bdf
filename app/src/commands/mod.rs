//! Runs what the command line asked for.

mod chain;
mod forecast;
mod yuma;

use std::process::ExitCode;

use taoscope_core::i18n::{Language, set_language, tr, tr_with};
use taoscope_core::network::Network;
use taoscope_core::settings::Settings;
use taoscope_ui::LaunchOptions;
use taoscope_ui::pages::Page;

use crate::cli::{ChainCommand, Cli, Command, ForecastCommand};

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
        Some(Command::Yuma(args)) => yuma::run(&args),
        Some(Command::Forecast(ForecastCommand::Halving(args))) => forecast::halving(&args),
        None => open_window(network, language, cli.screenshot, cli.page.as_deref()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(failure),
    }
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
