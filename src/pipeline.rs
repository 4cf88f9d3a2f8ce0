//! The analysis pipeline for one trial and for a batch: read → clean → (later
//! stages) → write. IO happens only here and in `output`; every stage in
//! between is a pure function of the trial.

use crate::error::Error;
use crate::group::TrialSpec;
use crate::io;
use crate::model::{Format, Recording};
use crate::output::{self, metrics, summary};
use crate::trace::span;
use crate::trial::{self, CleanOptions, Trial};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Options of `gaitline analyze`.
#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    pub out: PathBuf,
    pub force_format: Option<Format>,
    pub clean: CleanOptions,
    pub plots: bool,
    pub events: crate::events::EventOptions,
    /// `--anonymize`: pseudonymous ids, no subject or file names in any
    /// output ([`crate::privacy`]); applied by [`load_trial_with`].
    pub anonymize: Option<crate::privacy::Anonymizer>,
    /// `--norms FILE`: normative bands for the charts ([`crate::report::norms`]).
    pub norms: Option<crate::report::norms::Norms>,
    /// `--only metrics`: tables only (metrics.json and the CSVs), no charts
    /// and no `report.html` (issue 8).
    pub tables_only: bool,
}

/// Read every file of a trial and clean it: the trial's files, its static
/// trial and the imbalance side-cars beside its files (dynamometer table, EMG
/// channel map, MVC recording). Pure apart from reading the files.
///
/// The files are read (and the static trial built) as rayon tasks on the
/// global pool, so a batch with fewer trials than threads uses the idle
/// threads (issue 8) and `--jobs N` still bounds the threads. The result does
/// not depend on the thread count: the recordings are merged in file order
/// and a failing file is reported as before, the first failure in file order.
/// (The static trial and the side-cars are now read even when a trial file
/// fails; that costs time only on a failing trial and changes no output.)
pub fn load_trial(spec: &TrialSpec, force: Option<Format>, clean: &CleanOptions) -> Result<Trial, Error> {
    let build_static = || {
        spec.static_file.as_ref().map(|s| {
            io::read_file(s, force).map(|r| trial::build(&format!("{}-static", spec.id), vec![r], &spec.subject, clean))
        })
    };
    let build_trial = || {
        let recs: Vec<Result<Recording, _>> = spec
            .files
            .par_iter()
            .map(|f| span(|| format!("load:read {}", f.display()), || io::read_file(f, force)))
            .collect();
        let recs = recs.into_iter().collect::<Result<Vec<Recording>, _>>()?;
        Ok::<_, Error>(span(|| "load:build".into(), || trial::build(&spec.id, recs, &spec.subject, clean)))
    };
    let ((t, sidecars), stat) =
        rayon::join(|| rayon::join(build_trial, || crate::imbalance::SideCars::read(&spec.files)), build_static);
    let mut t = t?;
    t.sidecars = sidecars;
    match stat {
        Some(Ok(st)) => {
            // Subject data found only in the static file (C3D PROCESSING) count too.
            let static_subject = st.subject.clone();
            t.subject.merge(&static_subject);
            t.static_trial = Some(Box::new(st));
        }
        Some(Err(e)) => t.notes.push(format!("static trial not used: {e}")),
        None => {}
    }
    Ok(t)
}

/// [`load_trial`] with the options of `analyze`: with `--anonymize` the trial
/// (or its error) leaves with a pseudonymous id and without subject or file
/// names, at the input edge, so that no later stage can write them.
pub fn load_trial_with(spec: &TrialSpec, opts: &AnalyzeOptions) -> Result<Trial, Error> {
    let r = load_trial(spec, opts.force_format, &opts.clean);
    match (&opts.anonymize, r) {
        (None, r) => r,
        (Some(a), Ok(mut t)) => {
            a.scrub_trial(&mut t, spec);
            Ok(t)
        }
        (Some(a), Err(e)) => Err(a.scrub_error(&e, spec)),
    }
}

/// The analysis stages of one trial: events, foot strikes, strides, angles,
/// EMG imbalance evidence.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub events: crate::events::GaitEvents,
    pub foot_strikes: crate::footstrike::FootStrikes,
    pub strides: Vec<crate::spatiotemporal::Stride>,
    /// Joint angles per frame: Plug-in Gait when the trial has the markers and
    /// the subject measurements, else CAST through the static trial
    /// (`JointAngles::model` names it); `angle_notes` says why not otherwise.
    pub angles: Option<crate::angles::JointAngles>,
    pub angle_cycles: Option<crate::angles::cycles::AngleCycles>,
    pub angle_notes: Vec<String>,
    /// Hamstring/quadriceps EMG evidence, when the trial has such channels.
    pub emg: Option<crate::imbalance::emg::EmgImbalance>,
    /// Imbalance and asymmetry findings from all evidence (issue 6).
    pub findings: Vec<crate::imbalance::findings::Finding>,
    /// Exercises and advice tied to the findings.
    pub recommendations: Vec<crate::imbalance::findings::Recommendation>,
    /// The rest of the imbalance stage: kinematic and dynamometer evidence,
    /// symmetry indices, notes.
    pub imbalance: crate::imbalance::Imbalance,
}

/// Run the analysis stages on a cleaned trial (pure: the imbalance side-cars
/// were read with the trial, [`Trial::sidecars`]).
pub fn analyze_trial(t: &Trial, o: &crate::events::EventOptions) -> Analysis {
    // Three independent branches on the pool (issue 8: one trial uses the
    // idle threads): events → foot strikes → strides; the joint angles; the
    // EMG envelopes. Each is a pure function of the trial, so the result does
    // not depend on which thread ran what.
    let ((events, foot_strikes, strides), ((angles, angle_notes), emg_prepared)) = rayon::join(
        || {
            let events = span(|| "events".into(), || crate::events::detect(t, o));
            let foot_strikes = span(|| "footstrike".into(), || crate::footstrike::analyze(t, &events));
            let strides = span(|| "strides".into(), || crate::spatiotemporal::strides(t, &events, &foot_strikes));
            (events, foot_strikes, strides)
        },
        || {
            rayon::join(
                || span(|| "angles".into(), || crate::angles::compute(t)),
                || span(|| "emg:envelopes".into(), || crate::imbalance::emg_prepare(t, &t.sidecars)),
            )
        },
    );
    let angle_cycles = angles.as_ref().map(|a| crate::angles::cycles::cut(a, &strides));
    let emg = span(|| "emg:cycles".into(), || emg_prepared.map(|p| crate::imbalance::emg::finish(t, &strides, p)));
    let imbalance = span(
        || "imbalance".into(),
        || crate::imbalance::assess(t, &strides, angle_cycles.as_ref(), events.mode, emg.as_ref(), &t.sidecars),
    );
    Analysis {
        events,
        foot_strikes,
        strides,
        angles,
        angle_cycles,
        angle_notes,
        emg,
        findings: imbalance.findings.clone(),
        recommendations: imbalance.recommendations.clone(),
        imbalance,
    }
}

/// What one trial of a batch produced.
#[derive(Debug)]
pub struct Outcome {
    pub id: String,
    pub files: Vec<PathBuf>,
    pub result: Result<summary::Row, Error>,
}

/// Analyse one trial and write its outputs under `opts.out/<id>/`.
pub fn analyze_one(spec: &TrialSpec, opts: &AnalyzeOptions) -> Result<summary::Row, Error> {
    let t = span(|| format!("load {}", spec.id), || load_trial_with(spec, opts))?;
    let a = span(|| "analysis".into(), || analyze_trial(&t, &opts.events));
    let mut m = span(|| "metrics".into(), || metrics::from_analysis(&t, &a));
    if let (Some(n), Some(c), Some(out)) = (&opts.norms, &a.angle_cycles, m.angles.as_mut()) {
        out.gait_profile = crate::norms::gait_profile(c, n);
    }
    let dir = opts.out.join(&t.id);
    // The tables are built and written while the charts render (issue 8);
    // each file is written whole or not at all, in this order, and a write
    // error is the first in this order, tables before the report.
    let cycles = a.angle_cycles.as_ref().filter(|c| c.cycles.iter().flatten().any(|v| !v.is_empty()));
    let stride_cycles = a.angle_cycles.as_ref().filter(|c| c.strides.iter().any(|v| !v.is_empty()));
    type Table<'a> = Option<(&'static str, Box<dyn Fn() -> Vec<u8> + Sync + 'a>)>;
    let tables: [Table; 6] = [
        Some(("metrics.json", Box::new(|| m.to_json()))),
        (!m.events.is_empty()).then(|| ("events.csv", Box::new(|| metrics::events_csv(&m)) as _)),
        (!a.strides.is_empty()).then(|| ("strides.csv", Box::new(|| metrics::strides_csv(&t, &a)) as _)),
        a.angles.as_ref().map(|ang| ("angles.csv", Box::new(|| metrics::angles_csv(&t, ang)) as _)),
        cycles.map(|c| ("cycles.csv", Box::new(|| metrics::cycles_csv(c)) as _)),
        stride_cycles.map(|c| ("stride_cycles.csv", Box::new(|| metrics::stride_cycles_csv(&t, c)) as _)),
    ];
    let write_tables = || -> Result<(), Error> {
        let built: Vec<(&str, Vec<u8>)> = tables.par_iter().flatten().map(|(name, f)| (*name, f())).collect();
        built.iter().try_for_each(|(name, bytes)| output::write_atomic(&dir.join(name), bytes))
    };
    let render = || (!opts.tables_only).then(|| span(|| "report".into(), || report_files(&t, &a, &m, opts)));
    let (written, report) = rayon::join(|| span(|| "write:tables".into(), write_tables), render);
    written?;
    if let Some(files) = report {
        let files = files?;
        span(
            || "write:report".into(),
            || {
                let r: Vec<Result<(), Error>> =
                    files.par_iter().map(|(name, bytes)| output::write_atomic(&dir.join(name), bytes)).collect();
                r.into_iter().collect::<Result<(), Error>>()
            },
        )?;
    }
    Ok(summary::Row {
        trial: t.id.clone(),
        status: "ok",
        error: String::new(),
        source_files: m.trial.source_files.clone(),
        marker_rate_hz: m.trial.marker_rate_hz,
        frames: t.frames,
        duration_s: m.trial.marker_rate_hz.map(|_| m.trial.duration_s),
        markers: t.markers.len(),
        marker_set: t.mapping.preset.clone(),
        vertical_axis: m.trial.lab_axes.as_ref().map(|l| l.vertical.clone()).unwrap_or_default(),
        progression: m.trial.lab_axes.as_ref().map(|l| l.progression.clone()).unwrap_or_default(),
        analog_channels: t.analogs.len(),
        file_events: t.file_events.len(),
        metrics: summary::metric_cells(&m),
    })
}

/// The report language of a trial: the subject's `lang` (`--lang`, else the
/// manifest's column), else English.
pub fn report_lang(subject: &crate::model::Subject) -> Result<&'static crate::report::i18n::Lang, Error> {
    use crate::report::i18n;
    subject
        .lang
        .as_deref()
        .and_then(i18n::get)
        .or_else(|| i18n::get("en"))
        .ok_or_else(|| Error::Other("no English report strings built in".into()))
}

/// The parameters of the run that the report lists.
fn report_params(opts: &AnalyzeOptions, lang: &crate::report::i18n::Lang) -> Vec<crate::report::html::Param> {
    use crate::report::html::{Param, ParamValue as V};
    let e = &opts.events;
    vec![
        Param { key: "max_gap", value: V::Num(opts.clean.max_gap_s, 3, "s") },
        Param { key: "force_threshold", value: V::Num(e.force_threshold_n, 0, "N") },
        Param { key: "use_file_events", value: V::Flag(e.use_file_events) },
        Param { key: "walk_filter", value: V::Num(e.walk_filter.cutoff_hz, 0, "Hz") },
        Param { key: "run_filter", value: V::Num(e.run_filter.cutoff_hz, 0, "Hz") },
        Param { key: "charts", value: V::Flag(opts.plots) },
        Param { key: "norms", value: V::Flag(opts.norms.is_some()) },
        Param { key: "anonymized", value: V::Flag(opts.anonymize.is_some()) },
        Param { key: "language", value: V::Text(lang.code.clone()) },
    ]
}

/// The report of one trial as (file name, bytes): every chart as
/// `<name>.png` (none with `--no-plots`) and `report.html` (issue 7). Pure;
/// the caller writes the files.
pub fn report_files(
    t: &Trial,
    a: &Analysis,
    m: &metrics::Metrics,
    opts: &AnalyzeOptions,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    use crate::report::html::{Figure, ReportInput, render};
    let lang = report_lang(&t.subject)?;
    let charts = if opts.plots {
        span(|| "report:charts".into(), || crate::report::charts::all(t, a, lang, opts.norms.as_ref()))?
    } else {
        Vec::new()
    };
    let figures: Vec<Figure> = charts
        .iter()
        .map(|c| Figure { name: c.name, title_key: c.title_key, png: &c.png, width: c.width, height: c.height })
        .collect();
    let params = report_params(opts, lang);
    let html =
        span(|| "report:html".into(), || render(&ReportInput { metrics: m, figures: &figures, params: &params, lang }));
    let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(charts.len() + 1);
    files.push(("report.html".into(), html.into_bytes()));
    files.extend(charts.into_iter().map(|c| (format!("{}.png", c.name), c.png)));
    Ok(files)
}

/// Analyse trials in parallel (rayon); outcomes come back in input order, so
/// the summary is the same whatever the thread count.
pub fn analyze_batch(specs: &[TrialSpec], opts: &AnalyzeOptions) -> Vec<Outcome> {
    specs
        .par_iter()
        .map(|s| Outcome { id: s.id.clone(), files: s.files.clone(), result: analyze_one(s, opts) })
        .collect()
}

/// Write `summary.csv` for a batch (failures included).
pub fn write_summary(out: &Path, outcomes: &[Outcome]) -> Result<(), Error> {
    let rows: Vec<summary::Row> = outcomes
        .iter()
        .map(|o| match &o.result {
            Ok(r) => r.clone(),
            Err(e) => summary::Row {
                trial: o.id.clone(),
                status: "failed",
                error: e.to_string(),
                source_files: o.files.iter().map(|p| p.display().to_string()).collect(),
                ..Default::default()
            },
        })
        .collect();
    output::write_atomic(&out.join("summary.csv"), &summary::to_csv(&rows)?)?;
    // index.html in the trials' common report language, else English.
    let mut langs = rows.iter().filter_map(|r| r.metric("lang"));
    let first = langs.next().unwrap_or("en");
    let code = if langs.all(|c| c == first) { first } else { "en" };
    let lang = crate::report::i18n::get(code)
        .or_else(|| crate::report::i18n::get("en"))
        .ok_or_else(|| Error::Other("no English report strings built in".into()))?;
    let has_report = |id: &str| out.join(id).join("report.html").is_file();
    output::write_atomic(&out.join("index.html"), crate::report::index::render(&rows, lang, &has_report).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files of a trial are read in parallel, yet the error is the first
    /// failing file's in file order, whichever fails first in time: here the
    /// first file fails only at its last row, the second at once (empty).
    #[test]
    fn load_trial_reports_the_first_failing_file_in_file_order() {
        let dir = std::env::temp_dir().join(format!("gaitline-load-order-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let slow = dir.join("t.txt");
        let mut text = String::from("time\tLHEE_X\tLHEE_Y\tLHEE_Z\n");
        for i in 0..200_000 {
            text.push_str(&format!("{}\t0.1\t0.2\t0.3\n", i as f64 / 100.0));
        }
        text.push_str("2000\t0.1");
        std::fs::write(&slow, text).unwrap();
        let fast = dir.join("t_forces.txt");
        std::fs::write(&fast, b"").unwrap();
        let spec = TrialSpec {
            id: "t".into(),
            files: vec![slow.clone(), fast.clone()],
            static_file: None,
            subject: Default::default(),
        };
        let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
        for _ in 0..3 {
            let r = pool.install(|| load_trial(&spec, None, &CleanOptions::default()));
            match r {
                Err(Error::Read(e)) => assert_eq!(e.path, slow, "{e}"),
                other => panic!("expected the first file's read error, got {other:?}"),
            }
        }
        // And the second file's error when the first is fine.
        let spec = TrialSpec { files: vec![fast.clone(), slow.clone()], ..spec };
        match pool.install(|| load_trial(&spec, None, &CleanOptions::default())) {
            Err(Error::Read(e)) => assert_eq!(e.path, fast, "{e}"),
            other => panic!("expected the empty file's read error, got {other:?}"),
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
