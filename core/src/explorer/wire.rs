//! The shapes runtime APIs return, decoded by field name against the node's metadata.
//!
//! Every field is optional on purpose: a runtime that drops or has not yet added a field
//! decodes with `None` there instead of failing, and fields we do not name are skipped.
//! The derive in `scale-decode` insists on every named field, hence this small macro.
//! A field may also arrive wrapped in `Option` (the "selective" metagraph wraps each one);
//! both forms land in the same place.

use std::marker::PhantomData;

use scale_decode::visitor::types::Composite;
use scale_decode::visitor::{TypeIdFor, Visitor};
use scale_decode::{DecodeAsType, IntoVisitor, TypeResolver};

/// The success type of a `Result`, to name a composite's field type: `scale-decode` hands
/// fields out from its iterator but does not export their type's name.
pub(crate) trait OkOf {
    /// `T` of `Result<T, E>`.
    type Ok;
}

impl<T, E> OkOf for Result<T, E> {
    type Ok = T;
}

/// One named field of a SCALE composite, with its bytes and type.
pub(crate) type CompositeField<'scale, 'resolver, R> =
    <<Composite<'scale, 'resolver, R> as Iterator>::Item as OkOf>::Ok;

/// A struct whose fields are filled one by one from a SCALE composite, by name.
pub(crate) trait WireStruct: Default {
    /// Stores `field` if this struct has a field of that name; ignores it otherwise.
    fn set_field<R: TypeResolver>(
        &mut self,
        name: &str,
        field: &CompositeField<'_, '_, R>,
    ) -> Result<(), scale_decode::Error>;
}

/// Decodes a field as `T`, or as `Option<T>` when the runtime wraps it.
pub(crate) fn flexible<T: DecodeAsType, R: TypeResolver>(
    field: &CompositeField<'_, '_, R>,
) -> Result<Option<T>, scale_decode::Error> {
    match field.decode_as_type::<T>() {
        Ok(value) => Ok(Some(value)),
        Err(first) => field.decode_as_type::<Option<T>>().map_err(|_| first),
    }
}

/// The visitor behind every [`WireStruct`].
pub(crate) struct WireVisitor<T, R>(PhantomData<(T, R)>);

impl<T: WireStruct, R: TypeResolver> Visitor for WireVisitor<T, R> {
    type Value<'scale, 'resolver> = T;
    type Error = scale_decode::Error;
    type TypeResolver = R;

    fn visit_composite<'scale, 'resolver>(
        self,
        value: &mut Composite<'scale, 'resolver, R>,
        _type_id: TypeIdFor<Self>,
    ) -> Result<T, Self::Error> {
        let mut out = T::default();
        for field in value.by_ref() {
            let field = field?;
            if let Some(name) = field.name() {
                out.set_field(name, &field)?;
            }
        }
        Ok(out)
    }
}

/// Declares a wire struct: every field becomes `Option<type>`.
macro_rules! wire_struct {
    ($(#[$meta:meta])* $name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Default, Clone, PartialEq)]
        pub(crate) struct $name {
            $(pub(crate) $field: Option<$ty>,)*
        }

        impl WireStruct for $name {
            fn set_field<R: TypeResolver>(
                &mut self,
                name: &str,
                field: &CompositeField<'_, '_, R>,
            ) -> Result<(), scale_decode::Error> {
                match name {
                    $(stringify!($field) => {
                        self.$field = flexible::<$ty, R>(field)
                            .map_err(|e| e.at_field(stringify!($field)))?;
                    })*
                    _ => {}
                }
                Ok(())
            }
        }

        impl IntoVisitor for $name {
            type AnyVisitor<R: TypeResolver> = WireVisitor<$name, R>;
            fn into_visitor<R: TypeResolver>() -> Self::AnyVisitor<R> {
                WireVisitor(PhantomData)
            }
        }
    };
}

/// A 32-byte account key (`AccountId32`).
pub(crate) type AccountBytes = [u8; 32];

wire_struct!(
    /// `SubnetIdentityV3` (older runtimes: V1/V2 with fewer fields).
    IdentityWire {
        subnet_name: Vec<u8>,
        github_repo: Vec<u8>,
        subnet_contact: Vec<u8>,
        subnet_url: Vec<u8>,
        discord: Vec<u8>,
        description: Vec<u8>,
        logo_url: Vec<u8>,
        additional: Vec<u8>,
    }
);

wire_struct!(
    /// A fixed-point number as the runtime sends it (`I96F32` and friends).
    FixedWire { bits: i128 }
);

wire_struct!(
    /// `DynamicInfo`: one subnet's pool and schedule.
    DynamicInfoWire {
        netuid: u16,
        owner_hotkey: AccountBytes,
        owner_coldkey: AccountBytes,
        subnet_name: Vec<u8>,
        token_symbol: Vec<u8>,
        tempo: u16,
        last_step: u64,
        blocks_since_last_step: u64,
        emission: u64,
        alpha_in: u64,
        alpha_out: u64,
        tao_in: u64,
        alpha_out_emission: u64,
        alpha_in_emission: u64,
        tao_in_emission: u64,
        pending_alpha_emission: u64,
        pending_root_emission: u64,
        subnet_volume: u128,
        network_registered_at: u64,
        subnet_identity: Option<IdentityWire>,
        moving_price: FixedWire,
    }
);

wire_struct!(
    /// `SubnetPrice` from `SwapRuntimeApi_current_alpha_price_all`.
    SubnetPriceWire { netuid: u16, price: u64 }
);

wire_struct!(
    /// `AxonInfo`: where a neuron serves.
    AxonWire {
        block: u64,
        version: u32,
        ip: u128,
        port: u16,
        ip_type: u8,
        protocol: u8,
    }
);

wire_struct!(
    /// `NeuronInfoLite`: one UID without weights and bonds.
    NeuronLiteWire {
        hotkey: AccountBytes,
        coldkey: AccountBytes,
        uid: u16,
        netuid: u16,
        active: bool,
        axon_info: AxonWire,
        stake: Vec<(AccountBytes, u64)>,
        emission: u64,
        incentive: u16,
        consensus: u16,
        validator_trust: u16,
        dividends: u16,
        last_update: u64,
        validator_permit: bool,
    }
);

wire_struct!(
    /// `Metagraph` and `SelectiveMetagraph` (the same fields, each wrapped in `Option` in the
    /// selective one). `trust`, `rank` and `pruning_score` are left out: the chain no longer
    /// computes them.
    MetagraphWire {
        netuid: u16,
        name: Vec<u8>,
        symbol: Vec<u8>,
        identity: Option<IdentityWire>,
        network_registered_at: u64,
        owner_hotkey: AccountBytes,
        owner_coldkey: AccountBytes,
        block: u64,
        tempo: u16,
        last_step: u64,
        blocks_since_last_step: u64,
        subnet_emission: u64,
        alpha_in: u64,
        alpha_out: u64,
        tao_in: u64,
        alpha_out_emission: u64,
        alpha_in_emission: u64,
        tao_in_emission: u64,
        pending_alpha_emission: u64,
        pending_root_emission: u64,
        subnet_volume: u128,
        moving_price: FixedWire,
        max_uids: u16,
        burn: u64,
        max_validators: u16,
        registration_allowed: bool,
        immunity_period: u16,
        hotkeys: Vec<AccountBytes>,
        coldkeys: Vec<AccountBytes>,
        axons: Vec<AxonWire>,
        active: Vec<bool>,
        validator_permit: Vec<bool>,
        last_update: Vec<u64>,
        emission: Vec<u64>,
        dividends: Vec<u16>,
        incentives: Vec<u16>,
        consensus: Vec<u16>,
        block_at_registration: Vec<u64>,
        alpha_stake: Vec<u64>,
        tao_stake: Vec<u64>,
        total_stake: Vec<u64>,
    }
);

wire_struct!(
    /// `StakeInfo`: one (hotkey, coldkey, netuid) position.
    StakeInfoWire {
        hotkey: AccountBytes,
        coldkey: AccountBytes,
        netuid: u16,
        stake: u64,
        locked: u64,
        emission: u64,
        tao_emission: u64,
        drain: u64,
        is_registered: bool,
    }
);

wire_struct!(
    /// `DelegateInfo`: a validator that takes nominations.
    DelegateWire {
        delegate_ss58: AccountBytes,
        take: u16,
        nominators: Vec<(AccountBytes, Vec<(u16, u64)>)>,
        owner_ss58: AccountBytes,
        registrations: Vec<u16>,
        validator_permits: Vec<u16>,
        return_per_1000: u64,
        total_daily_return: u64,
    }
);

wire_struct!(
    /// `pallet_balances::AccountData`.
    AccountDataWire {
        free: u64,
        reserved: u64,
        frozen: u64,
    }
);

wire_struct!(
    /// `frame_system::AccountInfo`.
    AccountInfoWire {
        nonce: u32,
        data: AccountDataWire,
    }
);
