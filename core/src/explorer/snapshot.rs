//! Offline snapshots: everything the explorer pages show, at one block, in one compact file
//! (gzip-compressed JSON), so the app and the CLI work with no node at all.
//!
//! A snapshot says which network and block it is from and which parts it holds; a part it
//! lacks is `None` / empty, never filled in. [`Snapshot::bundled`] is the one shipped in
//! the binary: built only from the recorded finney traffic (`assets/snapshot/README.md`).

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{BlockRef, Metagraph, NetworkTotals, SubnetSummary};
use crate::i18n::tr_with;

/// The file format version this build writes and reads.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// The snapshot shipped inside the binary (finney, block 6,852,690).
const BUNDLED: &[u8] = include_bytes!("../../../assets/snapshot/finney-6852690.json.gz");

/// Largest uncompressed snapshot we accept (a full finney snapshot is far below this);
/// a bigger one is refused rather than exhausting memory.
const MAX_UNCOMPRESSED: u64 = 1 << 30;

/// Explorer data at one block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// [`SNAPSHOT_FORMAT`] of the writer.
    pub format: u32,
    /// The network as the user named it: `finney`, `test`, `local` or a URL.
    pub network: String,
    /// Genesis hash, `0x`-hex: tells finney from any other chain.
    pub genesis_hash: String,
    /// The block every part was read at.
    pub block: BlockRef,
    /// The block's time, milliseconds since 1970 (from its Aura slot), when known.
    pub block_time_ms: Option<u64>,
    /// What the file holds and where it came from, in words.
    pub note: String,
    /// The subnets list, when saved.
    pub subnets: Option<Vec<SubnetSummary>>,
    /// Chain totals, when saved.
    pub totals: Option<NetworkTotals>,
    /// Metagraphs, by ascending netuid.
    pub metagraphs: Vec<Metagraph>,
}

/// Why a snapshot could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// The file could not be opened or read.
    Read {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        reason: String,
    },
    /// The file could not be written.
    Write {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        reason: String,
    },
    /// The bytes are not a snapshot this build understands.
    Format {
        /// What did not fit.
        reason: String,
    },
    /// The snapshot has no metagraph for this subnet.
    NoMetagraph {
        /// The subnet asked for.
        netuid: u16,
        /// The block of the snapshot.
        block: u64,
    },
    /// The snapshot was saved without the subnets list.
    NoSubnets {
        /// The block of the snapshot.
        block: u64,
    },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            SnapshotError::Read { path, reason } => tr_with(
                "error.snapshot.read",
                &[("path", &path.display()), ("reason", reason)],
            ),
            SnapshotError::Write { path, reason } => tr_with(
                "error.snapshot.write",
                &[("path", &path.display()), ("reason", reason)],
            ),
            SnapshotError::Format { reason } => {
                tr_with("error.snapshot.format", &[("reason", reason)])
            }
            SnapshotError::NoMetagraph { netuid, block } => tr_with(
                "error.snapshot.no_metagraph",
                &[("netuid", netuid), ("block", block)],
            ),
            SnapshotError::NoSubnets { block } => {
                tr_with("error.snapshot.no_subnets", &[("block", block)])
            }
        };
        f.write_str(&text)
    }
}

impl std::error::Error for SnapshotError {}

impl Snapshot {
    /// Reads a snapshot file.
    pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
        let bytes = std::fs::read(path).map_err(|e| SnapshotError::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Snapshot::from_bytes(&bytes)
    }

    /// The snapshot built into the app: finney at block 6,852,690, from recorded traffic.
    pub fn bundled() -> Result<Snapshot, SnapshotError> {
        Snapshot::from_bytes(BUNDLED)
    }

    /// Decodes a snapshot from its file bytes (gzip-compressed JSON).
    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        let format_error = |reason: String| SnapshotError::Format { reason };
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_UNCOMPRESSED)
            .read_to_end(&mut json)
            .map_err(|e| format_error(e.to_string()))?;
        // Check the version first, so an old build says "newer format", not a field error.
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let version: Version =
            serde_json::from_slice(&json).map_err(|e| format_error(e.to_string()))?;
        if version.format != SNAPSHOT_FORMAT {
            return Err(format_error(format!(
                "format {} (this build reads {SNAPSHOT_FORMAT})",
                version.format
            )));
        }
        serde_json::from_slice(&json).map_err(|e| format_error(e.to_string()))
    }

    /// Encodes the snapshot as its file bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, SnapshotError> {
        let json = serde_json::to_vec(self).map_err(|e| SnapshotError::Format {
            reason: e.to_string(),
        })?;
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(json.len() / 4),
            flate2::Compression::best(),
        );
        encoder
            .write_all(&json)
            .and_then(|()| encoder.finish())
            .map_err(|e| SnapshotError::Format {
                reason: e.to_string(),
            })
    }

    /// Writes the snapshot to `path` (through a temporary file, so a crash leaves no half file).
    pub fn save(&self, path: &Path) -> Result<(), SnapshotError> {
        let write_error = |e: std::io::Error| SnapshotError::Write {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let bytes = self.to_bytes()?;
        let partial = path.with_extension("partial");
        std::fs::write(&partial, bytes).map_err(write_error)?;
        std::fs::rename(&partial, path).map_err(write_error)
    }

    /// The saved metagraph of `netuid`.
    pub fn metagraph(&self, netuid: u16) -> Result<&Metagraph, SnapshotError> {
        self.metagraphs
            .iter()
            .find(|m| m.netuid == netuid)
            .ok_or(SnapshotError::NoMetagraph {
                netuid,
                block: self.block.number,
            })
    }

    /// The saved subnets list.
    pub fn subnets(&self) -> Result<&[SubnetSummary], SnapshotError> {
        self.subnets.as_deref().ok_or(SnapshotError::NoSubnets {
            block: self.block.number,
        })
    }
}

/// The block time from a header's digest: Bittensor's Aura pre-runtime item carries the
/// slot, and a slot is one 12-second block. `None` when the header has no Aura slot.
pub fn block_time_ms_from_header(header: &serde_json::Value) -> Option<u64> {
    const SLOT_MS: u64 = 12_000;
    let logs = header.get("digest")?.get("logs")?.as_array()?;
    logs.iter()
        .filter_map(serde_json::Value::as_str)
        .find_map(|log| {
            let bytes = hex::decode(log.strip_prefix("0x")?).ok()?;
            // PreRuntime (6), engine "aura", a compact length of 8 (0x20), then the u64 slot.
            let rest = bytes.strip_prefix(&[6, b'a', b'u', b'r', b'a', 0x20])?;
            let slot = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
            slot.checked_mul(SLOT_MS)
        })
}

/// `2025-11-10 15:12:24 UTC` for a time in milliseconds since 1970.
pub fn utc_text(ms: u64) -> String {
    let seconds = i64::try_from(ms / 1000).unwrap_or(i64::MAX / 2);
    // One calendar routine for the whole app: the ISO form, made readable.
    crate::emission::utc_iso8601(seconds)
        .replacen('T', " ", 1)
        .replace('Z', " UTC")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_future_formats_are_refused_in_words() {
        assert!(matches!(
            Snapshot::from_bytes(b"not gzip"),
            Err(SnapshotError::Format { .. })
        ));
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(br#"{"format": 99}"#).expect("write");
        let future = encoder.finish().expect("gzip");
        let error = Snapshot::from_bytes(&future).expect_err("newer format");
        assert!(error.to_string().contains("99"), "{error}");
    }

    #[test]
    fn aura_slot_gives_the_block_time() {
        // The recorded header of block 6,852,690: slot 146,898,962, 2025-11-10 15:12:24 UTC.
        let header = serde_json::json!({"digest": {"logs": [
            "0x0661757261201280c10800000000",
            "0x0466726f6e8801f975ce"
        ]}});
        assert_eq!(block_time_ms_from_header(&header), Some(1_762_787_544_000));
        assert_eq!(block_time_ms_from_header(&serde_json::json!({})), None);
        assert_eq!(utc_text(1_762_787_544_000), "2025-11-10 15:12:24 UTC");
        assert_eq!(utc_text(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_text(951_782_400_000), "2000-02-29 00:00:00 UTC");
    }
}
