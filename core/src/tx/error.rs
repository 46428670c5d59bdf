//! What can stop a transaction before it reaches the chain, in plain words.

use std::fmt;

use crate::i18n::tr_with;

/// A transaction that could not be built, signed or sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxError {
    /// The node's runtime has no such call (older or newer than this app knows).
    CallNotSupported {
        /// "Pallet.call".
        call: String,
    },
    /// The call exists but its arguments changed names.
    CallShapeChanged {
        /// "Pallet.call".
        call: String,
        /// The argument that no longer matches.
        argument: String,
    },
    /// The node's metadata could not be read.
    Metadata(String),
    /// Encoding against the metadata failed (a value of the wrong shape).
    Encode(String),
}

impl fmt::Display for TxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            TxError::CallNotSupported { call } => {
                tr_with("error.tx.call_not_supported", &[("call", call)])
            }
            TxError::CallShapeChanged { call, argument } => tr_with(
                "error.tx.call_shape_changed",
                &[("call", call), ("argument", argument)],
            ),
            TxError::Metadata(reason) => tr_with("error.tx.metadata", &[("reason", reason)]),
            TxError::Encode(reason) => tr_with("error.tx.encode", &[("reason", reason)]),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for TxError {}
