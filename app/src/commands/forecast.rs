//! `taoscope forecast halving …`: when the next TAO halvings come, by issuance and its rate;
//! `taoscope forecast rewards …`: what a stake position is expected to earn.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use taoscope_core::emission::{
    HalvingEta, IssuanceRate, RAO_PER_TAO, block_emission_for_issuance, halving_schedule,
    utc_iso8601,
};
use taoscope_core::i18n::{tr, tr_with};

use taoscope_core::explorer::{Alpha, Rao};
use taoscope_core::forecast::{
    MarketFacts, PositionKind, PositionQuery, RewardForecast, forecast_rewards, parse_alpha_amount,
};
use taoscope_core::network::Network;

use super::snapshot::load_snapshot;
use super::{Failure, parse_address, print_pairs, read_pinned};
use crate::cli::{HalvingArgs, RewardsArgs};

/// Prints the halving schedule for the given rate and for the nominal emission.
pub fn halving(args: &HalvingArgs) -> Result<(), Failure> {
    let at_unix = match args.at_unix_time {
        Some(t) => t,
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .map_err(|e| Failure::failed(e.to_string()))?,
    };
    let emission = block_emission_for_issuance(args.issuance_rao);
    let rate = match args.rate_rao_per_block {
        Some(r) => IssuanceRate::Observed { rao_per_block: r },
        None => IssuanceRate::Nominal,
    };
    let schedule = |rate| {
        halving_schedule(args.issuance_rao, rate, args.at_block, at_unix, args.count)
            .map_err(|e| Failure::usage(e.to_string()))
    };
    let halvings = schedule(rate)?;
    let nominal = schedule(IssuanceRate::Nominal)?;
    if args.json {
        let doc = json!({
            "issuance_rao": args.issuance_rao,
            "at_block": args.at_block,
            "at_date": utc_iso8601(at_unix),
            "block_emission_rao": emission,
            "rate_rao_per_block": args.rate_rao_per_block.unwrap_or(emission),
            "halvings": etas_json(&halvings),
            "nominal_halvings": etas_json(&nominal),
        });
        return super::print_json(&doc);
    }
    println!(
        "{}",
        tr_with(
            "cli.forecast.emission",
            &[("tao", &tao(emission)), ("block", &args.at_block)]
        )
    );
    if args.rate_rao_per_block.is_some() {
        println!("{}", tr("cli.forecast.observed"));
        print_etas(&halvings)?;
        println!();
    }
    println!("{}", tr("cli.forecast.nominal"));
    print_etas(&nominal)
}

fn etas_json(etas: &[HalvingEta]) -> Value {
    Value::Array(
        etas.iter()
            .map(|h| {
                json!({
                    "threshold_rao": h.threshold_rao,
                    "eta_block": h.eta_block,
                    "eta_date": utc_iso8601(h.eta_unix_seconds),
                    "blocks_from_now": h.blocks_from_now,
                    "block_emission_after_rao": h.block_emission_after_rao,
                })
            })
            .collect(),
    )
}

/// Rao as TAO with the trailing zeros of the nine decimals trimmed.
fn tao(rao: u64) -> String {
    let whole = rao / RAO_PER_TAO;
    let frac = rao % RAO_PER_TAO;
    if frac == 0 {
        return whole.to_string();
    }
    let digits = format!("{frac:09}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

fn print_etas(etas: &[HalvingEta]) -> Result<(), Failure> {
    let mut rows = vec![[
        tr("cli.forecast.threshold"),
        tr("cli.forecast.block"),
        tr("cli.forecast.date"),
        tr("cli.forecast.emission_after"),
    ]];
    for h in etas {
        rows.push([
            tao(h.threshold_rao),
            h.eta_block.to_string(),
            utc_iso8601(h.eta_unix_seconds),
            tao(h.block_emission_after_rao),
        ]);
    }
    super::print_table(&rows, super::Align::Right)
}

/// Forecasts one position's rewards from a snapshot or the live chain and prints them.
/// The amount and the address are checked before anything is read.
pub fn rewards(network: Network, args: &RewardsArgs) -> Result<(), Failure> {
    let amount = parse_alpha_amount(&args.amount_alpha).map_err(Failure::usage)?;
    let hotkey = parse_address("--hotkey", &args.hotkey)?;
    let query = PositionQuery {
        netuid: args.netuid,
        hotkey: args.hotkey.clone(),
        amount,
        kind: if args.existing {
            PositionKind::Existing
        } else {
            PositionKind::Added
        },
    };
    let forecast = match &args.snapshot {
        Some(path) => {
            let snapshot = load_snapshot(path)?;
            let metagraph = snapshot
                .metagraph(args.netuid)
                .map_err(|e| Failure::failed(e.to_string()))?;
            let subnet = snapshot
                .subnets()
                .ok()
                .and_then(|list| list.iter().find(|s| s.netuid == args.netuid));
            let facts = MarketFacts {
                subnet,
                take_u16: None,
            };
            forecast_rewards(metagraph, &facts, &query)
        }
        None => {
            let netuid = args.netuid;
            let inputs = read_pinned(&network, |at| async move {
                at.reward_inputs(netuid, &hotkey).await
            })?;
            let facts = MarketFacts {
                subnet: inputs.subnet.as_ref(),
                take_u16: inputs.take_u16,
            };
            forecast_rewards(&inputs.metagraph, &facts, &query)
        }
    }
    .map_err(|e| Failure::failed(e.to_string()))?;
    if args.json {
        let mut doc =
            serde_json::to_value(&forecast).map_err(|e| Failure::failed(e.to_string()))?;
        if let Some(map) = doc.as_object_mut() {
            let texts: Vec<String> = forecast.assumptions.iter().map(|a| a.text()).collect();
            map.insert("assumption_texts".into(), json!(texts));
        }
        return super::print_json(&doc);
    }
    print_rewards(&forecast)
}

fn alpha_text(a: Alpha) -> String {
    format!("{} α", tao(a.0))
}

fn tao_text(r: Option<Rao>) -> String {
    r.map(|r| format!("{} τ", tao(r.0)))
        .unwrap_or_else(|| tr("explorer.unknown"))
}

fn print_rewards(f: &RewardForecast) -> Result<(), Failure> {
    let mut pairs = vec![
        (tr("rewards.position"), alpha_text(f.amount)),
        (tr("rewards.value"), tao_text(f.value_rao)),
        (
            tr("rewards.share"),
            format!("{:.4}%", f.share_ppb as f64 / 10_000_000.0),
        ),
        (
            tr("rewards.take"),
            format!("{:.2}%", f64::from(f.take_u16) * 100.0 / 65_535.0),
        ),
        (tr("rewards.per_tempo"), alpha_text(f.alpha_per_tempo)),
        (
            tr("rewards.per_day"),
            format!(
                "{} ({})",
                alpha_text(f.alpha_per_day),
                tao_text(f.tao_per_day_rao)
            ),
        ),
        (
            tr("rewards.per_year"),
            format!(
                "{} ({})",
                alpha_text(f.alpha_per_year),
                tao_text(f.tao_per_year_rao)
            ),
        ),
        (tr("rewards.apy"), format!("{:.2}%", f.apy_percent)),
    ];
    if let Some(h) = &f.next_halving {
        pairs.push((
            tr("rewards.after_halving"),
            tr_with(
                "rewards.after_halving_value",
                &[
                    ("alpha", &alpha_text(h.alpha_per_day_after)),
                    ("threshold", &alpha_text(h.threshold)),
                ],
            ),
        ));
    }
    println!(
        "{}",
        tr_with(
            "rewards.heading",
            &[("netuid", &f.netuid), ("uid", &f.uid), ("block", &f.block)]
        )
    );
    print_pairs(&pairs)?;
    println!("{}", tr("rewards.assumptions"));
    for a in &f.assumptions {
        println!("  - {}", a.text());
    }
    Ok(())
}
