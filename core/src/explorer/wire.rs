//! The shapes runtime APIs return, decoded by field name against the node's metadata.
//!
//! Every field is optional on purpose: a runtime that drops or has not yet added a field
//! decodes with `None` there instead of failing, and fields we do not name are skipped.
//! The derive in `scale-decode` insists on every named field, hence this small macro.
//! A field may also arrive wrapped in `Option` (the "selective" metagraph wraps each one);
//! both forms land in the same place.

use std::marker::PhantomData;

use scale_decode::visitor::types::Composite;
use scale_decode::visitor::{DecodeAsTypeResult, IgnoreVisitor, TypeIdFor, Visitor};
use scale_decode::{DecodeAsType, IntoVisitor, TypeResolver};
use subxt::ext::scale_type_resolver::{
    FieldIter, PathIter, Primitive, ResolvedTypeVisitor, UnhandledKind, VariantIter,
};

/// A struct whose fields are filled one by one from a SCALE composite, by name.
pub(crate) trait WireStruct: Default {
    /// Decodes the composite's next field into this struct's field of that name, or skips
    /// it when this struct has none.
    fn decode_next<R: TypeResolver>(
        &mut self,
        name: &str,
        composite: &mut Composite<'_, '_, R>,
    ) -> Result<(), scale_decode::Error>;
}

/// The next field of `composite`, skipped.
pub(crate) fn skip_next<R: TypeResolver>(
    composite: &mut Composite<'_, '_, R>,
) -> Result<(), scale_decode::Error> {
    match composite.decode_item(IgnoreVisitor::<R>::new()) {
        Some(Err(e)) => Err(e.into()),
        _ => Ok(()),
    }
}

/// The type inside `Some` when a type is an `Option`, found with one registry look-up.
struct OptionInner<Id>(PhantomData<Id>);

impl<'r, Id: subxt::ext::scale_type_resolver::TypeId + 'static> ResolvedTypeVisitor<'r>
    for OptionInner<Id>
{
    type TypeId = Id;
    type Value = Option<Id>;

    fn visit_unhandled(self, _kind: UnhandledKind) -> Option<Id> {
        None
    }

    fn visit_variant<Path, Fields, Var>(self, mut path: Path, variants: Var) -> Option<Id>
    where
        Path: PathIter<'r>,
        Fields: FieldIter<'r, Id>,
        Var: VariantIter<'r, Fields>,
    {
        if path.next_back_or_last()? != "Option" {
            return None;
        }
        let mut some = variants.into_iter().find(|v| v.name == "Some")?;
        some.fields.next().map(|f| f.id)
    }
}

/// `last()` for the path iterators the resolver hands out (they are not double-ended).
trait LastSegment<'r> {
    fn next_back_or_last(&mut self) -> Option<&'r str>;
}

impl<'r, I: Iterator<Item = &'r str>> LastSegment<'r> for I {
    fn next_back_or_last(&mut self) -> Option<&'r str> {
        self.last()
    }
}

/// Decodes `T` from the value at `type_id`, looking through any `Option` wrappers: the
/// selective metagraph wraps every field, and a `None` anywhere reads as "not given".
fn decode_through_options<T: DecodeAsType, R: TypeResolver>(
    input: &mut &[u8],
    mut type_id: R::TypeId,
    types: &R,
) -> Result<Option<T>, scale_decode::Error> {
    loop {
        let inner = types
            .resolve_type(type_id.clone(), OptionInner(PhantomData))
            .ok()
            .flatten();
        let Some(inner) = inner else {
            return T::decode_as_type(input, type_id, types).map(Some);
        };
        let Some((&tag, rest)) = input.split_first() else {
            return Err(scale_decode::Error::new(
                scale_decode::error::ErrorKind::VisitorDecodeError(
                    scale_decode::visitor::DecodeError::NotEnoughInput,
                ),
            ));
        };
        *input = rest;
        match tag {
            0 => return Ok(None),
            1 => type_id = inner,
            other => {
                return Err(scale_decode::Error::new(
                    scale_decode::error::ErrorKind::VisitorDecodeError(
                        scale_decode::visitor::DecodeError::VariantNotFound(other),
                    ),
                ));
            }
        }
    }
}

/// Visitor for one field: `T`, possibly behind `Option`s.
pub(crate) struct FieldVisitor<T, R>(PhantomData<(T, R)>);

impl<T: DecodeAsType, R: TypeResolver> FieldVisitor<T, R> {
    /// A visitor for a field of type `T`.
    pub(crate) fn new() -> Self {
        FieldVisitor(PhantomData)
    }
}

impl<T: DecodeAsType, R: TypeResolver> Visitor for FieldVisitor<T, R> {
    type Value<'scale, 'resolver> = Option<T>;
    type Error = scale_decode::Error;
    type TypeResolver = R;

    fn unchecked_decode_as_type(
        self,
        input: &mut &[u8],
        type_id: TypeIdFor<Self>,
        types: &R,
    ) -> DecodeAsTypeResult<Self, Result<Option<T>, Self::Error>> {
        DecodeAsTypeResult::Decoded(decode_through_options(input, type_id, types))
    }
}

/// The visitor behind every [`WireStruct`]: one pass over the composite's fields.
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
        while value.remaining() > 0 {
            match value.peek_name() {
                Some(name) => out.decode_next(name, value)?,
                None => skip_next(value)?,
            }
        }
        Ok(out)
    }
}

/// A 32-byte account key (`AccountId32`), copied straight from the input: the generic path
/// would visit its 32 bytes one registry look-up at a time, which dominates a metagraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct AccountBytes(pub(crate) [u8; 32]);

/// Whether a type is 32 bytes: `[u8; 32]`, possibly inside single-field structs.
struct Is32Bytes<'t, R>(&'t R, u8);

impl<'r, R: TypeResolver> ResolvedTypeVisitor<'r> for Is32Bytes<'_, R> {
    type TypeId = R::TypeId;
    type Value = bool;

    fn visit_unhandled(self, _kind: UnhandledKind) -> bool {
        false
    }

    fn visit_composite<Path, Fields>(self, _path: Path, mut fields: Fields) -> bool
    where
        Path: PathIter<'r>,
        Fields: FieldIter<'r, R::TypeId>,
    {
        let (types, depth) = (self.0, self.1);
        match (fields.len(), fields.next()) {
            (1, Some(field)) if depth < 4 => types
                .resolve_type(field.id, Is32Bytes(types, depth + 1))
                .unwrap_or(false),
            _ => false,
        }
    }

    fn visit_array(self, type_id: R::TypeId, len: usize) -> bool {
        len == 32
            && self
                .0
                .resolve_type(type_id, IsU8(PhantomData))
                .unwrap_or(false)
    }
}

/// Whether a type is `u8`.
struct IsU8<Id>(PhantomData<Id>);

impl<'r, Id: subxt::ext::scale_type_resolver::TypeId + 'static> ResolvedTypeVisitor<'r>
    for IsU8<Id>
{
    type TypeId = Id;
    type Value = bool;

    fn visit_unhandled(self, _kind: UnhandledKind) -> bool {
        false
    }

    fn visit_primitive(self, primitive: Primitive) -> bool {
        primitive == Primitive::U8
    }
}

/// Visitor for [`AccountBytes`].
pub(crate) struct AccountVisitor<R>(PhantomData<R>);

impl<R: TypeResolver> Visitor for AccountVisitor<R> {
    type Value<'scale, 'resolver> = AccountBytes;
    type Error = scale_decode::Error;
    type TypeResolver = R;

    fn unchecked_decode_as_type(
        self,
        input: &mut &[u8],
        type_id: TypeIdFor<Self>,
        types: &R,
    ) -> DecodeAsTypeResult<Self, Result<AccountBytes, Self::Error>> {
        let fast = types
            .resolve_type(type_id.clone(), Is32Bytes(types, 0))
            .unwrap_or(false);
        let result = match (fast, input.split_first_chunk::<32>()) {
            (true, Some((bytes, rest))) => {
                *input = rest;
                Ok(AccountBytes(*bytes))
            }
            // Not the usual layout, or too short: the generic path decodes or explains.
            _ => <[u8; 32]>::decode_as_type(input, type_id, types).map(AccountBytes),
        };
        DecodeAsTypeResult::Decoded(result)
    }
}

impl IntoVisitor for AccountBytes {
    type AnyVisitor<R: TypeResolver> = AccountVisitor<R>;
    fn into_visitor<R: TypeResolver>() -> Self::AnyVisitor<R> {
        AccountVisitor(PhantomData)
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
            fn decode_next<R: TypeResolver>(
                &mut self,
                name: &str,
                composite: &mut Composite<'_, '_, R>,
            ) -> Result<(), scale_decode::Error> {
                match name {
                    $(stringify!($field) => {
                        match composite.decode_item(FieldVisitor::<$ty, R>::new()) {
                            Some(Ok(value)) => self.$field = value,
                            Some(Err(e)) => return Err(e.at_field(stringify!($field))),
                            None => {}
                        }
                    })*
                    _ => skip_next(composite)?,
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
        subnet_identity: IdentityWire,
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
        identity: IdentityWire,
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

wire_struct!(
    /// `SimSwapResult` from `SwapRuntimeApi_sim_swap_*`: what a swap would give and cost.
    SimSwapWire {
        tao_amount: u64,
        alpha_amount: u64,
        tao_fee: u64,
        alpha_fee: u64,
        tao_slippage: u64,
        alpha_slippage: u64,
    }
);

wire_struct!(
    /// `RuntimeDispatchInfo` from `TransactionPaymentApi_query_info`: the fee, in rao.
    DispatchInfoWire { partial_fee: u128 }
);

wire_struct!(
    /// `ChainIdentityV2` (and the older `ChainIdentity`): a coldkey's self-description.
    /// Only the name is shown; the other fields are skipped by name.
    ChainIdentityWire { name: Vec<u8> }
);
