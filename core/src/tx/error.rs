//! What can stop a transaction before it reaches the chain, in plain words.

use std::fmt;

use crate::amount::units_text_short;
use crate::i18n::{tr, tr_with};

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
    /// A tolerance that is not a percentage between 0 and 50.
    BadTolerance {
        /// What was typed.
        text: String,
    },
    /// Sending to the signer's own account.
    SendToSelf,
    /// Origin and destination subnet are the same where they must differ.
    SameSubnet,
    /// Below the chain's minimum stake.
    BelowMinimumStake {
        /// The minimum, rao.
        minimum_rao: u64,
    },
    /// Unstaking more than the position holds.
    NotEnoughStake {
        /// Alpha asked for.
        wanted: u64,
        /// Alpha held.
        held: u64,
    },
    /// Amount plus fee is more than the free balance.
    NotEnoughBalance {
        /// Rao needed, fee included.
        needed: u64,
        /// Rao free.
        available: u64,
    },
    /// The account would fall below the existential deposit.
    WouldCloseAccount {
        /// The deposit, rao.
        existential_deposit_rao: u64,
    },
    /// The subnet does not exist.
    SubnetMissing {
        /// The netuid asked for.
        netuid: u16,
    },
    /// The validator's hotkey is not on chain.
    HotkeyUnknown {
        /// The hotkey, SS58.
        hotkey: String,
    },
    /// The hotkey already holds a UID on the subnet.
    AlreadyRegistered {
        /// The subnet.
        netuid: u16,
    },
    /// The journal file could not be read or written; nothing is sent without it.
    Journal {
        /// The file.
        path: String,
        /// The OS's or parser's reason.
        reason: String,
    },
    /// This signer already has a transaction in flight (its hash).
    AlreadyPending {
        /// Hash of the unfinished transaction.
        hash: String,
    },
    /// The node refused the transaction outright; nothing is in flight.
    Rejected {
        /// The node's reason, in plain words.
        reason: String,
    },
    /// The connection dropped after the transaction was handed over; its fate is asked
    /// of the chain on reconnect, and it is never sent again.
    ConnectionLost {
        /// Its hash.
        hash: String,
    },
    /// The MEV shield's encryption failed (the reason); nothing was sent.
    Shield(String),
    /// Reading the chain failed (its own plain message).
    Chain(String),
    /// The key could not be unlocked (its own plain message).
    Key(String),
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
            TxError::BadTolerance { text } => tr_with("error.tx.bad_tolerance", &[("text", text)]),
            TxError::SendToSelf => tr("error.tx.send_to_self"),
            TxError::SameSubnet => tr("error.tx.same_subnet"),
            TxError::BelowMinimumStake { minimum_rao } => tr_with(
                "error.tx.below_minimum_stake",
                &[("minimum", &units_text_short(*minimum_rao))],
            ),
            TxError::NotEnoughStake { wanted, held } => tr_with(
                "error.tx.not_enough_stake",
                &[
                    ("wanted", &units_text_short(*wanted)),
                    ("held", &units_text_short(*held)),
                ],
            ),
            TxError::NotEnoughBalance { needed, available } => tr_with(
                "error.tx.not_enough_balance",
                &[
                    ("needed", &units_text_short(*needed)),
                    ("available", &units_text_short(*available)),
                ],
            ),
            TxError::WouldCloseAccount {
                existential_deposit_rao,
            } => tr_with(
                "error.tx.would_close_account",
                &[("deposit", existential_deposit_rao)],
            ),
            TxError::SubnetMissing { netuid } => {
                tr_with("error.chain.subnet_not_found", &[("netuid", netuid)])
            }
            TxError::HotkeyUnknown { hotkey } => {
                tr_with("error.tx.hotkey_unknown", &[("hotkey", hotkey)])
            }
            TxError::AlreadyRegistered { netuid } => {
                tr_with("error.tx.already_registered", &[("netuid", netuid)])
            }
            TxError::Journal { path, reason } => {
                tr_with("error.tx.journal", &[("path", path), ("reason", reason)])
            }
            TxError::AlreadyPending { hash } => {
                tr_with("error.tx.already_pending", &[("hash", hash)])
            }
            TxError::Rejected { reason } => tr_with("error.tx.rejected", &[("reason", reason)]),
            TxError::ConnectionLost { hash } => {
                tr_with("error.tx.connection_lost", &[("hash", hash)])
            }
            TxError::Shield(reason) => tr_with("error.tx.shield", &[("reason", reason)]),
            TxError::Chain(reason) | TxError::Key(reason) => reason.clone(),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for TxError {}
