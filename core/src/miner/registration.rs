//! Registration: is the hotkey on the subnet, and if not, the hand-over to the transaction
//! layer that submits `burned_register` (review, sign, progress).
//!
//! The miner flow never signs anything itself. It builds a [`RegistrationRequest`] with the
//! burn cost the user confirmed and gives it to a [`Registrar`]. Until the transaction layer
//! provides one, [`NotWired`] gives the exact `taoscope register` command to run instead.

use std::path::PathBuf;

use crate::explorer::{HotkeyRegistrations, Rao};
use crate::network::Network;

/// Whether the hotkey holds a UID on the profile's subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationCheck {
    /// Registered with this UID.
    Registered {
        /// Its UID.
        uid: u16,
    },
    /// Not registered: registration (a burn) is needed before mining earns anything.
    NotRegistered,
}

/// Reads the answer to `Request::HotkeyRegistrations` for `netuid`.
pub fn check(registrations: &HotkeyRegistrations, netuid: u16) -> RegistrationCheck {
    match registrations.uids.get(&netuid) {
        Some(uid) => RegistrationCheck::Registered { uid: *uid },
        None => RegistrationCheck::NotRegistered,
    }
}

/// What the transaction layer needs to submit `SubtensorModule::burned_register`.
/// Only names and the public hotkey: no key material and no password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRequest {
    /// The network to submit to.
    pub network: Network,
    /// The subnet.
    pub netuid: u16,
    /// The hotkey to register, SS58.
    pub hotkey_ss58: String,
    /// The wallet (coldkey) that pays, by name.
    pub wallet: String,
    /// The wallets folder.
    pub wallet_path: PathBuf,
    /// The burn the user saw and confirmed; the transaction layer must refuse to pay more.
    pub confirmed_burn: Rao,
}

/// What became of a hand-over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationHandoff {
    /// The transaction flow took it (review, sign, progress happen there); the miner flow
    /// checks the registration again when it reports back.
    Started,
    /// Registration cannot be done from here; the text says where it can.
    Unavailable(String),
}

/// The boundary to the transaction layer: takes a confirmed registration and runs it.
pub trait Registrar: Send {
    /// Begins `burned_register` for `request`.
    fn burned_register(&mut self, request: RegistrationRequest) -> RegistrationHandoff;
}

/// The registrar in use until the transaction layer is wired in: it submits nothing and
/// says where registration can be done.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotWired;

impl Registrar for NotWired {
    fn burned_register(&mut self, request: RegistrationRequest) -> RegistrationHandoff {
        RegistrationHandoff::Unavailable(crate::i18n::tr_with(
            "miner.register.not_wired",
            &[
                ("wallet", &request.wallet),
                ("hotkey", &request.hotkey_ss58),
                ("netuid", &request.netuid),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn registration_is_read_per_subnet() {
        let regs = HotkeyRegistrations {
            hotkey: "5F".into(),
            netuids: vec![3],
            uids: BTreeMap::from([(3, 17)]),
            owner_coldkey: Some("5C".into()),
        };
        assert_eq!(check(&regs, 3), RegistrationCheck::Registered { uid: 17 });
        assert_eq!(check(&regs, 9), RegistrationCheck::NotRegistered);
    }

    #[test]
    fn the_unwired_registrar_does_not_pretend() {
        let request = RegistrationRequest {
            network: Network::Finney,
            netuid: 3,
            hotkey_ss58: "5F".into(),
            wallet: "w".into(),
            wallet_path: "/w".into(),
            confirmed_burn: Rao(1),
        };
        match NotWired.burned_register(request) {
            RegistrationHandoff::Unavailable(text) => assert!(
                text.contains("taoscope register --wallet w --hotkey 5F --netuid 3"),
                "{text}"
            ),
            RegistrationHandoff::Started => panic!("claimed to register"),
        }
    }
}
