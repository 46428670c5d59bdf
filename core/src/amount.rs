//! Reading amounts people type: "1.5", "0.002", "1000" into integer base units (10^9 per
//! token, the same for TAO and every subnet's alpha). Strict on purpose: a wallet must never
//! guess what a mistyped amount meant.

use std::fmt;

use crate::i18n::tr_with;

/// Base units in one token: rao per TAO and units per alpha.
pub const UNITS_PER_TOKEN: u64 = 1_000_000_000;

/// Digits after the decimal point a token has.
pub const DECIMALS: usize = 9;

/// Why an amount was refused; the text names the field it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    /// Nothing was typed.
    Empty {
        /// The field, e.g. "--amount".
        field: String,
    },
    /// A minus sign: amounts are always positive, the direction is the action.
    Negative {
        /// The field.
        field: String,
    },
    /// Not a plain decimal number (letters, exponent, two points, spaces inside…).
    NotANumber {
        /// The field.
        field: String,
        /// What was typed.
        text: String,
    },
    /// More than nine digits after the point.
    TooManyDecimals {
        /// The field.
        field: String,
        /// How many decimals were typed.
        decimals: usize,
    },
    /// Zero, where something must be moved.
    Zero {
        /// The field.
        field: String,
    },
    /// Larger than any balance can be (over 18 billion tokens).
    TooLarge {
        /// The field.
        field: String,
    },
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            AmountError::Empty { field } => tr_with("error.amount.empty", &[("field", field)]),
            AmountError::Negative { field } => {
                tr_with("error.amount.negative", &[("field", field)])
            }
            AmountError::NotANumber { field, text } => tr_with(
                "error.amount.not_a_number",
                &[("field", field), ("text", text)],
            ),
            AmountError::TooManyDecimals { field, decimals } => tr_with(
                "error.amount.too_many_decimals",
                &[("field", field), ("decimals", decimals)],
            ),
            AmountError::Zero { field } => tr_with("error.amount.zero", &[("field", field)]),
            AmountError::TooLarge { field } => {
                tr_with("error.amount.too_large", &[("field", field)])
            }
        };
        f.write_str(&text)
    }
}

impl std::error::Error for AmountError {}

/// Reads a token amount ("1.5", ".25", "3.") into base units; zero is allowed here.
///
/// Accepted: ASCII digits with at most one `.`, at most nine decimals, surrounding spaces.
/// Refused: signs, exponents, thousands separators, commas as decimal points (ambiguous
/// between locales), anything that would overflow a `u64`.
pub fn parse_units(text: &str, field: &str) -> Result<u64, AmountError> {
    let field = field.to_string();
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(AmountError::Empty { field });
    }
    if trimmed.starts_with('-') {
        return Err(AmountError::Negative { field });
    }
    let not_a_number = || AmountError::NotANumber {
        field: field.clone(),
        text: trimmed.to_string(),
    };
    let (whole, fraction) = match trimmed.split_once('.') {
        Some((w, f)) => (w, f),
        None => (trimmed, ""),
    };
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits_only(whole) || !digits_only(fraction) || (whole.is_empty() && fraction.is_empty()) {
        return Err(not_a_number());
    }
    if fraction.len() > DECIMALS {
        return Err(AmountError::TooManyDecimals {
            field,
            decimals: fraction.len(),
        });
    }
    let too_large = || AmountError::TooLarge {
        field: field.clone(),
    };
    let whole_units = if whole.is_empty() {
        0
    } else {
        whole.parse::<u64>().map_err(|_| too_large())?
    };
    let mut fraction_units = 0u64;
    for (i, b) in fraction.bytes().enumerate() {
        // DECIMALS - 1 - i is at most 8, so 10^that fits easily.
        fraction_units += u64::from(b - b'0') * 10u64.pow((DECIMALS - 1 - i) as u32);
    }
    whole_units
        .checked_mul(UNITS_PER_TOKEN)
        .and_then(|u| u.checked_add(fraction_units))
        .ok_or_else(too_large)
}

/// Like [`parse_units`], but zero is refused: for amounts that must move something.
pub fn parse_positive_units(text: &str, field: &str) -> Result<u64, AmountError> {
    match parse_units(text, field)? {
        0 => Err(AmountError::Zero {
            field: field.to_string(),
        }),
        units => Ok(units),
    }
}

/// Base units as a decimal string with all nine decimals: `1500000000` -> "1.500000000".
pub fn units_text(units: u64) -> String {
    format!("{}.{:09}", units / UNITS_PER_TOKEN, units % UNITS_PER_TOKEN)
}

/// Base units as the shortest exact decimal: `1500000000` -> "1.5", `2000000` -> "0.002".
pub fn units_text_short(units: u64) -> String {
    let full = units_text(units);
    let trimmed = full.trim_end_matches('0');
    trimmed.strip_suffix('.').unwrap_or(trimmed).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_amounts_read_exactly() {
        assert_eq!(parse_units("1", "a"), Ok(1_000_000_000));
        assert_eq!(parse_units("1.5", "a"), Ok(1_500_000_000));
        assert_eq!(parse_units(" 0.002 ", "a"), Ok(2_000_000));
        assert_eq!(parse_units(".25", "a"), Ok(250_000_000));
        assert_eq!(parse_units("3.", "a"), Ok(3_000_000_000));
        assert_eq!(parse_units("0.000000001", "a"), Ok(1));
        assert_eq!(parse_units("0", "a"), Ok(0));
        assert_eq!(
            parse_units("18446744073.709551615", "a"),
            Ok(u64::MAX),
            "the largest u64 is still an amount"
        );
    }

    #[test]
    fn bad_amounts_are_refused_with_the_field_named() {
        let field = "--amount";
        assert_eq!(
            parse_units("1.0000000001", field),
            Err(AmountError::TooManyDecimals {
                field: field.into(),
                decimals: 10
            })
        );
        assert_eq!(
            parse_units("-1", field),
            Err(AmountError::Negative {
                field: field.into()
            })
        );
        assert_eq!(
            parse_positive_units("0.0", field),
            Err(AmountError::Zero {
                field: field.into()
            })
        );
        assert_eq!(
            parse_units("", field),
            Err(AmountError::Empty {
                field: field.into()
            })
        );
        for text in [
            "1e9", "1,5", "1 000", "+1", ".", "1.2.3", "abc", "0x10", "١",
        ] {
            assert!(
                matches!(
                    parse_units(text, field),
                    Err(AmountError::NotANumber { .. })
                ),
                "{text:?} must be refused"
            );
        }
        assert_eq!(
            parse_units("18446744073.709551616", field),
            Err(AmountError::TooLarge {
                field: field.into()
            })
        );
        let message = parse_units("1.0000000001", field).unwrap_err().to_string();
        assert!(
            message.contains("--amount") && message.contains("9"),
            "{message}"
        );
    }

    #[test]
    fn units_print_back() {
        assert_eq!(units_text(1_500_000_000), "1.500000000");
        assert_eq!(units_text_short(1_500_000_000), "1.5");
        assert_eq!(units_text_short(2_000_000), "0.002");
        assert_eq!(units_text_short(7_000_000_000), "7");
        assert_eq!(units_text_short(0), "0");
    }
}
