//! Subtensor's own multi-epoch Yuma 3 scenarios (`tests/epoch.rs`, `test_yuma_3_*`),
//! replayed on our epoch: 3 validators, 2–3 miners, liquid alpha on (0.1–0.3), bonds
//! penalty 0, weights with stored zeros. Targets and the 1e-3 epsilon are the chain's.

use substrate_fixed::types::{I32F32, I64F64};
use taoscope_core::yuma::{EpochInput, EpochOutput, EpochParams, math, run_epoch};

/// What `setup_yuma_3_scenario` configures.
fn scenario_params() -> EpochParams {
    // `set_alpha_values_32(0.1, 0.3)` stores floor(x · 65535) of the fixed-point values.
    let to_u16 =
        |x: f64| (I32F32::from_num(x) * I32F32::from_num(u16::MAX)).saturating_to_num::<u16>();
    EpochParams {
        kappa: u16::MAX / 2,
        bonds_penalty: 0,
        bonds_moving_average: 975_000,
        tempo: 1,
        activity_cutoff: 5_000,
        max_allowed_validators: 3,
        liquid_alpha_enabled: true,
        alpha_low: to_u16(0.1),
        alpha_high: to_u16(0.3),
        alpha_sigmoid_steepness: 1_000,
        yuma3_enabled: true,
        stake_threshold: 0,
        owner_uid: None,
        commit_reveal_enabled: false,
    }
}

/// The chain's `set_weights` stores max-upscaled values, zeros included.
fn stored_row(uids: &[u16], values: &[u16]) -> Vec<(u16, u16)> {
    let scaled = math::vec_u16_max_upscale_to_u16(values);
    uids.iter().copied().zip(scaled).collect()
}

struct Scenario {
    params: EpochParams,
    stakes: Vec<u64>,
    miners: Vec<u16>,
    /// Weights of the 3 validators for each epoch (None: keep the previous ones).
    weights: Vec<Option<Vec<Vec<u16>>>>,
    /// Target bonds per epoch, validator rows, miner columns.
    bonds: Vec<Vec<Vec<f64>>>,
    dividends: Vec<Vec<f64>>,
}

fn run(s: Scenario) {
    let n = s.stakes.len() as u16;
    let registered = 1u64;
    let mut input = EpochInput {
        n,
        stake: s.stakes.iter().map(|&x| I64F64::from_num(x)).collect(),
        weights: vec![Vec::new(); n as usize],
        bonds: vec![Vec::new(); n as usize],
        last_update: vec![registered; n as usize],
        block_at_registration: vec![registered; n as usize],
        validator_permit: vec![false; n as usize],
        current_block: 2,
        last_mechanism_step_block: 0,
        rao_emission: 1_000_000_000,
        commit_block: None,
    };
    // The setup epoch hands out the permits.
    let mut out: EpochOutput = run_epoch(&s.params, &input).expect("setup epoch");
    let eps = 1e-3;
    for (epoch, ((weights, bonds), dividends)) in
        s.weights.iter().zip(&s.bonds).zip(&s.dividends).enumerate()
    {
        let block = input.current_block;
        if let Some(weights) = weights {
            for (uid, row) in weights.iter().enumerate() {
                input.weights[uid] = stored_row(&s.miners, row);
                input.last_update[uid] = block;
            }
        }
        input.bonds = out.bonds.clone();
        input.validator_permit = out.new_validator_permit.clone();
        input.current_block = block + 1;
        out = run_epoch(&s.params, &input).expect("epoch");

        let got_div: Vec<f64> = out
            .dividends_u16()
            .iter()
            .map(|&d| f64::from(d) / 65535.0)
            .collect();
        for (uid, (g, t)) in got_div.iter().zip(dividends).enumerate() {
            assert!(
                (g - t).abs() <= eps,
                "epoch {epoch} dividend of uid {uid}: {g} vs {t}"
            );
        }
        let dense = out.bonds_dense();
        for (v, target_row) in bonds.iter().enumerate() {
            for (m, t) in target_row.iter().enumerate() {
                let col = s.miners[m] as usize;
                let g = f64::from(dense[v][col]) / 65535.0;
                assert!(
                    (g - t).abs() <= eps,
                    "epoch {epoch} bond {v}->{col}: {g} vs {t}"
                );
            }
        }
    }
}

const MAX: u16 = u16::MAX;

#[test]
fn yuma3_kappa_moves_first() {
    run(Scenario {
        params: scenario_params(),
        stakes: vec![8, 1, 1, 0, 0],
        miners: vec![3, 4],
        weights: vec![
            Some(vec![vec![MAX, 0]; 3]),
            Some(vec![vec![0, MAX], vec![MAX, 0], vec![MAX, 0]]),
            Some(vec![vec![0, MAX], vec![0, MAX], vec![MAX, 0]]),
            Some(vec![vec![0, MAX]; 3]),
            None,
            None,
        ],
        bonds: vec![
            vec![vec![0.1013, 0.0], vec![0.1013, 0.0], vec![0.1013, 0.0]],
            vec![vec![0.0908, 0.1013], vec![0.3697, 0.0], vec![0.3697, 0.0]],
            vec![
                vec![0.0815, 0.1924],
                vec![0.3170, 0.1013],
                vec![0.5580, 0.0],
            ],
            vec![
                vec![0.0731, 0.2742],
                vec![0.2765, 0.1924],
                vec![0.4306, 0.1013],
            ],
            vec![
                vec![0.0656, 0.3478],
                vec![0.2435, 0.2742],
                vec![0.3589, 0.1924],
            ],
            vec![
                vec![0.0588, 0.4139],
                vec![0.2157, 0.3478],
                vec![0.3089, 0.2742],
            ],
        ],
        dividends: vec![
            vec![0.8000, 0.1000, 0.1000, 0.0, 0.0],
            vec![1.0000, 0.0000, 0.0000, 0.0, 0.0],
            vec![0.9382, 0.0618, 0.0000, 0.0, 0.0],
            vec![0.8819, 0.0773, 0.0407, 0.0, 0.0],
            vec![0.8564, 0.0844, 0.0592, 0.0, 0.0],
            vec![0.8418, 0.0884, 0.0697, 0.0, 0.0],
        ],
    });
}

#[test]
fn yuma3_kappa_moves_second() {
    run(Scenario {
        params: scenario_params(),
        stakes: vec![8, 1, 1, 0, 0],
        miners: vec![3, 4],
        weights: vec![
            Some(vec![vec![MAX, 0]; 3]),
            Some(vec![vec![MAX, 0], vec![0, MAX], vec![MAX, 0]]),
            Some(vec![vec![0, MAX], vec![0, MAX], vec![MAX, 0]]),
            Some(vec![vec![0, MAX]; 3]),
            None,
            None,
        ],
        bonds: vec![
            vec![vec![0.1013, 0.0], vec![0.1013, 0.0], vec![0.1013, 0.0]],
            vec![vec![0.1924, 0.0], vec![0.0908, 0.2987], vec![0.1924, 0.0]],
            vec![
                vec![0.1715, 0.1013],
                vec![0.0815, 0.3697],
                vec![0.4336, 0.0],
            ],
            vec![
                vec![0.1531, 0.1924],
                vec![0.0731, 0.4336],
                vec![0.3608, 0.1013],
            ],
            vec![
                vec![0.1369, 0.2742],
                vec![0.0656, 0.4910],
                vec![0.3103, 0.1924],
            ],
            vec![
                vec![0.1225, 0.3478],
                vec![0.0588, 0.5426],
                vec![0.2712, 0.2742],
            ],
        ],
        dividends: vec![
            vec![0.8000, 0.1000, 0.1000, 0.0, 0.0],
            vec![0.8446, 0.0498, 0.1056, 0.0, 0.0],
            vec![0.6868, 0.3132, 0.0000, 0.0, 0.0],
            vec![0.7421, 0.2090, 0.0489, 0.0, 0.0],
            vec![0.7625, 0.1706, 0.0669, 0.0, 0.0],
            vec![0.7730, 0.1508, 0.0762, 0.0, 0.0],
        ],
    });
}

#[test]
fn yuma3_kappa_moves_last() {
    run(Scenario {
        params: scenario_params(),
        stakes: vec![8, 1, 1, 0, 0],
        miners: vec![3, 4],
        weights: vec![
            Some(vec![vec![MAX, 0]; 3]),
            Some(vec![vec![MAX, 0], vec![0, MAX], vec![MAX, 0]]),
            Some(vec![vec![MAX, 0], vec![0, MAX], vec![0, MAX]]),
            Some(vec![vec![0, MAX]; 3]),
            None,
            None,
        ],
        bonds: vec![
            vec![vec![0.1013, 0.0], vec![0.1013, 0.0], vec![0.1013, 0.0]],
            vec![vec![0.1924, 0.0], vec![0.0908, 0.2987], vec![0.1924, 0.0]],
            vec![
                vec![0.2742, 0.0],
                vec![0.0815, 0.5081],
                vec![0.1715, 0.2987],
            ],
            vec![
                vec![0.2416, 0.1013],
                vec![0.0731, 0.5580],
                vec![0.1531, 0.3697],
            ],
            vec![
                vec![0.2141, 0.1924],
                vec![0.0656, 0.6028],
                vec![0.1369, 0.4336],
            ],
            vec![
                vec![0.1903, 0.2742],
                vec![0.0588, 0.6430],
                vec![0.1225, 0.4910],
            ],
        ],
        dividends: vec![
            vec![0.8000, 0.1000, 0.1000, 0.0, 0.0],
            vec![0.8446, 0.0498, 0.1056, 0.0, 0.0],
            vec![0.8966, 0.0333, 0.0701, 0.0, 0.0],
            vec![0.4663, 0.3210, 0.2127, 0.0, 0.0],
            vec![0.5976, 0.2340, 0.1683, 0.0, 0.0],
            vec![0.6592, 0.1932, 0.1475, 0.0, 0.0],
        ],
    });
}

fn switch_weights() -> Vec<Option<Vec<Vec<u16>>>> {
    (0..6)
        .map(|epoch| {
            Some(if epoch == 2 {
                vec![vec![MAX, 0], vec![MAX, 0], vec![0, MAX]]
            } else {
                vec![vec![MAX, 0]; 3]
            })
        })
        .collect()
}

#[test]
fn yuma3_one_epoch_switch() {
    run(Scenario {
        params: scenario_params(),
        stakes: vec![33, 33, 34, 0, 0],
        miners: vec![3, 4],
        weights: switch_weights(),
        bonds: vec![
            vec![vec![0.1013, 0.0], vec![0.1013, 0.0], vec![0.1013, 0.0]],
            vec![vec![0.1924, 0.0], vec![0.1924, 0.0], vec![0.1924, 0.0]],
            vec![vec![0.2742, 0.0], vec![0.2742, 0.0], vec![0.1715, 0.2987]],
            vec![vec![0.3478, 0.0], vec![0.3478, 0.0], vec![0.2554, 0.2618]],
            vec![vec![0.4139, 0.0], vec![0.4139, 0.0], vec![0.3309, 0.2312]],
            vec![vec![0.4733, 0.0], vec![0.4733, 0.0], vec![0.3987, 0.2051]],
        ],
        dividends: vec![
            vec![0.3300, 0.3300, 0.3400, 0.0, 0.0],
            vec![0.3300, 0.3300, 0.3400, 0.0, 0.0],
            vec![0.3782, 0.3782, 0.2436, 0.0, 0.0],
            vec![0.3628, 0.3628, 0.2745, 0.0, 0.0],
            vec![0.3541, 0.3541, 0.2917, 0.0, 0.0],
            vec![0.3487, 0.3487, 0.3026, 0.0, 0.0],
        ],
    });
}

#[test]
fn yuma3_liquid_alpha_disabled() {
    let mut params = scenario_params();
    params.liquid_alpha_enabled = false;
    run(Scenario {
        params,
        stakes: vec![33, 33, 34, 0, 0],
        miners: vec![3, 4],
        weights: switch_weights(),
        // The chain lists these rows as [uid 2, uid 3, uid 4]; uid 2 is a validator (0).
        bonds: vec![
            vec![vec![0.0250, 0.0], vec![0.0250, 0.0], vec![0.0250, 0.0]],
            vec![vec![0.0494, 0.0], vec![0.0494, 0.0], vec![0.0494, 0.0]],
            vec![vec![0.0731, 0.0], vec![0.0731, 0.0], vec![0.0481, 0.0250]],
            vec![vec![0.0963, 0.0], vec![0.0963, 0.0], vec![0.0719, 0.0244]],
            vec![vec![0.1189, 0.0], vec![0.1189, 0.0], vec![0.0951, 0.0238]],
            vec![vec![0.1409, 0.0], vec![0.1409, 0.0], vec![0.1178, 0.0232]],
        ],
        dividends: vec![
            vec![0.3300, 0.3300, 0.3400, 0.0, 0.0],
            vec![0.3300, 0.3300, 0.3400, 0.0, 0.0],
            vec![0.3734, 0.3734, 0.2532, 0.0, 0.0],
            vec![0.3611, 0.3611, 0.2779, 0.0, 0.0],
            vec![0.3541, 0.3541, 0.2919, 0.0, 0.0],
            vec![0.3495, 0.3495, 0.3009, 0.0, 0.0],
        ],
    });
}

#[test]
fn yuma3_stable_miner() {
    let half = MAX / 2;
    run(Scenario {
        params: scenario_params(),
        stakes: vec![8, 1, 1, 0, 0, 0],
        miners: vec![3, 4, 5],
        weights: vec![
            Some(vec![vec![half, 0, half]; 3]),
            Some(vec![
                vec![half, 0, half],
                vec![0, half, half],
                vec![half, 0, half],
            ]),
            Some(vec![
                vec![0, half, half],
                vec![0, half, half],
                vec![half, 0, half],
            ]),
            Some(vec![vec![0, half, half]; 3]),
            None,
            None,
        ],
        bonds: vec![
            vec![
                vec![0.0507, 0.0, 0.0507],
                vec![0.0507, 0.0, 0.0507],
                vec![0.0507, 0.0, 0.0507],
            ],
            vec![
                vec![0.0962, 0.0, 0.0962],
                vec![0.0455, 0.1000, 0.0962],
                vec![0.0962, 0.0, 0.0962],
            ],
            vec![
                vec![0.0863, 0.0507, 0.1371],
                vec![0.0408, 0.1405, 0.1371],
                vec![0.1770, 0.0, 0.1371],
            ],
            vec![
                vec![0.0774, 0.0962, 0.1739],
                vec![0.0367, 0.1770, 0.1739],
                vec![0.1579, 0.0507, 0.1739],
            ],
            vec![
                vec![0.0694, 0.1371, 0.2069],
                vec![0.0329, 0.2097, 0.2069],
                vec![0.1411, 0.0962, 0.2069],
            ],
            vec![
                vec![0.0623, 0.1739, 0.2366],
                vec![0.0296, 0.2391, 0.2366],
                vec![0.1263, 0.1371, 0.2366],
            ],
        ],
        dividends: vec![
            vec![0.8000, 0.1000, 0.1000, 0.0, 0.0, 0.0],
            vec![0.8226, 0.0745, 0.1028, 0.0, 0.0, 0.0],
            vec![0.7750, 0.1685, 0.0565, 0.0, 0.0, 0.0],
            vec![0.7864, 0.1372, 0.0764, 0.0, 0.0, 0.0],
            vec![0.7912, 0.1241, 0.0847, 0.0, 0.0, 0.0],
            vec![0.7937, 0.1173, 0.0890, 0.0, 0.0, 0.0],
        ],
    });
}
