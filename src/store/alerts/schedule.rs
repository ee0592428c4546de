//! When a channel's messages go out: at once (the default), gathered into hourly or daily
//! digests, and held through quiet hours. Urgent messages (critical by default) and channel
//! tests always go at once. Times are the channel's wall-clock time in an IANA zone, so quiet
//! hours of 22:00–07:00 stay right across daylight-saving changes.
use super::{rank, severity};
use crate::store::error::{StoreError, StoreResult};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The zone a schedule uses when it names none: bigr's users are mostly in Türkiye.
pub const DEFAULT_TIMEZONE: &str = "Europe/Istanbul";
/// Severity from which messages skip digests and quiet hours, unless a schedule says another.
pub const DEFAULT_URGENT: &str = "critical";
/// Daily digests go out at this local time unless a schedule says another.
pub const DEFAULT_DAILY_AT: &str = "08:00";

/// How a channel gathers its messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Digest {
    /// Every message on its own, at once.
    #[default]
    Off,
    /// One summary at the top of every hour.
    Hourly,
    /// One summary a day, at `daily_at`.
    Daily,
}

impl Digest {
    pub fn parse(s: &str) -> Option<Digest> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Some(Digest::Off),
            "hourly" => Some(Digest::Hourly),
            "daily" => Some(Digest::Daily),
            _ => None,
        }
    }
}

/// A channel's delivery schedule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Schedule {
    pub digest: Digest,
    /// Daily digests: local time `HH:MM` (default 08:00).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daily_at: Option<String>,
    /// Local `HH:MM-HH:MM` (may wrap midnight, e.g. 22:00-07:00): messages due in between
    /// wait for its end, then go out together.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<String>,
    /// IANA time zone of the times above (default Europe/Istanbul).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Messages of this severity or above skip digests and quiet hours (default critical).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgent: Option<String>,
}

fn clock(s: &str, what: &str) -> StoreResult<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| StoreError::Invalid(format!("{what} must be a time HH:MM, not {s:?}")))
}

/// The instant of a local wall-clock time: the earlier one when clocks go back, the first
/// valid minute after a gap when they go forward.
fn instant(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut t = local;
    // A gap is at most a few hours long; step out of it a quarter-hour at a time.
    for _ in 0..24 {
        if let Some(x) = tz.from_local_datetime(&t).earliest() {
            return x.with_timezone(&Utc);
        }
        t += Duration::minutes(15);
    }
    Utc.from_utc_datetime(&local)
}

impl Schedule {
    /// Checks every field, so that a stored schedule always applies.
    pub fn check(&self) -> StoreResult<()> {
        self.zone()?;
        if let Some(at) = &self.daily_at {
            clock(at, "daily_at")?;
        }
        if let Some(q) = &self.quiet_hours {
            let (from, to) = Self::quiet_bounds(q)?;
            if from == to {
                return Err(StoreError::Invalid(
                    "quiet_hours must not start and end at the same time".into(),
                ));
            }
        }
        if let Some(u) = &self.urgent {
            severity(u)?;
        }
        Ok(())
    }

    fn zone(&self) -> StoreResult<Tz> {
        let name = self.timezone.as_deref().unwrap_or(DEFAULT_TIMEZONE);
        name.trim().parse::<Tz>().map_err(|_| {
            StoreError::Invalid(format!(
                "timezone {name:?} is not an IANA time zone (e.g. Europe/Istanbul, UTC)"
            ))
        })
    }

    fn quiet_bounds(q: &str) -> StoreResult<(NaiveTime, NaiveTime)> {
        let (from, to) = q.split_once('-').ok_or_else(|| {
            StoreError::Invalid(format!("quiet_hours must be HH:MM-HH:MM, not {q:?}"))
        })?;
        Ok((clock(from, "quiet_hours")?, clock(to, "quiet_hours")?))
    }

    /// Whether messages go out one by one at once (nothing to hold).
    pub fn is_immediate(&self) -> bool {
        self.digest == Digest::Off && self.quiet_hours.is_none()
    }

    /// When a message of `severity`, due at `due`, goes out: None for at once (at `due`), or
    /// the time it is held until, gathered with the others held for the channel.
    pub fn release_at(&self, severity: &str, due: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.is_immediate() {
            return None;
        }
        let urgent = self.urgent.as_deref().unwrap_or(DEFAULT_URGENT);
        if rank(severity) >= rank(urgent) {
            return None;
        }
        // A stored schedule was checked; should one be broken, send rather than hold.
        let tz = self.zone().ok()?;
        let local = due.with_timezone(&tz).naive_local();
        let base = match self.digest {
            Digest::Off => due,
            Digest::Hourly => {
                let hour = local.date().and_hms_opt(local.hour(), 0, 0)?;
                instant(tz, hour + Duration::hours(1))
            }
            Digest::Daily => {
                let at = clock(self.daily_at.as_deref().unwrap_or(DEFAULT_DAILY_AT), "").ok()?;
                let today = instant(tz, local.date().and_time(at));
                if today > due {
                    today
                } else {
                    instant(tz, next_day(local.date())?.and_time(at))
                }
            }
        };
        let release = match &self.quiet_hours {
            Some(q) => {
                let (from, to) = Self::quiet_bounds(q).ok()?;
                quiet_end(tz, from, to, base).unwrap_or(base)
            }
            None => base,
        };
        (release > due).then_some(release)
    }
}

fn next_day(d: NaiveDate) -> Option<NaiveDate> {
    d.succ_opt()
}

/// The end of the quiet period `t` falls in, or None when `t` is outside quiet hours.
fn quiet_end(tz: Tz, from: NaiveTime, to: NaiveTime, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let local = t.with_timezone(&tz).naive_local();
    let (day, now) = (local.date(), local.time());
    let end_day = if from < to {
        // Same-day window, e.g. 12:00-13:00.
        if now < from || now >= to {
            return None;
        }
        day
    } else if now >= from {
        // Wraps midnight and t is in the evening part: it ends tomorrow.
        next_day(day)?
    } else if now < to {
        day
    } else {
        return None;
    };
    Some(instant(tz, end_day.and_time(to)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn an_empty_schedule_sends_at_once() {
        let s = Schedule::default();
        assert_eq!(s.release_at("low", utc("2026-12-04T10:17:00Z")), None);
    }

    #[test]
    fn hourly_digests_wait_for_the_next_local_hour_and_urgent_skips_them() {
        let s = Schedule {
            digest: Digest::Hourly,
            timezone: Some("Asia/Kolkata".into()), // +05:30: hours start at :30 UTC
            ..Default::default()
        };
        assert_eq!(
            s.release_at("high", utc("2026-12-04T10:17:00Z")),
            Some(utc("2026-12-04T10:30:00Z"))
        );
        assert_eq!(s.release_at("critical", utc("2026-12-04T10:17:00Z")), None);
    }

    #[test]
    fn daily_digests_go_at_the_local_time_today_or_tomorrow() {
        let s = Schedule {
            digest: Digest::Daily,
            daily_at: Some("08:00".into()),
            ..Default::default() // Europe/Istanbul, UTC+3
        };
        assert_eq!(
            s.release_at("medium", utc("2026-12-04T04:00:00Z")),
            Some(utc("2026-12-04T05:00:00Z"))
        );
        assert_eq!(
            s.release_at("medium", utc("2026-12-04T05:00:00Z")),
            Some(utc("2026-12-05T05:00:00Z"))
        );
    }

    #[test]
    fn quiet_hours_across_midnight_hold_until_their_end() {
        let s = Schedule {
            quiet_hours: Some("22:00-07:00".into()),
            timezone: Some("UTC".into()),
            ..Default::default()
        };
        // Evening: held to tomorrow morning; after midnight: to this morning; day: at once.
        assert_eq!(
            s.release_at("high", utc("2026-12-04T23:10:00Z")),
            Some(utc("2026-12-05T07:00:00Z"))
        );
        assert_eq!(
            s.release_at("high", utc("2026-12-05T03:00:00Z")),
            Some(utc("2026-12-05T07:00:00Z"))
        );
        assert_eq!(s.release_at("high", utc("2026-12-05T07:00:00Z")), None);
        assert_eq!(s.release_at("critical", utc("2026-12-04T23:10:00Z")), None);
        // An hourly digest whose hour falls in quiet hours waits for their end too.
        let hourly = Schedule {
            digest: Digest::Hourly,
            ..s
        };
        assert_eq!(
            hourly.release_at("low", utc("2026-12-04T21:30:00Z")),
            Some(utc("2026-12-05T07:00:00Z"))
        );
    }

    #[test]
    fn quiet_hours_follow_daylight_saving() {
        // Berlin: CET (UTC+1) in winter, CEST (UTC+2) in summer; 07:00 local either way.
        let s = Schedule {
            quiet_hours: Some("22:00-07:00".into()),
            timezone: Some("Europe/Berlin".into()),
            ..Default::default()
        };
        assert_eq!(
            s.release_at("low", utc("2026-01-10T23:00:00Z")),
            Some(utc("2026-01-11T06:00:00Z"))
        );
        assert_eq!(
            s.release_at("low", utc("2026-07-10T23:00:00Z")),
            Some(utc("2026-07-11T05:00:00Z"))
        );
        // The night clocks go forward (29 March 2026, 02:00 → 03:00) still ends at 07:00.
        assert_eq!(
            s.release_at("low", utc("2026-03-29T00:30:00Z")),
            Some(utc("2026-03-29T05:00:00Z"))
        );
    }

    #[test]
    fn bad_schedules_are_refused_with_the_field_named() {
        let bad = |s: Schedule| s.check().unwrap_err().to_string();
        assert!(
            bad(Schedule {
                timezone: Some("Mars/Olympus".into()),
                ..Default::default()
            })
            .contains("timezone")
        );
        assert!(
            bad(Schedule {
                quiet_hours: Some("22:00".into()),
                ..Default::default()
            })
            .contains("quiet_hours")
        );
        assert!(
            bad(Schedule {
                quiet_hours: Some("07:00-07:00".into()),
                ..Default::default()
            })
            .contains("same time")
        );
        assert!(
            bad(Schedule {
                daily_at: Some("25:00".into()),
                ..Default::default()
            })
            .contains("daily_at")
        );
        assert!(
            bad(Schedule {
                urgent: Some("urgent".into()),
                ..Default::default()
            })
            .contains("severity")
        );
    }
}
