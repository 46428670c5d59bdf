//! Made-up answers for what the finney recording lacks, so the Wallet portfolio and the
//! subnet hyperparameters can be seen and tested against the replay rig: a stake
//! portfolio for one coldkey, prices, validator names and hyperparameters.
//!
//! Everything here is invented (the recording has no stake, no prices and no v2
//! hyperparameters) and is never used outside the rig: `taoscope-replay --demo-stake SS58`
//! turns it on, and the pages it feeds say what they show. Values are SCALE-encoded with the
//! recorded runtime's own type registry (`metadata.scale` beside the recording), by field
//! name, so they are exactly the shapes a node would send.

use std::path::Path;

use scale_value::Value;
use serde_json::json;
use subxt::ext::frame_decode::storage::{IntoEncodableValues, encode_storage_key};
use subxt::metadata::Metadata;

use crate::explorer::decode::{
    STAKE_INFO_API, SUBNET_INFO_API, SWAP_API, has_runtime_api, runtime_api_output,
};
use crate::replay::{ReplayError, ReplayServer};

/// One scripted answer: `method` (and, when set, its first parameter) answered with `result`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptedAnswer {
    /// JSON-RPC method.
    pub method: String,
    /// Its first parameter (a runtime call's name, a storage key), or any.
    pub first_param: Option<String>,
    /// The JSON-RPC result.
    pub result: serde_json::Value,
}

/// The demo's validators: real hotkeys of the recorded subnet-1 metagraph. A is the owner's
/// (uid 395), whose coldkey is the same key, so its made-up name shows on the subnet page
/// too; B is uid 0's, with a made-up owner and no name. Totals are made up.
const VALIDATORS: [(&str, &str); 2] = [
    (
        "5HCFWvRqzSHWRPecN7q8J6c7aKQnrCZTMHstPv39xL1wgDHh",
        "Demo validator A",
    ),
    ("5DkMmXtWf16RNdusZGCrJ7ca7ADPgRnZLVWCWbgA7s7sy1AQ", ""),
];

fn failed(reason: impl std::fmt::Display) -> ReplayError {
    ReplayError::Read {
        path: "metadata.scale".into(),
        reason: reason.to_string(),
    }
}

fn hex_of(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn n(v: u64) -> Value {
    Value::u128(u128::from(v))
}

fn account(key: &[u8; 32]) -> Value {
    Value::unnamed_composite([Value::from_bytes(key)])
}

fn hotkey(ss58: &str) -> Result<[u8; 32], ReplayError> {
    crate::explorer::ss58::decode("hotkey", ss58).map_err(failed)
}

/// Encodes values against one runtime's registry.
struct Encoder {
    md: Metadata,
}

impl Encoder {
    fn encode(&self, type_id: u32, value: &Value) -> Result<String, ReplayError> {
        let mut out = Vec::new();
        scale_value::scale::encode_as_type(value, type_id, self.md.types(), &mut out)
            .map_err(failed)?;
        Ok(hex_of(&out))
    }

    fn api(&self, api: &str, method: &str, value: &Value) -> Result<String, ReplayError> {
        let id = runtime_api_output(&self.md, api, method)
            .ok_or_else(|| failed(format!("no {api}_{method}")))?;
        self.encode(id, value)
    }

    fn storage_value(
        &self,
        pallet: &str,
        item: &str,
        value: &Value,
    ) -> Result<String, ReplayError> {
        let id = self
            .md
            .pallet_by_name(pallet)
            .and_then(|p| p.storage())
            .and_then(|s| s.entry_by_name(item))
            .map(|e| e.value_ty())
            .ok_or_else(|| failed(format!("no {pallet}.{item}")))?;
        self.encode(id, value)
    }

    fn key(
        &self,
        pallet: &str,
        item: &str,
        keys: impl IntoEncodableValues,
    ) -> Result<String, ReplayError> {
        encode_storage_key(pallet, item, keys, &self.md, self.md.types())
            .map(|k| hex_of(&k))
            .map_err(failed)
    }
}

fn stake(coldkey: &[u8; 32], hotkey: &[u8; 32], netuid: u16, alpha: u64) -> Value {
    Value::named_composite([
        ("hotkey", account(hotkey)),
        ("coldkey", account(coldkey)),
        ("netuid", n(netuid.into())),
        ("stake", n(alpha)),
        ("locked", n(0)),
        ("emission", n(0)),
        ("tao_emission", n(0)),
        ("drain", n(0)),
        ("is_registered", Value::bool(true)),
    ])
}

fn dynamic_info(netuid: u16, name: &str, symbol: &str, owner: &[u8; 32]) -> Value {
    Value::unnamed_variant(
        "Some",
        [Value::named_composite([
            ("netuid", n(netuid.into())),
            ("owner_hotkey", account(owner)),
            ("owner_coldkey", account(owner)),
            ("subnet_name", Value::from_bytes(name)),
            ("token_symbol", Value::from_bytes(symbol)),
            ("tempo", n(360)),
            ("last_step", n(0)),
            ("blocks_since_last_step", n(0)),
            ("emission", n(0)),
            ("alpha_in", n(0)),
            ("alpha_out", n(0)),
            ("tao_in", n(0)),
            ("alpha_out_emission", n(0)),
            ("alpha_in_emission", n(0)),
            ("tao_in_emission", n(0)),
            ("pending_alpha_emission", n(0)),
            ("pending_root_emission", n(0)),
            ("subnet_volume", Value::u128(0)),
            ("network_registered_at", n(0)),
            ("subnet_identity", Value::unnamed_variant("None", [])),
            (
                "moving_price",
                Value::named_composite([("bits", Value::i128(0))]),
            ),
        ])],
    )
}

/// Demo hyperparameters: the v2 struct's every field, by name. Tempo, immunity period and
/// validator count are the recorded subnet 1's (from the bundled snapshot); the rest are
/// made-up finney-like values.
fn hyperparams(md: &Metadata, method: &str) -> Result<Value, ReplayError> {
    let recorded = crate::explorer::snapshot::Snapshot::bundled()
        .ok()
        .and_then(|s| s.metagraph(1).ok().map(|m| m.subnet.clone()))
        .unwrap_or_default();
    use scale_info::TypeDef;
    let output = runtime_api_output(md, SUBNET_INFO_API, method)
        .ok_or_else(|| failed(format!("no {method}")))?;
    let types = md.types();
    let inner = match types.resolve(output).map(|t| &t.type_def) {
        Some(TypeDef::Variant(option)) => option
            .variants
            .iter()
            .find(|v| v.name == "Some")
            .and_then(|v| v.fields.first())
            .map(|f| f.ty.id),
        _ => None,
    }
    .ok_or_else(|| failed("not an Option"))?;
    let Some(TypeDef::Composite(fields)) = types.resolve(inner).map(|t| &t.type_def) else {
        return Err(failed("not a struct"));
    };
    let value_of = |name: &str, type_name: Option<&str>| -> Value {
        match (name, type_name) {
            (_, Some("bool")) => Value::bool(matches!(
                name,
                "registration_allowed"
                    | "commit_reveal_weights_enabled"
                    | "subnet_is_active"
                    | "transfers_enabled"
            )),
            (_, Some("I32F32")) => Value::named_composite([("bits", Value::i128(1000 << 32))]),
            ("rho", _) => n(10),
            ("kappa", _) => n(32_767),
            ("immunity_period", _) => n(recorded.immunity_period.map_or(5_000, u64::from)),
            ("min_allowed_weights", _) => n(1),
            ("max_weights_limit", _) => n(65_535),
            ("tempo", _) => n(recorded.tempo.map_or(360, u64::from)),
            ("min_difficulty", _) => n(10_000_000),
            ("max_difficulty", _) => n(4_611_686_018_427_387_903),
            ("weights_rate_limit", _) => n(100),
            ("adjustment_interval", _) => n(360),
            ("activity_cutoff", _) => n(5_000),
            ("target_regs_per_interval", _) => n(1),
            ("min_burn", _) => n(500_000),
            ("max_burn", _) => n(100_000_000_000),
            ("bonds_moving_avg", _) => n(900_000),
            ("max_regs_per_block", _) => n(1),
            ("serving_rate_limit", _) => n(50),
            ("max_validators", _) => n(recorded.max_validators.map_or(64, u64::from)),
            ("adjustment_alpha", _) => n(58_000),
            ("difficulty", _) => n(10_000_000),
            ("commit_reveal_period", _) => n(1),
            ("alpha_high", _) => n(58_982),
            ("alpha_low", _) => n(45_875),
            ("yuma_version", _) => n(2),
            _ => n(0),
        }
    };
    let named = fields.fields.iter().map(|f| {
        let name = f.name.clone().unwrap_or_default();
        let value = value_of(&name, f.type_name.as_deref());
        (name, value)
    });
    Ok(Value::unnamed_variant(
        "Some",
        [Value::named_composite(named)],
    ))
}

/// The demo's answers for `coldkey`: a balance, stake with two validators on subnet 1 and
/// one on root, prices, owners, totals, one identity, and subnet hyperparameters.
pub fn demo_answers(
    fixtures_dir: &Path,
    coldkey: &[u8; 32],
) -> Result<Vec<ScriptedAnswer>, ReplayError> {
    let path = fixtures_dir.join("metadata.scale");
    let bytes = std::fs::read(&path).map_err(|e| ReplayError::Read {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    let md = Metadata::decode_from(&bytes[..]).map_err(failed)?;
    let enc = Encoder { md };
    let (a_ss58, a_name) = VALIDATORS[0];
    let (b_ss58, _) = VALIDATORS[1];
    let a = hotkey(a_ss58)?;
    let b = hotkey(b_ss58)?;
    let a_owner = a;
    let b_owner = [0xb2; 32];
    let mut out = Vec::new();
    let mut answer = |method: &str, first: Option<String>, result: serde_json::Value| {
        out.push(ScriptedAnswer {
            method: method.to_string(),
            first_param: first,
            result,
        })
    };

    let account_info = Value::named_composite([
        ("nonce", n(12)),
        ("consumers", n(0)),
        ("providers", n(1)),
        ("sufficients", n(0)),
        (
            "data",
            Value::named_composite([
                ("free", n(12_500_000_000)),
                ("reserved", n(0)),
                ("frozen", n(0)),
                ("flags", Value::u128(1 << 127)),
            ]),
        ),
    ]);
    answer(
        "state_getStorage",
        Some(enc.key("System", "Account", (coldkey,))?),
        json!(enc.storage_value("System", "Account", &account_info)?),
    );
    let stakes = Value::unnamed_composite([
        stake(coldkey, &a, 1, 1_250_000_000_000),
        stake(coldkey, &b, 1, 400_000_000_000),
        stake(coldkey, &a, 0, 25_000_000_000),
    ]);
    answer(
        "state_call",
        Some("StakeInfoRuntimeApi_get_stake_info_for_coldkey".into()),
        json!(enc.api(STAKE_INFO_API, "get_stake_info_for_coldkey", &stakes)?),
    );
    let infos = Value::unnamed_composite([
        dynamic_info(0, "root", "Τ", &a),
        dynamic_info(1, "Apex", "α", &a),
    ]);
    answer(
        "state_call",
        Some("SubnetInfoRuntimeApi_get_all_dynamic_info".into()),
        json!(enc.api(SUBNET_INFO_API, "get_all_dynamic_info", &infos)?),
    );
    // 0.0154 τ per α on subnet 1 (root is always 1:1).
    let price = 15_400_000u64;
    if has_runtime_api(&enc.md, SWAP_API, "current_alpha_price_all") {
        let prices = Value::unnamed_composite([Value::named_composite([
            ("netuid", n(1)),
            ("price", n(price)),
        ])]);
        answer(
            "state_call",
            Some("SwapRuntimeApi_current_alpha_price_all".into()),
            json!(enc.api(SWAP_API, "current_alpha_price_all", &prices)?),
        );
    } else {
        answer(
            "state_call",
            Some("SwapRuntimeApi_current_alpha_price".into()),
            json!(enc.api(SWAP_API, "current_alpha_price", &n(price))?),
        );
    }
    for method in ["get_subnet_hyperparams_v2", "get_subnet_hyperparams"] {
        if has_runtime_api(&enc.md, SUBNET_INFO_API, method) {
            answer(
                "state_call",
                Some(format!("SubnetInfoRuntimeApi_{method}")),
                json!(enc.api(SUBNET_INFO_API, method, &hyperparams(&enc.md, method)?)?),
            );
        }
    }
    let identity = |name: &str| {
        Value::named_composite([
            ("name", Value::from_bytes(name)),
            ("url", Value::from_bytes("")),
            ("github_repo", Value::from_bytes("")),
            ("image", Value::from_bytes("")),
            ("discord", Value::from_bytes("")),
            ("description", Value::from_bytes("")),
            ("additional", Value::from_bytes("")),
        ])
    };
    let changes = vec![
        json!([
            enc.key("SubtensorModule", "Owner", (&a,))?,
            enc.storage_value("SubtensorModule", "Owner", &account(&a_owner))?
        ]),
        json!([
            enc.key("SubtensorModule", "Owner", (&b,))?,
            enc.storage_value("SubtensorModule", "Owner", &account(&b_owner))?
        ]),
        json!([
            enc.key("SubtensorModule", "TotalHotkeyAlpha", (&a, 1u16))?,
            enc.storage_value("SubtensorModule", "TotalHotkeyAlpha", &n(5_000_000_000_000))?
        ]),
        json!([
            enc.key("SubtensorModule", "TotalHotkeyAlpha", (&b, 1u16))?,
            enc.storage_value("SubtensorModule", "TotalHotkeyAlpha", &n(2_000_000_000_000))?
        ]),
        json!([
            enc.key("SubtensorModule", "TotalHotkeyAlpha", (&a, 0u16))?,
            enc.storage_value("SubtensorModule", "TotalHotkeyAlpha", &n(100_000_000_000))?
        ]),
        json!([
            enc.key("SubtensorModule", "IdentitiesV2", (&a_owner,))?,
            enc.storage_value("SubtensorModule", "IdentitiesV2", &identity(a_name))?
        ]),
    ];
    answer(
        "state_queryStorageAt",
        None,
        json!([{"block": null, "changes": changes}]),
    );
    Ok(out)
}

impl ReplayServer {
    /// Adds `answers` ahead of the recording (see [`ReplayServer::answer_with`]).
    pub fn script(&self, answers: &[ScriptedAnswer]) {
        for a in answers {
            self.answer_with(&a.method, a.first_param.as_deref(), a.result.clone());
        }
    }
}

/// The demo's validator A: its real hotkey, and the made-up name the demo gives its owner.
pub fn demo_named_validator() -> (&'static str, &'static str) {
    VALIDATORS[0]
}
