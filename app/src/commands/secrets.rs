//! Reading passwords and recovery phrases: from a file, or typed at a hidden prompt.
//! Never from argv, where other users and shell history can see them.

use std::io::IsTerminal;
use std::path::Path;

use taoscope_core::i18n::{tr, tr_with};
use zeroize::Zeroizing;

use super::Failure;

/// Reads a secret from `file`, or asks for it with `prompt_key` when no file is given.
/// One trailing newline is dropped: editors add it, passwords rarely end in one.
pub fn read_secret(file: Option<&Path>, prompt_key: &str) -> Result<Zeroizing<String>, Failure> {
    match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map(Zeroizing::new)
                .map_err(|e| {
                    Failure::usage(tr_with(
                        "cli.secret_file_unreadable",
                        &[("path", &path.display()), ("reason", &e)],
                    ))
                })?;
            let trimmed = text.strip_suffix('\n').unwrap_or(&text);
            let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
            Ok(Zeroizing::new(trimmed.to_string()))
        }
        None if std::io::stdin().is_terminal() => rpassword::prompt_password(tr(prompt_key))
            .map(Zeroizing::new)
            .map_err(|e| Failure::failed(e.to_string())),
        None => Err(Failure::usage(tr("cli.secret_needs_file"))),
    }
}

/// Asks for a new password twice (or reads it from a file) and checks both match.
pub fn read_new_password(file: Option<&Path>) -> Result<Zeroizing<String>, Failure> {
    let first = read_secret(file, "cli.prompt_new_password")?;
    if file.is_none() {
        let again = read_secret(None, "cli.prompt_repeat_password")?;
        if *again != *first {
            return Err(Failure::usage(tr("cli.passwords_differ")));
        }
    }
    Ok(first)
}
