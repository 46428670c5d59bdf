//! Miner profiles: one TOML file per subnet saying what hardware its miner needs, where its
//! source lives (git URL and pinned revision), how to set it up and how to launch it.
//!
//! The bundled profiles live in `assets/miners/`; a user's own go in `<config>/miners/` and
//! replace a bundled one of the same `name`. Every error names the file and the exact field
//! (`launch.command[3]`), because a profile is hand-written and its author must find the line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::i18n::tr_with;
use crate::network::Network;

/// The placeholders a template may use, each replaced when the profile is resolved.
pub const PLACEHOLDERS: [&str; 9] = [
    "wallet",
    "hotkey",
    "wallet_path",
    "netuid",
    "network",
    "chain_endpoint",
    "port",
    "data_dir",
    "source_dir",
];

/// The profiles that ship with Taoscope: (file name, text).
pub const BUNDLED: [(&str, &str); 3] = [
    (
        "templar.toml",
        include_str!("../../../assets/miners/templar.toml"),
    ),
    (
        "iota.toml",
        include_str!("../../../assets/miners/iota.toml"),
    ),
    (
        "folding.toml",
        include_str!("../../../assets/miners/folding.toml"),
    ),
];

/// Which GPUs a profile can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GpuVendorNeed {
    /// NVIDIA only (CUDA).
    Nvidia,
    /// AMD only (ROCm).
    Amd,
    /// Apple silicon only (Metal).
    Apple,
    /// Any GPU, or none when `min_vram_mb` is 0.
    Any,
}

/// What a miner needs from the GPU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GpuNeed {
    /// Least memory on one GPU, MiB (0: runs without a GPU).
    pub min_vram_mb: u64,
    /// The class the subnet recommends, as its docs say it (e.g. "RTX 4090").
    pub class: String,
    /// Whose GPUs it runs on.
    pub vendor: GpuVendorNeed,
}

/// Where the miner's code comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// Git URL.
    pub git: String,
    /// The commit (or tag) to check out; pinned so a profile always runs the code it was
    /// written for.
    pub rev: String,
}

/// One command of a profile, still holding placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepTemplate {
    /// Short name shown as progress ("venv", "install").
    pub name: String,
    /// Program and arguments.
    pub command: Vec<String>,
    /// Skip the step when this path (relative to the source folder) already exists.
    pub creates: Option<String>,
}

/// A validated profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinerProfile {
    /// The id used by `--profile` (lowercase letters, digits and `-`).
    pub name: String,
    /// The subnet it mines.
    pub netuid: u16,
    /// Name shown in the picker.
    pub display_name: String,
    /// What the miner does, one or two sentences.
    pub description: String,
    /// Hardware it needs.
    pub gpu: GpuNeed,
    /// Its code, when it is cloned from git (a user's profile may run a local program).
    pub source: Option<Source>,
    /// Setup steps, in order, run in the source folder.
    pub setup: Vec<StepTemplate>,
    /// The miner itself.
    pub launch: Vec<String>,
    /// Working folder of the miner (default: the source folder, else the data folder).
    pub workdir: Option<String>,
    /// Axon port passed as `{port}` unless the user picks another.
    pub default_port: u16,
    /// Extra environment variables.
    pub env: BTreeMap<String, String>,
    /// A regular expression tried on each log line: a line that matches shows the miner
    /// is doing its work (checked when the profile is read).
    pub health_pattern: Option<String>,
}

/// Where a profile came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "path")]
pub enum Origin {
    /// Shipped with Taoscope.
    Bundled,
    /// The user's file.
    User(PathBuf),
}

/// A profile and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadedProfile {
    /// The profile.
    #[serde(flatten)]
    pub profile: MinerProfile,
    /// Its file.
    pub origin: Origin,
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The TOML itself does not parse.
    Syntax(String),
    /// A required field is absent.
    Missing,
    /// A field this format does not know (often a typo).
    UnknownField,
    /// The value has the wrong type; names the expected one (`text`, `integer`, `table`,
    /// `list`, `setup_list`, `nonnegative`: catalogue keys under `miner.profile.type`).
    WrongType(&'static str),
    /// A `{name}` that is not one of [`PLACEHOLDERS`].
    UnknownPlaceholder(String),
    /// A `{` without its `}`.
    UnclosedBrace,
    /// The netuid is not 1..=65535 (0 is the root network, which has no miners).
    BadNetuid(i64),
    /// A port outside 1..=65535.
    BadPort(i64),
    /// An empty string or list where something is needed.
    Empty,
    /// The name has characters other than a-z, 0-9 and `-`.
    BadName(String),
    /// A vendor other than nvidia, amd, apple or any.
    BadVendor(String),
    /// A health pattern that is not a valid regular expression; the parser's reason.
    BadPattern(String),
}

/// A profile that could not be loaded, naming the file and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// The file (name for bundled ones, path for the user's).
    pub file: String,
    /// The field's path, e.g. `launch.command[3]`; empty for whole-file problems.
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let problem = match &self.problem {
            Problem::Syntax(text) => tr_with("miner.profile.syntax", &[("reason", text)]),
            Problem::Missing => tr_with("miner.profile.missing", &[]),
            Problem::UnknownField => tr_with("miner.profile.unknown_field", &[]),
            Problem::WrongType(expected) => tr_with(
                "miner.profile.wrong_type",
                &[(
                    "expected",
                    &crate::i18n::tr(&format!("miner.profile.type.{expected}")),
                )],
            ),
            Problem::UnknownPlaceholder(name) => tr_with(
                "miner.profile.unknown_placeholder",
                &[
                    ("name", &format!("{{{name}}}")),
                    (
                        "known",
                        &PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", "),
                    ),
                ],
            ),
            Problem::UnclosedBrace => tr_with("miner.profile.unclosed_brace", &[]),
            Problem::BadNetuid(value) => tr_with("miner.profile.bad_netuid", &[("value", value)]),
            Problem::BadPort(value) => tr_with("miner.profile.bad_port", &[("value", value)]),
            Problem::Empty => tr_with("miner.profile.empty", &[]),
            Problem::BadName(value) => tr_with("miner.profile.bad_name", &[("value", value)]),
            Problem::BadVendor(value) => tr_with("miner.profile.bad_vendor", &[("value", value)]),
            Problem::BadPattern(reason) => {
                tr_with("miner.profile.bad_pattern", &[("reason", reason)])
            }
        };
        if self.field.is_empty() {
            write!(f, "{}: {problem}", self.file)
        } else {
            write!(f, "{}: {}: {problem}", self.file, self.field)
        }
    }
}

impl std::error::Error for ProfileError {}

/// Reads fields out of a TOML table, remembering which were used so the rest can be
/// reported as unknown, and naming each field by its full path.
struct Fields<'a> {
    file: &'a str,
    path: String,
    table: &'a toml::Table,
    used: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    fn new(file: &'a str, path: &str, table: &'a toml::Table) -> Self {
        Fields {
            file,
            path: path.to_string(),
            table,
            used: Vec::new(),
        }
    }

    fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn error(&self, field: String, problem: Problem) -> ProfileError {
        ProfileError {
            file: self.file.to_string(),
            field,
            problem,
        }
    }

    fn get(&mut self, key: &'static str) -> Option<&'a toml::Value> {
        self.used.push(key);
        self.table.get(key)
    }

    fn required(&mut self, key: &'static str) -> Result<&'a toml::Value, ProfileError> {
        let field = self.at(key);
        self.get(key)
            .ok_or_else(|| self.error(field, Problem::Missing))
    }

    fn text(&mut self, key: &'static str) -> Result<String, ProfileError> {
        let value = self.required(key)?;
        self.as_text(self.at(key), value)
    }

    fn optional_text(&mut self, key: &'static str) -> Result<Option<String>, ProfileError> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => self.as_text(self.at(key), value).map(Some),
        }
    }

    fn as_text(&self, field: String, value: &toml::Value) -> Result<String, ProfileError> {
        let text = value
            .as_str()
            .ok_or_else(|| self.error(field.clone(), Problem::WrongType("text")))?;
        if text.trim().is_empty() {
            return Err(self.error(field, Problem::Empty));
        }
        Ok(text.to_string())
    }

    fn integer(&mut self, key: &'static str) -> Result<Option<i64>, ProfileError> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => value
                .as_integer()
                .map(Some)
                .ok_or_else(|| self.error(self.at(key), Problem::WrongType("integer"))),
        }
    }

    fn table(&mut self, key: &'static str) -> Result<Option<&'a toml::Table>, ProfileError> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => value
                .as_table()
                .map(Some)
                .ok_or_else(|| self.error(self.at(key), Problem::WrongType("table"))),
        }
    }

    fn command(&mut self, key: &'static str) -> Result<Vec<String>, ProfileError> {
        let field = self.at(key);
        let value = self.required(key)?;
        let list = value
            .as_array()
            .ok_or_else(|| self.error(field.clone(), Problem::WrongType("list")))?;
        if list.is_empty() {
            return Err(self.error(field, Problem::Empty));
        }
        list.iter()
            .enumerate()
            .map(|(i, item)| {
                let at = format!("{field}[{i}]");
                let text = item
                    .as_str()
                    .ok_or_else(|| self.error(at.clone(), Problem::WrongType("text")))?;
                check_placeholders(text).map_err(|p| self.error(at, p))?;
                Ok(text.to_string())
            })
            .collect()
    }

    /// Fails on the first key that was never asked for.
    fn finish(self) -> Result<(), ProfileError> {
        match self.table.keys().find(|k| !self.used.contains(&k.as_str())) {
            Some(unknown) => Err(self.error(self.at(unknown), Problem::UnknownField)),
            None => Ok(()),
        }
    }
}

/// Checks that every `{name}` in `text` is a known placeholder (`{{` and `}}` are literal braces).
pub fn check_placeholders(text: &str) -> Result<(), Problem> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if let Some(stripped) = after.strip_prefix('{') {
            rest = stripped;
            continue;
        }
        let close = after.find('}').ok_or(Problem::UnclosedBrace)?;
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(Problem::UnknownPlaceholder(name.to_string()));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// Parses and validates one profile file; `file` names it in errors.
pub fn parse_profile(file: &str, text: &str) -> Result<MinerProfile, ProfileError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ProfileError {
        file: file.to_string(),
        field: String::new(),
        problem: Problem::Syntax(e.message().to_string()),
    })?;
    let mut top = Fields::new(file, "", &table);

    let name = top.text("name")?;
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(top.error("name".into(), Problem::BadName(name)));
    }
    let netuid_value = top.required("netuid")?;
    let netuid_raw = netuid_value
        .as_integer()
        .ok_or_else(|| top.error("netuid".into(), Problem::WrongType("integer")))?;
    let netuid = u16::try_from(netuid_raw)
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| top.error("netuid".into(), Problem::BadNetuid(netuid_raw)))?;
    let display_name = top.text("display_name")?;
    let description = top.text("description")?;

    let gpu_table = top
        .table("gpu")?
        .ok_or_else(|| top.error("gpu".into(), Problem::Missing))?;
    let mut gpu_fields = Fields::new(file, "gpu", gpu_table);
    let min_vram = gpu_fields
        .integer("min_vram_mb")?
        .ok_or_else(|| gpu_fields.error("gpu.min_vram_mb".into(), Problem::Missing))?;
    let min_vram_mb = u64::try_from(min_vram).map_err(|_| {
        gpu_fields.error("gpu.min_vram_mb".into(), Problem::WrongType("nonnegative"))
    })?;
    let class = gpu_fields.text("class")?;
    let vendor = match gpu_fields.optional_text("vendor")?.as_deref() {
        None | Some("any") => GpuVendorNeed::Any,
        Some("nvidia") => GpuVendorNeed::Nvidia,
        Some("amd") => GpuVendorNeed::Amd,
        Some("apple") => GpuVendorNeed::Apple,
        Some(other) => {
            return Err(gpu_fields.error("gpu.vendor".into(), Problem::BadVendor(other.into())));
        }
    };
    gpu_fields.finish()?;

    let source = match top.table("source")? {
        None => None,
        Some(table) => {
            let mut fields = Fields::new(file, "source", table);
            let git = fields.text("git")?;
            let rev = fields.text("rev")?;
            fields.finish()?;
            Some(Source { git, rev })
        }
    };

    let mut setup = Vec::new();
    if let Some(value) = top.get("setup") {
        let steps = value
            .as_array()
            .ok_or_else(|| top.error("setup".into(), Problem::WrongType("setup_list")))?;
        for (i, step) in steps.iter().enumerate() {
            let path = format!("setup[{i}]");
            let table = step
                .as_table()
                .ok_or_else(|| top.error(path.clone(), Problem::WrongType("table")))?;
            let mut fields = Fields::new(file, &path, table);
            let name = fields.text("name")?;
            let command = fields.command("command")?;
            let creates = fields.optional_text("creates")?;
            fields.finish()?;
            setup.push(StepTemplate {
                name,
                command,
                creates,
            });
        }
    }

    let launch_table = top
        .table("launch")?
        .ok_or_else(|| top.error("launch".into(), Problem::Missing))?;
    let mut launch_fields = Fields::new(file, "launch", launch_table);
    let launch = launch_fields.command("command")?;
    let workdir = launch_fields.optional_text("workdir")?;
    if let Some(dir) = &workdir {
        check_placeholders(dir).map_err(|p| launch_fields.error("launch.workdir".into(), p))?;
    }
    let default_port = match launch_fields.integer("port")? {
        None => 8091,
        Some(port) => u16::try_from(port)
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| launch_fields.error("launch.port".into(), Problem::BadPort(port)))?,
    };
    launch_fields.finish()?;

    let mut env = BTreeMap::new();
    if let Some(table) = top.table("env")? {
        for (key, value) in table {
            let field = format!("env.{key}");
            let text = value
                .as_str()
                .ok_or_else(|| top.error(field.clone(), Problem::WrongType("text")))?;
            check_placeholders(text).map_err(|p| top.error(field, p))?;
            env.insert(key.clone(), text.to_string());
        }
    }

    let health_pattern = match top.table("health")? {
        None => None,
        Some(table) => {
            let mut fields = Fields::new(file, "health", table);
            let pattern = fields.text("pattern")?;
            // Checked here so a typo is reported with its field, not found at run time.
            if let Err(e) = regex::Regex::new(&pattern) {
                return Err(
                    fields.error("health.pattern".into(), Problem::BadPattern(e.to_string()))
                );
            }
            fields.finish()?;
            Some(pattern)
        }
    };
    top.finish()?;

    Ok(MinerProfile {
        name,
        netuid,
        display_name,
        description,
        gpu: GpuNeed {
            min_vram_mb,
            class,
            vendor,
        },
        source,
        setup,
        launch,
        workdir,
        default_port,
        env,
        health_pattern,
    })
}

/// Every profile: the bundled ones, then the user's from `user_dir` (one replaces a bundled
/// profile of the same name). Files that fail come back as errors beside the good ones.
pub fn load_profiles(user_dir: Option<&Path>) -> (Vec<LoadedProfile>, Vec<ProfileError>) {
    let mut profiles: Vec<LoadedProfile> = Vec::new();
    let mut errors = Vec::new();
    for (file, text) in BUNDLED {
        match parse_profile(file, text) {
            Ok(profile) => profiles.push(LoadedProfile {
                profile,
                origin: Origin::Bundled,
            }),
            Err(e) => errors.push(e),
        }
    }
    let Some(dir) = user_dir else {
        return (profiles, errors);
    };
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    for path in files {
        let file = path.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                errors.push(ProfileError {
                    file,
                    field: String::new(),
                    problem: Problem::Syntax(e.to_string()),
                });
                continue;
            }
        };
        match parse_profile(&file, &text) {
            Ok(profile) => {
                profiles.retain(|p| p.profile.name != profile.name);
                profiles.push(LoadedProfile {
                    profile,
                    origin: Origin::User(path),
                });
            }
            Err(e) => errors.push(e),
        }
    }
    (profiles, errors)
}

/// The user's profile folder: `<config>/miners`.
pub fn user_profiles_dir() -> Option<PathBuf> {
    crate::settings::config_dir().map(|d| d.join("miners"))
}

/// What fills the placeholders of a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchContext {
    /// Wallet (coldkey) name; only the name is passed, never a key or password.
    pub wallet: String,
    /// Hotkey name.
    pub hotkey: String,
    /// The wallets folder.
    pub wallet_path: PathBuf,
    /// The network the miner talks to.
    pub network: Network,
    /// Axon port.
    pub port: u16,
    /// This profile's folder under the data dir (logs, pid file, source checkout).
    pub data_dir: PathBuf,
}

impl LaunchContext {
    /// Where the profile's source is checked out.
    pub fn source_dir(&self) -> PathBuf {
        self.data_dir.join("source")
    }
}

/// One command ready to run: no placeholders left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CommandSpec {
    /// Progress name.
    pub name: String,
    /// Program.
    pub program: String,
    /// Arguments.
    pub args: Vec<String>,
    /// Environment added to the inherited one.
    pub env: BTreeMap<String, String>,
    /// Working folder.
    pub workdir: PathBuf,
    /// Skip when this path exists (setup steps that create something).
    pub creates: Option<PathBuf>,
}

/// A profile with its placeholders filled: setup steps and the miner command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvedProfile {
    /// Profile name.
    pub profile: String,
    /// Subnet.
    pub netuid: u16,
    /// Setup steps in order (clone and checkout first, when the profile has a source).
    pub setup: Vec<CommandSpec>,
    /// The miner.
    pub launch: CommandSpec,
    /// Health pattern, if any.
    pub health_pattern: Option<String>,
}

/// Replaces every placeholder in `text` (already checked by [`check_placeholders`]).
pub fn fill(text: &str, values: &BTreeMap<&str, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if rest[open..].starts_with("{{") {
            out.push('{');
            rest = &after[1..];
        } else if rest[open..].starts_with("}}") {
            out.push('}');
            rest = &after[1..];
        } else if rest[open..].starts_with('{') {
            match after.find('}') {
                Some(close) => {
                    let name = &after[..close];
                    match values.get(name) {
                        Some(value) => out.push_str(value),
                        None => out.push_str(&rest[open..open + close + 2]),
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        } else {
            out.push('}');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

impl MinerProfile {
    /// Fills the placeholders with `context` and prepends the git clone and checkout.
    pub fn resolve(&self, context: &LaunchContext) -> ResolvedProfile {
        let source_dir = context.source_dir();
        let values: BTreeMap<&str, String> = [
            ("wallet", context.wallet.clone()),
            ("hotkey", context.hotkey.clone()),
            ("wallet_path", context.wallet_path.display().to_string()),
            ("netuid", self.netuid.to_string()),
            ("network", context.network.name().to_string()),
            ("chain_endpoint", context.network.url().to_string()),
            ("port", context.port.to_string()),
            ("data_dir", context.data_dir.display().to_string()),
            ("source_dir", source_dir.display().to_string()),
        ]
        .into_iter()
        .collect();
        let env: BTreeMap<String, String> = self
            .env
            .iter()
            .map(|(k, v)| (k.clone(), fill(v, &values)))
            .collect();
        let base_dir = if self.source.is_some() {
            source_dir.clone()
        } else {
            context.data_dir.clone()
        };
        let command = |name: &str, parts: &[String], workdir: &Path, creates: Option<PathBuf>| {
            let mut filled = parts.iter().map(|p| fill(p, &values));
            CommandSpec {
                name: name.to_string(),
                program: filled.next().unwrap_or_default(),
                args: filled.collect(),
                env: env.clone(),
                workdir: workdir.to_path_buf(),
                creates,
            }
        };
        let mut setup = Vec::new();
        if let Some(source) = &self.source {
            let dir = source_dir.display().to_string();
            setup.push(command(
                "clone",
                &[
                    "git".into(),
                    "clone".into(),
                    "--no-checkout".into(),
                    source.git.clone(),
                    dir.clone(),
                ],
                &context.data_dir,
                Some(source_dir.join(".git")),
            ));
            setup.push(command(
                "checkout",
                &[
                    "git".into(),
                    "-C".into(),
                    dir,
                    "checkout".into(),
                    "--detach".into(),
                    source.rev.clone(),
                ],
                &context.data_dir,
                None,
            ));
        }
        for step in &self.setup {
            let creates = step
                .creates
                .as_ref()
                .map(|c| base_dir.join(fill(c, &values)));
            setup.push(command(&step.name, &step.command, &base_dir, creates));
        }
        let workdir = self
            .workdir
            .as_ref()
            .map(|w| base_dir.join(fill(w, &values)))
            .unwrap_or_else(|| base_dir.clone());
        ResolvedProfile {
            profile: self.name.clone(),
            netuid: self.netuid,
            setup,
            launch: command("miner", &self.launch, &workdir, None),
            health_pattern: self.health_pattern.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "demo"
netuid = 42
display_name = "Demo"
description = "A test miner."
[gpu]
min_vram_mb = 8000
class = "RTX 3070"
vendor = "nvidia"
[source]
git = "https://example.org/demo.git"
rev = "0123456789abcdef0123456789abcdef01234567"
[[setup]]
name = "venv"
command = ["python3", "-m", "venv", ".venv"]
creates = ".venv"
[launch]
command = [".venv/bin/python", "miner.py", "--wallet.name", "{wallet}", "--wallet.hotkey", "{hotkey}", "--netuid", "{netuid}", "--axon.port", "{port}", "--logging.logging_dir", "{data_dir}/logs"]
port = 9000
[env]
HF_HOME = "{data_dir}/hf"
[health]
pattern = "Miner running"
"#;

    fn error_of(text: &str) -> ProfileError {
        parse_profile("demo.toml", text).expect_err("invalid")
    }

    #[test]
    fn a_good_profile_parses_and_resolves() {
        let profile = parse_profile("demo.toml", GOOD).expect("valid");
        assert_eq!(profile.netuid, 42);
        assert_eq!(profile.default_port, 9000);
        let context = LaunchContext {
            wallet: "cold".into(),
            hotkey: "hot".into(),
            wallet_path: "/w".into(),
            network: Network::Test,
            port: 9001,
            data_dir: "/d/demo".into(),
        };
        let resolved = profile.resolve(&context);
        assert_eq!(resolved.setup.len(), 3, "clone, checkout, venv");
        assert_eq!(resolved.setup[0].program, "git");
        assert_eq!(
            resolved.setup[2].creates,
            Some(PathBuf::from("/d/demo/source/.venv"))
        );
        assert_eq!(resolved.launch.workdir, PathBuf::from("/d/demo/source"));
        assert_eq!(
            resolved.launch.args,
            [
                "miner.py",
                "--wallet.name",
                "cold",
                "--wallet.hotkey",
                "hot",
                "--netuid",
                "42",
                "--axon.port",
                "9001",
                "--logging.logging_dir",
                "/d/demo/logs"
            ]
        );
        assert_eq!(
            resolved.launch.env.get("HF_HOME").map(String::as_str),
            Some("/d/demo/hf")
        );
    }

    #[test]
    fn a_missing_field_is_named() {
        let err = error_of(&GOOD.replace("netuid = 42\n", ""));
        assert_eq!(
            (err.field.as_str(), &err.problem),
            ("netuid", &Problem::Missing)
        );
        let err = error_of(&GOOD.replace("class = \"RTX 3070\"\n", ""));
        assert_eq!(
            (err.field.as_str(), &err.problem),
            ("gpu.class", &Problem::Missing)
        );
        let err =
            error_of(&GOOD.replace("rev = \"0123456789abcdef0123456789abcdef01234567\"\n", ""));
        assert_eq!(err.field, "source.rev");
        let text = err.to_string();
        assert!(text.starts_with("demo.toml: source.rev: "), "{text}");
    }

    #[test]
    fn an_unknown_placeholder_is_named_with_its_position() {
        let err = error_of(&GOOD.replace("\"{wallet}\"", "\"{walet}\""));
        assert_eq!(err.field, "launch.command[3]");
        assert_eq!(err.problem, Problem::UnknownPlaceholder("walet".into()));
        assert!(err.to_string().contains("{walet}"), "{err}");
        let err = error_of(&GOOD.replace("{data_dir}/hf", "{data_dir/hf"));
        assert_eq!(
            (err.field.as_str(), &err.problem),
            ("env.HF_HOME", &Problem::UnclosedBrace)
        );
    }

    #[test]
    fn a_bad_netuid_is_refused() {
        for (value, raw) in [("0", 0), ("70000", 70000), ("-3", -3)] {
            let err = error_of(&GOOD.replace("netuid = 42", &format!("netuid = {value}")));
            assert_eq!(err.field, "netuid");
            assert_eq!(err.problem, Problem::BadNetuid(raw));
        }
        let err = error_of(&GOOD.replace("netuid = 42", "netuid = \"42\""));
        assert_eq!(err.problem, Problem::WrongType("integer"));
    }

    #[test]
    fn unknown_fields_and_syntax_errors_are_reported() {
        let err = error_of(&GOOD.replace("[health]", "[health]\npatern = \"x\""));
        assert_eq!(
            (err.field.as_str(), &err.problem),
            ("health.patern", &Problem::UnknownField)
        );
        let err = error_of("name = ");
        assert!(matches!(err.problem, Problem::Syntax(_)));
        let err = error_of(&GOOD.replace("name = \"demo\"", "name = \"Demo Miner\""));
        assert_eq!(err.problem, Problem::BadName("Demo Miner".into()));
    }

    #[test]
    fn a_health_pattern_must_be_a_regular_expression() {
        let err =
            error_of(&GOOD.replace("pattern = \"Miner running\"", "pattern = \"step (\\\\d+\""));
        assert_eq!(err.field, "health.pattern");
        assert!(matches!(err.problem, Problem::BadPattern(_)), "{err:?}");
        assert!(err.to_string().contains("health.pattern"), "{err}");
        // Braces are regex repetition here, not placeholders.
        let ok = GOOD.replace(
            "pattern = \"Miner running\"",
            "pattern = \"step \\\\d{2,} done\"",
        );
        let profile = parse_profile("demo.toml", &ok).expect("valid");
        assert_eq!(profile.health_pattern.as_deref(), Some("step \\d{2,} done"));
    }

    #[test]
    fn bundled_profiles_are_valid_and_users_replace_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (profiles, errors) = load_profiles(Some(dir.path()));
        assert_eq!(errors, vec![]);
        assert_eq!(profiles.len(), BUNDLED.len());
        for p in &profiles {
            assert!(
                p.profile.source.is_some(),
                "{} pins its source",
                p.profile.name
            );
        }
        std::fs::write(
            dir.path().join("mine.toml"),
            GOOD.replace("name = \"demo\"", "name = \"templar\""),
        )
        .expect("write");
        std::fs::write(dir.path().join("broken.toml"), "netuid = 1").expect("write");
        let (profiles, errors) = load_profiles(Some(dir.path()));
        assert_eq!(profiles.len(), BUNDLED.len());
        let templar = profiles
            .iter()
            .find(|p| p.profile.name == "templar")
            .expect("templar");
        assert!(matches!(templar.origin, Origin::User(_)));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "name");
    }

    /// Lines shaped as each bundled miner prints them (its logger's prefix, made-up values),
    /// per the sources cited in the profile files: the pattern must find the healthy one and
    /// not an idle or start-up line.
    #[test]
    fn bundled_health_patterns_match_the_lines_their_miners_print() {
        let (profiles, errors) = load_profiles(None);
        assert_eq!(errors, vec![]);
        let cases = [
            (
                "templar",
                "[14:02:11] Stopped accumulating: 12 batches with 98304 tokens",
                "[14:01:03] Start accumulating...",
            ),
            (
                "iota",
                "2026-01-05 14:02:11.123 | SUCCESS  | miner.training.training:backward:537 - \u{2705} BACKWARD complete | layer=2 activation=a1b2c3 hotkey=5FHneW46",
                "2026-01-05 14:02:10.001 | INFO     | miner.training.training:backward:317 - \u{1f504} BACKWARD pass | layer=2 activation=a1b2c3 hotkey=5FHneW46",
            ),
            (
                "folding",
                "2026-01-05 14:02:11.123 |       INFO       | Running simulation for protein: 1ubq",
                "2026-01-05 14:02:11.123 |     WARNING      | Miner running:: network: finney | step: 4 | uid: 17 | trust: 0.000 | emission 0.000",
            ),
        ];
        for (name, healthy, idle) in cases {
            let profile = profiles
                .iter()
                .find(|p| p.profile.name == name)
                .unwrap_or_else(|| panic!("{name} is bundled"));
            let pattern = profile
                .profile
                .health_pattern
                .as_deref()
                .unwrap_or_else(|| panic!("{name} has a health pattern"));
            let regex = regex::Regex::new(pattern).expect("checked when read");
            assert!(regex.is_match(healthy), "{name}: {pattern} on {healthy}");
            assert!(!regex.is_match(idle), "{name}: {pattern} on {idle}");
        }
    }

    #[test]
    fn fill_keeps_literal_braces() {
        let values: BTreeMap<&str, String> = [("port", "1".to_string())].into_iter().collect();
        assert_eq!(fill("{{x}} {port}", &values), "{x} 1");
        assert_eq!(check_placeholders("{{not a placeholder}}"), Ok(()));
    }
}
