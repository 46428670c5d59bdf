//! The address book: names the user gave to addresses they send to, kept as JSON in the
//! config folder and written atomically (temp file, then rename) so a crash never leaves
//! half a file. Every address is checked (SS58 checksum, Bittensor network) before it is kept.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::i18n::{tr, tr_with};
use crate::keys::AccountId;

/// One saved address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The name the user gave it.
    pub name: String,
    /// Its SS58 address.
    pub address: String,
}

/// The saved addresses, sorted by name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AddressBook {
    /// Every contact, sorted by name.
    pub contacts: Vec<Contact>,
}

/// Why the address book could not be read, changed or written (plain, localized text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AddressBookError(pub String);

impl AddressBook {
    /// The file in the config folder, or `None` where the system has none.
    pub fn default_path() -> Option<PathBuf> {
        crate::settings::config_dir().map(|d| d.join("address-book.json"))
    }

    /// Reads the book at `path`; a missing file is an empty book, a corrupt one an error
    /// (never silently emptied: the user's names would be lost on the next save).
    pub fn load(path: &Path) -> Result<AddressBook, AddressBookError> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                AddressBookError(tr_with(
                    "address_book.corrupt",
                    &[("path", &path.display()), ("reason", &e)],
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AddressBook::default()),
            Err(e) => Err(io_error(path, &e)),
        }
    }

    /// Writes the book to `path` atomically, creating the folder.
    pub fn save(&self, path: &Path) -> Result<(), AddressBookError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(path, &e))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| io_error(path, &e))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(|e| io_error(path, &e))?;
        std::fs::rename(&tmp, path).map_err(|e| io_error(path, &e))
    }

    /// Adds or renames a contact. The address must be a valid Bittensor address; a name
    /// already used for another address is replaced.
    pub fn add(&mut self, name: &str, address: &str) -> Result<(), AddressBookError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(AddressBookError(tr("address_book.empty_name")));
        }
        let account =
            AccountId::from_ss58(address.trim()).map_err(|e| AddressBookError(e.to_string()))?;
        let address = account.to_ss58();
        self.contacts
            .retain(|c| c.name != name && c.address != address);
        self.contacts.push(Contact {
            name: name.to_string(),
            address,
        });
        self.contacts.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(())
    }

    /// Removes the contact called `name`; true when there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.contacts.len();
        self.contacts.retain(|c| c.name != name);
        self.contacts.len() != before
    }

    /// The name saved for `address`, if any.
    pub fn name_of(&self, address: &str) -> Option<&str> {
        self.contacts
            .iter()
            .find(|c| c.address == address)
            .map(|c| c.name.as_str())
    }
}

fn io_error(path: &Path, e: &dyn std::fmt::Display) -> AddressBookError {
    AddressBookError(tr_with(
        "address_book.io",
        &[("path", &path.display()), ("reason", e)],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

    #[test]
    fn contacts_survive_a_round_trip_and_stay_sorted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join("address-book.json");
        assert_eq!(AddressBook::load(&path), Ok(AddressBook::default()));
        let mut book = AddressBook::default();
        book.add("  exchange ", BOB).expect("add");
        book.add("alice", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY")
            .expect("add");
        book.save(&path).expect("save");
        let back = AddressBook::load(&path).expect("load");
        assert_eq!(back, book);
        assert_eq!(back.contacts[0].name, "alice");
        assert_eq!(back.name_of(BOB), Some("exchange"));
        assert!(!path.with_extension("json.tmp").exists());
    }

    #[test]
    fn bad_addresses_and_names_are_refused() {
        let mut book = AddressBook::default();
        let mut broken = BOB.to_string();
        broken.replace_range(10..11, "x");
        assert!(book.add("bob", &broken).is_err());
        assert!(book.add("  ", BOB).is_err());
        assert!(book.contacts.is_empty());
        book.add("bob", BOB).expect("add");
        book.add("robert", BOB).expect("rename");
        assert_eq!(book.contacts.len(), 1);
        assert!(book.remove("robert"));
        assert!(!book.remove("robert"));
    }

    #[test]
    fn a_corrupt_file_is_an_error_not_an_empty_book() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("address-book.json");
        std::fs::write(&path, "{not json").expect("write");
        assert!(AddressBook::load(&path).is_err());
    }
}
