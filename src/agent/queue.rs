//! The offline queue: reports wait in `$BIGR_HOME/queue/` until the server takes them. One file
//! per report, written atomically (temp file, fsync, rename, fsync of the folder), so a crash
//! or SIGKILL at any moment leaves either the whole report or nothing. Files are named by the
//! time they were queued, so sorting by name sends the oldest first. The queue is bounded by
//! count, size and age; the oldest go first, with a warning. A file that cannot be read back
//! is moved to `corrupt/`, a report the server refuses for good to `rejected/`: set aside for a
//! person to look at, never silently deleted.
use super::error::AgentError;
use crate::model::agent_api::paths;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Discovery,
    Shield,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Discovery => "discovery",
            Kind::Shield => "shield",
        }
    }

    /// The ingest endpoint of this kind of report.
    pub fn endpoint(self) -> &'static str {
        match self {
            Kind::Discovery => paths::INGEST,
            Kind::Shield => paths::INGEST_SHIELD,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    pub max_reports: usize,
    pub max_bytes: u64,
    pub max_age: Duration,
}

/// One queued report.
#[derive(Clone, Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub kind: Kind,
    pub queued_at: SystemTime,
    pub bytes: u64,
}

impl Entry {
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Where a report that cannot be sent is set aside.
#[derive(Clone, Copy, Debug)]
pub enum SetAside {
    Corrupt,
    Rejected,
}

pub struct Queue {
    dir: PathBuf,
    bounds: Bounds,
}

fn io_context(e: std::io::Error, what: &'static str, path: &Path) -> AgentError {
    AgentError::file(what, path, e)
}

/// Parses `<nanos>-<kind>-<uuid>.json`.
fn parse_name(name: &str) -> Option<(SystemTime, Kind)> {
    let stem = name.strip_suffix(".json")?;
    let mut parts = stem.splitn(3, '-');
    let nanos: u64 = parts.next()?.parse().ok()?;
    let kind = match parts.next()? {
        "discovery" => Kind::Discovery,
        "shield" => Kind::Shield,
        _ => return None,
    };
    Uuid::parse_str(parts.next()?).ok()?;
    Some((UNIX_EPOCH + Duration::from_nanos(nanos), kind))
}

/// The reports queued in `dir`, oldest first, read without touching anything (a running
/// agent may be writing there).
pub fn entries(dir: &Path) -> Vec<Entry> {
    let Ok(list) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Entry> = list
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (queued_at, kind) = parse_name(&name)?;
            let meta = e.metadata().ok().filter(|m| m.is_file())?;
            Some(Entry {
                path: e.path(),
                kind,
                queued_at,
                bytes: meta.len(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

impl Queue {
    /// Opens (creating) the queue folder and clears temp files a crash left half-written:
    /// those were never acknowledged as queued.
    pub fn open(dir: &Path, bounds: Bounds) -> Result<Queue, AgentError> {
        super::private::dir(dir)
            .map_err(|e| io_context(e, "cannot create the queue folder", dir))?;
        if let Ok(list) = fs::read_dir(dir) {
            for e in list.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') && name.ends_with(".tmp") {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
        Ok(Queue {
            dir: dir.to_path_buf(),
            bounds,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes one report durably; returns the names of reports dropped to stay in bounds.
    pub fn push(&self, kind: Kind, id: Uuid, body: &[u8]) -> Result<Vec<String>, AgentError> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let name = format!("{nanos:020}-{}-{id}.json", kind.as_str());
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let write = || -> std::io::Result<()> {
            let mut f = super::private::create_new(&tmp)?;
            f.write_all(body)?;
            f.sync_all()?;
            fs::rename(&tmp, self.dir.join(&name))?;
            // The rename itself must survive a power cut.
            File::open(&self.dir)?.sync_all()
        };
        if let Err(e) = write() {
            let _ = fs::remove_file(&tmp);
            return Err(io_context(e, "cannot queue the report in", &self.dir));
        }
        Ok(self.enforce_bounds())
    }

    /// Queued reports, oldest first.
    pub fn pending(&self) -> Vec<Entry> {
        entries(&self.dir)
    }

    pub fn depth(&self) -> usize {
        self.pending().len()
    }

    pub fn read(&self, entry: &Entry) -> Result<Vec<u8>, AgentError> {
        fs::read(&entry.path).map_err(|e| io_context(e, "cannot read", &entry.path))
    }

    /// The server has the report: forget it.
    pub fn remove(&self, entry: &Entry) -> Result<(), AgentError> {
        match fs::remove_file(&entry.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_context(e, "cannot remove", &entry.path)),
        }
    }

    /// Moves a report out of the queue into `corrupt/` or `rejected/`.
    pub fn set_aside(&self, entry: &Entry, why: SetAside) -> Result<PathBuf, AgentError> {
        let folder = self.dir.join(match why {
            SetAside::Corrupt => "corrupt",
            SetAside::Rejected => "rejected",
        });
        super::private::dir(&folder).map_err(|e| io_context(e, "cannot create", &folder))?;
        let to = folder.join(entry.name());
        fs::rename(&entry.path, &to).map_err(|e| io_context(e, "cannot move", &entry.path))?;
        Ok(to)
    }

    /// Drops the oldest reports while the queue is over any bound.
    fn enforce_bounds(&self) -> Vec<String> {
        let mut entries = self.pending();
        let now = SystemTime::now();
        let mut total: u64 = entries.iter().map(|e| e.bytes).sum();
        let mut dropped = Vec::new();
        while let Some(oldest) = entries.first() {
            let too_old = now
                .duration_since(oldest.queued_at)
                .is_ok_and(|age| age > self.bounds.max_age);
            let over = entries.len() > self.bounds.max_reports || total > self.bounds.max_bytes;
            // Never drop the only report: a single oversized one is still worth one try.
            if !(too_old || over) || entries.len() == 1 {
                break;
            }
            let e = entries.remove(0);
            if fs::remove_file(&e.path).is_ok() {
                total -= e.bytes;
                tracing::warn!(report = %e.name(), "offline queue over its bounds: dropped the oldest report");
                dropped.push(e.name());
            }
        }
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds() -> Bounds {
        Bounds {
            max_reports: 3,
            max_bytes: 1 << 20,
            max_age: Duration::from_secs(3600),
        }
    }

    #[test]
    fn reports_come_back_oldest_first_and_leave_when_removed() {
        let dir = tempfile::tempdir().unwrap();
        let q = Queue::open(dir.path(), bounds()).unwrap();
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        for (i, id) in ids.iter().enumerate() {
            q.push(Kind::Discovery, *id, format!("{{\"n\":{i}}}").as_bytes())
                .unwrap();
        }
        let pending = q.pending();
        assert_eq!(pending.len(), 3);
        assert_eq!(q.read(&pending[0]).unwrap(), b"{\"n\":0}");
        assert!(pending[2].name().contains(&ids[2].to_string()));
        q.remove(&pending[0]).unwrap();
        assert_eq!(q.depth(), 2);
    }

    #[test]
    fn the_oldest_report_goes_when_the_queue_is_full() {
        let dir = tempfile::tempdir().unwrap();
        let q = Queue::open(dir.path(), bounds()).unwrap();
        let first = Uuid::now_v7();
        q.push(Kind::Discovery, first, b"{}").unwrap();
        for _ in 0..2 {
            assert!(
                q.push(Kind::Shield, Uuid::now_v7(), b"{}")
                    .unwrap()
                    .is_empty()
            );
        }
        let dropped = q.push(Kind::Discovery, Uuid::now_v7(), b"{}").unwrap();
        assert_eq!(dropped.len(), 1);
        assert!(dropped[0].contains(&first.to_string()));
        assert_eq!(q.depth(), 3);
    }

    #[test]
    fn half_written_temp_files_are_cleared_and_strangers_ignored() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".123-discovery-x.json.tmp"), b"{\"trunc").unwrap();
        fs::write(dir.path().join("notes.txt"), b"hello").unwrap();
        let q = Queue::open(dir.path(), bounds()).unwrap();
        assert_eq!(q.depth(), 0);
        assert!(!dir.path().join(".123-discovery-x.json.tmp").exists());
        assert!(dir.path().join("notes.txt").exists());
    }

    #[test]
    fn set_aside_keeps_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let q = Queue::open(dir.path(), bounds()).unwrap();
        q.push(Kind::Discovery, Uuid::now_v7(), b"not json")
            .unwrap();
        let e = q.pending().remove(0);
        let to = q.set_aside(&e, SetAside::Corrupt).unwrap();
        assert_eq!(fs::read(to).unwrap(), b"not json");
        assert_eq!(q.depth(), 0);
    }
}
