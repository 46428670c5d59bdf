//! GPU detection: NVML first (loaded at run time, so a machine without the NVIDIA driver
//! still starts), then `nvidia-smi`, `rocm-smi` and macOS `system_profiler`.
//!
//! "No supported GPU found" is an ordinary answer: [`Detection`] lists what was checked and
//! why each probe found nothing, and no probe failure is an error to the caller.

use std::process::Command;

use serde::Serialize;

/// Who made the GPU (decides which tools can see it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    /// NVIDIA (CUDA).
    Nvidia,
    /// AMD (ROCm).
    Amd,
    /// Apple silicon (Metal, unified memory).
    Apple,
}

/// One GPU as detected. Values a tool could not report are `None`, never a made-up zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gpu {
    /// The tool's index for this GPU.
    pub index: u32,
    /// Marketing name, e.g. "NVIDIA GeForce RTX 4090".
    pub name: String,
    /// Maker.
    pub vendor: Vendor,
    /// Memory in MiB.
    pub vram_total_mb: u64,
    /// Free memory in MiB, when the tool says.
    pub vram_free_mb: Option<u64>,
    /// Driver version text.
    pub driver: Option<String>,
    /// Highest CUDA version the driver supports, e.g. "12.4".
    pub cuda: Option<String>,
    /// Busy share of the last sample, 0..=100.
    pub utilization_pct: Option<u32>,
    /// Core temperature in °C.
    pub temperature_c: Option<u32>,
    /// Board power draw in milliwatts.
    pub power_mw: Option<u64>,
}

/// A way of finding GPUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeKind {
    /// The NVIDIA Management Library (`libnvidia-ml`), loaded at run time.
    Nvml,
    /// The `nvidia-smi` command.
    NvidiaSmi,
    /// The `rocm-smi` command.
    RocmSmi,
    /// macOS `system_profiler SPDisplaysDataType -json`.
    SystemProfiler,
}

impl ProbeKind {
    /// The catalogue key of the probe's name.
    pub fn label_key(self) -> &'static str {
        match self {
            ProbeKind::Nvml => "miner.probe.nvml",
            ProbeKind::NvidiaSmi => "miner.probe.nvidia_smi",
            ProbeKind::RocmSmi => "miner.probe.rocm_smi",
            ProbeKind::SystemProfiler => "miner.probe.system_profiler",
        }
    }
}

/// What one probe found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// Which probe.
    pub kind: ProbeKind,
    /// GPUs it reported (0 when it failed).
    pub found: usize,
    /// Why it found nothing, in the tool's own words (not translated: it is evidence).
    pub problem: Option<String>,
}

/// The result of looking for GPUs: what was found and what was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Detection {
    /// Every GPU found, from the first probe that found any of a vendor.
    pub gpus: Vec<Gpu>,
    /// Every probe tried, in order.
    pub checked: Vec<Probe>,
}

/// Why a tool's output could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ParseError {
    /// 1-based line (0 for whole-document problems).
    pub line: usize,
    /// What was wrong.
    pub reason: String,
}

/// The `--query-gpu` fields Taoscope asks `nvidia-smi` for, in this order.
pub const NVIDIA_SMI_FIELDS: &str =
    "index,name,memory.total,memory.free,driver_version,utilization.gpu,temperature.gpu,power.draw";

/// Looks for GPUs with every probe this platform has. Never fails: a probe that cannot run
/// is recorded with its reason.
pub fn detect() -> Detection {
    let mut detection = Detection::default();
    let nvml = probe_nvml();
    let nvml_found = record(&mut detection, ProbeKind::Nvml, nvml);
    if !nvml_found {
        let smi = run_tool(
            "nvidia-smi",
            &[
                &format!("--query-gpu={NVIDIA_SMI_FIELDS}"),
                "--format=csv,noheader,nounits",
            ],
        )
        .and_then(|text| parse_nvidia_smi_csv(&text).map_err(|e| e.to_string()));
        record(&mut detection, ProbeKind::NvidiaSmi, smi);
    }
    if cfg!(target_os = "linux") {
        let rocm = run_tool(
            "rocm-smi",
            &["--showproductname", "--showmeminfo", "vram", "--json"],
        )
        .and_then(|text| parse_rocm_smi_json(&text).map_err(|e| e.to_string()));
        record(&mut detection, ProbeKind::RocmSmi, rocm);
    }
    if cfg!(target_os = "macos") {
        let apple = run_tool("system_profiler", &["SPDisplaysDataType", "-json"])
            .and_then(|text| parse_system_profiler_json(&text).map_err(|e| e.to_string()));
        record(&mut detection, ProbeKind::SystemProfiler, apple);
    }
    detection
}

fn record(detection: &mut Detection, kind: ProbeKind, result: Result<Vec<Gpu>, String>) -> bool {
    match result {
        Ok(gpus) if gpus.is_empty() => {
            detection.checked.push(Probe {
                kind,
                found: 0,
                problem: Some("no devices".into()),
            });
            false
        }
        Ok(gpus) => {
            detection.checked.push(Probe {
                kind,
                found: gpus.len(),
                problem: None,
            });
            detection.gpus.extend(gpus);
            true
        }
        Err(problem) => {
            detection.checked.push(Probe {
                kind,
                found: 0,
                problem: Some(problem),
            });
            false
        }
    }
}

/// Runs a tool and returns its stdout; a missing tool or a failing run is the reason text.
fn run_tool(program: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("{program}: not installed"),
            _ => format!("{program}: {e}"),
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let said = [stderr.trim(), stdout.trim()]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or("");
        let first = said.lines().next().unwrap_or("");
        return Err(format!("{program}: {} {first}", output.status)
            .trim()
            .to_string());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// One device as NVML reports it, before unit conversion (kept apart so tests can feed it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NvmlReading {
    /// Device index.
    pub index: u32,
    /// `nvmlDeviceGetName`.
    pub name: Option<String>,
    /// `nvmlDeviceGetMemoryInfo().total`, bytes.
    pub memory_total_bytes: Option<u64>,
    /// `nvmlDeviceGetMemoryInfo().free`, bytes.
    pub memory_free_bytes: Option<u64>,
    /// `nvmlSystemGetDriverVersion`.
    pub driver: Option<String>,
    /// `nvmlSystemGetCudaDriverVersion`: 1000 × major + 10 × minor (12040 is 12.4).
    pub cuda_version: Option<i32>,
    /// `nvmlDeviceGetUtilizationRates().gpu`, percent.
    pub utilization_pct: Option<u32>,
    /// `nvmlDeviceGetTemperature(GPU)`, °C.
    pub temperature_c: Option<u32>,
    /// `nvmlDeviceGetPowerUsage`, milliwatts.
    pub power_mw: Option<u32>,
}

/// Turns an NVML reading into a [`Gpu`]: bytes to MiB, the CUDA integer to "major.minor".
/// A device without a name or memory total is unusable and gives `None`.
pub fn gpu_from_nvml(reading: &NvmlReading) -> Option<Gpu> {
    let name = reading
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())?;
    let total = reading.memory_total_bytes?;
    Some(Gpu {
        index: reading.index,
        name: name.to_string(),
        vendor: Vendor::Nvidia,
        vram_total_mb: total / (1024 * 1024),
        vram_free_mb: reading.memory_free_bytes.map(|b| b / (1024 * 1024)),
        driver: reading.driver.clone().filter(|d| !d.trim().is_empty()),
        cuda: reading
            .cuda_version
            .filter(|v| *v > 0)
            .map(|v| format!("{}.{}", v / 1000, (v % 1000) / 10)),
        utilization_pct: reading.utilization_pct.filter(|u| *u <= 100),
        temperature_c: reading.temperature_c,
        power_mw: reading.power_mw.map(u64::from),
    })
}

/// Opens NVML (dlopen of `libnvidia-ml`) and reads every device.
fn probe_nvml() -> Result<Vec<Gpu>, String> {
    let nvml = nvml_wrapper::Nvml::init().map_err(|e| format!("libnvidia-ml: {e}"))?;
    Ok(nvml_readings(&nvml)?
        .iter()
        .filter_map(gpu_from_nvml)
        .collect())
}

/// Every device's reading from an open NVML; a field NVML refuses is left `None`.
pub fn nvml_readings(nvml: &nvml_wrapper::Nvml) -> Result<Vec<NvmlReading>, String> {
    use nvml_wrapper::enum_wrappers::device::TemperatureSensor;
    let count = nvml.device_count().map_err(|e| e.to_string())?;
    let driver = nvml.sys_driver_version().ok();
    let cuda_version = nvml.sys_cuda_driver_version().ok();
    let mut readings = Vec::new();
    for index in 0..count {
        let Ok(device) = nvml.device_by_index(index) else {
            continue;
        };
        let memory = device.memory_info().ok();
        readings.push(NvmlReading {
            index,
            name: device.name().ok(),
            memory_total_bytes: memory.as_ref().map(|m| m.total),
            memory_free_bytes: memory.as_ref().map(|m| m.free),
            driver: driver.clone(),
            cuda_version,
            utilization_pct: device.utilization_rates().ok().map(|u| u.gpu),
            temperature_c: device.temperature(TemperatureSensor::Gpu).ok(),
            power_mw: device.power_usage().ok(),
        });
    }
    Ok(readings)
}

/// A field of `nvidia-smi` CSV: `[N/A]`, `N/A`, `[Not Supported]` and empty mean "not reported".
fn smi_field(raw: &str) -> Option<&str> {
    let value = raw.trim();
    let unreported = value.is_empty()
        || value.eq_ignore_ascii_case("n/a")
        || (value.starts_with('[') && value.ends_with(']'));
    (!unreported).then_some(value)
}

/// A whole number from `nvidia-smi`, allowing a unit suffix (`24564 MiB`) and a fraction
/// (`71.3`, rounded down) as older drivers print even with `nounits`.
fn smi_number(raw: &str) -> Option<u64> {
    let value = smi_field(raw)?;
    let number = value.split_whitespace().next()?;
    let whole = number.split('.').next()?;
    whole.parse().ok()
}

/// Watts with up to three decimals (`"45.23"`) to milliwatts, without floating point.
fn smi_milliwatts(raw: &str) -> Option<u64> {
    let value = smi_field(raw)?;
    let number = value.split_whitespace().next()?;
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let whole: u64 = whole.parse().ok()?;
    let digits: String = fraction.chars().take(3).collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let milli: u64 = format!("{digits:0<3}").parse().ok()?;
    whole.checked_mul(1000)?.checked_add(milli)
}

/// One line of `nvidia-smi --query-gpu=<NVIDIA_SMI_FIELDS> --format=csv,noheader,nounits`.
pub fn parse_nvidia_smi_line(line: &str) -> Result<Gpu, String> {
    let fields: Vec<&str> = line.split(',').collect();
    // A GPU name never holds a comma in practice; if one did, the extra fields are its tail.
    if fields.len() < 8 {
        return Err(format!(
            "expected 8 comma-separated fields, got {}",
            fields.len()
        ));
    }
    let extra = fields.len() - 8;
    let name = fields[1..=1 + extra].join(",");
    let rest = &fields[2 + extra..];
    let index = smi_number(fields[0]).ok_or_else(|| format!("bad index {:?}", fields[0].trim()))?;
    let vram_total_mb =
        smi_number(rest[0]).ok_or_else(|| format!("bad memory.total {:?}", rest[0].trim()))?;
    let name = smi_field(&name).ok_or("no GPU name")?.to_string();
    Ok(Gpu {
        index: u32::try_from(index).map_err(|_| format!("bad index {index}"))?,
        name,
        vendor: Vendor::Nvidia,
        vram_total_mb,
        vram_free_mb: smi_number(rest[1]),
        driver: smi_field(rest[2]).map(str::to_string),
        cuda: None,
        utilization_pct: smi_number(rest[3])
            .filter(|u| *u <= 100)
            .and_then(|u| u32::try_from(u).ok()),
        temperature_c: smi_number(rest[4]).and_then(|t| u32::try_from(t).ok()),
        power_mw: smi_milliwatts(rest[5]),
    })
}

/// Every GPU in `nvidia-smi` CSV output (see [`NVIDIA_SMI_FIELDS`]); blank lines are skipped.
pub fn parse_nvidia_smi_csv(text: &str) -> Result<Vec<Gpu>, ParseError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            parse_nvidia_smi_line(line).map_err(|reason| ParseError {
                line: i + 1,
                reason,
            })
        })
        .collect()
}

/// Bytes or MiB from a JSON value that may be a number or a numeric string.
fn json_u64(value: &serde_json::Value) -> Option<u64> {
    match value {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `rocm-smi --showproductname --showmeminfo vram --json`: one object per `cardN`.
pub fn parse_rocm_smi_json(text: &str) -> Result<Vec<Gpu>, ParseError> {
    let whole = |reason: String| ParseError { line: 0, reason };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| whole(e.to_string()))?;
    let cards = value
        .as_object()
        .ok_or_else(|| whole("not a JSON object".into()))?;
    let mut gpus = Vec::new();
    for (key, card) in cards {
        let Some(index) = key.strip_prefix("card").and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let field = |names: &[&str]| names.iter().find_map(|n| card.get(*n));
        let name = field(&["Card Series", "Card series", "Card Model", "Device Name"])
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or("AMD GPU")
            .to_string();
        let Some(total) = field(&["VRAM Total Memory (B)"]).and_then(json_u64) else {
            continue;
        };
        let used = field(&["VRAM Total Used Memory (B)"]).and_then(json_u64);
        gpus.push(Gpu {
            index,
            name,
            vendor: Vendor::Amd,
            vram_total_mb: total / (1024 * 1024),
            vram_free_mb: used.map(|u| total.saturating_sub(u) / (1024 * 1024)),
            driver: None,
            cuda: None,
            utilization_pct: None,
            temperature_c: None,
            power_mw: None,
        });
    }
    gpus.sort_by_key(|g| g.index);
    Ok(gpus)
}

/// `"24 GB"` / `"16384 MB"` to MiB.
fn size_text_mb(text: &str) -> Option<u64> {
    let mut parts = text.split_whitespace();
    let number: u64 = parts.next()?.parse().ok()?;
    match parts.next()?.to_ascii_uppercase().as_str() {
        "GB" => number.checked_mul(1024),
        "MB" => Some(number),
        _ => None,
    }
}

/// macOS `system_profiler SPDisplaysDataType -json`. Apple silicon shares system memory
/// with the GPU; its "VRAM" is taken from `spdisplays_vram_shared` where present.
pub fn parse_system_profiler_json(text: &str) -> Result<Vec<Gpu>, ParseError> {
    let whole = |reason: String| ParseError { line: 0, reason };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| whole(e.to_string()))?;
    let displays = value
        .get("SPDisplaysDataType")
        .and_then(|v| v.as_array())
        .ok_or_else(|| whole("no SPDisplaysDataType list".into()))?;
    let mut gpus = Vec::new();
    for (i, item) in displays.iter().enumerate() {
        let text_of = |key: &str| item.get(key).and_then(|v| v.as_str()).map(str::trim);
        let Some(name) = text_of("sppci_model").or_else(|| text_of("_name")) else {
            continue;
        };
        let vendor_text = text_of("spdisplays_vendor")
            .unwrap_or("")
            .to_ascii_lowercase();
        let vendor = if vendor_text.contains("apple") || name.starts_with("Apple") {
            Vendor::Apple
        } else if vendor_text.contains("amd") || vendor_text.contains("ati") {
            Vendor::Amd
        } else if vendor_text.contains("nvidia") {
            Vendor::Nvidia
        } else {
            continue;
        };
        let memory = ["spdisplays_vram_shared", "spdisplays_vram", "sppci_vram"]
            .iter()
            .find_map(|k| text_of(k).and_then(size_text_mb));
        let Some(vram_total_mb) = memory else {
            continue;
        };
        gpus.push(Gpu {
            index: u32::try_from(i).unwrap_or(u32::MAX),
            name: name.to_string(),
            vendor,
            vram_total_mb,
            vram_free_mb: None,
            driver: None,
            cuda: None,
            utilization_pct: None,
            temperature_c: None,
            power_mw: None,
        });
    }
    Ok(gpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_nvidia_smi_gpu() {
        let gpus = parse_nvidia_smi_csv(
            "0, NVIDIA GeForce RTX 4090, 24564, 23012, 550.54.15, 3, 41, 27.81\n",
        )
        .expect("parses");
        assert_eq!(gpus.len(), 1);
        let g = &gpus[0];
        assert_eq!(g.index, 0);
        assert_eq!(g.name, "NVIDIA GeForce RTX 4090");
        assert_eq!(g.vram_total_mb, 24564);
        assert_eq!(g.vram_free_mb, Some(23012));
        assert_eq!(g.driver.as_deref(), Some("550.54.15"));
        assert_eq!(g.utilization_pct, Some(3));
        assert_eq!(g.temperature_c, Some(41));
        assert_eq!(g.power_mw, Some(27_810));
    }

    #[test]
    fn four_nvidia_smi_gpus() {
        let text = "\
0, NVIDIA H100 80GB HBM3, 81559, 81008, 535.161.08, 0, 33, 71.20
1, NVIDIA H100 80GB HBM3, 81559, 1200, 535.161.08, 100, 67, 698.45
2, NVIDIA H100 80GB HBM3, 81559, 81008, 535.161.08, 0, 31, 69.9
3, NVIDIA H100 80GB HBM3, 81559, 81008, 535.161.08, 0, 30, 70
";
        let gpus = parse_nvidia_smi_csv(text).expect("parses");
        assert_eq!(gpus.len(), 4);
        assert_eq!(
            gpus.iter().map(|g| g.index).collect::<Vec<_>>(),
            [0, 1, 2, 3]
        );
        assert_eq!(gpus[1].vram_free_mb, Some(1200));
        assert_eq!(gpus[1].utilization_pct, Some(100));
        assert_eq!(gpus[1].power_mw, Some(698_450));
        assert_eq!(gpus[2].power_mw, Some(69_900));
        assert_eq!(gpus[3].power_mw, Some(70_000));
    }

    #[test]
    fn not_available_and_odd_values_are_unknown_not_zero() {
        let text = "0, NVIDIA GeForce GTX 1080, 8192 MiB, [N/A], 470.256.02, [Not Supported], N/A, [N/A]\n\
                    1, Tesla T4, 15360, 15000, 535.1, 250, 45, abc\n";
        let gpus = parse_nvidia_smi_csv(text).expect("parses");
        assert_eq!(gpus[0].vram_total_mb, 8192);
        assert_eq!(gpus[0].vram_free_mb, None);
        assert_eq!(gpus[0].utilization_pct, None);
        assert_eq!(gpus[0].temperature_c, None);
        assert_eq!(gpus[0].power_mw, None);
        // 250 % utilization is impossible; "abc" watts is not a number.
        assert_eq!(gpus[1].utilization_pct, None);
        assert_eq!(gpus[1].power_mw, None);
    }

    #[test]
    fn broken_lines_name_the_line() {
        let err = parse_nvidia_smi_csv("0, RTX, 1, 1, d, 1, 1, 1\n\nonly, three, fields\n")
            .expect_err("fails");
        assert_eq!(err.line, 3);
        let err = parse_nvidia_smi_csv("x, RTX 3090, 24576, 1, d, 1, 1, 1").expect_err("fails");
        assert!(err.reason.contains("index"), "{err}");
        let err = parse_nvidia_smi_csv("0, RTX 3090, [N/A], 1, d, 1, 1, 1").expect_err("fails");
        assert!(err.reason.contains("memory.total"), "{err}");
    }

    #[test]
    fn empty_output_is_no_gpus() {
        assert_eq!(parse_nvidia_smi_csv("").expect("parses"), vec![]);
        assert_eq!(parse_nvidia_smi_csv("\n  \n").expect("parses"), vec![]);
    }

    #[test]
    fn nvml_readings_convert_units() {
        let one = NvmlReading {
            index: 0,
            name: Some("NVIDIA GeForce RTX 3060".into()),
            memory_total_bytes: Some(12_884_901_888),
            memory_free_bytes: Some(12_000_000_000),
            driver: Some("550.54.15".into()),
            cuda_version: Some(12040),
            utilization_pct: Some(7),
            temperature_c: Some(38),
            power_mw: Some(17_432),
        };
        let gpu = gpu_from_nvml(&one).expect("usable");
        assert_eq!(gpu.vram_total_mb, 12_288);
        assert_eq!(gpu.vram_free_mb, Some(11_444));
        assert_eq!(gpu.cuda.as_deref(), Some("12.4"));
        assert_eq!(gpu.power_mw, Some(17_432));

        // Four devices, one of which NVML could not name: three usable.
        let mut four: Vec<NvmlReading> = (0..4)
            .map(|i| NvmlReading {
                index: i,
                name: Some("NVIDIA A100-SXM4-40GB".into()),
                memory_total_bytes: Some(42_949_672_960),
                cuda_version: Some(11080),
                ..NvmlReading::default()
            })
            .collect();
        four[2].name = None;
        let gpus: Vec<Gpu> = four.iter().filter_map(gpu_from_nvml).collect();
        assert_eq!(gpus.len(), 3);
        assert_eq!(gpus[0].vram_total_mb, 40_960);
        assert_eq!(gpus[0].cuda.as_deref(), Some("11.8"));
        assert_eq!(gpus[0].vram_free_mb, None);

        // Odd values: a zero CUDA version, an empty driver, an impossible utilization.
        let odd = NvmlReading {
            name: Some("  ".into()),
            ..one.clone()
        };
        assert_eq!(gpu_from_nvml(&odd), None);
        let odd = NvmlReading {
            cuda_version: Some(0),
            driver: Some(String::new()),
            utilization_pct: Some(101),
            ..one
        };
        let gpu = gpu_from_nvml(&odd).expect("usable");
        assert_eq!(
            (gpu.cuda, gpu.driver, gpu.utilization_pct),
            (None, None, None)
        );
    }

    #[test]
    fn rocm_smi_json() {
        let text = r#"{"card0": {"Card Series": "Radeon RX 7900 XTX", "VRAM Total Memory (B)": "25753026560", "VRAM Total Used Memory (B)": "1073741824"},
                       "system": {"Driver version": "6.7.0"}}"#;
        let gpus = parse_rocm_smi_json(text).expect("parses");
        assert_eq!(gpus.len(), 1);
        assert_eq!(gpus[0].name, "Radeon RX 7900 XTX");
        assert_eq!(gpus[0].vram_total_mb, 24_560);
        assert_eq!(gpus[0].vram_free_mb, Some(23_536));
        assert!(parse_rocm_smi_json("not json").is_err());
    }

    #[test]
    fn system_profiler_json() {
        let text = r#"{"SPDisplaysDataType": [
            {"_name": "Apple M2 Max", "sppci_model": "Apple M2 Max", "spdisplays_vendor": "sppci_vendor_Apple", "spdisplays_vram_shared": "32 GB"},
            {"_name": "Display", "spdisplays_vendor": "Unknown"}]}"#;
        let gpus = parse_system_profiler_json(text).expect("parses");
        assert_eq!(gpus.len(), 1);
        assert_eq!(gpus[0].vendor, Vendor::Apple);
        assert_eq!(gpus[0].vram_total_mb, 32 * 1024);
    }

    #[test]
    fn detection_without_a_gpu_says_what_was_checked() {
        // This machine (and CI) has no NVIDIA driver: detection still answers.
        let detection = detect();
        assert!(!detection.checked.is_empty());
        for probe in &detection.checked {
            assert!(probe.found > 0 || probe.problem.is_some(), "{probe:?}");
        }
        assert_eq!(detection.checked[0].kind, ProbeKind::Nvml);
    }
}
