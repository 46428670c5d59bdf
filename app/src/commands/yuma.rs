//! `taoscope yuma --input FILE [--json]`: runs a Yuma case and prints what the chain would store.

use taoscope_core::i18n::{tr, tr_with};
use taoscope_core::yuma::{Case, EpochOutput, case_output_json, parse_case, run_case};

use super::Failure;
use crate::cli::YumaArgs;

/// Reads the case, runs its epochs in order and prints the outputs.
pub fn run(args: &YumaArgs) -> Result<(), Failure> {
    let text = std::fs::read_to_string(&args.input).map_err(|e| {
        Failure::usage(tr_with(
            "cli.yuma.cannot_read",
            &[("file", &args.input.display()), ("reason", &e)],
        ))
    })?;
    // A case that does not parse or validate is bad input: exit 2.
    let case = parse_case(&text).map_err(|e| Failure::usage(e.to_string()))?;
    let outputs = run_case(&case).map_err(|e| Failure::usage(e.to_string()))?;
    if args.json {
        super::print_json(&case_output_json(&case, &outputs))
    } else {
        print_tables(&case, &outputs)
    }
}

fn print_tables(case: &Case, outputs: &[EpochOutput]) -> Result<(), Failure> {
    for (k, output) in outputs.iter().enumerate() {
        if case.multi_epoch {
            println!("{}", tr_with("cli.yuma.epoch", &[("number", &(k + 1))]));
        }
        let header = [
            "uid",
            &tr("cli.yuma.active"),
            &tr("cli.yuma.permit"),
            &tr("cli.yuma.consensus"),
            &tr("cli.yuma.incentive"),
            &tr("cli.yuma.dividends"),
            &tr("cli.yuma.miner_rao"),
            &tr("cli.yuma.validator_rao"),
        ]
        .map(|h| h.to_string());
        let yes_no = |b: bool| if b { tr("cli.yes") } else { tr("cli.no") };
        let mut rows = vec![header];
        for uid in 0..output.active.len() {
            let fixed = |v: &[taoscope_core::yuma::I32F32]| {
                v.get(uid)
                    .map(|x| format!("{:.6}", x.to_num::<f64>()))
                    .unwrap_or_default()
            };
            let rao = |v: &[u64]| v.get(uid).map(u64::to_string).unwrap_or_default();
            rows.push([
                uid.to_string(),
                yes_no(output.active.get(uid).copied().unwrap_or(false)),
                yes_no(
                    output
                        .new_validator_permit
                        .get(uid)
                        .copied()
                        .unwrap_or(false),
                ),
                fixed(&output.consensus),
                fixed(&output.incentive),
                fixed(&output.dividends),
                rao(&output.server_emission),
                rao(&output.validator_emission),
            ]);
        }
        super::print_table(&rows, super::Align::Right)?;
    }
    Ok(())
}
