//! Reader placeholder; being written.

use crate::error::{ReadError, ReadErrorKind};
use crate::model::Recording;
use std::path::Path;

/// Read one file of this format from its bytes.
pub fn read(path: &Path, _bytes: &[u8]) -> Result<Recording, ReadError> {
    Err(ReadError::file(path, ReadErrorKind::Format("reader not available yet".into())))
}
