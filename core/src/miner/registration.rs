//! Registration: is the hotkey on the subnet? The miner flow reads the answer here; an
//! unregistered hotkey is then registered through the transaction layer (`crate::tx`,
//! `Action::BurnedRegister`): the window's shared review, unlock and progress flow, or
//! `taoscope register` on the command line. The miner flow itself signs nothing.

use crate::explorer::HotkeyRegistrations;

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
}
