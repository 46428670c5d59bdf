//! `taoscope wallet …`: btcli-compatible wallets on disk.

use std::path::PathBuf;

use serde::Serialize;
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::keys::{Mnemonic, WordCount};
use taoscope_core::wallet::{Overwrite, WalletError, Wallets};

use super::{Failure, print_json, secrets};

/// The wallets folder: `--wallet-path`, else btcli's default.
pub fn wallets(path: Option<PathBuf>) -> Wallets {
    path.map(Wallets::new)
        .unwrap_or_else(Wallets::from_environment)
}

/// A wrong password is the user's input, yet btcli and scripts expect exit 1 for it.
fn wallet_failure(error: WalletError) -> Failure {
    Failure::failed(error.to_string())
}

#[derive(Serialize)]
struct HotkeyRow {
    name: String,
    ss58: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct WalletRow {
    name: String,
    coldkeypub_ss58: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    hotkeys: Vec<HotkeyRow>,
}

/// Lists every wallet with its coldkey address and hotkeys; broken files are reported per wallet.
pub fn list(path: Option<PathBuf>, json: bool) -> Result<(), Failure> {
    let summaries = wallets(path).list().map_err(wallet_failure)?;
    let rows: Vec<WalletRow> = summaries
        .into_iter()
        .map(|w| {
            let (coldkeypub_ss58, mut error) = match w.coldkey {
                Ok(account) => (Some(account.to_ss58()), None),
                Err(e) => (None, Some(e.to_string())),
            };
            let hotkeys = match w.hotkeys {
                Ok(list) => list
                    .into_iter()
                    .map(|h| match h.address {
                        Ok(a) => HotkeyRow {
                            name: h.name,
                            ss58: Some(a.to_ss58()),
                            error: None,
                        },
                        Err(e) => HotkeyRow {
                            name: h.name,
                            ss58: None,
                            error: Some(e.to_string()),
                        },
                    })
                    .collect(),
                Err(e) => {
                    error.get_or_insert_with(|| e.to_string());
                    Vec::new()
                }
            };
            WalletRow {
                name: w.name,
                coldkeypub_ss58,
                error,
                hotkeys,
            }
        })
        .collect();
    if json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        println!("{}", tr("wallet.none"));
    }
    for row in rows {
        let address = row.coldkeypub_ss58.or(row.error).unwrap_or_default();
        println!("{}  {}", row.name, address);
        for h in row.hotkeys {
            println!("  └ {}  {}", h.name, h.ss58.or(h.error).unwrap_or_default());
        }
    }
    Ok(())
}

/// Decrypts the coldkey to prove the password; prints the address it opens.
pub fn unlock(
    name: &str,
    path: Option<PathBuf>,
    password_file: Option<PathBuf>,
    json: bool,
) -> Result<(), Failure> {
    let wallet = wallets(path).existing(name).map_err(wallet_failure)?;
    let password = secrets::read_secret(password_file.as_deref(), "cli.prompt_password")?;
    let started = std::time::Instant::now();
    tracing::info!(wallet = name, dir = %wallet.dir().display(), "unlocking coldkey");
    let pair = wallet.unlock_coldkey(&password).map_err(wallet_failure)?;
    tracing::info!(
        wallet = name,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "coldkey unlocked"
    );
    #[derive(Serialize)]
    struct Unlocked {
        coldkey_ss58: String,
    }
    let out = Unlocked {
        coldkey_ss58: pair.ss58_address(),
    };
    if json {
        print_json(&out)
    } else {
        println!(
            "{}",
            tr_with("wallet.unlocked", &[("address", &out.coldkey_ss58)])
        );
        Ok(())
    }
}

fn read_mnemonic(file: Option<PathBuf>) -> Result<Mnemonic, Failure> {
    let phrase = secrets::read_secret(file.as_deref(), "cli.prompt_mnemonic")?;
    Mnemonic::parse(&phrase).map_err(|e| Failure::usage(e.to_string()))
}

/// Arguments of `wallet import`.
pub struct ImportArgs {
    /// Wallet name.
    pub name: String,
    /// Wallets folder.
    pub path: Option<PathBuf>,
    /// File holding the coldkey's recovery phrase.
    pub mnemonic_file: Option<PathBuf>,
    /// File holding the default hotkey's phrase.
    pub hotkey_mnemonic_file: Option<PathBuf>,
    /// File holding the new password.
    pub password_file: Option<PathBuf>,
    /// Replace existing key files.
    pub overwrite: bool,
    /// Print JSON.
    pub json: bool,
}

/// Writes a btcli-layout wallet from recovery phrases.
pub fn import(args: ImportArgs) -> Result<(), Failure> {
    let coldkey = read_mnemonic(args.mnemonic_file)?;
    let hotkey = match args.hotkey_mnemonic_file {
        Some(file) => Some(read_mnemonic(Some(file))?),
        None => None,
    };
    let password = secrets::read_new_password(args.password_file.as_deref())?;
    let overwrite = if args.overwrite {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    tracing::info!(wallet = %args.name, "importing wallet from recovery phrase");
    let wallet = wallets(args.path)
        .import(&args.name, &coldkey, &password, hotkey.as_ref(), overwrite)
        .map_err(wallet_failure)?;
    let address = wallet.coldkeypub().map_err(wallet_failure)?.to_ss58();
    #[derive(Serialize)]
    struct Imported {
        name: String,
        coldkey_ss58: String,
        path: String,
    }
    let out = Imported {
        name: args.name,
        coldkey_ss58: address,
        path: wallet.dir().display().to_string(),
    };
    if args.json {
        print_json(&out)
    } else {
        println!(
            "{}",
            tr_with(
                "wallet.imported",
                &[
                    ("name", &out.name),
                    ("address", &out.coldkey_ss58),
                    ("path", &out.path)
                ]
            )
        );
        Ok(())
    }
}

/// Creates a wallet with fresh phrases and prints them once.
pub fn create(
    name: &str,
    path: Option<PathBuf>,
    words: usize,
    password_file: Option<PathBuf>,
    json: bool,
) -> Result<(), Failure> {
    let words = WordCount::from_words(words)
        .ok_or_else(|| Failure::usage(tr_with("cli.bad_word_count", &[("given", &words)])))?;
    let password = secrets::read_new_password(password_file.as_deref())?;
    tracing::info!(wallet = name, words = words.words(), "creating wallet");
    let created = wallets(path)
        .create(name, &password, words, Overwrite::Refuse)
        .map_err(wallet_failure)?;
    tracing::info!(wallet = name, dir = %created.wallet.dir().display(), "wallet written");
    let phrase = |pair: &taoscope_core::keys::Keypair| {
        pair.mnemonic()
            .map(|m| m.phrase().to_string())
            .unwrap_or_default()
    };
    if json {
        #[derive(Serialize)]
        struct Created {
            name: String,
            coldkey_ss58: String,
            coldkey_mnemonic: String,
            hotkey_ss58: String,
            hotkey_mnemonic: String,
        }
        return print_json(&Created {
            name: name.to_string(),
            coldkey_ss58: created.coldkey.ss58_address(),
            coldkey_mnemonic: phrase(&created.coldkey),
            hotkey_ss58: created.hotkey.ss58_address(),
            hotkey_mnemonic: phrase(&created.hotkey),
        });
    }
    println!(
        "{}",
        tr_with(
            "wallet.created",
            &[
                ("name", &name),
                ("address", &created.coldkey.ss58_address())
            ]
        )
    );
    println!("\n{}\n", tr("wallet.write_down_warning"));
    println!(
        "{}:\n  {}\n",
        tr("wallet.coldkey_phrase"),
        phrase(&created.coldkey)
    );
    println!(
        "{}:\n  {}",
        tr("wallet.hotkey_phrase"),
        phrase(&created.hotkey)
    );
    Ok(())
}

/// Unlocks the coldkey once and stores its secret in the OS keychain.
pub fn remember(
    name: &str,
    path: Option<PathBuf>,
    password_file: Option<PathBuf>,
) -> Result<(), Failure> {
    let wallet_root = wallets(path);
    let wallet = wallet_root.existing(name).map_err(wallet_failure)?;
    let password = secrets::read_secret(password_file.as_deref(), "cli.prompt_password")?;
    let pair = wallet.unlock_coldkey(&password).map_err(wallet_failure)?;
    let seed = pair
        .secret_seed()
        .ok_or_else(|| Failure::failed(tr("wallet.no_seed_to_remember")))?;
    let id = taoscope_core::service::keychain_id(wallet_root.root(), name);
    taoscope_core::keychain::remember(&id, seed).map_err(|e| Failure::failed(e.to_string()))?;
    println!("{}", tr_with("wallet.remembered", &[("name", &name)]));
    Ok(())
}

/// Removes the wallet's secret from the OS keychain.
pub fn forget(name: &str, path: Option<PathBuf>) -> Result<(), Failure> {
    let id = taoscope_core::service::keychain_id(wallets(path).root(), name);
    taoscope_core::keychain::forget(&id).map_err(|e| Failure::failed(e.to_string()))?;
    println!("{}", tr_with("wallet.forgotten", &[("name", &name)]));
    Ok(())
}
