//! What-if: a subnet's epoch run twice, on the metagraph as read and with the user's edits
//! (a weight row, a stake, a hyperparameter), so the page can show what the edit changes.
//!
//! Both runs use the same hyperparameters except the edited ones, so the difference is the
//! edit's effect alone. Hyperparameters the metagraph does not carry (kappa, bonds moving
//! average, liquid alpha, Yuma 3) start at the runtime's defaults; the outcome lists each
//! such assumption as a catalogue key.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::explorer::Metagraph;
use crate::explorer::weights::WeightsAndBonds;
use crate::yuma::{EpochInput, EpochParams, I64F64, YumaError, run_epoch};

/// What the user changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WhatIfEdits {
    /// Replacement weight rows, by validator uid: `(miner uid, weight 0..=65535)`.
    pub weight_rows: BTreeMap<u16, Vec<(u16, u16)>>,
    /// Replacement alpha stakes, by uid, in alpha units.
    pub stakes: BTreeMap<u16, u64>,
    /// Consensus quantile κ (u16, 32767 ≈ 0.5).
    pub kappa: Option<u16>,
    /// Bond EMA memory in millionths (≤ 1,000,000).
    pub bonds_moving_average: Option<u64>,
    /// Liquid alpha on or off.
    pub liquid_alpha: Option<bool>,
    /// Yuma 3 on or off.
    pub yuma3: Option<bool>,
}

/// One what-if run: the data as read and the edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatIfJob {
    /// The subnet's metagraph.
    pub metagraph: Arc<Metagraph>,
    /// Its stored weights and bonds, when they could be read.
    pub weights: Option<Arc<WeightsAndBonds>>,
    /// With no stored weights: start every permitted validator's row from the stored
    /// incentive (see [`rows_from_incentive`]) instead of from no weights at all.
    pub rebuild_from_incentive: bool,
    /// The user's changes.
    pub edits: WhatIfEdits,
}

/// Incentive and dividends per uid before and after the edits (u16 proportions, as stored).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WhatIfOutcome {
    /// Incentive per uid on the data as read.
    pub incentive_before: Vec<u16>,
    /// Incentive per uid with the edits.
    pub incentive_after: Vec<u16>,
    /// Dividends per uid on the data as read.
    pub dividends_before: Vec<u16>,
    /// Dividends per uid with the edits.
    pub dividends_after: Vec<u16>,
    /// Catalogue keys of the assumptions behind both runs.
    pub assumptions: Vec<&'static str>,
}

/// A uid whose incentive or dividends moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UidChange {
    /// The uid.
    pub uid: u16,
    /// Incentive before and after.
    pub incentive: (u16, u16),
    /// Dividends before and after.
    pub dividends: (u16, u16),
}

impl UidChange {
    /// The largest absolute move of the two.
    pub fn size(&self) -> u32 {
        let d = |(a, b): (u16, u16)| u32::from(a.abs_diff(b));
        d(self.incentive).max(d(self.dividends))
    }
}

impl WhatIfOutcome {
    /// The `count` uids that moved most (ties by uid), largest first; unmoved uids left out.
    pub fn top_changes(&self, count: usize) -> Vec<UidChange> {
        let at = |v: &[u16], i: usize| v.get(i).copied().unwrap_or(0);
        let mut all: Vec<UidChange> = (0..self.incentive_before.len())
            .map(|i| UidChange {
                uid: u16::try_from(i).unwrap_or(u16::MAX),
                incentive: (at(&self.incentive_before, i), at(&self.incentive_after, i)),
                dividends: (at(&self.dividends_before, i), at(&self.dividends_after, i)),
            })
            .filter(|c| c.size() > 0)
            .collect();
        all.sort_by_key(|c| (std::cmp::Reverse(c.size()), c.uid));
        all.truncate(count);
        all
    }
}

/// Weight rows rebuilt from the stored incentive, for data without weights: every validator
/// with a permit weights each miner the chain paid, in proportion to its incentive (the
/// chain's incentive is what the validators' consensus weights paid out). Self-weights
/// are left out, as the epoch would drop them.
pub fn rows_from_incentive(metagraph: &Metagraph) -> BTreeMap<u16, Vec<(u16, u16)>> {
    let paid: Vec<(u16, u16)> = metagraph
        .neurons
        .iter()
        .filter(|n| n.incentive > 0)
        .map(|n| (n.uid, n.incentive))
        .collect();
    metagraph
        .neurons
        .iter()
        .filter(|n| n.validator_permit)
        .map(|v| {
            let row = paid.iter().copied().filter(|(j, _)| *j != v.uid).collect();
            (v.uid, row)
        })
        .collect()
}

/// The epoch's parameters and input from the data as read (no edits), and the assumptions
/// that fill what the data lacks.
pub fn baseline(
    metagraph: &Metagraph,
    weights: Option<&WeightsAndBonds>,
    rebuild_from_incentive: bool,
) -> (EpochParams, EpochInput, Vec<&'static str>) {
    let mut assumptions = vec!["whatif.assumption.default_hyperparameters"];
    let s = &metagraph.subnet;
    let owner_uid = s.owner_hotkey.as_ref().and_then(|owner| {
        metagraph
            .neurons
            .iter()
            .find(|n| &n.hotkey == owner)
            .map(|n| n.uid)
    });
    let params = EpochParams {
        tempo: s.tempo.map_or(360, u64::from),
        max_allowed_validators: s.max_validators.unwrap_or(128),
        owner_uid,
        ..EpochParams::default()
    };
    let n = metagraph.n;
    let count = usize::from(n);
    let rows = |map: Option<&BTreeMap<u16, Vec<(u16, u16)>>>| -> Vec<Vec<(u16, u16)>> {
        (0..n)
            .map(|uid| map.and_then(|m| m.get(&uid)).cloned().unwrap_or_default())
            .collect()
    };
    let rebuilt =
        (weights.is_none() && rebuild_from_incentive).then(|| rows_from_incentive(metagraph));
    match (weights, &rebuilt) {
        (None, Some(_)) => assumptions.push("whatif.assumption.rebuilt_weights"),
        (None, None) => assumptions.push("whatif.assumption.no_weights"),
        _ => {}
    }
    if metagraph.neurons.iter().any(|n| n.total_stake.is_none()) {
        assumptions.push("whatif.assumption.alpha_stake_only");
    }
    let neuron = |uid: usize| metagraph.neurons.get(uid);
    let input = EpochInput {
        n,
        stake: (0..count)
            .map(|uid| {
                neuron(uid).map_or(I64F64::from_num(0), |n| {
                    I64F64::from_num(n.total_stake.unwrap_or(n.stake).0)
                })
            })
            .collect(),
        weights: rows(weights.map(|w| &w.weights).or(rebuilt.as_ref())),
        bonds: rows(weights.map(|w| &w.bonds)),
        last_update: (0..count)
            .map(|uid| neuron(uid).map_or(0, |n| n.last_update))
            .collect(),
        block_at_registration: (0..count)
            .map(|uid| neuron(uid).and_then(|n| n.registered_at).unwrap_or(0))
            .collect(),
        validator_permit: (0..count)
            .map(|uid| neuron(uid).is_some_and(|n| n.validator_permit))
            .collect(),
        current_block: metagraph.block,
        last_mechanism_step_block: s
            .blocks_since_last_step
            .map_or(0, |since| metagraph.block.saturating_sub(since)),
        rao_emission: metagraph.neurons.iter().map(|n| n.emission.0).sum(),
        commit_block: None,
    };
    (params, input, assumptions)
}

/// Applies `edits` to a baseline's parameters and input.
pub fn apply(
    edits: &WhatIfEdits,
    metagraph: &Metagraph,
    params: &EpochParams,
    input: &EpochInput,
) -> (EpochParams, EpochInput) {
    let mut params = params.clone();
    let mut input = input.clone();
    if let Some(k) = edits.kappa {
        params.kappa = k;
    }
    if let Some(b) = edits.bonds_moving_average {
        params.bonds_moving_average = b.min(1_000_000);
    }
    if let Some(on) = edits.liquid_alpha {
        params.liquid_alpha_enabled = on;
    }
    if let Some(on) = edits.yuma3 {
        params.yuma3_enabled = on;
    }
    for (&uid, row) in &edits.weight_rows {
        if let Some(slot) = input.weights.get_mut(usize::from(uid)) {
            slot.clone_from(row);
        }
        // Setting weights is an update: the row counts from this block.
        if let Some(updated) = input.last_update.get_mut(usize::from(uid)) {
            *updated = input.current_block;
        }
    }
    for (&uid, &alpha) in &edits.stakes {
        let Some(neuron) = metagraph.neurons.get(usize::from(uid)) else {
            continue;
        };
        // The TAO-weighted part (total − alpha) stays; the alpha part is replaced.
        let total = neuron.total_stake.unwrap_or(neuron.stake).0;
        let root_part = total.saturating_sub(neuron.stake.0);
        if let Some(slot) = input.stake.get_mut(usize::from(uid)) {
            *slot = I64F64::from_num(root_part.saturating_add(alpha));
        }
    }
    (params, input)
}

/// Runs the epoch on the data as read and with the edits.
pub fn run(job: &WhatIfJob) -> Result<WhatIfOutcome, YumaError> {
    let (params, input, assumptions) = baseline(
        &job.metagraph,
        job.weights.as_deref(),
        job.rebuild_from_incentive,
    );
    let before = run_epoch(&params, &input)?;
    let (params_after, input_after) = apply(&job.edits, &job.metagraph, &params, &input);
    let after = run_epoch(&params_after, &input_after)?;
    Ok(WhatIfOutcome {
        incentive_before: before.incentive_u16(),
        incentive_after: after.incentive_u16(),
        dividends_before: before.dividends_u16(),
        dividends_after: after.dividends_u16(),
        assumptions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explorer::{Alpha, MetagraphSource, MetagraphSubnet, Neuron};

    fn neuron(uid: u16, stake: u64, permit: bool) -> Neuron {
        Neuron {
            uid,
            hotkey: format!("H{uid}"),
            coldkey: String::new(),
            active: true,
            validator_permit: permit,
            stake: Alpha(stake),
            tao_stake: None,
            total_stake: Some(Alpha(stake)),
            consensus: 0,
            incentive: 0,
            dividends: 0,
            validator_trust: None,
            emission: Alpha(1_000),
            last_update: 990,
            registered_at: Some(10),
            axon: None,
        }
    }

    /// Two validators (uids 0, 1) and two miners (2, 3) at block 1,000.
    fn subnet() -> Metagraph {
        Metagraph {
            netuid: 7,
            block: 1_000,
            n: 4,
            source: MetagraphSource::Metagraph,
            subnet: MetagraphSubnet {
                tempo: Some(99),
                ..MetagraphSubnet::default()
            },
            neurons: vec![
                neuron(0, 3_000_000_000_000, true),
                neuron(1, 1_000_000_000_000, true),
                neuron(2, 1_000_000, false),
                neuron(3, 1_000_000, false),
            ],
        }
    }

    fn weights() -> WeightsAndBonds {
        let mut w = BTreeMap::new();
        w.insert(0u16, vec![(2u16, 65_535u16)]);
        w.insert(1, vec![(2, 65_535)]);
        WeightsAndBonds {
            netuid: 7,
            block: 1_000,
            key_shape: crate::explorer::weights::KeyShape::MechanismIndex,
            weights: w,
            bonds: BTreeMap::new(),
        }
    }

    #[test]
    fn no_edits_change_nothing() {
        let job = WhatIfJob {
            metagraph: Arc::new(subnet()),
            weights: Some(Arc::new(weights())),
            rebuild_from_incentive: false,
            edits: WhatIfEdits::default(),
        };
        let out = run(&job).expect("runs");
        assert_eq!(out.incentive_before, out.incentive_after);
        assert_eq!(out.dividends_before, out.dividends_after);
        assert!(out.top_changes(10).is_empty());
        // Both validators weight miner 2 only: it takes all the incentive.
        assert_eq!(out.incentive_before, vec![0, 0, 65_535, 0]);
    }

    #[test]
    fn a_weight_row_moves_incentive_to_the_new_miner() {
        let mut edits = WhatIfEdits::default();
        // The larger validator (3/4 of the stake) moves to miner 3: consensus follows it.
        edits.weight_rows.insert(0, vec![(3, 65_535)]);
        let job = WhatIfJob {
            metagraph: Arc::new(subnet()),
            weights: Some(Arc::new(weights())),
            rebuild_from_incentive: false,
            edits,
        };
        let out = run(&job).expect("runs");
        assert_eq!(out.incentive_before[2], 65_535);
        assert!(out.incentive_after[3] > out.incentive_after[2], "{out:?}");
        let top = out.top_changes(2);
        assert_eq!(top.len(), 2);
        assert!(top.iter().any(|c| c.uid == 3));
        assert!(top.iter().any(|c| c.uid == 2));
    }

    #[test]
    fn without_weights_a_built_row_decides_incentive() {
        // A row from the validator with 3/4 of the stake passes the κ = ½ consensus alone;
        // one from the 1/4 validator would be clipped to nothing.
        let mut edits = WhatIfEdits::default();
        edits.weight_rows.insert(0, vec![(3, 65_535)]);
        let job = WhatIfJob {
            metagraph: Arc::new(subnet()),
            weights: None,
            rebuild_from_incentive: false,
            edits,
        };
        let out = run(&job).expect("runs");
        assert_eq!(out.incentive_before, vec![0, 0, 0, 0]);
        assert_eq!(out.incentive_after[3], 65_535);
        let mut minority = WhatIfEdits::default();
        minority.weight_rows.insert(1, vec![(3, 65_535)]);
        let clipped = run(&WhatIfJob {
            metagraph: Arc::new(subnet()),
            weights: None,
            rebuild_from_incentive: false,
            edits: minority,
        })
        .expect("runs");
        assert_eq!(clipped.incentive_after[3], 0);
        assert!(out.assumptions.contains(&"whatif.assumption.no_weights"));
    }

    #[test]
    fn rows_rebuilt_from_incentive_reproduce_it() {
        let mut m = subnet();
        m.neurons[2].incentive = 16_384;
        m.neurons[3].incentive = 49_151;
        let rows = rows_from_incentive(&m);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows.get(&0), Some(&vec![(2, 16_384), (3, 49_151)]));
        let out = run(&WhatIfJob {
            metagraph: Arc::new(m),
            weights: None,
            rebuild_from_incentive: true,
            edits: WhatIfEdits::default(),
        })
        .expect("runs");
        // Row normalisation rounds in I32F32; the stored u16 split comes back within 1.
        assert!(out.incentive_before[2].abs_diff(16_384) <= 1, "{out:?}");
        assert!(out.incentive_before[3].abs_diff(49_151) <= 1, "{out:?}");
        assert!(
            out.assumptions
                .contains(&"whatif.assumption.rebuilt_weights")
        );
    }

    #[test]
    fn stake_and_hyperparameters_are_applied() {
        let mut edits = WhatIfEdits::default();
        edits.stakes.insert(1, 9_000_000_000_000);
        edits.kappa = Some(10_000);
        edits.yuma3 = Some(true);
        edits.liquid_alpha = Some(true);
        edits.bonds_moving_average = Some(5_000_000);
        let m = subnet();
        let (params, input, _) = baseline(&m, Some(&weights()), false);
        let (p2, i2) = apply(&edits, &m, &params, &input);
        assert_eq!(i2.stake[1], I64F64::from_num(9_000_000_000_000u64));
        assert_eq!(p2.kappa, 10_000);
        assert!(p2.yuma3_enabled && p2.liquid_alpha_enabled);
        assert_eq!(p2.bonds_moving_average, 1_000_000);
        assert_eq!(input.last_mechanism_step_block, 0);
        // A weight row past n is ignored by the epoch, never a panic.
        let mut bad = WhatIfEdits::default();
        bad.weight_rows.insert(0, vec![(9_999, 1)]);
        bad.stakes.insert(9_999, 1);
        let job = WhatIfJob {
            metagraph: Arc::new(m),
            weights: None,
            rebuild_from_incentive: false,
            edits: bad,
        };
        assert!(run(&job).is_ok());
    }
}
