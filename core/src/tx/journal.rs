//! The pending-transaction journal: every transaction is written down (hash, signer,
//! nonce, status) *before* it is broadcast, so a second click, a reconnect or a restart
//! finds it and reconciles it with the chain instead of sending it again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::TxError;
use super::submit::TxStatus;

/// One transaction as the journal remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Extrinsic hash, `0x`-hex.
    pub hash: String,
    /// The extrinsic itself, `0x`-hex: kept so reconciliation can recognise it in a block.
    pub extrinsic: String,
    /// Signer, SS58.
    pub signer: String,
    /// The nonce it uses.
    pub nonce: u64,
    /// Genesis hash of the chain it is for.
    pub genesis: String,
    /// "Pallet.call", for the history list.
    pub call: String,
    /// The block its mortal era starts at; it expires `MORTAL_PERIOD_BLOCKS` later.
    pub era_block: u64,
    /// Where it stands.
    pub status: TxStatus,
    /// For a shielded send, the hash (`0x`-hex) of the encrypted inner extrinsic that the
    /// block producer reveals: its events, not the wrapper's, say whether it worked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shielded_inner: Option<String>,
}

impl JournalEntry {
    /// Whether nothing more can happen to it.
    pub fn is_final(&self) -> bool {
        self.status.is_final()
    }
}

/// The journal file (JSON, written atomically).
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    /// The journal at `path` (created on first write).
    pub fn at(path: impl Into<PathBuf>) -> Journal {
        Journal { path: path.into() }
    }

    /// The journal in the config folder, or `None` where the system has none.
    pub fn default_location() -> Option<Journal> {
        crate::settings::config_dir().map(|d| Journal::at(d.join("pending-transactions.json")))
    }

    /// Where it is kept.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every entry, oldest first. A missing file is an empty journal; a corrupt one is an
    /// error (never silently emptied: it may guard against a double send).
    pub fn entries(&self) -> Result<Vec<JournalEntry>, TxError> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| TxError::Journal {
                path: self.path.display().to_string(),
                reason: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(TxError::Journal {
                path: self.path.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }

    /// The unfinished entries of `signer` on chain `genesis`.
    pub fn pending(&self, signer: &str, genesis: &str) -> Result<Vec<JournalEntry>, TxError> {
        Ok(self
            .entries()?
            .into_iter()
            .filter(|e| e.signer == signer && e.genesis == genesis && !e.is_final())
            .collect())
    }

    /// Writes a new entry before broadcast. Refuses one whose hash is already known, or
    /// whose signer still has an unfinished transaction: that one must settle first.
    pub fn record(&self, entry: JournalEntry) -> Result<(), TxError> {
        let mut entries = self.entries()?;
        if let Some(existing) = entries.iter().find(|e| {
            e.hash == entry.hash
                || (e.signer == entry.signer && e.genesis == entry.genesis && !e.is_final())
        }) {
            return Err(TxError::AlreadyPending {
                hash: existing.hash.clone(),
            });
        }
        entries.push(entry);
        self.write(&entries)
    }

    /// Sets the status of the entry with `hash`.
    pub fn update(&self, hash: &str, status: TxStatus) -> Result<(), TxError> {
        let mut entries = self.entries()?;
        if let Some(entry) = entries.iter_mut().find(|e| e.hash == hash) {
            entry.status = status;
        }
        self.write(&entries)
    }

    fn write(&self, entries: &[JournalEntry]) -> Result<(), TxError> {
        let fail = |e: std::io::Error| TxError::Journal {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        };
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        let text = serde_json::to_string_pretty(entries).map_err(|e| TxError::Journal {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        })?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(fail)?;
        std::fs::rename(&tmp, &self.path).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(hash: &str, nonce: u64) -> JournalEntry {
        JournalEntry {
            hash: hash.into(),
            extrinsic: "0x00".into(),
            signer: "5Signer".into(),
            nonce,
            genesis: "0xgen".into(),
            call: "SubtensorModule.add_stake_limit".into(),
            era_block: 10,
            status: TxStatus::Submitting,
            shielded_inner: None,
        }
    }

    #[test]
    fn a_pending_transaction_blocks_a_second_one_until_it_settles() {
        let dir = tempfile::tempdir().expect("tempdir");
        let journal = Journal::at(dir.path().join("j.json"));
        assert_eq!(journal.entries(), Ok(Vec::new()));
        journal.record(entry("0xaa", 1)).expect("first");
        assert_eq!(
            journal.record(entry("0xbb", 2)),
            Err(TxError::AlreadyPending {
                hash: "0xaa".into()
            })
        );
        journal
            .update(
                "0xaa",
                TxStatus::Finalized {
                    block_number: 5,
                    block_hash: "0x05".into(),
                    outcome: crate::tx::DispatchOutcome::Success,
                },
            )
            .expect("update");
        journal.record(entry("0xbb", 2)).expect("after it settled");
        assert_eq!(
            journal.record(entry("0xbb", 2)),
            Err(TxError::AlreadyPending {
                hash: "0xbb".into()
            }),
            "the same extrinsic twice is refused"
        );
        assert_eq!(journal.pending("5Signer", "0xgen").expect("read").len(), 1);
    }

    #[test]
    fn a_corrupt_journal_is_an_error_not_an_empty_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("j.json");
        std::fs::write(&path, "{not json").expect("write");
        let journal = Journal::at(&path);
        assert!(matches!(journal.entries(), Err(TxError::Journal { .. })));
        assert!(journal.record(entry("0xaa", 1)).is_err());
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "{not json",
            "left as it was"
        );
    }
}
