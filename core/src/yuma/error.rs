//! What can be wrong with a Yuma case, in words a person can act on.

use std::fmt;

use crate::i18n::tr_with;

/// Bad input to the epoch or to the case reader. Its text comes from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YumaError {
    /// The text is not JSON at all.
    Json {
        /// The parser's reason, with line and column.
        reason: String,
    },
    /// A required field is absent.
    MissingField {
        /// Dotted path of the field, e.g. `inputs.stake`.
        field: String,
    },
    /// A field holds the wrong kind of value.
    WrongType {
        /// Dotted path of the field.
        field: String,
        /// What it should hold, in words.
        expected: String,
    },
    /// A number lies outside what the chain allows.
    OutOfRange {
        /// Dotted path of the field.
        field: String,
        /// The value given.
        value: String,
        /// Smallest allowed value.
        min: String,
        /// Largest allowed value.
        max: String,
    },
    /// A number field holds NaN or infinity.
    NotANumber {
        /// Dotted path of the field.
        field: String,
    },
    /// A stake is negative.
    NegativeStake {
        /// The uid whose stake is negative.
        uid: usize,
    },
    /// A per-uid list does not have one entry per uid.
    WrongLength {
        /// Dotted path of the list.
        field: String,
        /// Its length.
        len: usize,
        /// The subnet size n.
        n: usize,
    },
    /// The subnet is larger than the epoch accepts.
    TooManyUids {
        /// The n given.
        n: u64,
        /// The limit.
        max: u64,
    },
    /// A multi-epoch case lists no epochs.
    NoEpochs,
}

impl fmt::Display for YumaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            YumaError::Json { reason } => tr_with("error.yuma.json", &[("reason", reason)]),
            YumaError::MissingField { field } => {
                tr_with("error.yuma.missing_field", &[("field", field)])
            }
            YumaError::WrongType { field, expected } => tr_with(
                "error.yuma.wrong_type",
                &[("field", field), ("expected", expected)],
            ),
            YumaError::OutOfRange {
                field,
                value,
                min,
                max,
            } => tr_with(
                "error.yuma.out_of_range",
                &[
                    ("field", field),
                    ("value", value),
                    ("min", min),
                    ("max", max),
                ],
            ),
            YumaError::NotANumber { field } => {
                tr_with("error.yuma.not_a_number", &[("field", field)])
            }
            YumaError::NegativeStake { uid } => {
                tr_with("error.yuma.negative_stake", &[("uid", uid)])
            }
            YumaError::WrongLength { field, len, n } => tr_with(
                "error.yuma.wrong_length",
                &[("field", field), ("len", len), ("n", n)],
            ),
            YumaError::TooManyUids { n, max } => {
                tr_with("error.yuma.too_many_uids", &[("n", n), ("max", max)])
            }
            YumaError::NoEpochs => tr_with("error.yuma.no_epochs", &[]),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for YumaError {}
