//! `taoscope`: opens the window, or runs one scriptable command over the same core.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // One plain line, as every other bad input: clap's first line names the problem.
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            eprintln!("{first}");
            return ExitCode::from(commands::EXIT_USAGE);
        }
    };
    commands::run(cli)
}
