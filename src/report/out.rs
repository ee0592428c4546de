//! Where a report goes while it is written: into memory, a file, or a bounded channel that
//! an HTTP response streams from. Text is gathered in chunks; a full channel makes the
//! writer wait (the client reads at its pace) and a closed one stops it.
use std::io::Write;

/// Bytes gathered before they are handed on.
const CHUNK: usize = 64 * 1024;

pub enum Target {
    Memory(Vec<u8>),
    /// A file or standard output, written as the report is made.
    Write(Box<dyn Write + Send>),
    Channel(tokio::sync::mpsc::Sender<Vec<u8>>),
}

/// Why writing stopped.
#[derive(Debug, thiserror::Error)]
pub enum OutError {
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
    #[error("the reader went away")]
    Gone,
}

pub struct Out {
    buf: String,
    target: Target,
}

impl Out {
    pub fn new(target: Target) -> Out {
        Out {
            buf: String::with_capacity(CHUNK),
            target,
        }
    }

    pub fn push(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    /// Hands the gathered text on once there is a chunk of it.
    pub async fn flush(&mut self) -> Result<(), OutError> {
        if self.buf.len() >= CHUNK {
            self.send().await?;
        }
        Ok(())
    }

    async fn send(&mut self) -> Result<(), OutError> {
        let chunk = std::mem::replace(&mut self.buf, String::with_capacity(CHUNK)).into_bytes();
        match &mut self.target {
            Target::Memory(v) => v.extend_from_slice(&chunk),
            Target::Write(f) => f.write_all(&chunk)?,
            Target::Channel(tx) => tx.send(chunk).await.map_err(|_| OutError::Gone)?,
        }
        Ok(())
    }

    /// Hands on the rest; the target, with a file flushed.
    pub async fn finish(mut self) -> Result<Target, OutError> {
        self.send().await?;
        if let Target::Write(f) = &mut self.target {
            f.flush()?;
        }
        Ok(self.target)
    }
}
