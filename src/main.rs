//! The `gaitline` command line: `analyze` (default), `inspect`, `simulate`.

use clap::{Args, Parser, Subcommand};
use gaitline::clean::presets::UserMap;
use gaitline::group::{self, TrialSpec};
use gaitline::model::Format;
use gaitline::output::metrics;
use gaitline::pipeline::{self, AnalyzeOptions};
use gaitline::trial::{self, CleanOptions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "gaitline", version, about = "Gait and running analysis from motion-capture files")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Analyse trials (files or folders; default data/) and write reports (default reports/).
    Analyze(AnalyzeArgs),
    /// Describe input files: format, rates, frames, lab axes, markers, channels, events, gaps.
    Inspect(InspectArgs),
    /// Write simulated trials with known truth (demo set, datasets, or one trial).
    Simulate(SimulateArgs),
    /// Compare detected events with the files' events (or force-plate contacts) and ANALYSIS values.
    Evaluate(EvaluateArgs),
    /// Join the report folders of `analyze --shard K/N` runs into one (summary.csv and trial folders).
    Merge(MergeArgs),
    /// Normative reference data: `norms build` makes a lab's norms file from its healthy trials.
    Norms(NormsArgs),
}

#[derive(Args, Debug)]
struct MergeArgs {
    /// The shards' report folders (each with its summary.csv).
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Folder for the merged reports.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Parser, Debug)]
struct EvaluateArgs {
    /// Input files or folders (default: data/).
    inputs: Vec<PathBuf>,
    /// Manifest CSV naming each trial's files and subject data.
    #[arg(long, value_name = "CSV")]
    manifest: Option<PathBuf>,
    /// Matching tolerance, ms.
    #[arg(long, default_value_t = 50.0, value_name = "MS")]
    tolerance_ms: f64,
    /// Write the results as CSV to this file.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Vertical force threshold for a force-plate contact, N.
    #[arg(long, default_value_t = 20.0, value_name = "N")]
    force_threshold: f64,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
struct SimulateArgs {
    /// Write the demo set (healthy walker, forefoot runner, imbalanced runner) into this folder.
    #[arg(long, value_name = "DIR", conflicts_with = "dataset")]
    demo: Option<PathBuf>,
    /// Write N varied 30-s trials (subjects, speeds, modes, formats) into --out.
    #[arg(long, value_name = "N")]
    dataset: Option<usize>,
    /// Output folder for --dataset or a single trial.
    #[arg(long, default_value = "simulated")]
    out: PathBuf,
    /// Random seed (trials are byte-for-byte reproducible for a seed).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Single trial: walk or run.
    #[arg(long, default_value = "walk")]
    mode: String,
    /// Single trial: speed, m/s (default 1.3 walking, 3.5 running).
    #[arg(long)]
    speed: Option<f64>,
    /// Single trial: duration, s.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Single trial: on a treadmill (belt speed = --speed).
    #[arg(long)]
    treadmill: bool,
    /// Single trial: foot strike of both feet (rearfoot, midfoot, forefoot).
    #[arg(long)]
    strike: Option<String>,
    /// Single trial: file format (vicon, trc, delimited, c3d).
    #[arg(long, default_value = "vicon")]
    format: String,
    /// Single trial: file stem.
    #[arg(long, default_value = "sim")]
    stem: String,
}

#[derive(Args, Debug)]
struct CommonArgs {
    /// Force the input format instead of sniffing it (c3d, vicon, trc, mot, anc, delimited).
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,
    /// TOML file mapping marker names to landmarks ([markers] "Name" = "L_HEEL").
    #[arg(long, value_name = "TOML")]
    marker_map: Option<PathBuf>,
    /// Longest marker gap filled by cubic spline, seconds.
    #[arg(long, default_value_t = 0.1, value_name = "SECONDS")]
    max_gap: f64,
}

#[derive(Parser, Debug)]
struct AnalyzeArgs {
    /// Input files or folders (default: data/).
    inputs: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, default_value = "reports")]
    out: PathBuf,
    /// Manifest CSV naming each trial's files and subject data.
    #[arg(long, value_name = "CSV")]
    manifest: Option<PathBuf>,
    /// Static (calibration) trial for the given motion trial(s).
    #[arg(long = "static", value_name = "FILE")]
    static_file: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Skip charts.
    #[arg(long)]
    no_plots: bool,
    /// Plug-in Gait: the feet were flat on the floor in the static trial (for trials the manifest does not say).
    #[arg(long)]
    flat_foot: bool,
    /// Plug-in Gait: marker diameter in mm (for trials whose files and manifest do not say; default 14).
    #[arg(long, value_name = "MM")]
    marker_diameter: Option<f64>,
    /// Vicon `.vsk` with the subject's measurements (leg length, knee and ankle widths, ...), for every trial; the manifest's values win, the files' come last.
    #[arg(long, value_name = "FILE")]
    vsk: Option<PathBuf>,
    /// Joint-angle model: pig (Plug-in Gait only), cast (clusters through the static trial) or chain (CAST segments linked by joints, as OpenSim IK); default: Plug-in Gait when it applies, else CAST.
    #[arg(long, value_name = "MODEL")]
    angle_model: Option<String>,
    /// Normative data for the charts: CSV `variable,pct,mean,sd` (README, "Norms file"), drawn as grey bands.
    #[arg(long, value_name = "FILE")]
    norms: Option<PathBuf>,
    /// Print only failures and the final summary line (no progress bar).
    #[arg(long, short)]
    quiet: bool,
    /// Write only these outputs: `metrics` = metrics.json and the CSV tables (no charts, no HTML reports).
    #[arg(long, value_name = "WHAT", value_parser = ["metrics"])]
    only: Option<String>,
    /// Analyse only shard K of N (1 <= K <= N): the trials whose id hashes to K; join shards with `gaitline merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Vertical force threshold for a force-plate contact, N.
    #[arg(long, default_value_t = 20.0, value_name = "N")]
    force_threshold: f64,
    /// Use the events stored in the files instead of detecting them (metrics.json notes it).
    #[arg(long)]
    use_file_events: bool,
    /// Pseudonymous outputs: no subject or file names; trial ids become keyed hashes (README, "Privacy").
    #[arg(long)]
    anonymize: bool,
    /// Secret key of the --anonymize pseudonyms (better: env GAITLINE_ANON_KEY; without a key they are guessable).
    #[arg(long, value_name = "KEY", requires = "anonymize")]
    anonymize_key: Option<String>,
    /// Report language (en, de); default: the manifest's `lang` column per trial, else English.
    #[arg(long, value_name = "CODE")]
    lang: Option<String>,
    /// Flush every output file to the disk before it counts as written (survives a power loss; slower: README, "Outputs on disk").
    #[arg(long)]
    fsync: bool,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
struct InspectArgs {
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    common: CommonArgs,
}

fn usage(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("gaitline: {msg}");
    ExitCode::from(2)
}

fn clean_options(c: &CommonArgs) -> Result<(CleanOptions, Option<Format>), String> {
    let format = match &c.format {
        Some(f) => Some(Format::parse(f).ok_or_else(|| format!("unknown --format {f:?}"))?),
        None => None,
    };
    let user_map = match &c.marker_map {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            UserMap::from_toml(&text).map_err(|e| format!("{}: {e}", p.display()))?
        }
        None => UserMap::default(),
    };
    if !(c.max_gap >= 0.0 && c.max_gap.is_finite()) {
        return Err(format!("--max-gap must be a non-negative number of seconds, got {}", c.max_gap));
    }
    Ok((CleanOptions { max_gap_s: c.max_gap, user_map }, format))
}

fn main() -> ExitCode {
    gaitline::trace::start();
    gaitline::heap::tune();
    let cli = Cli::parse();
    match cli.command {
        // `cargo run --release` with no arguments: analyse data/ into reports/.
        None => analyze(AnalyzeArgs::parse_from(["analyze"])),
        Some(Command::Analyze(a)) => analyze(a),
        Some(Command::Inspect(a)) => inspect(a),
        Some(Command::Simulate(a)) => simulate(a),
        Some(Command::Evaluate(a)) => evaluate(a),
        Some(Command::Merge(a)) => merge(a),
        Some(Command::Norms(a)) => norms(a),
    }
}

fn merge(a: MergeArgs) -> ExitCode {
    match gaitline::batch::merge(&a.dirs, &a.out) {
        Ok(m) => {
            eprintln!(
                "{} trials ({} failed) from {} shards, {} files; reports in {}",
                m.trials,
                m.failed,
                a.dirs.len(),
                m.files_copied,
                a.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gaitline: {e}");
            ExitCode::from(1)
        }
    }
}

fn simulate(a: SimulateArgs) -> ExitCode {
    use gaitline::simulate::{self as sim, OutFormat, SimConfig, StrikePattern};
    let start = std::time::Instant::now();
    let result = if let Some(dir) = &a.demo {
        sim::write_demo(dir)
    } else if let Some(n) = a.dataset {
        sim::write_dataset(n, &a.out, a.seed)
    } else {
        let mut cfg = match a.mode.as_str() {
            "walk" => SimConfig::walking(),
            "run" => SimConfig::running(),
            m => return usage(format!("--mode must be walk or run, got {m:?}")),
        };
        if let Some(v) = a.speed {
            if !(v > 0.0 && v < 12.0) {
                return usage(format!("--speed must be between 0 and 12 m/s, got {v}"));
            }
            cfg = cfg.with_speed(v);
        }
        if !(a.duration >= 1.0 && a.duration <= 600.0) {
            return usage(format!("--duration must be between 1 and 600 s, got {}", a.duration));
        }
        cfg = cfg.with_duration(a.duration).with_seed(a.seed).with_treadmill(a.treadmill);
        if let Some(s) = &a.strike {
            let p = match s.as_str() {
                "rearfoot" | "rear" => StrikePattern::Rearfoot,
                "midfoot" | "mid" => StrikePattern::Midfoot,
                "forefoot" | "fore" => StrikePattern::Forefoot,
                _ => return usage(format!("--strike must be rearfoot, midfoot or forefoot, got {s:?}")),
            };
            for side in [gaitline::model::Side::Left, gaitline::model::Side::Right] {
                cfg = cfg.with_strike(side, p, None);
            }
        }
        let Some(fmt) = OutFormat::parse(&a.format) else {
            return usage(format!("--format must be vicon, trc, delimited or c3d, got {:?}", a.format));
        };
        sim::write_trial(&sim::simulate(&cfg), &a.out, &group::safe_id(&a.stem), fmt)
    };
    match result {
        Ok(files) => {
            let bytes: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
            eprintln!("{} files, {:.1} MB in {:.2} s", files.len(), bytes as f64 / 1e6, start.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gaitline: {e}");
            ExitCode::from(1)
        }
    }
}

/// Turn inputs (files, folders, manifest, static) into trial specs.
fn collect(a: &AnalyzeArgs) -> Result<(Vec<TrialSpec>, Vec<PathBuf>), String> {
    collect_inputs(&a.inputs, a.manifest.as_deref(), a.static_file.as_deref())
}

/// Trial specs from input paths (default `data/`), or from a manifest.
fn collect_inputs(
    inputs: &[PathBuf],
    manifest: Option<&Path>,
    static_file: Option<&Path>,
) -> Result<(Vec<TrialSpec>, Vec<PathBuf>), String> {
    if let Some(m) = manifest {
        if !inputs.is_empty() {
            return Err("give either --manifest or input paths, not both".into());
        }
        return group::read_manifest(m).map(|s| (s, Vec::new())).map_err(|e| e.to_string());
    }
    let inputs = if inputs.is_empty() { vec![PathBuf::from("data")] } else { inputs.to_vec() };
    let mut files = Vec::new();
    for i in &inputs {
        if i.is_dir() {
            let found = group::scan(i).map_err(|e| format!("{}: {e}", i.display()))?;
            // In folders, skip text files that are no motion data (README, licences).
            files.extend(found.into_iter().filter(|f| is_motion_file(f)));
        } else if i.is_file() {
            files.push(i.clone());
        } else {
            return Err(format!("{}: no such file or folder", i.display()));
        }
    }
    if let Some(s) = static_file
        && !s.is_file()
    {
        return Err(format!("{}: no such static file", s.display()));
    }
    Ok(group::group_files(&files, static_file))
}

/// `--lang` wins over the manifest's `lang` column; an unknown code is a
/// usage error that lists the available ones.
fn report_languages(a: &AnalyzeArgs, specs: &mut [TrialSpec]) -> Result<(), String> {
    use gaitline::report::i18n;
    let known = |c: &str| i18n::get(c).map(|l| l.code.clone());
    let list = || i18n::available().join(", ");
    if let Some(c) = &a.lang {
        let code = known(c).ok_or_else(|| format!("--lang {c:?} is not a report language; available: {}", list()))?;
        for s in specs.iter_mut() {
            s.subject.lang = Some(code.clone());
        }
    }
    for s in specs.iter_mut() {
        if let Some(c) = s.subject.lang.clone() {
            let code = known(&c).ok_or_else(|| {
                format!("manifest: trial {}: lang {c:?} is not a report language; available: {}", s.id, list())
            })?;
            s.subject.lang = Some(code);
        }
    }
    Ok(())
}

fn is_motion_file(p: &Path) -> bool {
    use std::io::Read;
    let mut head = vec![0u8; 64 * 1024];
    let n = std::fs::File::open(p).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    head.truncate(n);
    gaitline::io::sniff(&head).is_some()
}

/// Without `--vsk`: each trial's subject measurements are filled from the
/// Vicon `.vsk` beside it ([`gaitline::angles::vsk::beside`]), below the
/// manifest's values and above the files' own (C3D `PROCESSING`). A `.vsk`
/// that cannot be used is a note, not a failure: the trial still runs on
/// what the files and Plug-in Gait's defaults give. `silent` (`--quiet`,
/// `--anonymize`: a `.vsk` is usually named after the subject) keeps the
/// notes off the terminal.
fn pair_vsk(specs: &mut [gaitline::group::TrialSpec], silent: bool) {
    let mut cache: std::collections::BTreeMap<PathBuf, Result<gaitline::model::Subject, String>> = Default::default();
    for s in specs.iter_mut() {
        let found = match gaitline::angles::vsk::beside(&s.files, s.static_file.as_deref()) {
            Ok(Some(p)) => p,
            Ok(None) => continue,
            Err(e) => {
                if !silent {
                    eprintln!("note: {}: {e}", s.id);
                }
                continue;
            }
        };
        let v = cache.entry(found.clone()).or_insert_with(|| {
            std::fs::read_to_string(&found).map_err(|e| e.to_string()).and_then(|t| gaitline::angles::vsk::subject(&t))
        });
        match v {
            Ok(v) => {
                s.subject.merge(v);
                if !silent {
                    eprintln!("note: {}: subject measurements from {}", s.id, found.display());
                }
            }
            Err(e) if !silent => eprintln!("note: {}: {} not used: {e}", s.id, found.display()),
            Err(_) => {}
        }
    }
}

fn analyze(a: AnalyzeArgs) -> ExitCode {
    let (clean, force_format) = match clean_options(&a.common) {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    let (mut specs, orphans) = match collect(&a) {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    if let Some(d) = a.marker_diameter
        && !(d > 0.0 && d < 100.0)
    {
        return usage(format!("--marker-diameter must be between 0 and 100 mm, got {d}"));
    }
    if let Some(p) = &a.vsk {
        let vsk = std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|text| gaitline::angles::vsk::subject(&text));
        match vsk {
            Ok(v) => specs.iter_mut().for_each(|s| s.subject.merge(&v)),
            Err(e) => return usage(format!("{}: {e}", p.display())),
        }
    } else {
        pair_vsk(&mut specs, a.quiet || a.anonymize);
    }
    // Flags fill what the manifest leaves open; values in the files come last.
    for s in &mut specs {
        if a.flat_foot {
            s.subject.flat_foot.get_or_insert(true);
        }
        if let Some(d) = a.marker_diameter {
            s.subject.marker_diameter_mm.get_or_insert(d);
        }
    }
    if let Some(m) = &a.angle_model {
        match gaitline::model::AngleModel::parse(m) {
            Ok(m) => specs.iter_mut().for_each(|s| {
                s.subject.angle_model.get_or_insert(m);
            }),
            Err(e) => return usage(format!("--angle-model: {e}")),
        }
    }
    if specs.is_empty() {
        return usage("no trials found in the inputs");
    }
    if let Err(e) = report_languages(&a, &mut specs) {
        return usage(e);
    }
    if let Some(j) = a.jobs {
        if j == 0 {
            return usage("--jobs must be at least 1");
        }
        let _ = rayon::ThreadPoolBuilder::new().num_threads(j).build_global();
    }
    gaitline::output::set_durable(a.fsync);
    if let Some(sh) = &a.shard {
        match gaitline::batch::Shard::parse(sh) {
            Ok(sh) => specs.retain(|s| sh.contains(&s.id)),
            Err(e) => return usage(e),
        }
    }
    for o in &orphans {
        if !a.quiet {
            eprintln!("note: {}: static trial without a matching motion trial (not analysed as gait)", o.display());
        }
    }
    if !(a.force_threshold > 0.0 && a.force_threshold.is_finite()) {
        return usage(format!("--force-threshold must be a positive number of newtons, got {}", a.force_threshold));
    }
    let events = gaitline::events::EventOptions {
        force_threshold_n: a.force_threshold,
        use_file_events: a.use_file_events,
        ..Default::default()
    };
    let anonymize = a.anonymize.then(|| {
        let key = a.anonymize_key.clone().or_else(|| std::env::var("GAITLINE_ANON_KEY").ok());
        let anon = gaitline::privacy::Anonymizer::new(key.as_deref());
        if !anon.keyed {
            eprintln!(
                "warning: --anonymize without a key (--anonymize-key or GAITLINE_ANON_KEY): the pseudonyms are plain \
                 hashes of the file names and can be guessed"
            );
        }
        anon
    });
    let norms = match &a.norms {
        None => None,
        Some(p) => match gaitline::report::norms::read(p) {
            Ok(n) => Some(n),
            Err(e) => return usage(format!("--norms: {e}")),
        },
    };
    let opts = AnalyzeOptions {
        out: a.out.clone(),
        force_format,
        clean,
        plots: !a.no_plots && a.only.is_none(),
        events,
        anonymize,
        norms,
        tables_only: a.only.as_deref() == Some("metrics"),
    };
    let start = std::time::Instant::now();
    use std::io::IsTerminal;
    let progress = gaitline::batch::Progress::new(specs.len(), !a.quiet && std::io::stderr().is_terminal());
    let mut outcomes = gaitline::trace::span(|| "batch".into(), || gaitline::batch::run(&specs, &opts, &progress));
    if let Some(anon) = &opts.anonymize {
        for (o, s) in outcomes.iter_mut().zip(&specs) {
            anon.scrub_outcome(o, s);
        }
    }
    let mut failed = 0;
    let mut frames = 0usize;
    for o in &outcomes {
        match &o.result {
            Ok(r) => {
                frames += r.frames;
                if !a.quiet {
                    eprintln!("ok      {} ({} frames)", o.id, r.frames);
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("FAILED  {}: {e}", o.id);
            }
        }
    }
    if let Err(e) = gaitline::trace::span(|| "write:summary".into(), || pipeline::write_summary(&opts.out, &outcomes)) {
        eprintln!("gaitline: {e}");
        return ExitCode::from(1);
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!("{}", gaitline::batch::summary_line(outcomes.len(), failed, frames, secs, &opts.out));
    if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn inspect(a: InspectArgs) -> ExitCode {
    let (clean, force_format) = match clean_options(&a.common) {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    let mut failed = false;
    let mut json = Vec::new();
    for f in &a.files {
        let rec = match gaitline::io::read_file(f, force_format) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{e}");
                failed = true;
                continue;
            }
        };
        let all_events: Vec<serde_json::Value> = rec
            .events
            .iter()
            .map(|e| {
                serde_json::json!({
                    "side": e.side, "kind": e.kind, "time_s": e.time_s, "subject": e.subject,
                })
            })
            .collect();
        let dialect = rec.dialect.clone();
        let id = group::safe_id(&group::group_key(f));
        let t = trial::build(&id, vec![rec], &Default::default(), &clean);
        let m = metrics::from_trial(&t);
        if a.json {
            let mut v = serde_json::to_value(&m).unwrap_or_default();
            v["file_events"] = serde_json::Value::Array(all_events);
            json.push(v);
        } else {
            print_inspect(f, &dialect, &t, &m);
        }
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
    }
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn print_inspect(f: &Path, dialect: &str, t: &trial::Trial, m: &metrics::Metrics) {
    println!("{}", f.display());
    println!("  format      {dialect}");
    if t.rate_hz.is_finite() {
        println!(
            "  markers     {} at {} Hz, {} frames (first frame {}), {:.3} s",
            t.markers.len(),
            t.rate_hz,
            t.frames,
            t.first_frame,
            t.duration_s()
        );
        if let Some(l) = &t.lab {
            println!(
                "  lab axes    vertical {}, progression {} ({}{})",
                l.vertical.label(),
                l.progression.label(),
                l.progression_method,
                if l.heading_offset_deg > 1.0 {
                    format!(", {:.0} deg off axis", l.heading_offset_deg)
                } else {
                    String::new()
                }
            );
        }
        println!("  marker set  {} ({} landmarks mapped)", t.mapping.preset, t.mapping.landmarks.len());
        let mapped: Vec<String> = m.trial.landmarks.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!("  mapped      {}", if mapped.is_empty() { "-".into() } else { mapped.join(" ") });
        println!(
            "  unmapped    {}",
            if t.mapping.unmapped.is_empty() { "-".into() } else { t.mapping.unmapped.join(" ") }
        );
        let g = &m.trial.gaps;
        println!(
            "  gaps        {} filled ({} samples), {} left ({} samples)",
            g.filled, g.filled_samples, g.unfilled, g.unfilled_samples
        );
    } else {
        println!("  markers     none");
    }
    if t.analogs.is_empty() {
        println!("  analog      none");
    } else {
        println!("  analog      {} channels", t.analogs.len());
        for c in &t.analogs {
            println!(
                "    {:<28} {:<11} {:>8} Hz  {:<4} {} samples",
                c.name,
                format!("{:?}", c.kind),
                c.rate_hz,
                c.unit,
                c.data.len()
            );
        }
    }
    if !t.reference.is_empty() {
        let mut names: Vec<&str> = t.reference.iter().map(|r| r.name.as_str()).collect();
        names.dedup();
        println!("  reference   {} series: {}", t.reference.len(), names.join(" "));
    }
    println!("  events      {}", t.file_events.len());
    for e in &t.file_events {
        let side = e.side.map_or("-", |s| s.name());
        println!("    {:>9.4} s  {:<5} {:?}", e.time_s, side, e.kind);
    }
    let s = serde_json::to_string(&t.subject).unwrap_or_default();
    println!("  subject     {s}");
    for n in &t.notes {
        println!("  note        {n}");
    }
}

fn evaluate(e: EvaluateArgs) -> ExitCode {
    use gaitline::evaluate as ev;
    let (clean, force_format) = match clean_options(&e.common) {
        Ok(x) => x,
        Err(m) => return usage(m),
    };
    if !(e.tolerance_ms > 0.0 && e.tolerance_ms.is_finite()) {
        return usage(format!("--tolerance-ms must be a positive number, got {}", e.tolerance_ms));
    }
    if !(e.force_threshold > 0.0 && e.force_threshold.is_finite()) {
        return usage(format!("--force-threshold must be a positive number of newtons, got {}", e.force_threshold));
    }
    // Inputs are collected exactly as `analyze` does.
    let mut a = AnalyzeArgs::parse_from(["analyze"]);
    a.inputs = e.inputs.clone();
    a.manifest = e.manifest.clone();
    let (specs, _) = match collect(&a) {
        Ok(x) => x,
        Err(m) => return usage(m),
    };
    if specs.is_empty() {
        return usage("no trials found in the inputs");
    }
    let opts = gaitline::events::EventOptions { force_threshold_n: e.force_threshold, ..Default::default() };
    let tol = e.tolerance_ms / 1000.0;
    use rayon::prelude::*;
    let results: Vec<Result<ev::TrialEval, String>> = specs
        .par_iter()
        .map(|s| {
            let t = pipeline::load_trial(s, force_format, &clean).map_err(|x| format!("{}: {x}", s.id))?;
            let an = pipeline::analyze_trial(&t, &opts);
            Ok(ev::evaluate_trial(&t, &an, &opts, tol))
        })
        .collect();
    let mut trials = Vec::new();
    let mut failed = 0;
    for r in results {
        match r {
            Ok(t) => trials.push(t),
            Err(m) => {
                failed += 1;
                eprintln!("FAILED  {m}");
            }
        }
    }
    print!("{}", ev::to_table(&trials, tol));
    if let Some(out) = &e.out
        && let Err(x) = gaitline::output::write_atomic(out, ev::to_csv(&trials, tol).as_bytes())
    {
        eprintln!("gaitline: {x}");
        return ExitCode::from(1);
    }
    if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

#[derive(Args, Debug)]
struct NormsArgs {
    #[command(subcommand)]
    action: NormsAction,
}

#[derive(Subcommand, Debug)]
enum NormsAction {
    /// Build a lab's normative bands (norms JSON or CSV for `analyze --norms`) from healthy trials.
    Build(NormsBuildArgs),
}

#[derive(Parser, Debug)]
struct NormsBuildArgs {
    /// Input files or folders of healthy trials.
    #[arg(required_unless_present = "manifest")]
    inputs: Vec<PathBuf>,
    /// The norms file to write: JSON when it ends in `.json`, else CSV `variable,pct,mean,sd`.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Manifest CSV naming each trial's files and subject data.
    #[arg(long, value_name = "CSV")]
    manifest: Option<PathBuf>,
    /// Static (calibration) trial for the given motion trial(s).
    #[arg(long = "static", value_name = "FILE")]
    static_file: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    #[command(flatten)]
    common: CommonArgs,
}

fn norms(a: NormsArgs) -> ExitCode {
    let NormsAction::Build(b) = a.action;
    let (clean, force) = match clean_options(&b.common) {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    let (mut specs, _) = match collect_inputs(&b.inputs, b.manifest.as_deref(), b.static_file.as_deref()) {
        Ok(x) => x,
        Err(e) => return usage(e),
    };
    pair_vsk(&mut specs, false);
    if specs.is_empty() {
        return usage("no motion trials found in the inputs");
    }
    if let Some(j) = b.jobs {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(j.max(1)).build_global();
    }
    use rayon::prelude::*;
    let results: Vec<_> = specs
        .par_iter()
        .map(|s| {
            let t = gaitline::pipeline::load_trial(s, force, &clean)?;
            let an = gaitline::pipeline::analyze_trial(&t, &Default::default());
            Ok::<_, gaitline::Error>((s.id.clone(), an))
        })
        .collect();
    let mut builder = gaitline::norms::Builder::new();
    let mut failed = 0;
    for (s, r) in specs.iter().zip(results) {
        match r {
            Ok((id, an)) => builder.add(&id, an.angle_cycles.as_ref(), &an.strides),
            Err(e) => {
                failed += 1;
                eprintln!("failed  {}: {e}", s.id);
            }
        }
    }
    match builder.to_file_text(&b.out) {
        Ok(text) => match gaitline::output::write_atomic(&b.out, text.as_bytes()) {
            Ok(()) => {
                eprintln!(
                    "norms from {} trials ({} limbs, {failed} failed) written to {}",
                    specs.len() - failed,
                    builder.limbs(),
                    b.out.display()
                );
                if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
            }
            Err(e) => {
                eprintln!("gaitline: {e}");
                ExitCode::from(1)
            }
        },
        Err(e) => {
            eprintln!("gaitline: norms build: {e}");
            ExitCode::from(1)
        }
    }
}
