//! Monitoring: GPU samples every 2 s into a ring buffer, and the hotkey's on-chain
//! incentive, emission and rank once per tempo.
//!
//! GPU samples come from NVML when it loads (a few library calls, no process) and otherwise
//! from one long-running `nvidia-smi --loop-ms` whose lines are parsed as they come, so
//! sampling never starts a process per sample.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::gpu::{self, Gpu};
use crate::explorer::{Alpha, Metagraph};

/// How often the GPU is sampled.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(2);

/// A fixed-size ring: the newest `capacity` items.
#[derive(Debug, Clone)]
pub struct Ring<T> {
    items: VecDeque<T>,
    capacity: usize,
}

impl<T> Ring<T> {
    /// An empty ring for `capacity` items.
    pub fn new(capacity: usize) -> Self {
        Ring {
            items: VecDeque::with_capacity(capacity),
            capacity: capacity.max(1),
        }
    }

    /// Adds an item, dropping the oldest when full.
    pub fn push(&mut self, item: T) {
        if self.items.len() == self.capacity {
            self.items.pop_front();
        }
        self.items.push_back(item);
    }

    /// Items, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter()
    }

    /// The newest item.
    pub fn last(&self) -> Option<&T> {
        self.items.back()
    }

    /// Items held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// One GPU at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GpuSample {
    /// Milliseconds since monitoring began.
    pub at_ms: u64,
    /// The GPU's index.
    pub index: u32,
    /// Busy share, 0..=100.
    pub utilization_pct: Option<u32>,
    /// Memory in use, MiB.
    pub vram_used_mb: Option<u64>,
    /// Memory in all, MiB.
    pub vram_total_mb: u64,
    /// Temperature, °C.
    pub temperature_c: Option<u32>,
    /// Power, mW.
    pub power_mw: Option<u64>,
}

impl GpuSample {
    /// A sample from a detected GPU's readings.
    pub fn from_gpu(gpu: &Gpu, at_ms: u64) -> GpuSample {
        GpuSample {
            at_ms,
            index: gpu.index,
            utilization_pct: gpu.utilization_pct,
            vram_used_mb: gpu
                .vram_free_mb
                .map(|f| gpu.vram_total_mb.saturating_sub(f)),
            vram_total_mb: gpu.vram_total_mb,
            temperature_c: gpu.temperature_c,
            power_mw: gpu.power_mw,
        }
    }
}

/// Parses one `nvidia-smi` CSV line and pushes its sample: the per-sample work of the
/// nvidia-smi path (benchmarked in `benches/miner.rs`).
pub fn push_smi_line(ring: &mut Ring<GpuSample>, line: &str, at_ms: u64) -> Result<(), String> {
    let gpu = gpu::parse_nvidia_smi_line(line)?;
    ring.push(GpuSample::from_gpu(&gpu, at_ms));
    Ok(())
}

/// Where GPU samples come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleSource {
    /// NVML.
    Nvml,
    /// A long-running `nvidia-smi --loop-ms`.
    NvidiaSmi,
    /// Nothing can sample this machine's GPU.
    None,
}

/// Samples the GPUs every [`SAMPLE_EVERY`] on a background thread.
pub struct GpuMonitor {
    samples: Arc<Mutex<Ring<GpuSample>>>,
    stop: Arc<AtomicBool>,
    worker: Option<JoinHandle<()>>,
    smi: Arc<Mutex<Option<Child>>>,
    source: SampleSource,
}

impl GpuMonitor {
    /// Starts sampling; keeps `capacity` samples (per GPU, times the GPU count).
    pub fn start(capacity: usize) -> GpuMonitor {
        let samples = Arc::new(Mutex::new(Ring::new(capacity)));
        let stop = Arc::new(AtomicBool::new(false));
        let smi: Arc<Mutex<Option<Child>>> = Arc::default();
        let started = Instant::now();
        let at_ms = move || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        if let Ok(nvml) = nvml_wrapper::Nvml::init() {
            let (ring, flag) = (samples.clone(), stop.clone());
            let worker = std::thread::spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    if let Ok(readings) = gpu::nvml_readings(&nvml) {
                        let now = at_ms();
                        if let Ok(mut ring) = ring.lock() {
                            for g in readings.iter().filter_map(gpu::gpu_from_nvml) {
                                ring.push(GpuSample::from_gpu(&g, now));
                            }
                        }
                    }
                    sleep_unless(&flag, SAMPLE_EVERY);
                }
            });
            return GpuMonitor {
                samples,
                stop,
                worker: Some(worker),
                smi,
                source: SampleSource::Nvml,
            };
        }
        let child = Command::new("nvidia-smi")
            .arg(format!("--query-gpu={}", gpu::NVIDIA_SMI_FIELDS))
            .arg("--format=csv,noheader,nounits")
            .arg(format!("--loop-ms={}", SAMPLE_EVERY.as_millis()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let Ok(mut child) = child else {
            return GpuMonitor {
                samples,
                stop,
                worker: None,
                smi,
                source: SampleSource::None,
            };
        };
        let stdout = child.stdout.take();
        if let Ok(mut slot) = smi.lock() {
            *slot = Some(child);
        }
        let (ring, flag) = (samples.clone(), stop.clone());
        let worker = std::thread::spawn(move || {
            let Some(stdout) = stdout else {
                return;
            };
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else {
                    break;
                };
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(mut ring) = ring.lock() {
                    let _ = push_smi_line(&mut ring, &line, at_ms());
                }
            }
        });
        GpuMonitor {
            samples,
            stop,
            worker: Some(worker),
            smi,
            source: SampleSource::NvidiaSmi,
        }
    }

    /// Where samples come from.
    pub fn source(&self) -> SampleSource {
        self.source
    }

    /// A copy of the samples, oldest first.
    pub fn samples(&self) -> Vec<GpuSample> {
        self.samples
            .lock()
            .map(|r| r.iter().copied().collect())
            .unwrap_or_default()
    }
}

fn sleep_unless(flag: &AtomicBool, total: Duration) {
    let step = Duration::from_millis(100);
    let until = Instant::now() + total;
    while !flag.load(Ordering::Relaxed) && Instant::now() < until {
        std::thread::sleep(step);
    }
}

impl Drop for GpuMonitor {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Ok(mut slot) = self.smi.lock()
            && let Some(mut child) = slot.take()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// The miner's standing on the chain at one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IncentivePoint {
    /// Block of the metagraph.
    pub block: u64,
    /// The hotkey's UID.
    pub uid: u16,
    /// Incentive, 0..=65535.
    pub incentive: u16,
    /// Alpha emitted to it in the last epoch.
    pub emission: Alpha,
    /// 1-based rank by incentive among the subnet's UIDs (ties share the better rank).
    pub rank: u16,
}

/// The hotkey's incentive, emission and rank in `metagraph`; `None` when not registered.
pub fn incentive_point(metagraph: &Metagraph, hotkey_ss58: &str) -> Option<IncentivePoint> {
    let me = metagraph.neurons.iter().find(|n| n.hotkey == hotkey_ss58)?;
    let better = metagraph
        .neurons
        .iter()
        .filter(|n| n.incentive > me.incentive)
        .count();
    Some(IncentivePoint {
        block: metagraph.block,
        uid: me.uid,
        incentive: me.incentive,
        emission: me.emission,
        rank: u16::try_from(better + 1).unwrap_or(u16::MAX),
    })
}

/// Decides when to read the metagraph again: once per tempo (tempo × 12 s blocks).
#[derive(Debug, Clone)]
pub struct ChainPoller {
    every: Duration,
    last: Option<Instant>,
    /// Points since monitoring started.
    pub points: Ring<IncentivePoint>,
}

/// Seconds per block on Bittensor.
const BLOCK_SECONDS: u64 = 12;

impl ChainPoller {
    /// A poller for a subnet whose tempo is `tempo` blocks (360 when unknown).
    pub fn new(tempo: Option<u16>) -> Self {
        let tempo = u64::from(tempo.filter(|t| *t > 0).unwrap_or(360));
        ChainPoller {
            every: Duration::from_secs(tempo * BLOCK_SECONDS),
            last: None,
            points: Ring::new(1024),
        }
    }

    /// Changes the tempo once the subnet's is known.
    pub fn set_tempo(&mut self, tempo: u16) {
        if tempo > 0 {
            self.every = Duration::from_secs(u64::from(tempo) * BLOCK_SECONDS);
        }
    }

    /// True when a read is due at `now` (the first one at once); marks it taken.
    pub fn due(&mut self, now: Instant) -> bool {
        let due = self
            .last
            .is_none_or(|l| now.duration_since(l) >= self.every);
        if due {
            self.last = Some(now);
        }
        due
    }

    /// Records a point unless it repeats the last block.
    pub fn record(&mut self, point: IncentivePoint) {
        if self.points.last().is_none_or(|p| p.block != point.block) {
            self.points.push(point);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_keeps_the_newest() {
        let mut ring = Ring::new(2);
        for i in 0..5 {
            ring.push(i);
        }
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [3, 4]);
    }

    #[test]
    fn smi_line_becomes_a_sample() {
        let mut ring = Ring::new(4);
        push_smi_line(
            &mut ring,
            "0, RTX 4090, 24564, 20000, 550.1, 87, 66, 301.5",
            2000,
        )
        .expect("parses");
        let s = ring.last().copied().expect("sample");
        assert_eq!(s.vram_used_mb, Some(4564));
        assert_eq!(s.utilization_pct, Some(87));
        assert_eq!(s.power_mw, Some(301_500));
        assert!(push_smi_line(&mut ring, "garbage", 4000).is_err());
        assert_eq!(ring.len(), 1);
    }

    #[test]
    fn poller_is_due_once_per_tempo() {
        let mut poller = ChainPoller::new(Some(10));
        let t0 = Instant::now();
        assert!(poller.due(t0));
        assert!(!poller.due(t0 + Duration::from_secs(119)));
        assert!(poller.due(t0 + Duration::from_secs(120)));
    }

    #[test]
    fn monitor_without_a_gpu_starts_and_stops() {
        let monitor = GpuMonitor::start(8);
        if monitor.source() == SampleSource::None {
            assert!(monitor.samples().is_empty());
        }
    }
}
