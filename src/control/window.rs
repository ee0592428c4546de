//! Maintenance windows: daily hours, in UTC, in which a site's agents start no scan. A window
//! whose start is after its end spans midnight; its weekday is the day it starts on.
use crate::model::site_config::MaintenanceWindow;
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc, Weekday};

const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

/// A checked window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    start: NaiveTime,
    end: NaiveTime,
    /// Empty: every day.
    days: Vec<Weekday>,
}

fn time(field: &'static str, text: &str) -> Result<NaiveTime, (String, String)> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        (
            field.to_string(),
            format!("'{text}' is not a time as HH:MM"),
        )
    })
}

impl Window {
    /// Parses the wire form; an error is (field, why).
    pub fn parse(w: &MaintenanceWindow) -> Result<Window, (String, String)> {
        let start = time("maintenance.start", &w.start)?;
        let end = time("maintenance.end", &w.end)?;
        if start == end {
            return Err((
                "maintenance.end".into(),
                "must differ from maintenance.start".into(),
            ));
        }
        let days = w
            .days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                DAYS.iter()
                    .find(|(name, _)| d.trim().eq_ignore_ascii_case(name))
                    .map(|(_, day)| *day)
                    .ok_or_else(|| {
                        (
                            format!("maintenance.days[{i}]"),
                            format!("'{d}' is not one of mon, tue, wed, thu, fri, sat, sun"),
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Window { start, end, days })
    }

    fn on(&self, day: Weekday) -> bool {
        self.days.is_empty() || self.days.contains(&day)
    }

    /// Whether `at` falls inside the window.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let t = at.time();
        if self.start < self.end {
            return self.on(at.weekday()) && self.start <= t && t < self.end;
        }
        // Spans midnight: the evening part belongs to today, the morning part to yesterday.
        (t >= self.start && self.on(at.weekday()))
            || (t < self.end && self.on((at - Duration::days(1)).weekday()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(start: &str, end: &str, days: &[&str]) -> Window {
        Window::parse(&MaintenanceWindow {
            start: start.into(),
            end: end.into(),
            days: days.iter().map(|d| d.to_string()).collect(),
        })
        .unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_daytime_window_holds_its_hours_only() {
        let w = window("09:00", "17:30", &[]);
        assert!(w.contains(at("2026-12-04T09:00:00Z")));
        assert!(w.contains(at("2026-12-04T17:29:59Z")));
        assert!(!w.contains(at("2026-12-04T17:30:00Z")));
        assert!(!w.contains(at("2026-12-04T08:59:59Z")));
    }

    #[test]
    fn a_window_over_midnight_belongs_to_the_day_it_starts() {
        // 2026-12-04 is a Friday.
        let w = window("22:00", "04:00", &["fri"]);
        assert!(w.contains(at("2026-12-04T23:00:00Z")));
        assert!(
            w.contains(at("2026-12-05T03:59:00Z")),
            "Saturday morning is Friday's night"
        );
        assert!(
            !w.contains(at("2026-12-04T03:00:00Z")),
            "Friday morning is Thursday's"
        );
        assert!(!w.contains(at("2026-12-05T23:00:00Z")));
    }

    #[test]
    fn bad_windows_name_their_field() {
        let bad = |s: &str, e: &str, d: &[&str]| {
            Window::parse(&MaintenanceWindow {
                start: s.into(),
                end: e.into(),
                days: d.iter().map(|x| x.to_string()).collect(),
            })
            .unwrap_err()
            .0
        };
        assert_eq!(bad("25:00", "01:00", &[]), "maintenance.start");
        assert_eq!(bad("01:00", "1am", &[]), "maintenance.end");
        assert_eq!(bad("01:00", "01:00", &[]), "maintenance.end");
        assert_eq!(
            bad("01:00", "02:00", &["mon", "funday"]),
            "maintenance.days[1]"
        );
    }
}
