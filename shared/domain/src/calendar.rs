//! The round calendar: when a round starts, when reconfirmation and check-ins
//! go out, and what is due at a given instant. Pure; the clock is passed in.
//!
//! A round is a calendar month in the community's time zone, starting on a
//! configured day and hour. T−N days: reconfirmation. T: pairing. T+d for
//! each check-in day d. All times are local wall-clock times, so "09:00" stays
//! 09:00 across daylight-saving changes.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Utc};

use crate::config::ProgrammeConfig;
use crate::ids::RoundId;
use crate::model::{Round, RoundState};

/// The UTC instant of a local date at the configured hour. A time skipped by a
/// DST change moves forward to the first valid instant; an ambiguous one takes
/// the earlier.
fn local_instant(cfg: &ProgrammeConfig, date: NaiveDate) -> DateTime<Utc> {
    let tz = cfg.timezone;
    let mut naive = date
        .and_hms_opt(cfg.round_start_hour, 0, 0)
        .unwrap_or_default();
    for _ in 0..4 {
        match tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(a, _) => return a.with_timezone(&Utc),
            LocalResult::None => naive += Duration::minutes(30),
        }
    }
    Utc.from_utc_datetime(&naive)
}

fn start_date(cfg: &ProgrammeConfig, round: RoundId) -> NaiveDate {
    NaiveDate::from_ymd_opt(round.year, round.month, cfg.round_start_day.clamp(1, 28))
        .unwrap_or_default()
}

/// T: when `round` is paired.
pub fn round_start(cfg: &ProgrammeConfig, round: RoundId) -> DateTime<Utc> {
    local_instant(cfg, start_date(cfg, round))
}

/// `date` at the rounds' start hour, in the community's time zone (when a
/// snooze ending that day ends).
pub fn day_at_start_hour(cfg: &ProgrammeConfig, date: NaiveDate) -> DateTime<Utc> {
    local_instant(cfg, date)
}

/// T − N days: when members are asked whether they stay in for `round`.
pub fn reconfirm_at(cfg: &ProgrammeConfig, round: RoundId) -> DateTime<Utc> {
    let d = start_date(cfg, round) - Duration::days(cfg.reconfirm_days_before as i64);
    local_instant(cfg, d)
}

/// T + `day` days: a check-in of `round`.
pub fn checkin_at(cfg: &ProgrammeConfig, round: RoundId, day: u32) -> DateTime<Utc> {
    local_instant(cfg, start_date(cfg, round) + Duration::days(day as i64))
}

/// The round in progress at `now`: the latest round whose start is not after `now`.
pub fn current_round(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> RoundId {
    let local = now.with_timezone(&cfg.timezone).date_naive();
    let this_month = RoundId::of_date(local);
    if round_start(cfg, this_month) <= now {
        this_month
    } else {
        this_month.prev()
    }
}

/// The next round to be paired after `now`.
pub fn next_round(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> RoundId {
    current_round(cfg, now).next()
}

/// Whether more than half of `round` is still ahead at `now` (late-join rule).
pub fn more_than_half_left(cfg: &ProgrammeConfig, round: RoundId, now: DateTime<Utc>) -> bool {
    let start = round_start(cfg, round);
    let end = round_start(cfg, round.next());
    now >= start && now < end && (end - now) > (now - start)
}

/// T − M days: one reminder to members who haven't answered "stay in?".
pub fn remind_at(cfg: &ProgrammeConfig, round: RoundId) -> DateTime<Utc> {
    let d = start_date(cfg, round) - Duration::days(cfg.reminder_days_before as i64);
    local_instant(cfg, d)
}

/// Something the scheduler should do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    /// Ask members whether they stay in for this round.
    Reconfirm(RoundId),
    /// Remind members who haven't answered for this round.
    Remind(RoundId),
    /// Pair this round.
    Pair(RoundId),
    /// Send this check-in of this round.
    Checkin(RoundId, u32),
}

impl std::fmt::Display for Due {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Due::Reconfirm(r) => write!(f, "reconfirm {r}"),
            Due::Remind(r) => write!(f, "remind {r}"),
            Due::Pair(r) => write!(f, "pair {r}"),
            Due::Checkin(r, d) => write!(f, "check-in {r} day {d}"),
        }
    }
}

/// What is due at `now`, given the stored rounds `current` (the round in
/// progress) and `next` (the one after). A late tick still finds the work due,
/// and once a round item records the work as done it is no longer due, so
/// running this every hour (or twice in a row) does everything exactly once.
pub fn due(
    cfg: &ProgrammeConfig,
    now: DateTime<Utc>,
    current: Option<&Round>,
    next: Option<&Round>,
) -> Vec<Due> {
    let cur_id = current_round(cfg, now);
    let next_id = cur_id.next();
    let mut out = Vec::new();
    // Pairing: due from T while more than half the round is left (a late
    // tick still pairs; a first deploy late in a month waits for the next
    // round, and moderators can always `run`), unless already done.
    let paired = current.is_some_and(|r| r.state == RoundState::Paired);
    if !paired && more_than_half_left(cfg, cur_id, now) {
        out.push(Due::Pair(cur_id));
    }
    if paired {
        let mut days = cfg.checkin_days.clone();
        days.sort_unstable();
        for day in days {
            let sent = current.is_some_and(|r| r.checkins_sent.contains(&day));
            let at = checkin_at(cfg, cur_id, day);
            // A round paired late skips the check-ins that fell before it.
            let before_pairing = current.and_then(|r| r.paired_at).is_some_and(|p| at < p);
            if !sent && !before_pairing && now >= at {
                out.push(Due::Checkin(cur_id, day));
            }
        }
    }
    let reconfirmed = next.is_some_and(|r| r.reconfirm_sent_at.is_some());
    if !reconfirmed && now >= reconfirm_at(cfg, next_id) {
        out.push(Due::Reconfirm(next_id));
    }
    // The reminder follows the question (never before it, never twice).
    let reminded = next.is_some_and(|r| r.reminder_sent_at.is_some());
    if reconfirmed && !reminded && now >= remind_at(cfg, next_id) {
        out.push(Due::Remind(next_id));
    }
    out
}

/// "Tuesday 1 December 2026, 09:00 (Europe/London)".
pub fn describe(cfg: &ProgrammeConfig, t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&cfg.timezone);
    format!(
        "{} {} {} {}, {} ({})",
        local.format("%A"),
        local.day(),
        local.format("%B"),
        local.year(),
        local.format("%H:%M"),
        cfg.timezone.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(tz: &str) -> ProgrammeConfig {
        let mut c = ProgrammeConfig::example();
        c.timezone = tz.parse().unwrap();
        c
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn rid(s: &str) -> RoundId {
        s.parse().unwrap()
    }

    fn done(id: RoundId, state: RoundState) -> Round {
        let mut r = Round::new(id, 1, utc("2026-01-01T00:00:00Z"));
        r.state = state;
        r
    }

    #[test]
    fn a_round_starts_at_nine_local_time_on_the_first() {
        let c = cfg("Europe/London");
        assert_eq!(round_start(&c, rid("2026-12")), utc("2026-12-01T09:00:00Z"));
        // British Summer Time: 09:00 local is 08:00 UTC.
        assert_eq!(round_start(&c, rid("2026-07")), utc("2026-07-01T08:00:00Z"));
    }

    #[test]
    fn reconfirmation_is_seven_days_before_across_a_year_end() {
        let c = cfg("UTC");
        assert_eq!(
            reconfirm_at(&c, rid("2027-01")),
            utc("2026-12-25T09:00:00Z")
        );
    }

    #[test]
    fn reconfirmation_before_march_handles_leap_years() {
        let c = cfg("UTC");
        assert_eq!(
            reconfirm_at(&c, rid("2028-03")),
            utc("2028-02-23T09:00:00Z")
        );
        assert_eq!(
            reconfirm_at(&c, rid("2027-03")),
            utc("2027-02-22T09:00:00Z")
        );
    }

    #[test]
    fn check_ins_keep_local_time_across_a_dst_change() {
        // Europe/Berlin leaves summer time on 25 October 2026.
        let c = cfg("Europe/Berlin");
        assert_eq!(
            checkin_at(&c, rid("2026-10"), 7),
            utc("2026-10-08T07:00:00Z")
        );
        assert_eq!(
            checkin_at(&c, rid("2026-10"), 28 - 1),
            utc("2026-10-28T08:00:00Z")
        );
    }

    #[test]
    fn a_start_hour_inside_a_dst_gap_moves_forward() {
        // America/New_York skips 02:00–03:00 on 8 March 2026.
        let mut c = cfg("America/New_York");
        c.round_start_day = 8;
        c.round_start_hour = 2;
        assert_eq!(round_start(&c, rid("2026-03")), utc("2026-03-08T07:00:00Z"));
    }

    #[test]
    fn the_current_round_changes_at_the_start_instant() {
        let c = cfg("Asia/Tokyo"); // 09:00 JST = 00:00 UTC
        assert_eq!(
            current_round(&c, utc("2026-11-30T23:59:59Z")),
            rid("2026-11")
        );
        assert_eq!(
            current_round(&c, utc("2026-12-01T00:00:00Z")),
            rid("2026-12")
        );
        assert_eq!(next_round(&c, utc("2026-12-01T00:00:00Z")), rid("2027-01"));
    }

    #[test]
    fn nothing_is_due_mid_month_once_everything_is_done() {
        let c = cfg("UTC");
        let mut cur = done(rid("2026-11"), RoundState::Paired);
        cur.checkins_sent = vec![7];
        assert!(due(&c, utc("2026-11-12T10:00:00Z"), Some(&cur), None).is_empty());
    }

    #[test]
    fn pairing_is_due_at_the_start_and_not_after_it_is_done() {
        let c = cfg("UTC");
        let t = utc("2026-12-01T09:00:00Z");
        let open = done(rid("2026-12"), RoundState::Open);
        assert_eq!(
            due(&c, t, Some(&open), None),
            vec![Due::Pair(rid("2026-12"))]
        );
        let paired = done(rid("2026-12"), RoundState::Paired);
        assert!(due(&c, t, Some(&paired), None).is_empty());
    }

    #[test]
    fn a_missed_tick_still_does_the_due_work_once() {
        let c = cfg("UTC");
        // The scheduler was down from 30 Nov to 9 Dec: pairing is due late,
        // then the day-7 check-in, each once.
        let t = utc("2026-12-09T10:00:00Z");
        assert_eq!(due(&c, t, None, None), vec![Due::Pair(rid("2026-12"))]);
        let mut paired = done(rid("2026-12"), RoundState::Paired);
        assert_eq!(
            due(&c, t, Some(&paired), None),
            vec![Due::Checkin(rid("2026-12"), 7)]
        );
        paired.checkins_sent.push(7);
        assert!(due(&c, t, Some(&paired), None).is_empty());
    }

    #[test]
    fn a_round_paired_late_skips_check_ins_that_fell_before_it() {
        let c = cfg("UTC");
        let mut paired = done(rid("2026-12"), RoundState::Paired);
        paired.paired_at = Some(utc("2026-12-10T10:00:00Z"));
        assert!(due(&c, utc("2026-12-10T11:00:00Z"), Some(&paired), None).is_empty());
        assert_eq!(
            due(&c, utc("2026-12-22T09:00:00Z"), Some(&paired), None),
            vec![Due::Checkin(rid("2026-12"), 21)]
        );
    }

    #[test]
    fn reconfirmation_for_next_month_is_due_a_week_before() {
        let c = cfg("UTC");
        let cur = {
            let mut r = done(rid("2026-11"), RoundState::Paired);
            r.checkins_sent = vec![7, 21];
            r
        };
        assert!(due(&c, utc("2026-11-24T08:59:00Z"), Some(&cur), None).is_empty());
        let t = utc("2026-11-24T09:00:00Z");
        assert_eq!(
            due(&c, t, Some(&cur), None),
            vec![Due::Reconfirm(rid("2026-12"))]
        );
        let mut next = done(rid("2026-12"), RoundState::Open);
        next.reconfirm_sent_at = Some(t);
        assert!(due(&c, t, Some(&cur), Some(&next)).is_empty());
    }

    #[test]
    fn the_reminder_is_due_two_days_before_after_the_question_and_once() {
        let c = cfg("UTC");
        let mut cur = done(rid("2026-11"), RoundState::Paired);
        cur.checkins_sent = vec![7, 21];
        let mut next = done(rid("2026-12"), RoundState::Open);
        next.reconfirm_sent_at = Some(utc("2026-11-24T09:00:00Z"));
        assert!(due(&c, utc("2026-11-29T08:59:00Z"), Some(&cur), Some(&next)).is_empty());
        let t = utc("2026-11-29T09:00:00Z");
        assert_eq!(
            due(&c, t, Some(&cur), Some(&next)),
            vec![Due::Remind(rid("2026-12"))]
        );
        next.reminder_sent_at = Some(t);
        assert!(due(&c, t, Some(&cur), Some(&next)).is_empty());
    }

    #[test]
    fn a_first_deploy_late_in_a_month_does_not_pair_that_month() {
        let c = cfg("UTC");
        assert!(
            due(&c, utc("2026-11-25T12:00:00Z"), None, None)
                .iter()
                .all(|d| !matches!(d, Due::Pair(_)))
        );
    }

    #[test]
    fn more_than_half_left_flips_mid_month() {
        let c = cfg("UTC");
        let r = rid("2026-12");
        assert!(more_than_half_left(&c, r, utc("2026-12-10T00:00:00Z")));
        assert!(!more_than_half_left(&c, r, utc("2026-12-20T00:00:00Z")));
    }

    #[test]
    fn describe_reads_naturally() {
        let c = cfg("Europe/London");
        assert_eq!(
            describe(&c, utc("2026-12-01T09:00:00Z")),
            "Tuesday 1 December 2026, 09:00 (Europe/London)"
        );
    }
}
