//! Vicon CSV reader: the Nexus 2 export (`Events`, `Devices`, `Trajectories`,
//! `Model Outputs`, `Joints`, `Segments` sections) and the older Vicon
//! Workstation export (free-text preamble, `TRAJECTORIES` / `ANALOG` sections,
//! a `100,Hz` rate line and a `Field #` header).
//!
//! Layout of a numeric section (Nexus):
//!
//! ```text
//! Trajectories                      <- title
//! 100                               <- rate (Hz); Workstation: `100,Hz`
//! ,,Subj:LASI,,,Subj:RASI,,,        <- names, one per group of columns
//! Frame,Sub Frame,X,Y,Z,X,Y,Z       <- components (Workstation: `Field #,X,Y,Z`)
//! ,,mm,mm,mm,mm,mm,mm               <- units (absent in Workstation files)
//! 1,0,1.5,2.5,3.5,,,                <- data; an empty cell is a gap
//! ```
//!
//! Sections end at a blank line (or a line of only commas). Every line may be
//! padded with commas. Values are converted to SI (mm -> m, N.mm -> N.m,
//! mV -> V); angles stay in degrees.

// `ReadError` is the crate's error type (path + position + kind); boxing it
// here alone would not help callers.

use crate::error::{Position, ReadError, ReadErrorKind};
use crate::io::text::{self, Lines};
use crate::model::{
    AnalogChannel, ChannelKind, EventKind, FileEvent, ForcePlate, Format, Marker, PointData, Recording,
    ReferenceSeries, Side,
};
use std::borrow::Cow;
use std::path::Path;

/// The section kinds a Vicon CSV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Events,
    Devices,
    Trajectories,
    ModelOutputs,
    Joints,
    Segments,
}

impl Kind {
    fn from_title(cell: &str) -> Option<Kind> {
        Some(match cell.trim().to_ascii_lowercase().as_str() {
            "events" => Kind::Events,
            "devices" | "analog" => Kind::Devices,
            "trajectories" => Kind::Trajectories,
            "model outputs" => Kind::ModelOutputs,
            "joints" => Kind::Joints,
            "segments" => Kind::Segments,
            _ => return None,
        })
    }
    /// Whether rows are one per frame (so frame numbers must increase by one).
    fn per_frame(self) -> bool {
        !matches!(self, Kind::Devices | Kind::Events)
    }
}

/// One line of the file with its 1-based number.
struct Line<'a> {
    no: u64,
    text: Cow<'a, str>,
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b',' | b' ' | b'\t' | b';'))
}

fn first_cell(s: &str) -> &str {
    s.split(',').next().unwrap_or("").trim()
}

/// Number of fields up to the last non-empty one.
fn used_width(cells: &[&str]) -> usize {
    cells.iter().rposition(|c| !c.trim().is_empty()).map_or(0, |i| i + 1)
}

fn wrong_delimiter(path: &Path, line: &Line) -> Option<ReadError> {
    let ch = line.text.chars().find(|&c| c == ';' || c == '\t')?;
    let shown = if ch == '\t' { "a tab".to_string() } else { format!("{ch:?}") };
    Some(ReadError::new(
        path,
        Position::line(line.no),
        ReadErrorKind::WrongDelimiter(format!("found {shown} where ',' is expected")),
    ))
}

/// A section title on its own: the first cell names a section and every other
/// cell is empty. `Err` when the title is padded with `;` or tabs.
fn title_of(path: &Path, line: &Line) -> Result<Option<Kind>, ReadError> {
    let t = line.text.trim();
    let word = t.trim_end_matches([',', ';', '\t', ' ']);
    let Some(kind) = Kind::from_title(word) else {
        return Ok(None);
    };
    let padding = &t[word.len()..];
    if padding.contains([';', '\t']) {
        return Err(wrong_delimiter(path, line).expect("padding holds ';' or a tab"));
    }
    Ok(Some(kind))
}

/// Units converted to SI: (unit written, factor).
fn si_unit(unit: &str) -> (String, f64) {
    let u = unit.trim();
    let (si, f) = match u {
        "mm" => ("m", 1e-3),
        "cm" => ("m", 1e-2),
        "N.mm" | "Nmm" | "N mm" | "Nmm/m" => ("N.m", 1e-3),
        "Nm" | "N.m" => ("N.m", 1.0),
        "N.mm/kg" | "Nmm/kg" => ("N.m/kg", 1e-3),
        "mm/kg" => ("m/kg", 1e-3),
        "mV" => ("V", 1e-3),
        "uV" | "µV" => ("V", 1e-6),
        "mm/s" => ("m/s", 1e-3),
        "mm/s^2" | "mm/s2" => ("m/s^2", 1e-3),
        _ => return (u.to_string(), 1.0),
    };
    (si.to_string(), f)
}

/// One data column of a numeric section.
struct Column {
    /// 0-based field index in the file.
    col: usize,
    /// Name (group) as written, e.g. `BELT_C:LASI` or `Force Plate #1 - Force`.
    name: String,
    component: String,
    unit: String,
    /// The name errors carry (marker, output or channel name).
    field: String,
    data: Vec<f64>,
}

/// A numeric section after reading.
struct Table {
    kind: Kind,
    title_line: u64,
    comp_line: u64,
    rate: f64,
    has_units: bool,
    columns: Vec<Column>,
    first_frame: i64,
    first_sub: i64,
    /// Largest sub-frame number seen plus one (samples per frame).
    subs_per_frame: i64,
    rows: usize,
}

struct Reader<'p, 'a> {
    path: &'p Path,
    lines: Vec<Line<'a>>,
    /// Budget of cells (rows x columns) that may be invented when frame
    /// numbers skip: the file's size, so that gaps never cost more memory
    /// than the data could.
    fill_budget: usize,
    /// The file lacks a final line break (its last number may be cut off).
    unterminated: bool,
    notes: Vec<String>,
}

/// Read one Vicon CSV file from its bytes.
pub fn read(path: &Path, bytes: &[u8]) -> Result<Recording, ReadError> {
    let lines = split_lines(bytes);
    let unterminated = !matches!(bytes.last(), Some(b'\n' | b'\r'));
    let mut r = Reader { path, lines, fill_budget: bytes.len(), unterminated, notes: Vec::new() };
    r.run()
}

/// The file's lines, numbered as [`Lines`] numbers them. Fast path for valid
/// UTF-8 without lone `\r`: one validation pass and a memchr split, instead of
/// a byte loop and a UTF-8 check per line.
fn split_lines(bytes: &[u8]) -> Vec<Line<'_>> {
    let slow = || Lines::new(bytes).map(|(no, text)| Line { no, text }).collect();
    let Ok(s) = std::str::from_utf8(text::strip_bom(bytes)) else {
        return slow();
    };
    let s = s.strip_suffix('\n').unwrap_or(s);
    if s.is_empty() {
        return slow();
    }
    let mut out = Vec::new();
    for (k, l) in s.split('\n').enumerate() {
        let l = l.strip_suffix('\r').unwrap_or(l);
        if l.contains('\r') {
            return slow();
        }
        out.push(Line { no: k as u64 + 1, text: Cow::Borrowed(l) });
    }
    out
}

impl<'p, 'a> Reader<'p, 'a> {
    fn err(&self, pos: Position, kind: ReadErrorKind) -> ReadError {
        ReadError::new(self.path, pos, kind)
    }

    fn blank_at(&self, i: usize) -> bool {
        self.lines.get(i).is_none_or(|l| is_blank(&l.text))
    }

    /// Whether any non-blank line follows index `i`.
    fn more_after(&self, i: usize) -> bool {
        self.lines[i + 1..].iter().any(|l| !is_blank(&l.text))
    }

    fn run(&mut self) -> Result<Recording, ReadError> {
        let mut old_dialect = false;
        let mut sections: Vec<&'static str> = Vec::new();
        let mut events = Vec::new();
        let mut tables: Vec<Table> = Vec::new();
        let mut preamble = 0usize;
        let mut i = 0;
        while i < self.lines.len() {
            if self.blank_at(i) {
                i += 1;
                continue;
            }
            let kind = title_of(self.path, &self.lines[i])?;
            let Some(kind) = kind else {
                if sections.is_empty() {
                    // Workstation preamble (Title, Date:, Notes:, ...).
                    preamble += 1;
                } else {
                    let l = &self.lines[i];
                    self.notes.push(format!("line {}: skipped unknown section {:?}", l.no, first_cell(&l.text)));
                }
                while !self.blank_at(i) {
                    i += 1;
                }
                continue;
            };
            let word = first_cell(&self.lines[i].text);
            if word.chars().all(|c| !c.is_ascii_lowercase()) {
                old_dialect = true;
            }
            sections.push(match kind {
                Kind::Events => "Events",
                Kind::Devices => "Devices",
                Kind::Trajectories => "Trajectories",
                Kind::ModelOutputs => "Model Outputs",
                Kind::Joints => "Joints",
                Kind::Segments => "Segments",
            });
            i = if kind == Kind::Events {
                self.events(i, &mut events)?
            } else {
                let (t, next) = self.table(kind, i)?;
                tables.push(t);
                next
            };
        }
        if sections.is_empty() {
            return Err(self.err(
                Position::default(),
                ReadErrorKind::MissingHeader("a section title (Trajectories, Devices, Model Outputs, ...)".into()),
            ));
        }
        if preamble > 0 {
            old_dialect = true;
        }
        if tables.is_empty() {
            return Err(self.err(Position::default(), ReadErrorKind::NoFrames));
        }
        let dialect = if old_dialect { "Vicon Workstation CSV" } else { "Vicon Nexus CSV" };
        let mut rec = Recording::new(self.path, Format::ViconCsv, dialect);
        rec.events = events;
        self.notes.insert(0, format!("sections: {}", sections.join(", ")));
        self.assemble(&mut rec, tables);
        rec.notes = std::mem::take(&mut self.notes);
        Ok(rec)
    }

    /// The `Events` section starting at title index `t`; returns the index after it.
    fn events(&self, t: usize, out: &mut Vec<FileEvent>) -> Result<usize, ReadError> {
        let title = self.lines[t].no;
        let h = t + 1;
        if self.blank_at(h) {
            return Err(
                self.err(Position::line(title), ReadErrorKind::MissingHeader("the Events column header row".into()))
            );
        }
        let header: Vec<&str> = self.lines[h].text.split(',').map(str::trim).collect();
        let find = |names: &[&str]| header.iter().position(|c| names.iter().any(|n| c.eq_ignore_ascii_case(n)));
        let time_col = find(&["Time (s)", "Time", "Time(s)"]);
        let name_col = find(&["Name", "Label"]);
        let (Some(time_col), Some(name_col)) = (time_col, name_col) else {
            if let Some(e) = wrong_delimiter(self.path, &self.lines[h]) {
                return Err(e);
            }
            return Err(self.err(
                Position::line(self.lines[h].no),
                ReadErrorKind::MissingHeader("Name and Time (s) columns in the Events header".into()),
            ));
        };
        let subject_col = find(&["Subject"]);
        let context_col = find(&["Context"]);
        let need = time_col.max(name_col) + 1;
        let mut i = h + 1;
        while !self.blank_at(i) {
            let line = &self.lines[i];
            let cells: Vec<&str> = line.text.split(',').collect();
            if cells.len() < need {
                if let Some(e) = wrong_delimiter(self.path, line) {
                    return Err(e);
                }
                let kind = if self.more_after(i) {
                    ReadErrorKind::FieldCount { expected: need, found: cells.len() }
                } else {
                    ReadErrorKind::Truncated(format!("last event row has {} of {need} fields", cells.len()))
                };
                return Err(self.err(Position::line(line.no), kind));
            }
            let time_s = text::parse_f64(cells[time_col], self.path, line.no, time_col as u64 + 1)
                .map_err(|e| with_field(e, header[time_col]))?;
            let cell = |c: Option<usize>| c.and_then(|c| cells.get(c)).map(|s| s.trim());
            out.push(FileEvent {
                side: cell(context_col).and_then(Side::from_label),
                kind: EventKind::from_label(cells[name_col]),
                time_s,
                subject: cell(subject_col).filter(|s| !s.is_empty()).map(str::to_string),
            });
            i += 1;
        }
        Ok(i)
    }

    /// A numeric section starting at title index `t`.
    fn table(&mut self, kind: Kind, t: usize) -> Result<(Table, usize), ReadError> {
        let path = self.path;
        let title_line = self.lines[t].no;
        let section = first_cell(&self.lines[t].text).to_string();
        let missing = |what: &str| {
            ReadError::new(
                path,
                Position::line(title_line),
                ReadErrorKind::MissingHeader(format!("{what} in the {section} section")),
            )
        };
        // Rate line: `100`, `100,Hz` or `1000,,,,`.
        let r = t + 1;
        if self.blank_at(r) {
            return Err(missing("the sampling rate line"));
        }
        let rate_line = &self.lines[r];
        if let Some(e) = wrong_delimiter(path, rate_line) {
            return Err(e);
        }
        let rate_cell = first_cell(&rate_line.text);
        if rate_cell.is_empty() || lead_word(rate_cell) {
            return Err(missing("the sampling rate line"));
        }
        let rate = text::parse_f64(rate_cell, path, rate_line.no, 1).map_err(|e| with_field(e, "rate"))?;
        if rate.is_nan() || rate <= 0.0 || rate > text::MAX_RATE_HZ {
            return Err(self.err(
                Position::cell(rate_line.no, 1).with_field("rate"),
                ReadErrorKind::BadValue(format!("sampling rate {rate} Hz (must be positive and at most 1 MHz)")),
            ));
        }
        // Header rows up to the first data row.
        let mut i = r + 1;
        let mut header: Vec<usize> = Vec::new();
        while !self.blank_at(i) {
            let l = &self.lines[i];
            if let Some(e) = wrong_delimiter(path, l) {
                return Err(e);
            }
            let c = first_cell(&l.text);
            if !c.is_empty() && !lead_word(c) && c.parse::<f64>().is_ok() {
                break;
            }
            header.push(i);
            i += 1;
            if header.len() > 3 {
                break;
            }
        }
        let Some(ci) = header.iter().position(|&h| lead_word(first_cell(&self.lines[h].text))) else {
            return Err(missing("the Frame / Field # header row"));
        };
        if ci > 1 || header.len() > ci + 2 {
            let extra = if ci > 1 { header[0] } else { header[ci + 2] };
            return Err(self.err(
                Position::line(self.lines[extra].no),
                ReadErrorKind::Format(format!("unexpected header row in the {section} section")),
            ));
        }
        let comp_idx = header[ci];
        let comp_line = self.lines[comp_idx].no;
        let comps: Vec<&str> = self.lines[comp_idx].text.split(',').map(str::trim).collect();
        let names: Vec<&str> = match ci {
            1 => self.lines[header[0]].text.split(',').map(str::trim).collect(),
            _ => Vec::new(),
        };
        let units: Vec<&str> = match header.get(ci + 1) {
            Some(&u) => self.lines[u].text.split(',').map(str::trim).collect(),
            None => Vec::new(),
        };
        let lead = comps.iter().take_while(|c| lead_word(c)).count();
        let sub_col = comps[..lead].iter().position(|c| c.eq_ignore_ascii_case("Sub Frame"));
        let width = used_width(&comps);
        let span = width.max(used_width(&names));
        if span <= lead {
            return Err(missing("data columns"));
        }

        // Columns: a name applies to its own column and those after it up to
        // the next name.
        let mut columns: Vec<Column> = Vec::new();
        let mut current = String::new();
        for c in lead..span {
            if let Some(n) = names.get(c).filter(|n| !n.is_empty()) {
                current = n.to_string();
            }
            let component = comps.get(c).copied().unwrap_or("");
            if names.is_empty() && component.is_empty() {
                continue;
            }
            if !names.is_empty() && current.is_empty() {
                return Err(self.err(
                    Position::cell(self.lines[header[0]].no, c as u64 + 1),
                    ReadErrorKind::MissingHeader(format!("a name above column {} in the {section} section", c + 1)),
                ));
            }
            let name = if names.is_empty() { component.to_string() } else { current.clone() };
            columns.push(Column {
                col: c,
                field: name.clone(),
                name,
                component: component.to_string(),
                unit: units.get(c).copied().unwrap_or("").to_string(),
                data: Vec::new(),
            });
        }
        if kind == Kind::Trajectories {
            self.check_xyz(&columns, comp_line)?;
        }
        if kind == Kind::Devices {
            name_channels(&mut columns);
        }

        // Data rows.
        let mut table = Table {
            kind,
            title_line,
            comp_line,
            rate,
            has_units: !units.is_empty(),
            columns,
            first_frame: 0,
            first_sub: 0,
            subs_per_frame: 1,
            rows: 0,
        };
        // Field index -> column index, for the data rows.
        let mut target: Vec<Option<usize>> = vec![None; width];
        for (k, c) in table.columns.iter().enumerate() {
            if c.col < width {
                target[c.col] = Some(k);
            }
        }
        let mut prev_frame: Option<i64> = None;
        while !self.blank_at(i) {
            let line = &self.lines[i];
            // Any error in a row that holds ';' or a tab is a delimiter error.
            let delim = |e: ReadError| wrong_delimiter(path, line).unwrap_or(e);
            let mut cells = Cells::new(&line.text);
            for f in 0..width {
                let Some(cell) = cells.next() else {
                    let kind = if self.more_after(i) {
                        ReadErrorKind::FieldCount { expected: width, found: f }
                    } else {
                        ReadErrorKind::Truncated(format!("last row has {f} of {width} fields"))
                    };
                    return Err(delim(self.err(Position::line(line.no), kind)));
                };
                if f < lead {
                    if f == 0 || Some(f) == sub_col {
                        let v = parse_int(cell, path, line.no, f as u64 + 1, comps[f]).map_err(delim)?;
                        if f == 0 {
                            if let Some(p) = prev_frame.filter(|_| table.kind.per_frame()) {
                                Self::fill_skipped(
                                    path,
                                    &mut self.fill_budget,
                                    &mut self.notes,
                                    &mut table,
                                    (p, v),
                                    line.no,
                                )?;
                            }
                            prev_frame = Some(v);
                            if table.rows == 0 {
                                table.first_frame = v;
                            }
                        } else {
                            if table.rows == 0 {
                                table.first_sub = v;
                            }
                            table.subs_per_frame = table.subs_per_frame.max(v.saturating_add(1));
                        }
                    }
                    continue;
                }
                let Some(k) = target[f] else { continue };
                // Plain decimals through the byte fast path shared with the
                // delimited/TRC/MOT/ANC readers (`delimited::parse_decimal`:
                // Clinger's exact case, bit-identical to `str::parse`).
                let v = if cell.is_empty() {
                    f64::NAN
                } else if let Some(v) = super::delimited::parse_decimal(cell.as_bytes()) {
                    v
                } else {
                    match cell.parse::<f64>() {
                        Ok(v) if v.is_finite() => v,
                        _ => text::parse_opt_f64(cell, path, line.no, f as u64 + 1)
                            .map_err(|mut e| {
                                // The last cell of an unterminated file: a number cut off.
                                if self.unterminated && f + 1 == width && !self.more_after(i) {
                                    e.kind = ReadErrorKind::Truncated(format!("number cut off: {:?}", cell.trim()));
                                }
                                delim(with_field(e, &table.columns[k].field))
                            })?
                            .unwrap_or(f64::NAN),
                    }
                };
                table.columns[k].data.push(v);
            }
            // Padding after the last column must be empty.
            if cells.rest().is_some_and(|r| !is_blank(r)) {
                let all: Vec<&str> = line.text.split(',').collect();
                let first = width + all[width..].iter().position(|c| !c.trim().is_empty()).unwrap_or(0);
                let e = self.err(
                    Position::cell(line.no, first as u64 + 1),
                    ReadErrorKind::FieldCount { expected: width, found: used_width(&all) },
                );
                return Err(delim(e));
            }
            table.rows += 1;
            i += 1;
        }
        if table.rows == 0 {
            return Err(self.err(Position::line(title_line).with_field(section), ReadErrorKind::NoFrames));
        }
        Ok((table, i))
    }

    /// Frame numbers of per-frame sections must rise; skipped frames become
    /// gaps, as many cells (rows x columns) as the file has bytes at most.
    fn fill_skipped(
        path: &Path,
        budget: &mut usize,
        notes: &mut Vec<String>,
        table: &mut Table,
        (prev, frame): (i64, i64),
        line: u64,
    ) -> Result<(), ReadError> {
        if frame == prev.saturating_add(1) {
            return Ok(());
        }
        let skipped = frame.saturating_sub(prev).saturating_sub(1);
        if frame <= prev {
            return Err(ReadError::new(
                path,
                Position::cell(line, 1).with_field("Frame"),
                ReadErrorKind::BadValue(format!("frame {frame} follows frame {prev}")),
            ));
        }
        let cells = (skipped as u64).saturating_mul(table.columns.len().max(1) as u64);
        if cells > *budget as u64 {
            return Err(ReadError::new(
                path,
                Position::cell(line, 1).with_field("Frame"),
                ReadErrorKind::BadValue(format!(
                    "frame {frame} follows frame {prev}: {skipped} missing frames are too many to fill as gaps"
                )),
            ));
        }
        let skipped = skipped as usize;
        *budget -= cells as usize;
        for c in &mut table.columns {
            c.data.extend(std::iter::repeat_n(f64::NAN, skipped));
        }
        table.rows += skipped;
        notes.push(format!("line {line}: frames {}..={} are missing; filled as gaps", prev + 1, frame - 1));
        Ok(())
    }

    /// Every trajectory name needs an X, a Y and a Z column.
    fn check_xyz(&self, columns: &[Column], comp_line: u64) -> Result<(), ReadError> {
        let mut k = 0;
        while k < columns.len() {
            let name = &columns[k].name;
            let end = k + columns[k..].iter().take_while(|c| &c.name == name).count();
            for axis in ['X', 'Y', 'Z'] {
                let n = columns[k..end].iter().filter(|c| c.component.eq_ignore_ascii_case(&axis.to_string())).count();
                if n != 1 {
                    let kind = if n == 0 {
                        ReadErrorKind::MissingComponent { marker: name.clone(), axis }
                    } else {
                        ReadErrorKind::Format(format!("marker {name:?} has {n} {axis} columns"))
                    };
                    return Err(self.err(Position::cell(comp_line, columns[k].col as u64 + 1), kind));
                }
            }
            k = end;
        }
        Ok(())
    }

    /// Turn the section tables into the recording's points, analogs and
    /// reference series.
    fn assemble(&mut self, rec: &mut Recording, tables: Vec<Table>) {
        // One subject prefix across all names: strip it and name the subject.
        let mut subjects: Vec<&str> = Vec::new();
        for t in tables.iter().filter(|t| t.kind != Kind::Devices) {
            for c in &t.columns {
                if let Some((s, _)) = c.name.split_once(':')
                    && !subjects.contains(&s)
                {
                    subjects.push(s);
                }
            }
        }
        let strip = subjects.len() == 1;
        if strip {
            rec.subject.name = Some(subjects[0].to_string());
        } else if subjects.len() > 1 {
            self.notes.push(format!(
                "{} subjects ({}): names keep their Subject: prefix",
                subjects.len(),
                subjects.join(", ")
            ));
        }
        let short = |n: &str| -> String {
            match n.split_once(':') {
                Some((_, rest)) if strip => rest.to_string(),
                _ => n.to_string(),
            }
        };
        let point_rate = tables.iter().find(|t| t.kind.per_frame()).map(|t| t.rate);
        for t in &tables {
            let time0 = (t.first_frame as f64 - 1.0) / t.rate;
            match t.kind {
                Kind::Trajectories => {
                    let mut markers = Vec::new();
                    let mut k = 0;
                    while k < t.columns.len() {
                        let name = &t.columns[k].name;
                        let end = k + t.columns[k..].iter().take_while(|c| &c.name == name).count();
                        let group = &t.columns[k..end];
                        let unit = group[0].unit.as_str();
                        let bare = short(name);
                        // Workstation files list model outputs (angles etc.) as
                        // trajectories, without units.
                        if !t.has_units && is_model_output_name(&bare) {
                            let unit = if bare.ends_with("Angles") || bare.ends_with("Angle") { "deg" } else { "" };
                            for c in group {
                                rec.reference.push(ReferenceSeries {
                                    name: bare.clone(),
                                    component: c.component.to_ascii_uppercase(),
                                    unit: unit.into(),
                                    rate_hz: t.rate,
                                    time0_s: time0,
                                    data: c.data.clone(),
                                });
                            }
                            k = end;
                            continue;
                        }
                        let f = if unit.is_empty() { 1e-3 } else { si_unit(unit).1 };
                        let col = |a: &str| group.iter().find(|c| c.component.eq_ignore_ascii_case(a));
                        let (x, y, z) = (col("X"), col("Y"), col("Z"));
                        let (Some(x), Some(y), Some(z)) = (x, y, z) else {
                            k = end;
                            continue; // checked in check_xyz
                        };
                        let xyz = (0..t.rows)
                            .map(|r| {
                                let p = [x.data[r], y.data[r], z.data[r]];
                                if p.iter().all(|v| v.is_finite()) {
                                    [p[0] * f, p[1] * f, p[2] * f]
                                } else {
                                    [f64::NAN; 3]
                                }
                            })
                            .collect();
                        markers.push(Marker { name: bare, xyz });
                        k = end;
                    }
                    if rec.points.is_some() {
                        self.notes.push(format!("line {}: a second Trajectories section was ignored", t.title_line));
                        continue;
                    }
                    if !t.has_units {
                        self.notes
                            .push(format!("line {}: trajectories have no units row; millimetres assumed", t.comp_line));
                    }
                    rec.points = Some(PointData {
                        rate_hz: t.rate,
                        first_frame: t.first_frame,
                        time0_s: time0,
                        frames: t.rows,
                        markers,
                    });
                }
                Kind::Devices => {
                    let frame_rate = point_rate.unwrap_or(t.rate / t.subs_per_frame.max(1) as f64);
                    let time0 = (t.first_frame as f64 - 1.0) / frame_rate + t.first_sub as f64 / t.rate;
                    let mut plates: Vec<(String, Vec<(usize, String)>)> = Vec::new();
                    for c in &t.columns {
                        let (unit, f) = si_unit(&c.unit);
                        let plate = plate_device(&c.name);
                        let kind = if plate.is_some() {
                            ChannelKind::ForcePlate
                        } else {
                            ChannelKind::guess(&c.field, &c.unit)
                        };
                        if let Some(dev) = plate {
                            let rank = plate_rank(&c.component);
                            match plates.iter_mut().find(|(d, _)| *d == dev) {
                                Some((_, chans)) => chans.push((rank, c.field.clone())),
                                None => plates.push((dev, vec![(rank, c.field.clone())])),
                            }
                        }
                        rec.analogs.push(AnalogChannel {
                            name: c.field.clone(),
                            unit,
                            rate_hz: t.rate,
                            time0_s: time0,
                            kind,
                            data: c.data.iter().map(|v| v * f).collect(),
                        });
                    }
                    for (_, mut chans) in plates {
                        chans.sort_by_key(|(rank, _)| *rank);
                        rec.force_plates.push(ForcePlate {
                            plate_type: 0,
                            corners: [[f64::NAN; 3]; 4],
                            origin: [0.0; 3],
                            channels: chans.into_iter().map(|(_, n)| n).collect(),
                            cal_matrix: Vec::new(),
                        });
                    }
                }
                Kind::ModelOutputs | Kind::Joints | Kind::Segments => {
                    for c in &t.columns {
                        let (unit, f) = si_unit(&c.unit);
                        rec.reference.push(ReferenceSeries {
                            name: short(&c.name),
                            component: c.component.clone(),
                            unit,
                            rate_hz: t.rate,
                            time0_s: time0,
                            data: c.data.iter().map(|v| v * f).collect(),
                        });
                    }
                }
                Kind::Events => {}
            }
        }
        if !rec.force_plates.is_empty() {
            self.notes.push(format!(
                "{} force plate(s) from Devices: global forces (plate type 0), corners unknown",
                rec.force_plates.len()
            ));
        }
    }
}

/// The fields of a line, split on `,` without allocating.
struct Cells<'s> {
    s: &'s str,
    pos: Option<usize>,
}

impl<'s> Cells<'s> {
    fn new(s: &'s str) -> Self {
        Cells { s, pos: Some(0) }
    }
    /// The unsplit rest of the line after the fields returned so far, if any.
    fn rest(&self) -> Option<&'s str> {
        self.pos.map(|p| &self.s[p..])
    }
}

impl<'s> Iterator for Cells<'s> {
    type Item = &'s str;
    fn next(&mut self) -> Option<&'s str> {
        let p = self.pos?;
        let rest = &self.s[p..];
        // A byte loop: cells are short, so this beats a memchr call per cell.
        match rest.bytes().position(|b| b == b',') {
            Some(k) => {
                self.pos = Some(p + k + 1);
                Some(&rest[..k])
            }
            None => {
                self.pos = None;
                Some(rest)
            }
        }
    }
}

/// The first cells of a Frame header row.
fn lead_word(c: &str) -> bool {
    ["Frame", "Sub Frame", "Field #", "Sample #", "Field", "Sample"].iter().any(|w| c.trim().eq_ignore_ascii_case(w))
}

fn with_field(mut e: ReadError, field: &str) -> ReadError {
    e.pos.field = Some(field.to_string());
    e
}

fn parse_int(cell: &str, path: &Path, line: u64, col: u64, field: &str) -> Result<i64, ReadError> {
    if let Ok(v) = cell.trim().parse::<i64>() {
        return Ok(v);
    }
    let v = text::parse_f64(cell, path, line, col).map_err(|e| with_field(e, field))?;
    if v.fract() == 0.0 && v.abs() < 1e15 {
        Ok(v as i64)
    } else {
        Err(with_field(
            ReadError::new(path, Position::cell(line, col), ReadErrorKind::BadNumber(cell.trim().to_string())),
            field,
        ))
    }
}

/// The device of a Devices group label (`Force Plate #1 - Force` ->
/// `Force Plate #1`), and whether it is a force plate.
fn device_of(label: &str) -> &str {
    match label.rsplit_once(" - ") {
        Some((dev, _)) => dev.trim(),
        None => label.trim(),
    }
}

fn plate_device(label: &str) -> Option<String> {
    let dev = device_of(label);
    let d = dev.to_ascii_lowercase();
    let output = label.rsplit_once(" - ").map_or("", |(_, o)| o.trim());
    let plate = ["force", "plate", "treadmill"].iter().any(|w| d.contains(w))
        || ["force", "moment", "cop"].iter().any(|w| output.eq_ignore_ascii_case(w));
    plate.then(|| dev.to_string())
}

/// Order of a force-plate component: Fx Fy Fz Mx My Mz Cx Cy Cz, others last.
fn plate_rank(component: &str) -> usize {
    const ORDER: [&str; 9] = ["fx", "fy", "fz", "mx", "my", "mz", "cx", "cy", "cz"];
    let c = component.trim().to_ascii_lowercase();
    ORDER.iter().position(|o| *o == c).unwrap_or(ORDER.len())
}

/// Channel names: `<device> - <component>` for force plates; other devices'
/// components as written (`R_RF`) unless two share a name.
fn name_channels(columns: &mut [Column]) {
    let other: Vec<String> =
        columns.iter().filter(|c| plate_device(&c.name).is_none()).map(|c| c.component.clone()).collect();
    for c in columns.iter_mut() {
        let device = device_of(&c.name);
        c.field = if c.component.is_empty() {
            c.name.clone()
        } else if c.name == c.component {
            c.component.clone()
        } else if plate_device(&c.name).is_some() || other.iter().filter(|o| **o == c.component).count() > 1 {
            format!("{device} - {}", c.component)
        } else {
            c.component.clone()
        };
    }
}

/// Plug-in Gait outputs that Workstation files list among trajectories.
fn is_model_output_name(name: &str) -> bool {
    let side = name.starts_with(['L', 'R']);
    let suffixes = ["Angles", "Angle", "Moment", "Moments", "Power", "Powers", "Force", "Forces"];
    side && suffixes.iter().any(|s| name.ends_with(s) && name.len() > s.len() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str) -> Result<Recording, ReadError> {
        read(Path::new("t.csv"), s.as_bytes())
    }

    fn err(s: &str) -> String {
        read_str(s).unwrap_err().to_string()
    }

    const TRAJ: &str = "Trajectories,,,,,,,,\r\n\
        100,,,,,,,,\r\n\
        ,,S:LASI,,,S:RASI,,,\r\n\
        Frame,Sub Frame,X,Y,Z,X,Y,Z,\r\n\
        ,,mm,mm,mm,mm,mm,mm,\r\n\
        5,0,1,2,3,4,5,6,\r\n\
        6,0,1.5,2.5,3.5,,,,\r\n\
        7,0,1,2,3,4,5,6.25,\r\n\
        ,,,,,,,,\r\n";

    #[test]
    fn reads_trajectories_in_metres_with_gaps() {
        let r = read_str(TRAJ).unwrap();
        assert_eq!(r.dialect, "Vicon Nexus CSV");
        assert_eq!(r.subject.name.as_deref(), Some("S"));
        let p = r.points.unwrap();
        assert_eq!((p.rate_hz, p.first_frame, p.frames), (100.0, 5, 3));
        assert!((p.time0_s - 0.04).abs() < 1e-12);
        let lasi = p.marker("LASI").unwrap();
        assert_eq!(lasi.xyz[1], [0.0015, 0.0025, 0.0035]);
        let rasi = p.marker("RASI").unwrap();
        assert!(!rasi.is_present(1));
        assert_eq!(rasi.xyz[2], [0.004, 0.005, 0.00625]);
    }

    #[test]
    fn reads_events_devices_and_outputs() {
        let s = "Events\r\nSubject,Context,Name,Time (s),Description\r\n\
            S,Left,Foot Strike,0.5,\r\nS,General,Event,0.7\r\n\r\n\
            Devices\r\n1000\r\n,,FP #1 - Force,,,FP #1 - Moment,EMG - Voltage,\r\n\
            Frame,Sub Frame,Fx,Fy,Fz,Mx,R_RF,\r\n,,N,N,N,N.mm,mV\r\n\
            1,0,1,2,3,4000,5\r\n1,1,1,2,3,4000,5\r\n2,0,1,2,3,2000,7\r\n2,1,1,2,3,4000,5\r\n\r\n\
            Model Outputs\r\n500\r\n,,S:LKneeAngles,,\r\nFrame,Sub Frame,X,Y,Z\r\n,,deg,deg,deg\r\n\
            1,0,10,20,30\r\n";
        let r = read_str(s).unwrap();
        assert_eq!(r.notes[0], "sections: Events, Devices, Model Outputs");
        assert_eq!(r.events.len(), 2);
        assert_eq!(r.events[0].side, Some(Side::Left));
        assert_eq!(r.events[0].kind, EventKind::FootStrike);
        assert_eq!(r.events[1].side, None);
        assert_eq!(r.events[1].subject.as_deref(), Some("S"));
        let names: Vec<_> = r.analogs.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["FP #1 - Fx", "FP #1 - Fy", "FP #1 - Fz", "FP #1 - Mx", "R_RF"]);
        let mx = &r.analogs[3];
        assert_eq!((mx.unit.as_str(), mx.data[2], mx.kind), ("N.m", 2.0, ChannelKind::ForcePlate));
        let emg = &r.analogs[4];
        assert_eq!((emg.unit.as_str(), emg.kind), ("V", ChannelKind::Emg));
        assert!((emg.data[2] - 0.007).abs() < 1e-15);
        // 2 samples per frame: frame rate 500 Hz from Model Outputs; frame 1 at 0 s.
        assert_eq!(emg.time0_s, 0.0);
        assert_eq!(r.force_plates.len(), 1);
        assert_eq!(r.force_plates[0].channels, ["FP #1 - Fx", "FP #1 - Fy", "FP #1 - Fz", "FP #1 - Mx"]);
        let knee = &r.reference[0];
        assert_eq!((knee.name.as_str(), knee.component.as_str(), knee.unit.as_str()), ("LKneeAngles", "X", "deg"));
        assert_eq!(knee.data, [10.0]);
        assert!(r.points.is_none());
    }

    #[test]
    fn reads_workstation_dialect() {
        let s = "Title\nDate:\nNotes:,\"\"\n\nTRAJECTORIES\n100,Hz\n,LASI,,,LHipAngles,,\n\
            Field #,X,Y,Z,X,Y,Z\n1,1,2,3,10,20,30\n2,1,2,,11,21,31\n";
        let r = read_str(s).unwrap();
        assert_eq!(r.dialect, "Vicon Workstation CSV");
        let p = r.points.as_ref().unwrap();
        assert_eq!((p.frames, p.first_frame, p.time0_s), (2, 1, 0.0));
        assert_eq!(p.markers.len(), 1);
        assert_eq!(p.markers[0].xyz[0], [0.001, 0.002, 0.003]);
        assert!(!p.markers[0].is_present(1));
        assert_eq!(r.reference.len(), 3);
        assert_eq!(r.reference[2].data, [30.0, 31.0]);
        assert_eq!(r.reference[2].unit, "deg");
        assert_eq!(r.subject.name, None);
    }

    #[test]
    fn several_subjects_keep_prefixes() {
        let s = "Trajectories\n100\n,,A:LASI,,,B:LASI,,\nFrame,Sub Frame,X,Y,Z,X,Y,Z\n\
            ,,mm,mm,mm,mm,mm,mm\n1,0,1,2,3,4,5,6\n";
        let r = read_str(s).unwrap();
        let p = r.points.unwrap();
        assert_eq!(p.markers[0].name, "A:LASI");
        assert_eq!(p.markers[1].name, "B:LASI");
        assert_eq!(r.subject.name, None);
    }

    #[test]
    fn skipped_frames_become_gaps() {
        let s = "Trajectories\n100\n,,LASI,,\nFrame,Sub Frame,X,Y,Z\n,,mm,mm,mm\n1,0,1,2,3\n4,0,1,2,3\n";
        let p = read_str(s).unwrap().points.unwrap();
        assert_eq!(p.frames, 4);
        assert_eq!(p.markers[0].present_count(), 2);
    }

    #[test]
    fn text_in_a_number_cell() {
        let s = TRAJ.replace("1.5,2.5", "1.5,abc");
        assert_eq!(err(&s), "t.csv:7:4: expected a number, found \"abc\" (in S:LASI)");
    }

    #[test]
    fn marker_without_z_column() {
        let s = "Trajectories\n100\n,,S:LASI,,,S:RASI,\nFrame,Sub Frame,X,Y,Z,X,Y\n\
            ,,mm,mm,mm,mm,mm\n1,0,1,2,3,4,5\n";
        assert_eq!(err(s), "t.csv:4:6: marker \"S:RASI\" has no Z column");
    }

    #[test]
    fn missing_rate_and_header_rows() {
        assert_eq!(
            err("Trajectories,,\n\n"),
            "t.csv:1: missing header: the sampling rate line in the Trajectories section"
        );
        assert_eq!(
            err("Trajectories\n100\n1,0,1,2,3\n"),
            "t.csv:1: missing header: the Frame / Field # header row in the Trajectories section"
        );
        assert_eq!(
            err("Trajectories\n,,LASI,,\nFrame,Sub Frame,X,Y,Z\n"),
            "t.csv:1: missing header: the sampling rate line in the Trajectories section"
        );
        assert_eq!(err("Events\n\nTrajectories\n"), "t.csv:1: missing header: the Events column header row");
        assert_eq!(err("Trajectories\n1x0\n"), "t.csv:2:1: expected a number, found \"1x0\" (in rate)");
    }

    #[test]
    fn truncated_and_short_rows() {
        let s = TRAJ.replace("7,0,1,2,3,4,5,6.25,\r\n,,,,,,,,\r\n", "7,0,1,2,3");
        assert_eq!(err(&s), "t.csv:8: file is truncated: last row has 5 of 8 fields");
        let s = TRAJ.replace("6,0,1.5,2.5,3.5,,,,", "6,0,1.5,2.5");
        assert_eq!(err(&s), "t.csv:7: expected 8 fields, found 4");
        let s = TRAJ.replace("5,0,1,2,3,4,5,6,", "5,0,1,2,3,4,5,6,7");
        assert_eq!(err(&s), "t.csv:6:9: expected 8 fields, found 9");
    }

    #[test]
    fn wrong_delimiters() {
        let s = TRAJ.replace(',', ";");
        assert_eq!(err(&s), "t.csv:1: wrong delimiter: found ';' where ',' is expected");
        let s = "Trajectories\n100\n\tLASI\t\t\nFrame\tSub Frame\tX\tY\tZ\n";
        assert_eq!(err(s), "t.csv:3: wrong delimiter: found a tab where ',' is expected");
        let s = TRAJ.replace("6,0,1.5,2.5,3.5,,,,", "6;0;1.5;2.5;3.5;;;;");
        assert_eq!(err(&s), "t.csv:7: wrong delimiter: found ';' where ',' is expected");
    }

    #[test]
    fn zero_frames() {
        let s = "Trajectories\n100\n,,LASI,,\nFrame,Sub Frame,X,Y,Z\n,,mm,mm,mm\n,,,,\n";
        assert_eq!(err(s), "t.csv:1: no frames of data (in Trajectories)");
        assert_eq!(err("Events\nSubject,Context,Name,Time (s)\nS,Left,Foot Strike,1\n"), "t.csv: no frames of data");
    }

    #[test]
    fn bad_frame_numbers_and_event_rows() {
        let s = TRAJ.replace("7,0,1,2,3", "5,0,1,2,3");
        assert_eq!(err(&s), "t.csv:8:1: invalid value: frame 5 follows frame 6 (in Frame)");
        let s = "Events\nSubject,Context,Name,Time (s)\nS,Left,Foot Strike,x\n";
        assert_eq!(err(s), "t.csv:3:4: expected a number, found \"x\" (in Time (s))");
        let s = "Events\nSubject,Context,Name,Time (s)\nS,Left\nS,Left,Foot Strike,1\n";
        assert_eq!(err(s), "t.csv:3: expected 4 fields, found 2");
    }

    #[test]
    fn fast_line_split_matches_text_lines() {
        let cases: [&[u8]; 9] = [
            b"a,b\r\nc\r\n",
            b"a\n\nb",
            b"a\r\n\r\n",
            b"\xEF\xBB\xBFx\ny\n",
            b"a\rb\nc",
            b"\n",
            b"\r\n",
            b"a\xFF,b\nc",
            b"a\n\n\n",
        ];
        for c in cases {
            let fast: Vec<(u64, String)> = split_lines(c).into_iter().map(|l| (l.no, l.text.into_owned())).collect();
            let slow: Vec<(u64, String)> = Lines::new(c).map(|(n, t)| (n, t.into_owned())).collect();
            assert_eq!(fast, slow, "{c:?}");
        }
    }

    #[test]
    fn never_panics_on_prefixes_of_a_file() {
        let s = TRAJ.as_bytes();
        for n in 0..s.len() {
            let _ = read(Path::new("t.csv"), &s[..n]);
        }
        for junk in ["", ",,,", "Trajectories", "Devices\n0\n", "Trajectories\n100\n,,\n", "\u{feff}x"] {
            let _ = read_str(junk);
        }
    }
}
