//! The hardware-aware picker: which profiles fit this machine's GPUs, why the others do not,
//! and what each subnet costs to join and pays its miners now.

use serde::Serialize;

use super::gpu::{Gpu, Vendor};
use super::profile::{GpuVendorNeed, LoadedProfile, MinerProfile};
use crate::explorer::{Metagraph, Rao, SubnetSummary};

/// Why a profile does not fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Unfit {
    /// It needs a GPU and none was found.
    NoGpu,
    /// No GPU of the vendor it needs.
    WrongVendor {
        /// The vendor it needs.
        need: GpuVendorNeed,
    },
    /// The largest suitable GPU has too little memory.
    TooLittleMemory {
        /// MiB it needs.
        need_mb: u64,
        /// MiB of the largest suitable GPU.
        best_mb: u64,
    },
}

/// Whether a profile can run here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Fit {
    /// It fits; the GPU it would use (none when it needs no GPU).
    Fits {
        /// That GPU's index.
        gpu: Option<u32>,
    },
    /// It does not fit, and why.
    DoesNotFit {
        /// The reason.
        why: Unfit,
    },
}

impl Fit {
    /// True when it fits.
    pub fn fits(&self) -> bool {
        matches!(self, Fit::Fits { .. })
    }
}

fn vendor_matches(need: GpuVendorNeed, vendor: Vendor) -> bool {
    match need {
        GpuVendorNeed::Any => true,
        GpuVendorNeed::Nvidia => vendor == Vendor::Nvidia,
        GpuVendorNeed::Amd => vendor == Vendor::Amd,
        GpuVendorNeed::Apple => vendor == Vendor::Apple,
    }
}

/// Whether `profile` fits the machine with `gpus`: one GPU of the right vendor with enough
/// memory (a miner runs on one card; several small cards do not add up).
pub fn fit(profile: &MinerProfile, gpus: &[Gpu]) -> Fit {
    let need = &profile.gpu;
    if need.min_vram_mb == 0 {
        return Fit::Fits { gpu: None };
    }
    if gpus.is_empty() {
        return Fit::DoesNotFit { why: Unfit::NoGpu };
    }
    let suitable: Vec<&Gpu> = gpus
        .iter()
        .filter(|g| vendor_matches(need.vendor, g.vendor))
        .collect();
    let Some(best) = suitable.iter().max_by_key(|g| g.vram_total_mb) else {
        return Fit::DoesNotFit {
            why: Unfit::WrongVendor { need: need.vendor },
        };
    };
    if best.vram_total_mb >= need.min_vram_mb {
        Fit::Fits {
            gpu: Some(best.index),
        }
    } else {
        Fit::DoesNotFit {
            why: Unfit::TooLittleMemory {
                need_mb: need.min_vram_mb,
                best_mb: best.vram_total_mb,
            },
        }
    }
}

/// What a subnet's miners earn now, from its metagraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MinerIncentive {
    /// UIDs without a validator permit (the miners).
    pub miners: usize,
    /// Miners with a non-zero incentive.
    pub earning: usize,
    /// The highest miner incentive, 0..=65535.
    pub top: u16,
}

/// Summarises the miners' incentive of one metagraph.
pub fn miner_incentive(metagraph: &Metagraph) -> MinerIncentive {
    let miners = metagraph.neurons.iter().filter(|n| !n.validator_permit);
    let mut summary = MinerIncentive {
        miners: 0,
        earning: 0,
        top: 0,
    };
    for neuron in miners {
        summary.miners += 1;
        if neuron.incentive > 0 {
            summary.earning += 1;
        }
        summary.top = summary.top.max(neuron.incentive);
    }
    summary
}

/// One row of the picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pick {
    /// The profile.
    pub profile: LoadedProfile,
    /// Whether it fits here.
    pub fit: Fit,
    /// The subnet's registration cost now, when known.
    pub registration_cost_rao: Option<Rao>,
    /// Its miners' incentive now, when its metagraph is known.
    pub incentive: Option<MinerIncentive>,
}

/// Ranks the profiles for this machine: those that fit first, then by the best miner
/// incentive on their subnet, then by netuid. Explorer data may be missing (offline): the
/// fit is decided by hardware alone.
pub fn rank(
    profiles: &[LoadedProfile],
    gpus: &[Gpu],
    subnets: &[SubnetSummary],
    metagraphs: &[Metagraph],
) -> Vec<Pick> {
    let mut picks: Vec<Pick> = profiles
        .iter()
        .map(|p| {
            let netuid = p.profile.netuid;
            Pick {
                fit: fit(&p.profile, gpus),
                registration_cost_rao: subnets
                    .iter()
                    .find(|s| s.netuid == netuid)
                    .and_then(|s| s.registration_cost_rao)
                    .or_else(|| {
                        metagraphs
                            .iter()
                            .find(|m| m.netuid == netuid)
                            .and_then(|m| m.subnet.registration_cost_rao)
                    }),
                incentive: metagraphs
                    .iter()
                    .find(|m| m.netuid == netuid)
                    .map(miner_incentive),
                profile: p.clone(),
            }
        })
        .collect();
    picks.sort_by(|a, b| {
        b.fit
            .fits()
            .cmp(&a.fit.fits())
            .then_with(|| {
                let top = |p: &Pick| p.incentive.map_or(0, |i| i.top);
                top(b).cmp(&top(a))
            })
            .then_with(|| a.profile.profile.netuid.cmp(&b.profile.profile.netuid))
    });
    picks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::miner::profile::load_profiles;

    fn gpu(vendor: Vendor, mb: u64) -> Gpu {
        Gpu {
            index: 0,
            name: "test".into(),
            vendor,
            vram_total_mb: mb,
            vram_free_mb: None,
            driver: None,
            cuda: None,
            utilization_pct: None,
            temperature_c: None,
            power_mw: None,
        }
    }

    #[test]
    fn fits_by_vendor_and_memory() {
        let (profiles, _) = load_profiles(None);
        let by = |name: &str| {
            profiles
                .iter()
                .find(|p| p.profile.name == name)
                .map(|p| p.profile.clone())
                .expect("bundled")
        };
        let templar = by("templar");
        let folding = by("folding");
        let iota = by("iota");
        assert_eq!(fit(&templar, &[]), Fit::DoesNotFit { why: Unfit::NoGpu });
        let rtx4090 = gpu(Vendor::Nvidia, 24564);
        assert_eq!(
            fit(&folding, std::slice::from_ref(&rtx4090)),
            Fit::Fits { gpu: Some(0) }
        );
        assert_eq!(
            fit(&templar, std::slice::from_ref(&rtx4090)),
            Fit::DoesNotFit {
                why: Unfit::TooLittleMemory {
                    need_mb: 81559,
                    best_mb: 24564
                }
            }
        );
        let m2 = gpu(Vendor::Apple, 32 * 1024);
        assert!(fit(&iota, std::slice::from_ref(&m2)).fits());
        assert_eq!(
            fit(&folding, &[m2]),
            Fit::DoesNotFit {
                why: Unfit::WrongVendor {
                    need: GpuVendorNeed::Nvidia
                }
            }
        );
        let ranked = rank(&profiles, &[rtx4090], &[], &[]);
        assert!(ranked[0].fit.fits() && ranked[1].fit.fits());
        assert!(!ranked[2].fit.fits());
        assert_eq!(ranked[2].profile.profile.name, "templar");
    }
}
