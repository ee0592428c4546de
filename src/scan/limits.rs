//! The open-file budget of a scan. Every probe in flight holds a socket; a /16 must never
//! run the process out of descriptors (EMFILE) and lose probes to it. The soft
//! `RLIMIT_NOFILE` is raised toward the hard one, as scanners commonly do, and sockets in
//! flight stay below it with room for everything else the process keeps open.
use std::io;

/// Descriptors kept for the database, pcap handles, the resolver, mDNS and stdio.
const RESERVED: u64 = 64;
/// The most the soft limit is raised to.
const RAISE_TO: u64 = 65_536;

/// The soft descriptor limit after raising it as far as the hard limit allows.
fn raised_soft_limit() -> io::Result<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit through a valid, exclusive pointer.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let target = lim.rlim_max.min(RAISE_TO);
    if lim.rlim_cur < target {
        let raised = libc::rlimit {
            rlim_cur: target,
            rlim_max: lim.rlim_max,
        };
        // SAFETY: setrlimit reads one rlimit through a valid pointer.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            return Ok(target);
        }
    }
    Ok(lim.rlim_cur)
}

/// Sockets a scan may hold at once: `wanted`, or less when the descriptor limit says so.
pub fn socket_budget(wanted: usize) -> usize {
    let limit = raised_soft_limit().unwrap_or(1024);
    fit(wanted, limit)
}

fn fit(wanted: usize, limit: u64) -> usize {
    let usable = usize::try_from(limit.saturating_sub(RESERVED)).unwrap_or(usize::MAX);
    wanted.min(usable).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_keeps_room_below_the_limit() {
        assert_eq!(fit(512, 1024), 512);
        assert_eq!(fit(4096, 1024), 960);
        assert_eq!(fit(512, 10), 1, "never zero");
    }

    #[test]
    fn raising_never_lowers_the_limit() {
        let before = raised_soft_limit().unwrap();
        assert!(raised_soft_limit().unwrap() >= before);
        assert!(socket_budget(100_000) as u64 <= before.max(RESERVED + 1) - RESERVED);
    }
}
