//! The agent's files hold its token and the site's inventory: its folders are 0700 and its
//! files 0600 from the moment they exist, and a folder found looser is tightened.
use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

pub const DIR_MODE: u32 = 0o700;
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and missing parents) as 0700; an existing one is set to 0700. Parents that
/// already exist, such as the user's home, are left alone.
pub fn dir(dir: &Path) -> std::io::Result<()> {
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)?;
    let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
    if mode != DIR_MODE {
        std::fs::set_permissions(dir, Permissions::from_mode(DIR_MODE))?;
    }
    Ok(())
}

/// Opens a new file (it must not exist) as 0600 for writing.
pub fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)
}

/// Writes `bytes` to `path` through a 0600 temporary file and a rename.
pub fn write_atomic(path: &Path, tmp: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let _ = std::fs::remove_file(tmp);
    let mut f = create_new(tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_files_are_private_even_under_a_loose_umask() {
        let root = tempfile::tempdir().expect("tmp");
        let home = root.path().join("home/.bigr");
        dir(&home).expect("dir");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&home), 0o700);
        std::fs::set_permissions(&home, Permissions::from_mode(0o755)).expect("chmod");
        dir(&home).expect("again");
        assert_eq!(mode(&home), 0o700);
        let file = home.join("state.json");
        write_atomic(&file, &home.join(".state.json.tmp"), b"{}").expect("write");
        assert_eq!(mode(&file), 0o600);
    }
}
