//! The suggested first slot of a new pair: a half hour on a weekday that
//! falls inside everyone's daytime, each in their own time zone.
//!
//! Pure: the caller passes the time zones and "now". Every candidate instant
//! is converted with `chrono-tz`, so daylight-saving shifts (which happen on
//! different dates in different places) are taken into account on the day
//! they apply.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc, Weekday};
use chrono_tz::Tz;

/// The local hours counted as daytime: a slot must start at or after
/// `start` and end at or before `end` for every member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Daytime {
    pub start_hour: u32,
    pub end_hour: u32,
}

/// Working hours: what most members can make on a weekday.
pub const DAYTIME: Daytime = Daytime {
    start_hour: 9,
    end_hour: 18,
};

/// How long the suggested first call lasts.
pub const SLOT_MINUTES: i64 = 30;
/// How far ahead the suggestion may be: the notice members get, and the
/// horizon searched.
const NOTICE_HOURS: i64 = 12;
const SEARCH_DAYS: i64 = 10;
/// Candidate starts are on the half hour.
const STEP_MINUTES: i64 = 30;

/// A suggested slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub start: DateTime<Utc>,
    /// How long everyone's daytimes overlap that day, from `start` on.
    pub shared_minutes: i64,
}

/// Parses a stored IANA zone name; an unknown one counts as UTC.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

fn fits(t: DateTime<Utc>, zones: &[Tz], day: Daytime) -> bool {
    let end = t + Duration::minutes(SLOT_MINUTES);
    zones.iter().all(|z| {
        let (a, b) = (t.with_timezone(z), end.with_timezone(z));
        let weekday = !matches!(a.weekday(), Weekday::Sat | Weekday::Sun);
        let starts = a.hour() >= day.start_hour;
        let ends_minutes = b.hour() * 60 + b.minute();
        weekday && starts && a.date_naive() == b.date_naive() && ends_minutes <= day.end_hour * 60
    })
}

/// The first half hour, at least half a day after `now`, that lies in
/// every zone's weekday daytime; within that first shared window the slot
/// starts an hour in when the window allows it (nobody's first minute of
/// the day). `None` when the daytimes never overlap on a weekday.
pub fn first_slot(zones: &[Tz], now: DateTime<Utc>, day: Daytime) -> Option<Slot> {
    if zones.is_empty() {
        return None;
    }
    let earliest = now + Duration::hours(NOTICE_HOURS);
    // Round up to the next half hour.
    let mins = i64::from(earliest.minute() % 30) * 60 + i64::from(earliest.second());
    let mut t = earliest - Duration::seconds(mins)
        + if mins > 0 {
            Duration::minutes(30)
        } else {
            Duration::zero()
        };
    t = t.with_nanosecond(0).unwrap_or(t);
    let last = now + Duration::days(SEARCH_DAYS);
    while t <= last {
        if fits(t, zones, day) {
            let mut window = 0;
            let mut u = t;
            while fits(u, zones, day) {
                window += STEP_MINUTES;
                u += Duration::minutes(STEP_MINUTES);
            }
            let shared = window - STEP_MINUTES + SLOT_MINUTES;
            let offset = if shared >= 120 { 60 } else { 0 };
            return Some(Slot {
                start: t + Duration::minutes(offset),
                shared_minutes: shared - offset,
            });
        }
        t += Duration::minutes(STEP_MINUTES);
    }
    None
}

/// `Tue 3 Mar, 10:00` in `zone`.
pub fn local_label(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone)
        .format("%a %-d %b, %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// The slot's start as a member in `zone_name` reads it.
    fn local(s: &Slot, zone_name: &str) -> String {
        local_label(s.start, zone(zone_name))
    }

    fn slot(zones: &[&str], now: &str) -> Option<Slot> {
        let zones: Vec<Tz> = zones.iter().map(|z| zone(z)).collect();
        first_slot(&zones, at(now), DAYTIME)
    }

    #[test]
    fn two_people_in_one_zone_get_a_morning_slot_the_next_working_day() {
        // Wednesday 3 March 2027, 09:00 UTC: the pairing time.
        let s = slot(&["Europe/Lisbon", "Europe/Lisbon"], "2027-03-03T09:00:00Z").unwrap();
        assert_eq!(s.start, at("2027-03-04T10:00:00Z"));
        assert_eq!(local(&s, "Europe/Lisbon"), "Thu 4 Mar, 10:00");
        assert_eq!(s.shared_minutes, 8 * 60);
    }

    #[test]
    fn the_slot_falls_in_both_daytimes_across_zones() {
        // Tokyo's 09:00–18:00 is 00:00–09:00 UTC, Lisbon's 09:00–18:00 UTC: they only touch.
        assert_eq!(
            slot(&["Europe/Lisbon", "Asia/Tokyo"], "2027-03-03T09:00:00Z"),
            None
        );
        // Berlin (UTC+1) and New York (UTC−5): 14:00–17:00 UTC.
        let s = slot(
            &["Europe/Berlin", "America/New_York"],
            "2027-02-03T09:00:00Z",
        )
        .unwrap();
        assert_eq!(s.start, at("2027-02-04T15:00:00Z"));
        assert_eq!(local(&s, "Europe/Berlin"), "Thu 4 Feb, 16:00");
        assert_eq!(local(&s, "America/New_York"), "Thu 4 Feb, 10:00");
        assert_eq!(s.shared_minutes, 120);
    }

    #[test]
    fn a_short_overlap_starts_an_hour_in_only_when_it_has_room() {
        // Berlin (UTC+1) and Chicago (UTC−6): 15:00–17:00 UTC is 16:00–18:00 Berlin, 09:00–11:00 Chicago.
        let s = slot(
            &["Europe/Berlin", "America/Chicago"],
            "2027-02-03T09:00:00Z",
        )
        .unwrap();
        assert_eq!(local(&s, "America/Chicago"), "Thu 4 Feb, 10:00");
        // Berlin (UTC+1) and Denver (UTC−7): only 16:00–17:00 UTC.
        let s = slot(&["Europe/Berlin", "America/Denver"], "2027-02-03T09:00:00Z").unwrap();
        assert_eq!(local(&s, "America/Denver"), "Thu 4 Feb, 09:00");
        assert_eq!(local(&s, "Europe/Berlin"), "Thu 4 Feb, 17:00");
        assert_eq!(s.shared_minutes, 60);
    }

    #[test]
    fn daylight_saving_changes_on_different_dates_are_counted_on_the_day() {
        // 2027: the US springs forward on 14 March, Europe on 28 March. In
        // between, London–New York is 4 hours apart instead of 5.
        let before = slot(
            &["Europe/London", "America/New_York"],
            "2027-03-08T09:00:00Z",
        )
        .unwrap();
        assert_eq!(local(&before, "Europe/London"), "Tue 9 Mar, 15:00");
        assert_eq!(local(&before, "America/New_York"), "Tue 9 Mar, 10:00");
        assert_eq!(before.shared_minutes, 3 * 60);
        let between = slot(
            &["Europe/London", "America/New_York"],
            "2027-03-15T09:00:00Z",
        )
        .unwrap();
        assert_eq!(local(&between, "Europe/London"), "Tue 16 Mar, 14:00");
        assert_eq!(local(&between, "America/New_York"), "Tue 16 Mar, 10:00");
        assert_eq!(between.shared_minutes, 4 * 60);
    }

    #[test]
    fn weekends_are_skipped_in_every_zone() {
        // Friday 5 March 2027, 09:00 UTC: the next working day is Monday.
        let s = slot(&["Europe/Lisbon", "Europe/Madrid"], "2027-03-05T09:00:00Z").unwrap();
        assert_eq!(local(&s, "Europe/Lisbon"), "Mon 8 Mar, 10:00");
        assert_eq!(local(&s, "Europe/Madrid"), "Mon 8 Mar, 11:00");
    }

    #[test]
    fn a_trio_needs_all_three_daytimes() {
        // Lisbon, Berlin and New York: 14:00–18:00 Lisbon is 15:00–19:00 Berlin, so 14:00–17:00 UTC.
        let s = slot(
            &["Europe/Lisbon", "Europe/Berlin", "America/New_York"],
            "2027-02-03T09:00:00Z",
        )
        .unwrap();
        assert_eq!(s.start, at("2027-02-04T15:00:00Z"));
        assert_eq!(
            slot(
                &["Europe/Lisbon", "Europe/Berlin", "Asia/Tokyo"],
                "2027-02-03T09:00:00Z"
            ),
            None
        );
    }

    #[test]
    fn an_unknown_zone_counts_as_utc_and_nobody_means_no_slot() {
        assert_eq!(zone("Mars/Olympus"), Tz::UTC);
        assert_eq!(first_slot(&[], at("2027-02-03T09:00:00Z"), DAYTIME), None);
    }
}
