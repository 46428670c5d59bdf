//! Equivalence of the flat-row epoch helpers with the chain-shaped functions they replace.

use super::*;
