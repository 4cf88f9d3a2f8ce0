//! Typed errors with positions.
//!
//! Every reader reports *where* a file is wrong: the file, and a line and column
//! (text formats) or a byte offset and field (C3D), or the marker/channel that is
//! at fault. Modelled on rust-csv's `Error`/`Position` split.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a file an error was found. Lines and columns are 1-based; a column
/// counts delimited fields (the first field is column 1), not characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    pub line: Option<u64>,
    pub column: Option<u64>,
    /// Byte offset from the start of the file (binary formats).
    pub byte: Option<u64>,
    /// A field, marker or channel name the error concerns.
    pub field: Option<String>,
}

impl Position {
    pub fn line(line: u64) -> Self {
        Position { line: Some(line), ..Default::default() }
    }
    pub fn cell(line: u64, column: u64) -> Self {
        Position { line: Some(line), column: Some(column), ..Default::default() }
    }
    pub fn byte(byte: u64) -> Self {
        Position { byte: Some(byte), ..Default::default() }
    }
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// What went wrong while reading an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// The operating system refused to read the file.
    Io(String),
    /// The file has no bytes, or no data rows.
    Empty,
    /// No reader recognises the file's content.
    UnknownFormat,
    /// A header row or header field that the format requires is absent.
    MissingHeader(String),
    /// A cell that must hold a number holds something else.
    BadNumber(String),
    /// The file ends in the middle of a row, number or record.
    Truncated(String),
    /// A row has a different number of fields from the header.
    FieldCount { expected: usize, found: usize },
    /// A marker lacks one of its X/Y/Z columns.
    MissingComponent { marker: String, axis: char },
    /// The file declares zero frames, or has no data.
    NoFrames,
    /// A value in a header is out of the range the format allows.
    BadValue(String),
    /// The rows use another delimiter than the header (or the format's).
    WrongDelimiter(String),
    /// Anything else the format forbids.
    Format(String),
}

impl fmt::Display for ReadErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ReadErrorKind::*;
        match self {
            Io(m) => write!(f, "cannot read file: {m}"),
            Empty => write!(f, "file is empty"),
            UnknownFormat => write!(f, "unrecognised format (not C3D, Vicon CSV, TRC, MOT/STO, ANC or delimited text)"),
            MissingHeader(w) => write!(f, "missing header: {w}"),
            BadNumber(t) => write!(f, "expected a number, found {t:?}"),
            Truncated(w) => write!(f, "file is truncated: {w}"),
            FieldCount { expected, found } => {
                write!(f, "expected {expected} fields, found {found}")
            }
            MissingComponent { marker, axis } => {
                write!(f, "marker {marker:?} has no {axis} column")
            }
            NoFrames => write!(f, "no frames of data"),
            BadValue(m) => write!(f, "invalid value: {m}"),
            WrongDelimiter(m) => write!(f, "wrong delimiter: {m}"),
            Format(m) => write!(f, "{m}"),
        }
    }
}

/// An error reading one input file: the file, the position and the kind.
///
/// `Display` reads `path:line:column: message` (compiler style), or
/// `path: byte N: message` for binary formats, followed by `(field ...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub path: PathBuf,
    /// Boxed to keep `Result<_, ReadError>` small in the readers' hot paths.
    pub pos: Box<Position>,
    pub kind: ReadErrorKind,
}

impl ReadError {
    pub fn new(path: &Path, pos: Position, kind: ReadErrorKind) -> Self {
        ReadError { path: path.to_path_buf(), pos: Box::new(pos), kind }
    }
    /// An error without a position inside the file.
    pub fn file(path: &Path, kind: ReadErrorKind) -> Self {
        Self::new(path, Position::default(), kind)
    }
    pub fn io(path: &Path, err: &std::io::Error) -> Self {
        Self::file(path, ReadErrorKind::Io(err.to_string()))
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        match (self.pos.line, self.pos.column, self.pos.byte) {
            (Some(l), Some(c), _) => write!(f, ":{l}:{c}")?,
            (Some(l), None, _) => write!(f, ":{l}")?,
            (None, _, Some(b)) => write!(f, ": byte {b}")?,
            _ => {}
        }
        write!(f, ": {}", self.kind)?;
        if let Some(field) = &self.pos.field {
            write!(f, " (in {field})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ReadError {}

/// Errors of the pipeline after reading (cleaning, analysis, output).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },
    #[error("manifest {path}:{line}: {message}")]
    Manifest { path: PathBuf, line: u64, message: String },
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
