//! Decoding runtime-API answers: the recorded finney metagraph (spec 343), and values
//! SCALE-encoded with the spec-393 metadata's own type registry for the calls the
//! recording lacks. Plus the failure cases: truncated, padded, garbage, missing and extra fields.

mod common;

use scale_info::{Field, TypeDef};
use scale_value::{Composite, Value};
use subxt::metadata::Metadata;
use taoscope_core::chain::ChainError;
use taoscope_core::explorer::decode::{
    self, SUBNET_INFO_API, decode_all_dynamic_info, decode_metagraph, decode_neurons_lite,
    decode_stake_info, runtime_api_output,
};
use taoscope_core::explorer::{Alpha, MetagraphSource, Rao, ss58};

const UID0_HOTKEY: &str = "5DkMmXtWf16RNdusZGCrJ7ca7ADPgRnZLVWCWbgA7s7sy1AQ";

#[test]
fn recorded_neurons_lite_of_netuid_1_decodes() {
    let md = common::metadata_343();
    let bytes = common::recorded_state_call("metagraph", "NeuronInfoRuntimeApi_get_neurons_lite");
    let neurons = decode_neurons_lite(&md, &bytes).expect("decodes");
    assert_eq!(neurons.len(), 1024);
    assert_eq!(neurons[0].uid, 0);
    assert_eq!(neurons[0].hotkey, UID0_HOTKEY);
    assert!(
        neurons
            .iter()
            .enumerate()
            .all(|(i, n)| usize::from(n.uid) == i)
    );
    assert!(neurons.iter().any(|n| n.validator_permit));
    assert!(neurons.iter().any(|n| n.axon.is_some()));
}

#[test]
fn recorded_selective_mechagraph_of_netuid_1_decodes_and_agrees_with_lite() {
    let md = common::metadata_343();
    let bytes =
        common::recorded_state_call("metagraph", "SubnetInfoRuntimeApi_get_selective_mechagraph");
    let mg = decode_metagraph(&md, "get_selective_mechagraph", &bytes, 1, 0).expect("decodes");
    assert_eq!(mg.source, MetagraphSource::SelectiveMechagraph);
    assert_eq!(mg.netuid, 1);
    assert_eq!(mg.n, 1024);
    assert_eq!(mg.block, 6_852_690, "the runtime says which block it read");
    assert_eq!(mg.neurons[0].hotkey, UID0_HOTKEY);
    assert!(mg.subnet.name.is_some() && mg.subnet.tempo.is_some());
    assert!(
        mg.neurons
            .iter()
            .all(|n| n.tao_stake.is_some() && n.registered_at.is_some())
    );

    // Same block, other API: identities and the consensus columns must agree.
    let lite = decode_neurons_lite(
        &md,
        &common::recorded_state_call("metagraph", "NeuronInfoRuntimeApi_get_neurons_lite"),
    )
    .expect("decodes");
    for (full, lite) in mg.neurons.iter().zip(&lite) {
        assert_eq!(full.hotkey, lite.hotkey);
        assert_eq!(full.coldkey, lite.coldkey);
        assert_eq!(full.incentive, lite.incentive);
        assert_eq!(full.dividends, lite.dividends);
        assert_eq!(full.validator_permit, lite.validator_permit);
    }
}

#[test]
fn truncated_padded_and_garbage_answers_are_decode_errors() {
    let md = common::metadata_343();
    let bytes = common::recorded_state_call("metagraph", "NeuronInfoRuntimeApi_get_neurons_lite");
    for cut in [0, 1, 7, 100, bytes.len() / 2, bytes.len() - 1] {
        let result = decode_neurons_lite(&md, &bytes[..cut]);
        assert!(
            matches!(result, Err(ChainError::Decode { .. })),
            "cut at {cut}: {result:?}"
        );
    }
    let mut padded = bytes.clone();
    padded.push(0);
    assert!(matches!(
        decode_neurons_lite(&md, &padded),
        Err(ChainError::Decode { .. })
    ));
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(decode_neurons_lite(&md, &garbage).is_err());
    assert!(decode_metagraph(&md, "get_selective_mechagraph", &garbage, 1, 0).is_err());
    assert!(decode_all_dynamic_info(&md, &[0xff; 3]).is_err());
    let error = decode_neurons_lite(&md, &bytes[..10]).expect_err("truncated");
    assert!(
        error
            .to_string()
            .contains("NeuronInfoRuntimeApi_get_neurons_lite"),
        "{error}"
    );
}

#[test]
fn an_unknown_netuid_reads_as_subnet_does_not_exist() {
    let md = common::metadata_343();
    // The runtime answers `None` (one zero byte) for a netuid that is not there.
    let error = decode_metagraph(&md, "get_selective_mechagraph", &[0], 999, 0).expect_err("none");
    assert_eq!(error, ChainError::SubnetNotFound { netuid: 999 });
    assert_eq!(error.to_string(), "Subnet 999 does not exist");
}

fn account(byte: u8) -> [u8; 32] {
    [byte; 32]
}

fn account_value(byte: u8) -> Value {
    Value::unnamed_composite([Value::from_bytes(account(byte))])
}

fn identity_value() -> Value {
    Value::named_composite([
        ("subnet_name", Value::from_bytes("Apex")),
        (
            "github_repo",
            Value::from_bytes("https://github.com/example/apex"),
        ),
        ("subnet_contact", Value::from_bytes("ops@example.org")),
        ("subnet_url", Value::from_bytes("")),
        ("discord", Value::from_bytes("")),
        ("description", Value::from_bytes("Benchmarks")),
        ("logo_url", Value::from_bytes("")),
        ("additional", Value::from_bytes("")),
    ])
}

/// One `DynamicInfo` with the spec-393 field names.
fn dynamic_info(netuid: u16, identity: bool) -> Value {
    let n = |v: u64| Value::u128(u128::from(v));
    Value::named_composite([
        ("netuid", n(netuid.into())),
        ("owner_hotkey", account_value(1)),
        ("owner_coldkey", account_value(2)),
        ("subnet_name", Value::from_bytes("apex")),
        ("token_symbol", Value::from_bytes("α")),
        ("tempo", n(360)),
        ("last_step", n(6_852_500)),
        ("blocks_since_last_step", n(190)),
        ("emission", n(0)),
        ("alpha_in", n(1_000_000_000_000)),
        ("alpha_out", n(3_000_000_000_000)),
        ("tao_in", n(25_000_000_000)),
        ("alpha_out_emission", n(1_000_000_000)),
        ("alpha_in_emission", n(400_000_000)),
        ("tao_in_emission", n(10_000_000)),
        ("pending_alpha_emission", n(5)),
        ("pending_root_emission", n(6)),
        ("subnet_volume", Value::u128(123_456_789_000_000_000_000)),
        ("network_registered_at", n(100)),
        (
            "subnet_identity",
            if identity {
                Value::unnamed_variant("Some", [identity_value()])
            } else {
                Value::unnamed_variant("None", [])
            },
        ),
        (
            "moving_price",
            Value::named_composite([("bits", Value::i128(1 << 30))]),
        ),
    ])
}

fn encode_api_answer(md: &Metadata, api: &str, method: &str, value: &Value) -> Vec<u8> {
    let type_id = runtime_api_output(md, api, method).expect("the API is in this runtime");
    let mut out = Vec::new();
    scale_value::scale::encode_as_type(value, type_id, md.types(), &mut out)
        .expect("encodes against the registry");
    out
}

fn all_dynamic_info_answer(md: &Metadata) -> Vec<u8> {
    let value = Value::unnamed_composite([
        Value::unnamed_variant("Some", [dynamic_info(0, false)]),
        Value::unnamed_variant("None", []),
        Value::unnamed_variant("Some", [dynamic_info(1, true)]),
    ]);
    encode_api_answer(md, SUBNET_INFO_API, "get_all_dynamic_info", &value)
}

#[test]
fn all_dynamic_info_encoded_with_the_spec_393_registry_decodes() {
    let md = common::metadata_393();
    let subnets = decode_all_dynamic_info(&md, &all_dynamic_info_answer(&md)).expect("decodes");
    assert_eq!(subnets.len(), 2, "the empty slot is skipped");
    let apex = &subnets[1];
    assert_eq!(apex.netuid, 1);
    assert_eq!(apex.name, "apex");
    assert_eq!(apex.symbol, "α");
    assert_eq!(apex.owner_hotkey, ss58::encode(&account(1)));
    assert_eq!(apex.owner_coldkey, ss58::encode(&account(2)));
    assert_eq!(apex.tempo, 360);
    assert_eq!(apex.blocks_since_last_step, 190);
    assert_eq!(apex.tao_in_rao, Rao(25_000_000_000));
    assert_eq!(apex.alpha_in, Alpha(1_000_000_000_000));
    assert_eq!(apex.alpha_out, Alpha(3_000_000_000_000));
    assert_eq!(apex.alpha_in_emission, Alpha(400_000_000));
    assert_eq!(apex.subnet_volume, 123_456_789_000_000_000_000);
    assert_eq!(apex.moving_price_bits, Some(1 << 30));
    assert_eq!(
        apex.price_rao_per_alpha, None,
        "the price comes from the swap API"
    );
    let identity = apex.identity.as_ref().expect("identity");
    assert_eq!(identity.subnet_name, "Apex");
    assert_eq!(identity.description, "Benchmarks");
    assert!(subnets[0].identity.is_none());
}

#[test]
fn alpha_prices_encoded_with_the_spec_393_registry_decode() {
    let md = common::metadata_393();
    let value = Value::unnamed_composite([
        Value::named_composite([
            ("netuid", Value::u128(0)),
            ("price", Value::u128(1_000_000_000)),
        ]),
        Value::named_composite([
            ("netuid", Value::u128(1)),
            ("price", Value::u128(21_345_678)),
        ]),
    ]);
    let bytes = encode_api_answer(&md, decode::SWAP_API, "current_alpha_price_all", &value);
    let prices = decode::decode_alpha_prices(&md, &bytes).expect("decodes");
    assert_eq!(prices.get(&1), Some(&21_345_678));
    assert_eq!(prices.len(), 2);
}

#[test]
fn stake_info_encoded_with_the_spec_393_registry_decodes() {
    let md = common::metadata_393();
    let n = |v: u64| Value::u128(u128::from(v));
    let value = Value::unnamed_composite([Value::named_composite([
        ("hotkey", account_value(7)),
        ("coldkey", account_value(8)),
        ("netuid", n(12)),
        ("stake", n(5_500_000_000)),
        ("locked", n(0)),
        ("emission", n(1_234)),
        ("tao_emission", n(99)),
        ("drain", n(0)),
        ("is_registered", Value::bool(true)),
    ])]);
    let bytes = encode_api_answer(
        &md,
        decode::STAKE_INFO_API,
        "get_stake_info_for_coldkey",
        &value,
    );
    let stake = decode_stake_info(&md, &bytes).expect("decodes");
    assert_eq!(stake.len(), 1);
    assert_eq!(stake[0].hotkey, ss58::encode(&account(7)));
    assert_eq!(stake[0].coldkey, ss58::encode(&account(8)));
    assert_eq!(stake[0].netuid, 12);
    assert_eq!(stake[0].stake, Alpha(5_500_000_000));
    assert_eq!(stake[0].emission, Some(Alpha(1_234)));
    assert_eq!(stake[0].tao_emission_rao, Some(Rao(99)));
    assert_eq!(stake[0].is_registered, Some(true));
    assert!(decode_stake_info(&md, &bytes[..bytes.len() - 1]).is_err());
}

/// The registry id of the `DynamicInfo` struct inside the spec-393 metadata.
fn dynamic_info_type_id(md: &Metadata) -> u32 {
    md.types()
        .types
        .iter()
        .find(|t| t.ty.path.ident().as_deref() == Some("DynamicInfo"))
        .map(|t| t.id)
        .expect("DynamicInfo in the registry")
}

fn u64_type_id(md: &Metadata) -> u32 {
    md.types()
        .types
        .iter()
        .find(|t| {
            matches!(
                t.ty.type_def,
                TypeDef::Primitive(scale_info::TypeDefPrimitive::U64)
            )
        })
        .map(|t| t.id)
        .expect("u64 in the registry")
}

#[test]
fn a_newer_runtime_with_an_extra_field_still_decodes() {
    let mut md = common::metadata_393();
    let id = dynamic_info_type_id(&md);
    let u64_id = u64_type_id(&md);
    let ty = md
        .types_mut()
        .types
        .iter_mut()
        .find(|t| t.id == id)
        .expect("type");
    let TypeDef::Composite(composite) = &mut ty.ty.type_def else {
        panic!("DynamicInfo is a struct");
    };
    // A future runtime appends a field we have never heard of, in the middle of the struct.
    composite.fields.insert(
        5,
        Field {
            name: Some("future_field".into()),
            ty: u64_id.into(),
            type_name: Some("u64".into()),
            docs: Vec::new(),
        },
    );
    let with_extra = |netuid| {
        let Value {
            value: scale_value::ValueDef::Composite(Composite::Named(mut fields)),
            ..
        } = dynamic_info(netuid, true)
        else {
            unreachable!()
        };
        fields.insert(5, ("future_field".into(), Value::u128(42)));
        Value::named_composite(fields)
    };
    let value = Value::unnamed_composite([Value::unnamed_variant("Some", [with_extra(3)])]);
    let bytes = encode_api_answer(&md, SUBNET_INFO_API, "get_all_dynamic_info", &value);
    let subnets = decode_all_dynamic_info(&md, &bytes).expect("extra field ignored");
    assert_eq!(subnets[0].netuid, 3);
    assert_eq!(
        subnets[0].tempo, 360,
        "fields after the new one still line up"
    );
    assert_eq!(
        subnets[0].identity.as_ref().map(|i| i.subnet_name.as_str()),
        Some("Apex")
    );
}

#[test]
fn an_older_runtime_without_an_optional_field_reads_it_as_unknown() {
    let mut md = common::metadata_393();
    let id = dynamic_info_type_id(&md);
    let ty = md
        .types_mut()
        .types
        .iter_mut()
        .find(|t| t.id == id)
        .expect("type");
    let TypeDef::Composite(composite) = &mut ty.ty.type_def else {
        panic!("DynamicInfo is a struct");
    };
    // An older runtime: no moving price and no identity yet.
    composite
        .fields
        .retain(|f| !matches!(f.name.as_deref(), Some("moving_price" | "subnet_identity")));
    let Value {
        value: scale_value::ValueDef::Composite(Composite::Named(fields)),
        ..
    } = dynamic_info(4, true)
    else {
        unreachable!()
    };
    let fields: Vec<_> = fields
        .into_iter()
        .filter(|(name, _)| name != "moving_price" && name != "subnet_identity")
        .collect();
    let value = Value::unnamed_composite([Value::unnamed_variant(
        "Some",
        [Value::named_composite(fields)],
    )]);
    let bytes = encode_api_answer(&md, SUBNET_INFO_API, "get_all_dynamic_info", &value);
    let subnets = decode_all_dynamic_info(&md, &bytes).expect("decodes");
    assert_eq!(subnets[0].moving_price_bits, None);
    assert_eq!(subnets[0].identity, None);
    assert_eq!(subnets[0].tao_in_rao, Rao(25_000_000_000));
}

#[test]
fn the_bundled_snapshot_is_the_recorded_metagraph() {
    use taoscope_core::explorer::snapshot::{Snapshot, SnapshotError};
    let snapshot = Snapshot::bundled().expect("bundled snapshot loads");
    assert_eq!(snapshot.network, "finney");
    assert_eq!(
        snapshot.genesis_hash,
        taoscope_core::network::FINNEY_GENESIS_HASH
    );
    assert_eq!(snapshot.block.number, 6_852_690);
    assert_eq!(snapshot.block.spec_version, 343);
    assert_eq!(snapshot.block_time_ms, Some(1_762_787_544_000));
    let mg = snapshot.metagraph(1).expect("subnet 1");
    assert_eq!(mg.n, 1024);
    assert_eq!(mg.neurons[0].hotkey, UID0_HOTKEY);
    // It holds what the recording holds, nothing more.
    assert_eq!(snapshot.metagraphs.len(), 1);
    assert!(snapshot.subnets.is_none() && snapshot.totals.is_none());
    assert_eq!(
        snapshot.subnets().expect_err("not saved"),
        SnapshotError::NoSubnets { block: 6_852_690 }
    );
    assert!(matches!(
        snapshot.metagraph(2),
        Err(SnapshotError::NoMetagraph { netuid: 2, .. })
    ));
    // The same bytes as decoding the recorded answer directly.
    let md = common::metadata_343();
    let bytes =
        common::recorded_state_call("metagraph", "SubnetInfoRuntimeApi_get_selective_mechagraph");
    let decoded = decode_metagraph(&md, "get_selective_mechagraph", &bytes, 1, 0).expect("decodes");
    assert_eq!(mg, &decoded);
}

#[test]
fn a_snapshot_round_trips_through_a_file_and_refuses_garbage() {
    use taoscope_core::explorer::snapshot::{Snapshot, SnapshotError};
    let snapshot = Snapshot::bundled().expect("bundled");
    let dir = std::env::temp_dir().join(format!("taoscope-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("s.json.gz");
    snapshot.save(&path).expect("saves");
    assert_eq!(Snapshot::load(&path).expect("loads"), snapshot);
    let bytes = std::fs::read(&path).expect("read");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("truncate");
    assert!(matches!(
        Snapshot::load(&path),
        Err(SnapshotError::Format { .. })
    ));
    let missing = Snapshot::load(&dir.join("missing.json.gz")).expect_err("missing");
    assert!(missing.to_string().contains("missing.json.gz"), "{missing}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn delegates_encoded_with_the_spec_393_registry_decode() {
    let md = common::metadata_393();
    let n = |v: u64| Value::u128(u128::from(v));
    let nominator = |b: u8, netuid: u64, alpha: u64| {
        Value::unnamed_composite([
            account_value(b),
            Value::unnamed_composite([Value::unnamed_composite([n(netuid), n(alpha)])]),
        ])
    };
    let value = Value::unnamed_composite([Value::named_composite([
        ("delegate_ss58", account_value(3)),
        ("take", n(11_796)),
        (
            "nominators",
            Value::unnamed_composite([nominator(4, 1, 10), nominator(5, 2, 20)]),
        ),
        ("owner_ss58", account_value(6)),
        ("registrations", Value::unnamed_composite([n(0), n(1)])),
        ("validator_permits", Value::unnamed_composite([n(1)])),
        ("return_per_1000", n(1_500_000)),
        ("total_daily_return", n(9_000_000_000)),
    ])]);
    let bytes = encode_api_answer(&md, decode::DELEGATE_INFO_API, "get_delegates", &value);
    let delegates = decode::decode_delegates(&md, &bytes).expect("decodes");
    assert_eq!(delegates.len(), 1);
    let d = &delegates[0];
    assert_eq!(d.hotkey, ss58::encode(&account(3)));
    assert_eq!(d.owner, ss58::encode(&account(6)));
    assert_eq!(d.take, 11_796);
    assert_eq!(d.nominators, 2);
    assert_eq!(d.registrations, vec![0, 1]);
    assert_eq!(d.validator_permits, vec![1]);
    assert_eq!(d.return_per_1000_rao, Some(Rao(1_500_000)));
    assert!(decode::decode_delegates(&md, &bytes[..bytes.len() - 3]).is_err());
}

#[test]
fn stake_info_from_a_newer_runtime_with_an_extra_field_still_decodes() {
    let mut md = common::metadata_393();
    let id = md
        .types()
        .types
        .iter()
        .find(|t| t.ty.path.ident().as_deref() == Some("StakeInfo"))
        .map(|t| t.id)
        .expect("StakeInfo in the registry");
    let u64_id = u64_type_id(&md);
    let ty = md
        .types_mut()
        .types
        .iter_mut()
        .find(|t| t.id == id)
        .expect("type");
    let TypeDef::Composite(composite) = &mut ty.ty.type_def else {
        panic!("StakeInfo is a struct");
    };
    // A future runtime adds a field after `netuid`; the registry now says so, and the bytes
    // carry it.
    composite.fields.insert(
        3,
        Field {
            name: Some("future_field".into()),
            ty: u64_id.into(),
            type_name: Some("u64".into()),
            docs: Vec::new(),
        },
    );
    let n = |v: u64| Value::u128(u128::from(v));
    let value = Value::unnamed_composite([Value::named_composite([
        ("hotkey", account_value(7)),
        ("coldkey", account_value(8)),
        ("netuid", n(12)),
        ("future_field", n(u64::MAX)),
        ("stake", n(5_500_000_000)),
        ("locked", n(0)),
        ("emission", n(1_234)),
        ("tao_emission", n(99)),
        ("drain", n(0)),
        ("is_registered", Value::bool(true)),
    ])]);
    let bytes = encode_api_answer(
        &md,
        decode::STAKE_INFO_API,
        "get_stake_info_for_coldkey",
        &value,
    );
    let plain = common::metadata_393();
    assert!(
        decode_stake_info(&plain, &bytes).is_err(),
        "the bytes really carry the extra field"
    );
    let stake = decode_stake_info(&md, &bytes).expect("extra field ignored");
    assert_eq!(stake[0].netuid, 12);
    assert_eq!(
        stake[0].stake,
        Alpha(5_500_000_000),
        "later fields still line up"
    );
    assert_eq!(stake[0].emission, Some(Alpha(1_234)));
}
