//! Hyperparameters and identities: `_v2` answers SCALE-encoded with the spec-393 metadata's
//! own registry, `_v3` (not yet in spec 393) with a registry of the shape the spec names,
//! the recorded first-version answer, and on-chain identity names.

mod common;

use parity_scale_codec::Encode;
use scale_info::{PortableRegistry, TypeDef, TypeInfo};
use scale_value::Value;
use subxt::metadata::Metadata;
use taoscope_core::chain::ChainError;
use taoscope_core::explorer::decode::{
    SUBNET_INFO_API, decode_hyperparams, decode_hyperparams_as, decode_identity_name,
    runtime_api_output,
};
use taoscope_core::explorer::{HyperparamValue, Hyperparameters};

fn encode_as(md: &Metadata, type_id: u32, value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    scale_value::scale::encode_as_type(value, type_id, md.types(), &mut out)
        .expect("encodes against the registry");
    out
}

fn param<'a>(params: &'a Hyperparameters, name: &str) -> &'a HyperparamValue {
    &params
        .params
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .value
}

/// A `SubnetHyperparamsV2` value with every field of the registry's struct, each given a
/// value its declared type can hold: u16/u64 fields get 100 + their position.
fn v2_value(md: &Metadata) -> Value {
    let output = runtime_api_output(md, SUBNET_INFO_API, "get_subnet_hyperparams_v2").expect("v2");
    let TypeDef::Variant(option) = &md.types().resolve(output).expect("type").type_def else {
        panic!("an Option");
    };
    let inner = option.variants[1].fields[0].ty.id;
    let TypeDef::Composite(fields) = &md.types().resolve(inner).expect("type").type_def else {
        panic!("a struct");
    };
    let named = fields.fields.iter().enumerate().map(|(i, f)| {
        let name = f.name.clone().expect("named");
        let value = match f.type_name.as_deref() {
            Some("bool") => Value::bool(name == "liquid_alpha_enabled"),
            // 1.5 in I32F32.
            Some("I32F32") => Value::named_composite([("bits", Value::i128(3 << 31))]),
            _ => Value::u128(100 + i as u128),
        };
        (name, value)
    });
    Value::unnamed_variant("Some", [Value::named_composite(named)])
}

#[test]
fn hyperparams_v2_encoded_with_the_spec_393_registry_decode_by_name() {
    let md = common::metadata_393();
    let output = runtime_api_output(&md, SUBNET_INFO_API, "get_subnet_hyperparams_v2").expect("v2");
    let bytes = encode_as(&md, output, &v2_value(&md));
    let params = decode_hyperparams(&md, "get_subnet_hyperparams_v2", &bytes, 1).expect("decodes");
    assert_eq!(params.netuid, 1);
    assert_eq!(params.source, "get_subnet_hyperparams_v2");
    assert_eq!(params.params.len(), 33, "every field of spec 393's struct");
    assert_eq!(params.params[0].name, "rho");
    assert_eq!(*param(&params, "rho"), HyperparamValue::Unsigned(100));
    assert_eq!(*param(&params, "tempo"), HyperparamValue::Unsigned(105));
    // Compact<TaoBalance>: the newtype is looked through.
    assert_eq!(*param(&params, "min_burn"), HyperparamValue::Unsigned(114));
    assert_eq!(
        *param(&params, "liquid_alpha_enabled"),
        HyperparamValue::Bool(true)
    );
    assert_eq!(
        *param(&params, "registration_allowed"),
        HyperparamValue::Bool(false)
    );
    let steepness = param(&params, "alpha_sigmoid_steepness");
    assert_eq!(
        *steepness,
        HyperparamValue::Fixed {
            bits: 3 << 31,
            frac_bits: 32
        }
    );
    assert_eq!(steepness.to_string(), "1.500000");

    // A subnet the runtime does not know comes back as `None`.
    let none = encode_as(&md, output, &Value::unnamed_variant("None", []));
    assert_eq!(
        decode_hyperparams(&md, "get_subnet_hyperparams_v2", &none, 999),
        Err(ChainError::SubnetNotFound { netuid: 999 })
    );
    // Truncated, padded or garbage: an error, no panic.
    for bad in [&bytes[..bytes.len() / 2], &[0xff, 0xff, 0xff][..], &[][..]] {
        assert!(matches!(
            decode_hyperparams(&md, "get_subnet_hyperparams_v2", bad, 1),
            Err(ChainError::Decode { .. })
        ));
    }
    let mut padded = bytes.clone();
    padded.extend_from_slice(&[1, 2, 3]);
    assert!(decode_hyperparams(&md, "get_subnet_hyperparams_v2", &padded, 1).is_err());
}

#[test]
fn the_recorded_first_version_decodes_with_the_spec_343_registry() {
    // Seed `get_subnet_hyperparameters`: netuid 23, answered (as runtimes then did) inside a
    // `Vec<u8>`.
    let md = common::metadata_343();
    let bytes = common::recorded_state_call(
        "get_subnet_hyperparameters",
        "SubnetInfoRuntimeApi_get_subnet_hyperparams",
    );
    let params = decode_hyperparams(&md, "get_subnet_hyperparams", &bytes, 23).expect("decodes");
    assert_eq!(*param(&params, "rho"), HyperparamValue::Unsigned(10));
    assert_eq!(*param(&params, "kappa"), HyperparamValue::Unsigned(32_767));
    assert_eq!(
        *param(&params, "immunity_period"),
        HyperparamValue::Unsigned(5_000)
    );
    assert_eq!(
        *param(&params, "min_allowed_weights"),
        HyperparamValue::Unsigned(1)
    );
    assert_eq!(
        *param(&params, "max_weights_limit"),
        HyperparamValue::Unsigned(65_535)
    );
    assert!(params.params.len() >= 20, "{params:?}");
}

/// The `_v3` shape the spec names: a list of name/value entries, the value an enum.
#[derive(Encode, TypeInfo)]
struct HyperparamEntry {
    name: Vec<u8>,
    value: HyperparamValueV3,
}

#[derive(Encode, TypeInfo)]
struct FixedBits {
    bits: i64,
}

#[derive(Encode, TypeInfo)]
enum HyperparamValueV3 {
    Bool(bool),
    U16(#[codec(compact)] u16),
    U64(u64),
    I32F32(FixedBits),
    /// A kind this app has never heard of: still shown, as the runtime gives it.
    Pair(u8, u8),
}

#[test]
fn hyperparams_v3_decode_as_a_name_value_list_including_unknown_kinds() {
    let mut registry = scale_info::Registry::new();
    let id = registry
        .register_type(&scale_info::meta_type::<Option<Vec<HyperparamEntry>>>())
        .id;
    let types: PortableRegistry = registry.into();
    let entry = |name: &str, value| HyperparamEntry {
        name: name.as_bytes().to_vec(),
        value,
    };
    let answer = Some(vec![
        entry("tempo", HyperparamValueV3::U16(360)),
        entry("yuma3_enabled", HyperparamValueV3::Bool(true)),
        entry("min_burn", HyperparamValueV3::U64(500_000)),
        entry(
            "alpha_sigmoid_steepness",
            HyperparamValueV3::I32F32(FixedBits { bits: 1 << 33 }),
        ),
        entry("brand_new_knob", HyperparamValueV3::Pair(1, 2)),
    ]);
    let bytes = answer.encode();
    let params =
        decode_hyperparams_as(&types, id, "get_subnet_hyperparams_v3", &bytes, 7).expect("decodes");
    let names: Vec<&str> = params.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "tempo",
            "yuma3_enabled",
            "min_burn",
            "alpha_sigmoid_steepness",
            "brand_new_knob"
        ]
    );
    assert_eq!(*param(&params, "tempo"), HyperparamValue::Unsigned(360));
    assert_eq!(
        *param(&params, "yuma3_enabled"),
        HyperparamValue::Bool(true)
    );
    assert_eq!(
        *param(&params, "min_burn"),
        HyperparamValue::Unsigned(500_000)
    );
    assert_eq!(
        param(&params, "alpha_sigmoid_steepness").to_string(),
        "2.000000"
    );
    assert!(matches!(
        param(&params, "brand_new_knob"),
        HyperparamValue::Text(_)
    ));
    assert!(
        decode_hyperparams_as(&types, id, "get_subnet_hyperparams_v3", &bytes[..9], 7).is_err()
    );
    assert_eq!(
        decode_hyperparams_as(&types, id, "get_subnet_hyperparams_v3", &[0], 7),
        Err(ChainError::SubnetNotFound { netuid: 7 })
    );
}

#[test]
fn identity_names_decode_from_identities_v2_values() {
    let md = common::metadata_393();
    let entry = md
        .pallet_by_name("SubtensorModule")
        .and_then(|p| p.storage())
        .and_then(|s| s.entry_by_name("IdentitiesV2"))
        .expect("IdentitiesV2");
    let identity = |name: &str| {
        Value::named_composite([
            ("name", Value::from_bytes(name)),
            ("url", Value::from_bytes("https://example.org")),
            ("github_repo", Value::from_bytes("")),
            ("image", Value::from_bytes("")),
            ("discord", Value::from_bytes("")),
            ("description", Value::from_bytes("A validator")),
            ("additional", Value::from_bytes("")),
        ])
    };
    let bytes = encode_as(&md, entry.value_ty(), &identity("  Taostats  "));
    assert_eq!(
        decode_identity_name(&md, "IdentitiesV2", &bytes),
        Ok(Some("Taostats".to_string()))
    );
    let empty = encode_as(&md, entry.value_ty(), &identity(""));
    assert_eq!(decode_identity_name(&md, "IdentitiesV2", &empty), Ok(None));
    assert!(decode_identity_name(&md, "IdentitiesV2", &bytes[..5]).is_err());
}
