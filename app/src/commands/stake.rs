//! `taoscope stake …` and `taoscope transfer`: check the input offline, quote and check at
//! the chain, show the review, unlock, sign, submit once and print each status.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use serde_json::json;
use taoscope_core::amount::{parse_positive_units, units_text_short};
use taoscope_core::chain::ChainClient;
use taoscope_core::explorer::{Alpha, Rao};
use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::keys::{AccountId, Keypair};
use taoscope_core::network::Network;
use taoscope_core::tx::{
    Action, Holdings, Journal, MORTAL_PERIOD_BLOCKS, Prepared, Tolerance, TxError, TxStatus,
    Warning, change, change_text, key_for_signing, prepare, read_holdings, reconcile,
    sign_prepared,
};

use super::wallet::wallets;
use super::{Failure, print_json, secrets};
use crate::cli::{RegisterArgs, StakeCommand, ToleranceArgs, TransferArgs, TxArgs};

fn address(field: &str, text: &str) -> Result<AccountId, Failure> {
    AccountId::from_ss58(text.trim()).map_err(|e| Failure::usage(format!("{field}: {e}")))
}

fn amount(field: &str, text: &str) -> Result<u64, Failure> {
    parse_positive_units(text, field).map_err(|e| Failure::usage(e.to_string()))
}

fn bound(args: &ToleranceArgs) -> Result<(Tolerance, bool), Failure> {
    let tolerance = match &args.tolerance {
        Some(text) => Tolerance::parse_percent(text).map_err(|e| Failure::usage(e.to_string()))?,
        None => Tolerance::DEFAULT,
    };
    Ok((tolerance, !args.unguarded))
}

/// Runs one `stake` subcommand.
pub fn run(network: Network, command: StakeCommand) -> Result<(), Failure> {
    // Everything typed is checked here, before any network access.
    let (tx, action, tolerance, guarded) = match command {
        StakeCommand::Add {
            tx,
            hotkey,
            netuid,
            amount: text,
            bound: b,
        } => {
            let (tolerance, guarded) = bound(&b)?;
            let action = Action::AddStake {
                hotkey: address("--hotkey", &hotkey)?,
                netuid,
                amount: Rao(amount("--amount", &text)?),
                limit: None,
            };
            (tx, action, tolerance, guarded)
        }
        StakeCommand::Remove {
            tx,
            hotkey,
            netuid,
            amount: text,
            all,
            bound: b,
        } => {
            let (tolerance, guarded) = bound(&b)?;
            let hotkey = address("--hotkey", &hotkey)?;
            let action = match (all, text) {
                (true, _) => Action::RemoveStakeFull {
                    hotkey,
                    netuid,
                    limit_price: None,
                },
                (false, Some(text)) => Action::RemoveStake {
                    hotkey,
                    netuid,
                    amount: Alpha(amount("--amount", &text)?),
                    limit: None,
                },
                (false, None) => return Err(Failure::usage(tr("cli.stake_amount_or_all"))),
            };
            (tx, action, tolerance, guarded)
        }
        StakeCommand::Move {
            tx,
            hotkey,
            to_hotkey,
            netuid,
            to_netuid,
            amount: text,
        } => {
            let action = Action::MoveStake {
                origin_hotkey: address("--hotkey", &hotkey)?,
                destination_hotkey: address("--to-hotkey", &to_hotkey)?,
                origin_netuid: netuid,
                destination_netuid: to_netuid.unwrap_or(netuid),
                amount: Alpha(amount("--amount", &text)?),
            };
            (tx, action, Tolerance::DEFAULT, true)
        }
        StakeCommand::Swap {
            tx,
            hotkey,
            netuid,
            to_netuid,
            amount: text,
            bound: b,
        } => {
            let (tolerance, guarded) = bound(&b)?;
            let action = Action::SwapStake {
                hotkey: address("--hotkey", &hotkey)?,
                origin_netuid: netuid,
                destination_netuid: to_netuid,
                amount: Alpha(amount("--amount", &text)?),
                limit: None,
            };
            (tx, action, tolerance, guarded)
        }
        StakeCommand::Transfer {
            tx,
            hotkey,
            to,
            netuid,
            to_netuid,
            amount: text,
        } => {
            let action = Action::TransferStake {
                destination_coldkey: address("--to", &to)?,
                hotkey: address("--hotkey", &hotkey)?,
                origin_netuid: netuid,
                destination_netuid: to_netuid.unwrap_or(netuid),
                amount: Alpha(amount("--amount", &text)?),
            };
            (tx, action, Tolerance::DEFAULT, true)
        }
        StakeCommand::UnstakeAll {
            tx,
            hotkey,
            alpha_only,
        } => {
            let hotkey = address("--hotkey", &hotkey)?;
            let action = if alpha_only {
                Action::UnstakeAllAlpha { hotkey }
            } else {
                Action::UnstakeAll { hotkey }
            };
            (tx, action, Tolerance::DEFAULT, true)
        }
    };
    execute(network, tx, action, tolerance, guarded)
}

/// Runs `taoscope transfer`.
pub fn transfer(network: Network, args: TransferArgs) -> Result<(), Failure> {
    let action = Action::Transfer {
        dest: address("--to", &args.to)?,
        amount: Rao(amount("--amount", &args.amount)?),
        allow_death: args.allow_death,
    };
    execute(network, args.tx, action, Tolerance::DEFAULT, true)
}

/// Runs `taoscope register`: `register_limit` bounded by the burn shown where the runtime
/// has it, else `burned_register`; `--max-burn` refuses a higher burn before signing.
pub fn register(network: Network, args: RegisterArgs) -> Result<(), Failure> {
    let hotkey = address("--hotkey", &args.hotkey)?;
    let max_burn = args
        .max_burn
        .as_deref()
        .map(|text| amount("--max-burn", text))
        .transpose()?;
    let action = Action::BurnedRegister {
        netuid: args.netuid,
        hotkey,
    };
    execute_with(
        network,
        args.tx,
        action,
        Tolerance::DEFAULT,
        true,
        |prepared| match (max_burn, prepared.quote.burn_rao) {
            (Some(max), Some(burn)) if burn > max => Err(Failure::failed(tr_with(
                "cli.burn_above_max",
                &[
                    ("burn", &units_text_short(burn)),
                    ("max", &units_text_short(max)),
                ],
            ))),
            _ => Ok(()),
        },
    )
}

/// What `--dry-run` prints.
#[derive(Serialize)]
struct DryRun<'a> {
    call: serde_json::Value,
    expected_alpha: Option<u64>,
    expected_tao_rao: Option<u64>,
    minimum_received: Option<u64>,
    limit_price: Option<u64>,
    fee_rao: Option<u64>,
    stake_fee: Option<u64>,
    shielded: bool,
    shield_fee_rao: Option<u64>,
    burn_rao: Option<u64>,
    fee_taken_from_stake: bool,
    price_rao_per_alpha: Option<u64>,
    price_impact_ppm: Option<u64>,
    tolerance_percent: String,
    block: u64,
    warnings: Vec<WarningOut<'a>>,
}

#[derive(Serialize)]
struct WarningOut<'a> {
    #[serde(flatten)]
    warning: &'a Warning,
    message: String,
}

fn percent(ppm: u32) -> String {
    let text = format!("{}.{:04}", ppm / 10_000, ppm % 10_000);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn dry_run_out(prepared: &Prepared) -> Result<serde_json::Value, Failure> {
    let spec = prepared
        .action
        .checked_call(&prepared.context.metadata)
        .map_err(|e| Failure::failed(e.to_string()))?;
    let buys_alpha = matches!(prepared.action, Action::AddStake { .. });
    let out = DryRun {
        call: json!({
            "pallet": spec.pallet,
            "name": spec.call,
            "args": serde_json::to_value(&prepared.action).map_err(|e| Failure::failed(e.to_string()))?,
        }),
        expected_alpha: buys_alpha.then_some(prepared.quote.expected_out).flatten(),
        expected_tao_rao: (!buys_alpha)
            .then_some(prepared.quote.expected_out)
            .flatten(),
        minimum_received: prepared.quote.minimum_out,
        limit_price: prepared.quote.limit_price,
        fee_rao: prepared.quote.tx_fee_rao,
        stake_fee: prepared.quote.stake_fee,
        shielded: prepared.shielded(),
        shield_fee_rao: prepared.quote.shield_fee_rao,
        burn_rao: prepared.quote.burn_rao,
        fee_taken_from_stake: prepared.action.fee_paid_in_alpha(),
        price_rao_per_alpha: prepared.quote.price_rao_per_alpha,
        price_impact_ppm: prepared.quote.price_impact_ppm,
        tolerance_percent: percent(prepared.quote.tolerance_ppm),
        block: prepared.block_number,
        warnings: prepared
            .warnings
            .iter()
            .map(|w| WarningOut {
                warning: w,
                message: w.describe(),
            })
            .collect(),
    };
    serde_json::to_value(out).map_err(|e| Failure::failed(e.to_string()))
}

fn print_review(prepared: &Prepared) {
    let spec = prepared.action.checked_call(&prepared.context.metadata);
    let name = spec
        .map(|s| format!("{}.{}", s.pallet, s.call))
        .unwrap_or_default();
    let q = &prepared.quote;
    let line = |key: &str, value: String| eprintln!("  {:<24} {value}", tr(key));
    eprintln!("{}", tr_with("tx.review.title", &[("call", &name)]));
    if let Some(price) = q.price_rao_per_alpha {
        line(
            "tx.review.price",
            format!("{} TAO/α", units_text_short(price)),
        );
    }
    if let Some(out) = q.expected_out {
        line("tx.review.expected", units_text_short(out));
    }
    if let Some(min) = q.minimum_out {
        line("tx.review.minimum", units_text_short(min));
    }
    if let Some(ppm) = q.price_impact_ppm {
        line(
            "tx.review.impact",
            format!("{}%", percent(ppm.min(u64::from(u32::MAX)) as u32)),
        );
    }
    if let Some(burn) = q.burn_rao {
        line("tx.review.burn", format!("{} TAO", units_text_short(burn)));
    }
    if let Some(fee) = q.tx_fee_rao {
        line("tx.review.fee", format!("{} TAO", units_text_short(fee)));
    }
    if let Some(fee) = q.shield_fee_rao {
        line(
            "tx.review.shield_fee",
            format!("{} TAO", units_text_short(fee)),
        );
    }
    if let Some(fee) = q.stake_fee {
        let unit = if matches!(prepared.action, Action::AddStake { .. }) {
            "TAO"
        } else {
            "alpha"
        };
        line(
            "tx.review.stake_fee",
            format!("{} {unit}", units_text_short(fee)),
        );
    }
    if q.limit_price.is_some() {
        line(
            "tx.review.tolerance",
            format!("{}%", percent(q.tolerance_ppm)),
        );
    }
    if prepared.shielded() {
        eprintln!("  {}", tr("tx.review.shielded"));
    }
    for w in &prepared.warnings {
        eprintln!("  ! {}", w.describe());
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::failed(e.to_string()))
}

fn tx_failure(e: TxError) -> Failure {
    Failure::failed(e.to_string())
}

/// Unlocks the signing coldkey: a password file, else the keychain, else a prompt.
fn unlock(
    wallet_root: &taoscope_core::wallet::Wallets,
    name: &str,
    file: Option<&PathBuf>,
) -> Result<Keypair, Failure> {
    let wallet = wallet_root
        .existing(name)
        .map_err(|e| Failure::failed(e.to_string()))?;
    if file.is_none() {
        let id = taoscope_core::service::keychain_id(wallet_root.root(), name);
        if let Ok(Some(seed)) = taoscope_core::keychain::recall(&id) {
            return Ok(Keypair::from_seed(&seed));
        }
    }
    let password = secrets::read_secret(file.map(PathBuf::as_path), "cli.prompt_password")?;
    wallet
        .unlock_coldkey(&password)
        .map_err(|e| Failure::failed(e.to_string()))
}

fn execute(
    network: Network,
    tx: TxArgs,
    action: Action,
    tolerance: Tolerance,
    guarded: bool,
) -> Result<(), Failure> {
    execute_with(network, tx, action, tolerance, guarded, |_| Ok(()))
}

/// [`execute`] with one more check on the prepared transaction before anything is signed.
fn execute_with(
    network: Network,
    tx: TxArgs,
    action: Action,
    tolerance: Tolerance,
    guarded: bool,
    approve: impl FnOnce(&Prepared) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let wallet_root = wallets(tx.path.wallet_path.clone());
    let signer = wallet_root
        .existing(&tx.wallet)
        .and_then(|w| w.coldkeypub())
        .map_err(|e| Failure::usage(e.to_string()))?;
    let runtime = runtime()?;
    runtime.block_on(async {
        let client = ChainClient::connect(&network)
            .await
            .map_err(|e| Failure::failed(e.to_string()))?;
        let pinned = client
            .pin_latest()
            .await
            .map_err(|e| Failure::failed(e.to_string()))?;
        let prepared = prepare(&pinned, action, signer, tolerance, guarded)
            .await
            .map_err(tx_failure)?;
        let prepared = if tx.no_shield {
            prepared.without_shield()
        } else {
            prepared
        };
        approve(&prepared)?;
        if tx.dry_run {
            let out = dry_run_out(&prepared)?;
            return if tx.output.json {
                print_json(&out)
            } else {
                print_review(&prepared);
                Ok(())
            };
        }
        if !tx.output.json {
            print_review(&prepared);
        }
        let journal = Journal::default_location()
            .ok_or_else(|| Failure::failed(tr("cli.no_config_dir")))?;
        settle_pending(&client, &journal, &signer).await?;
        // What the deltas start from; a failed read costs only the deltas, not the send.
        let before = read_holdings(&pinned, &signer, &prepared.action, &[]).await;
        let keypair = unlock(&wallet_root, &tx.wallet, tx.password_file.as_ref())?;
        if keypair.account_id() != signer {
            return Err(Failure::failed(tr("cli.coldkey_mismatch")));
        }
        let key = key_for_signing(&client, &prepared).await.map_err(tx_failure)?;
        let outgoing = sign_prepared(&prepared, &keypair, key.as_ref()).map_err(tx_failure)?;
        drop(keypair);
        let signed = outgoing.sent().clone();
        let call = prepared
            .action
            .checked_call(&prepared.context.metadata)
            .map(|s| format!("{}.{}", s.pallet, s.call))
            .map_err(tx_failure)?;
        let json_out = tx.output.json;
        let show = |status: &TxStatus| {
            if json_out {
                println!(
                    "{}",
                    json!({"hash": signed.hash_hex(), "status": status, "message": status.describe()})
                );
            } else {
                println!("{}", status.describe());
            }
        };
        let result = outgoing
            .submit_and_watch(
                &client,
                &journal,
                &call,
                prepared.context.era_block_number,
                show,
            )
            .await;
        let last = match result {
            Ok(status) => status,
            Err(TxError::ConnectionLost { hash }) => {
                eprintln!("{}", tr_with("error.tx.connection_lost", &[("hash", &hash)]));
                follow_after_drop(&network, &journal, &hash, show).await?
            }
            Err(e) => return Err(tx_failure(e)),
        };
        if matches!(last, TxStatus::Finalized { .. }) {
            match (before, ChainClient::connect(&network).await) {
                (Ok(before), Ok(client)) => {
                    let hash = signed.hash_hex();
                    print_deltas(&client, &signer, &prepared.action, &before, &hash, json_out)
                        .await;
                }
                (Err(e), _) => eprintln!(
                    "{}",
                    tr_with("cli.deltas_unread", &[("reason", &e.to_string())])
                ),
                (_, Err(e)) => eprintln!(
                    "{}",
                    tr_with("cli.deltas_unread", &[("reason", &e.to_string())])
                ),
            }
        }
        finish(&last)
    })
}

/// After finality: the balance and the touched positions before (at the quote's block) and
/// after (at the newest finalized block), as integers and formatted. A failed read says so
/// on stderr; the transaction's own result stands either way.
async fn print_deltas(
    client: &ChainClient,
    signer: &AccountId,
    action: &Action,
    before: &Holdings,
    hash: &str,
    json_out: bool,
) {
    let after = match client.pin_latest().await {
        Ok(pinned) => read_holdings(&pinned, signer, action, &before.positions).await,
        Err(e) => Err(TxError::Chain(e.to_string())),
    };
    let after = match after {
        Ok(after) => after,
        Err(e) => {
            eprintln!(
                "{}",
                tr_with("cli.deltas_unread", &[("reason", &e.to_string())])
            );
            return;
        }
    };
    let held_before = |hotkey: &str, netuid: u16| {
        before
            .positions
            .iter()
            .find(|p| p.hotkey == hotkey && p.netuid == netuid)
            .map_or(0, |p| p.alpha)
    };
    let balance_change = change(before.free_rao, after.free_rao);
    let stakes: Vec<serde_json::Value> = after
        .positions
        .iter()
        .map(|p| {
            let was = held_before(&p.hotkey, p.netuid);
            let delta = change(was, p.alpha);
            json!({
                "hotkey": p.hotkey,
                "netuid": p.netuid,
                "before_alpha": was,
                "after_alpha": p.alpha,
                "change_alpha": delta,
                "before": units_text_short(was),
                "after": units_text_short(p.alpha),
                "change": change_text(delta),
            })
        })
        .collect();
    if json_out {
        println!(
            "{}",
            json!({
                "hash": hash,
                "deltas": {
                    "before_block": before.block,
                    "after_block": after.block,
                    "balance": {
                        "before_rao": before.free_rao,
                        "after_rao": after.free_rao,
                        "change_rao": balance_change,
                        "before": units_text_short(before.free_rao),
                        "after": units_text_short(after.free_rao),
                        "change": change_text(balance_change),
                    },
                    "stake": stakes,
                }
            })
        );
        return;
    }
    println!(
        "{}",
        tr_with(
            "cli.delta_balance",
            &[
                ("before", &units_text_short(before.free_rao)),
                ("after", &units_text_short(after.free_rao)),
                ("change", &change_text(balance_change)),
                ("before_rao", &before.free_rao),
                ("after_rao", &after.free_rao),
            ],
        )
    );
    for p in &after.positions {
        let was = held_before(&p.hotkey, p.netuid);
        println!(
            "{}",
            tr_with(
                "cli.delta_stake",
                &[
                    ("netuid", &p.netuid.to_string()),
                    ("hotkey", &p.hotkey),
                    ("before", &units_text_short(was)),
                    ("after", &units_text_short(p.alpha)),
                    ("change", &change_text(change(was, p.alpha))),
                    ("before_units", &was.to_string()),
                    ("after_units", &p.alpha.to_string()),
                ],
            )
        );
    }
}

/// The final word: success prints nothing more; a chain failure is exit 1 with its sentence.
fn finish(last: &TxStatus) -> Result<(), Failure> {
    use taoscope_core::tx::DispatchOutcome;
    match last {
        TxStatus::Finalized { outcome, .. } | TxStatus::InBlock { outcome, .. } => match outcome {
            DispatchOutcome::Failed { explanation, .. } => {
                Err(Failure::failed(explanation.clone()))
            }
            DispatchOutcome::NotRevealed => Err(Failure::failed(tr("tx.outcome.not_revealed"))),
            _ => Ok(()),
        },
        TxStatus::Dropped | TxStatus::Invalid | TxStatus::Usurped => {
            Err(Failure::failed(last.describe()))
        }
        _ => Ok(()),
    }
}

/// Settles this signer's unfinished journal entries before sending anything new.
async fn settle_pending(
    client: &ChainClient,
    journal: &Journal,
    signer: &AccountId,
) -> Result<(), Failure> {
    let pending = journal
        .pending(&signer.to_ss58(), &client.genesis_hash())
        .map_err(tx_failure)?;
    for entry in pending {
        reconcile(client, journal, &entry)
            .await
            .map_err(tx_failure)?;
    }
    Ok(())
}

/// After a dropped connection: reconnect and ask the chain until the transaction settles
/// or its era runs out. Never resubmits.
async fn follow_after_drop(
    network: &Network,
    journal: &Journal,
    hash: &str,
    show: impl Fn(&TxStatus),
) -> Result<TxStatus, Failure> {
    let deadline =
        std::time::Instant::now() + Duration::from_secs(12 * (MORTAL_PERIOD_BLOCKS + 10));
    let mut delay = Duration::from_secs(1);
    loop {
        if std::time::Instant::now() > deadline {
            return Ok(TxStatus::Unknown);
        }
        if let Ok(client) = ChainClient::connect(network).await {
            let entry = journal
                .entries()
                .map_err(tx_failure)?
                .into_iter()
                .find(|e| e.hash == hash);
            let Some(entry) = entry else {
                return Ok(TxStatus::Unknown);
            };
            if let Ok(status) = reconcile(&client, journal, &entry).await {
                show(&status);
                if status.is_final() {
                    return Ok(status);
                }
            }
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(12));
    }
}
