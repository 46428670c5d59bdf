//! The Yuma case file: reading it, running it, and writing results in its field names.
//!
//! The format is the one of `shared/vectors/yuma/` (see its README): `params`, then either
//! `inputs` (one epoch) or `epochs: [{inputs}, …]`, where each later epoch starts from the
//! bonds and validator permits the previous one stored. Every value is checked, with
//! the field's path in the message; nothing in a file can make the reader panic.
//!
//! Hyperparameters left out take the runtime's defaults ([`EpochParams::default`]);
//! `owner_uid` null or absent means no owner; `commit_block`, `last_mechanism_step_block`
//! (0) and `rao_emission` (0) are optional inputs. Everything else in `inputs` is required.

use serde::Serialize;
use serde_json::{Map, Value};
use substrate_fixed::types::I64F64;

use super::epoch::{EpochInput, EpochOutput, EpochParams, MAX_UIDS, run_epoch};
use super::error::YumaError;

/// A parsed case: one or more epochs run in sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The case's name, if it has one.
    pub name: Option<String>,
    /// True when the file used the `epochs` list (the output is then `{"epochs": [...]}`).
    pub multi_epoch: bool,
    /// The epochs, in order.
    pub epochs: Vec<CaseEpoch>,
}

/// One epoch of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseEpoch {
    /// Hyperparameters (the epoch's own `params` if it has them, else the case's).
    pub params: EpochParams,
    /// The subnet state; for later epochs, bonds and permits are replaced by the previous outputs.
    pub input: EpochInput,
}

/// Reads a case from JSON text.
pub fn parse_case(text: &str) -> Result<Case, YumaError> {
    let root: Value = serde_json::from_str(text).map_err(|e| YumaError::Json {
        reason: e.to_string(),
    })?;
    let root = as_object(&root, "")?;
    let name = root.get("name").and_then(Value::as_str).map(str::to_owned);
    let case_params = match root.get("params") {
        Some(p) => parse_params(p, "params", EpochParams::default())?,
        None => EpochParams::default(),
    };
    if let Some(epochs) = root.get("epochs") {
        let list = epochs
            .as_array()
            .ok_or_else(|| wrong_type("epochs", "a list"))?;
        if list.is_empty() {
            return Err(YumaError::NoEpochs);
        }
        let mut parsed = Vec::with_capacity(list.len());
        for (k, epoch) in list.iter().enumerate() {
            let path = format!("epochs[{k}]");
            let object = as_object(epoch, &path)?;
            let params = match object.get("params") {
                Some(p) => parse_params(p, &format!("{path}.params"), case_params.clone())?,
                None => case_params.clone(),
            };
            let inputs = object
                .get("inputs")
                .ok_or_else(|| missing(&format!("{path}.inputs")))?;
            // Later epochs take bonds and permits from the previous epoch's output.
            let input = parse_inputs(inputs, &format!("{path}.inputs"), k == 0)?;
            parsed.push(CaseEpoch { params, input });
        }
        Ok(Case {
            name,
            multi_epoch: true,
            epochs: parsed,
        })
    } else {
        let inputs = root.get("inputs").ok_or_else(|| missing("inputs"))?;
        let input = parse_inputs(inputs, "inputs", true)?;
        Ok(Case {
            name,
            multi_epoch: false,
            epochs: vec![CaseEpoch {
                params: case_params,
                input,
            }],
        })
    }
}

/// Runs every epoch of a case, feeding each epoch's stored bonds and new permits to the next.
pub fn run_case(case: &Case) -> Result<Vec<EpochOutput>, YumaError> {
    let mut outputs: Vec<EpochOutput> = Vec::with_capacity(case.epochs.len());
    for epoch in &case.epochs {
        let mut input = epoch.input.clone();
        if let Some(previous) = outputs.last() {
            input.bonds.clone_from(&previous.bonds);
            let mut permits = previous.new_validator_permit.clone();
            // A subnet that grew or shrank between epochs: new uids start without a permit.
            permits.resize(input.n as usize, false);
            input.validator_permit = permits;
        }
        outputs.push(run_epoch(&epoch.params, &input)?);
    }
    Ok(outputs)
}

/// One epoch's results under the field names of a case's `expected`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectedJson {
    /// Active flags.
    pub active: Vec<bool>,
    /// New validator permits.
    pub new_validator_permit: Vec<bool>,
    /// Stake weight as stored.
    pub stake_weight_u16: Vec<u16>,
    /// Consensus (exact fixed-point values as f64).
    pub consensus: Vec<f64>,
    /// Consensus as stored.
    pub consensus_u16: Vec<u16>,
    /// Validator trust.
    pub validator_trust: Vec<f64>,
    /// Validator trust as stored.
    pub validator_trust_u16: Vec<u16>,
    /// Rank, equal to incentive on today's chain.
    pub rank: Vec<f64>,
    /// Incentive.
    pub incentive: Vec<f64>,
    /// Incentive as stored.
    pub incentive_u16: Vec<u16>,
    /// The old trust (clipped / unclipped rank), for reference only.
    pub trust_legacy: Vec<f64>,
    /// Dividends.
    pub dividends: Vec<f64>,
    /// Dividends as stored.
    pub dividends_u16: Vec<u16>,
    /// New bonds, dense n × n, as stored.
    pub bonds_u16: Vec<Vec<u16>>,
    /// Miner (incentive) emission in rao.
    pub server_emission_rao: Vec<u64>,
    /// Validator (dividend) emission in rao.
    pub validator_emission_rao: Vec<u64>,
    /// The `Emission` storage value in rao.
    pub combined_emission_rao: Vec<u64>,
}

impl ExpectedJson {
    /// Converts an epoch's output.
    pub fn from_output(output: &EpochOutput) -> Self {
        let floats = |v: &[substrate_fixed::types::I32F32]| -> Vec<f64> {
            v.iter().map(|x| x.to_num::<f64>()).collect()
        };
        ExpectedJson {
            active: output.active.clone(),
            new_validator_permit: output.new_validator_permit.clone(),
            stake_weight_u16: output.stake_weight_u16(),
            consensus: floats(&output.consensus),
            consensus_u16: output.consensus_u16(),
            validator_trust: floats(&output.validator_trust),
            validator_trust_u16: output.validator_trust_u16(),
            rank: floats(&output.incentive),
            incentive: floats(&output.incentive),
            incentive_u16: output.incentive_u16(),
            trust_legacy: floats(&output.trust_legacy),
            dividends: floats(&output.dividends),
            dividends_u16: output.dividends_u16(),
            bonds_u16: output.bonds_dense(),
            server_emission_rao: output.server_emission.clone(),
            validator_emission_rao: output.validator_emission.clone(),
            combined_emission_rao: output.combined_emission.clone(),
        }
    }
}

/// The results of a case as JSON: the `expected` object, or `{"epochs": [...]}` for several.
pub fn case_output_json(case: &Case, outputs: &[EpochOutput]) -> Value {
    let each: Vec<Value> = outputs
        .iter()
        .map(|o| serde_json::to_value(ExpectedJson::from_output(o)).unwrap_or(Value::Null))
        .collect();
    match (case.multi_epoch, each.as_slice()) {
        (false, [single]) => single.clone(),
        _ => {
            let mut map = Map::new();
            map.insert("epochs".into(), Value::Array(each));
            Value::Object(map)
        }
    }
}

// ----------------------------------------------------------------------------------------
// Field readers
// ----------------------------------------------------------------------------------------

fn missing(field: &str) -> YumaError {
    YumaError::MissingField {
        field: field.to_owned(),
    }
}

fn wrong_type(field: &str, expected: &str) -> YumaError {
    YumaError::WrongType {
        field: field.to_owned(),
        expected: expected.to_owned(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn as_object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>, YumaError> {
    value.as_object().ok_or_else(|| {
        wrong_type(
            if path.is_empty() { "(top level)" } else { path },
            "an object",
        )
    })
}

/// A non-negative integer no larger than `max`.
fn uint(value: &Value, field: &str, max: u64) -> Result<u64, YumaError> {
    if let Some(v) = value.as_u64() {
        if v > max {
            return Err(out_of_range(field, v.to_string(), "0", max));
        }
        return Ok(v);
    }
    if let Some(v) = value.as_i64() {
        return Err(out_of_range(field, v.to_string(), "0", max));
    }
    if let Some(f) = value.as_f64() {
        // 5.0 is as good as 5; 5.5 is not an integer.
        if f.fract() == 0.0 && f >= 0.0 && f <= max as f64 {
            return Ok(f as u64);
        }
        if f < 0.0 || f > max as f64 {
            return Err(out_of_range(field, f.to_string(), "0", max));
        }
        return Err(wrong_type(field, "a whole number"));
    }
    if is_nan_text(value) {
        return Err(YumaError::NotANumber {
            field: field.to_owned(),
        });
    }
    Err(wrong_type(field, "a whole number"))
}

fn out_of_range(field: &str, value: String, min: &str, max: u64) -> YumaError {
    YumaError::OutOfRange {
        field: field.to_owned(),
        value,
        min: min.to_owned(),
        max: max.to_string(),
    }
}

fn is_nan_text(value: &Value) -> bool {
    value.as_str().is_some_and(|s| {
        let s = s.trim().trim_start_matches(['+', '-']).to_ascii_lowercase();
        s == "nan" || s == "inf" || s == "infinity"
    })
}

fn boolean(value: &Value, field: &str) -> Result<bool, YumaError> {
    match value {
        Value::Bool(b) => Ok(*b),
        // Some generators write flags as 0/1.
        Value::Number(n) if n.as_u64() == Some(0) => Ok(false),
        Value::Number(n) if n.as_u64() == Some(1) => Ok(true),
        _ => Err(wrong_type(field, "true or false")),
    }
}

fn parse_params(value: &Value, path: &str, base: EpochParams) -> Result<EpochParams, YumaError> {
    let object = as_object(value, path)?;
    let mut p = base;
    let u16_max = u64::from(u16::MAX);
    let get = |key: &str| object.get(key).filter(|v| !v.is_null());
    if let Some(v) = get("kappa") {
        p.kappa = uint(v, &join(path, "kappa"), u16_max)? as u16;
    }
    if let Some(v) = get("bonds_penalty") {
        p.bonds_penalty = uint(v, &join(path, "bonds_penalty"), u16_max)? as u16;
    }
    if let Some(v) = get("bonds_moving_average") {
        p.bonds_moving_average = uint(v, &join(path, "bonds_moving_average"), 1_000_000)?;
    }
    if let Some(v) = get("tempo") {
        p.tempo = uint(v, &join(path, "tempo"), u64::MAX)?;
    }
    if let Some(v) = get("activity_cutoff") {
        p.activity_cutoff = uint(v, &join(path, "activity_cutoff"), u64::MAX)?;
    }
    if let Some(v) = get("max_allowed_validators") {
        p.max_allowed_validators = uint(v, &join(path, "max_allowed_validators"), u16_max)? as u16;
    }
    if let Some(v) = get("liquid_alpha_enabled") {
        p.liquid_alpha_enabled = boolean(v, &join(path, "liquid_alpha_enabled"))?;
    }
    if let Some(v) = get("alpha_low") {
        p.alpha_low = uint(v, &join(path, "alpha_low"), u16_max)? as u16;
    }
    if let Some(v) = get("alpha_high") {
        p.alpha_high = uint(v, &join(path, "alpha_high"), u16_max)? as u16;
    }
    if let Some(v) = get("alpha_sigmoid_steepness") {
        let field = join(path, "alpha_sigmoid_steepness");
        let s = v
            .as_i64()
            .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .ok_or_else(|| wrong_type(&field, "a whole number"))?;
        p.alpha_sigmoid_steepness = i16::try_from(s).map_err(|_| YumaError::OutOfRange {
            field: field.clone(),
            value: s.to_string(),
            min: i16::MIN.to_string(),
            max: i16::MAX.to_string(),
        })?;
    }
    if let Some(v) = get("yuma3_enabled") {
        p.yuma3_enabled = boolean(v, &join(path, "yuma3_enabled"))?;
    }
    if let Some(v) = get("stake_threshold") {
        p.stake_threshold = uint(v, &join(path, "stake_threshold"), u64::MAX)?;
    }
    if let Some(v) = object.get("owner_uid") {
        p.owner_uid = match v {
            Value::Null => None,
            v => Some(uint(v, &join(path, "owner_uid"), u16_max)? as u16),
        };
    }
    if let Some(v) = get("commit_reveal_enabled") {
        p.commit_reveal_enabled = boolean(v, &join(path, "commit_reveal_enabled"))?;
    }
    Ok(p)
}

fn list<'a>(
    object: &'a Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<&'a [Value], YumaError> {
    let field = join(path, key);
    object
        .get(key)
        .ok_or_else(|| missing(&field))?
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| wrong_type(&field, "a list"))
}

fn parse_inputs(value: &Value, path: &str, needs_history: bool) -> Result<EpochInput, YumaError> {
    let object = as_object(value, path)?;
    let n_field = join(path, "n");
    let n_value = object.get("n").ok_or_else(|| missing(&n_field))?;
    let n = uint(n_value, &n_field, u64::MAX)?;
    if n > u64::from(MAX_UIDS) {
        return Err(YumaError::TooManyUids {
            n,
            max: u64::from(MAX_UIDS),
        });
    }
    let n = n as u16;
    let n_usize = n as usize;
    let per_uid = |key: &str| -> Result<&[Value], YumaError> {
        let values = list(object, path, key)?;
        if values.len() != n_usize {
            return Err(YumaError::WrongLength {
                field: join(path, key),
                len: values.len(),
                n: n_usize,
            });
        }
        Ok(values)
    };

    let stake = per_uid("stake")?
        .iter()
        .enumerate()
        .map(|(uid, v)| parse_stake(v, &format!("{}[{uid}]", join(path, "stake")), uid))
        .collect::<Result<Vec<_>, _>>()?;
    let u64s = |key: &str| -> Result<Vec<u64>, YumaError> {
        per_uid(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| uint(v, &format!("{}[{i}]", join(path, key)), u64::MAX))
            .collect()
    };
    let last_update = u64s("last_update")?;
    let block_at_registration = u64s("block_at_registration")?;
    let weights = parse_rows(list(object, path, "weights")?, &join(path, "weights"), n)?;

    let (bonds, validator_permit) = if needs_history || object.contains_key("bonds") {
        let bonds = parse_rows(list(object, path, "bonds")?, &join(path, "bonds"), n)?;
        let permits = match (needs_history, object.get("validator_permit")) {
            (false, None) => vec![false; n_usize],
            _ => per_uid("validator_permit")?
                .iter()
                .enumerate()
                .map(|(i, v)| boolean(v, &format!("{}[{i}]", join(path, "validator_permit"))))
                .collect::<Result<Vec<_>, _>>()?,
        };
        (bonds, permits)
    } else {
        (Vec::new(), vec![false; n_usize])
    };

    let scalar = |key: &str, required: bool| -> Result<u64, YumaError> {
        let field = join(path, key);
        match object.get(key).filter(|v| !v.is_null()) {
            Some(v) => uint(v, &field, u64::MAX),
            None if required => Err(missing(&field)),
            None => Ok(0),
        }
    };
    let current_block = scalar("current_block", true)?;
    let last_mechanism_step_block = scalar("last_mechanism_step_block", false)?;
    let rao_emission = scalar("rao_emission", false)?;

    let commit_block = match object.get("commit_block").filter(|v| !v.is_null()) {
        None => None,
        Some(_) => Some(
            per_uid("commit_block")?
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::Null => Ok(None),
                    v => {
                        uint(v, &format!("{}[{i}]", join(path, "commit_block")), u64::MAX).map(Some)
                    }
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };

    Ok(EpochInput {
        n,
        stake,
        weights,
        bonds,
        last_update,
        block_at_registration,
        validator_permit,
        current_block,
        last_mechanism_step_block,
        rao_emission,
        commit_block,
    })
}

fn parse_stake(value: &Value, field: &str, uid: usize) -> Result<I64F64, YumaError> {
    if let Some(v) = value.as_u64() {
        return Ok(I64F64::saturating_from_num(v));
    }
    if value.as_i64().is_some() {
        return Err(YumaError::NegativeStake { uid });
    }
    if let Some(f) = value.as_f64() {
        // serde_json never yields NaN or infinity from a number token; keep the guard anyway.
        if !f.is_finite() {
            return Err(YumaError::NotANumber {
                field: field.to_owned(),
            });
        }
        if f < 0.0 {
            return Err(YumaError::NegativeStake { uid });
        }
        return Ok(I64F64::saturating_from_num(f));
    }
    if is_nan_text(value) {
        return Err(YumaError::NotANumber {
            field: field.to_owned(),
        });
    }
    Err(wrong_type(field, "a number of rao"))
}

/// Sparse rows of `[uid, u16]` pairs. Rows past n are ignored, as the chain ignores
/// storage rows of uids ≥ n; cells keep their stored order.
fn parse_rows(rows: &[Value], path: &str, n: u16) -> Result<Vec<Vec<(u16, u16)>>, YumaError> {
    let mut out = Vec::with_capacity(rows.len().min(n as usize));
    for (i, row) in rows.iter().enumerate().take(n as usize) {
        let row_path = format!("{path}[{i}]");
        let cells = row
            .as_array()
            .ok_or_else(|| wrong_type(&row_path, "a list of [uid, value] pairs"))?;
        let mut parsed = Vec::with_capacity(cells.len());
        for (c, cell) in cells.iter().enumerate() {
            let cell_path = format!("{row_path}[{c}]");
            let pair = cell
                .as_array()
                .filter(|p| p.len() == 2)
                .ok_or_else(|| wrong_type(&cell_path, "a [uid, value] pair"))?;
            let (Some(uid), Some(val)) = (pair.first(), pair.get(1)) else {
                return Err(wrong_type(&cell_path, "a [uid, value] pair"));
            };
            let uid = uint(uid, &format!("{cell_path}[0]"), u64::MAX)?;
            let val = uint(val, &format!("{cell_path}[1]"), u64::from(u16::MAX))? as u16;
            // A uid that does not fit u16 cannot be in chain storage; a uid ≥ n is kept
            // here and ignored (weights) or carried (bonds) exactly as the chain does.
            if let Ok(uid) = u16::try_from(uid) {
                parsed.push((uid, val));
            }
        }
        out.push(parsed);
    }
    Ok(out)
}
