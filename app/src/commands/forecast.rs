//! `taoscope forecast halving …`: when the next TAO halvings come, by issuance and its rate.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use taoscope_core::emission::{
    HalvingEta, IssuanceRate, RAO_PER_TAO, block_emission_for_issuance, halving_schedule,
    utc_iso8601,
};
use taoscope_core::i18n::{tr, tr_with};

use super::Failure;
use crate::cli::HalvingArgs;

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
