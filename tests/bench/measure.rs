//! Timing a child process the way the namespace benches need: wall time, its stdout, and its
//! peak resident set.
use std::process::Command;
use std::time::{Duration, Instant};

/// Wall time, stdout and the peak resident set (VmHWM, sampled until exit; `ip netns exec`
/// execs the tool, so the child's pid is the tool's).
pub fn timed(mut cmd: Command) -> (Duration, Vec<u8>, Option<u64>) {
    let started = Instant::now();
    let mut child = cmd.spawn().expect("spawn");
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut { stdout }, &mut buf).ok();
        buf
    });
    let mut peak = None;
    let deadline = started + Duration::from_secs(600);
    loop {
        if let Some(kb) = vm_hwm_kb(pid) {
            peak = Some(peak.map_or(kb, |p: u64| p.max(kb)));
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{cmd:?} ran for more than 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let wall = started.elapsed();
    (wall, reader.join().unwrap(), peak)
}

pub fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
