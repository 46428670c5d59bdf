//! Yuma consensus: the chain's epoch, reproduced bit for bit for projections and what-ifs.
//!
//! - [`math`]: the fixed-point helpers of subtensor's `epoch/math.rs`;
//! - [`csr`]: flat sparse rows for the epoch's hot path;
//! - `dense`: Yuma 2's epoch on dense rows, where validators weight and bond most miners;
//! - [`epoch`]: [`run_epoch`], the sparse `epoch_mechanism` (Yuma 2, or Yuma 3 with
//!   optional liquid alpha);
//! - [`input`]: the JSON case format of the shared vectors, and running a case;
//! - [`error`]: what can be wrong with an input.

pub mod csr;
mod dense;
pub mod epoch;
pub mod error;
pub mod input;
pub mod math;

pub use epoch::{EpochInput, EpochOutput, EpochParams, MAX_UIDS, run_epoch};
pub use error::YumaError;
pub use input::{Case, CaseEpoch, ExpectedJson, case_output_json, parse_case, run_case};
/// The chain's fixed-point types, re-exported so callers need not name the crate.
pub use substrate_fixed::types::{I32F32, I64F64};
