//! Writing outputs so that a killed or crashed process never leaves a half-written file under
//! a final name: each file is written beside its destination under a hidden temporary name and
//! renamed into place (atomic within one filesystem).

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Prefix of the temporary files [`write_atomic`] creates; a run that was killed mid-write can
/// leave one behind, and [`remove_partial_files`] clears them.
pub const PARTIAL_PREFIX: &str = ".lpx-partial-";

/// Writes `bytes` to `path`: either the whole new content is there afterwards, or (if the
/// process dies first) whatever was there before.
///
/// # Errors
/// I/O errors, naming `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(PARTIAL_PREFIX).tempfile_in(dir).map_err(|e| Error::io(path, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Removes temporary files that [`write_atomic`] left in `dir` when a run was killed. A
/// missing directory has none.
///
/// # Errors
/// I/O errors other than the directory not existing.
pub fn remove_partial_files(dir: &Path) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if entry.file_name().to_string_lossy().starts_with(PARTIAL_PREFIX) {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_files_and_clears_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ts");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second, longer").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second, longer");
        // What a killed write leaves behind.
        let leftover = dir.path().join(format!("{PARTIAL_PREFIX}x1"));
        std::fs::write(&leftover, b"half").unwrap();
        remove_partial_files(dir.path()).unwrap();
        assert!(!leftover.exists());
        assert!(path.exists());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.ts")]);
        remove_partial_files(&dir.path().join("missing")).unwrap();
    }
}
