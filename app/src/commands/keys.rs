//! `taoscope keys inspect`: the address and public key of a phrase or a dev URI.

use std::path::PathBuf;

use serde::Serialize;
use taoscope_core::keys::Keypair;

use super::{Failure, print_json, secrets};

/// What `keys inspect --json` prints.
#[derive(Serialize)]
struct Inspected {
    ss58: String,
    public_key: String,
}

/// Derives the key from a recovery phrase file or a URI and prints its public parts.
pub fn inspect(
    mnemonic_file: Option<PathBuf>,
    uri: Option<String>,
    json: bool,
) -> Result<(), Failure> {
    let pair = match (mnemonic_file, uri) {
        (Some(file), None) => {
            let phrase = secrets::read_secret(Some(&file), "cli.prompt_mnemonic")?;
            Keypair::from_phrase(&phrase).map_err(|e| Failure::usage(e.to_string()))?
        }
        (None, Some(uri)) => Keypair::from_uri(&uri).map_err(|e| Failure::usage(e.to_string()))?,
        _ => {
            return Err(Failure::usage(taoscope_core::i18n::tr(
                "cli.inspect_needs_one",
            )));
        }
    };
    let out = Inspected {
        ss58: pair.ss58_address(),
        public_key: pair.account_id().to_hex(),
    };
    if json {
        print_json(&out)
    } else {
        println!("{}\n{}", out.ss58, out.public_key);
        Ok(())
    }
}
