//! "Pause until a date": the words a member may use and the date they mean.
//!
//! Pure: [`parse`] reads the text of a DM (`pause until 2027-03-01`,
//! `pause until March`, `pause for 2 months`, `snooze until 1 March`) into a
//! [`Snooze`], and [`resolve`] turns it into the first day the member is
//! back, given today's date in the community's time zone.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// What a member asked for, before today's date gives it meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Snooze {
    /// `until 2027-03-01`, `until 1 March 2027`, `until March 1`.
    Date(NaiveDate),
    /// `until 1 March` / `until March 1` (the next such day).
    DayOfMonth { month: u32, day: u32 },
    /// `until March` (its 1st), optionally with a year.
    Month { month: u32, year: Option<i32> },
    /// `for 2 months`, `for 3 weeks`, `for 10 days`.
    For { amount: u32, unit: Unit },
    /// `until next month` (its 1st) / `until next week` (its Monday).
    Next(Unit),
    /// `pause until …` with words that are not a date.
    Unreadable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Days,
    Weeks,
    Months,
}

/// Why a snooze can't be taken as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnoozeProblem {
    /// Today or earlier.
    Past(NaiveDate),
    /// More than [`MAX_MONTHS`] away: opting out suits that better.
    TooFar(NaiveDate),
    /// Not a date we can read.
    Unreadable,
}

/// The longest snooze: beyond this, `opt out` (and `opt in` later) fits better.
pub const MAX_MONTHS: u32 = 12;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(w))
        .map(|i| i as u32 + 1)
}

fn number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches(['.', ',']);
    let w = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| {
            w.strip_suffix(s)
                .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
        })
        .unwrap_or(w);
    if let Ok(n) = w.parse() {
        return Some(n);
    }
    let small = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    match w {
        "a" | "an" => Some(1),
        "couple" => Some(2),
        "few" => Some(3),
        _ => small.iter().position(|s| *s == w).map(|i| i as u32),
    }
}

fn unit_of(word: &str) -> Option<Unit> {
    match word.trim_end_matches(['.', ',']) {
        "day" | "days" => Some(Unit::Days),
        "week" | "weeks" | "wk" | "wks" => Some(Unit::Weeks),
        "month" | "months" | "mo" | "mos" => Some(Unit::Months),
        _ => None,
    }
}

fn years(word: &str) -> bool {
    matches!(
        word.trim_end_matches(['.', ',']),
        "year" | "years" | "yr" | "yrs"
    )
}

/// Reads `pause until …` / `pause for …` (also `snooze`); `None` when the
/// text is not such a command (plain `pause` is the open-ended pause).
pub fn parse(text: &str) -> Option<Snooze> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split_whitespace()
        .filter(|w| !w.starts_with("<@"))
        .map(|w| w.trim_matches(|c: char| matches!(c, '!' | '?' | ',' | '"' | '\'' | '`')))
        .filter(|w| !w.is_empty() && !matches!(*w, "please" | "pls" | "me" | "the"))
        .collect();
    let verb = words
        .iter()
        .position(|w| matches!(*w, "pause" | "snooze"))?;
    let rest = &words[verb + 1..];
    let (how, args) = rest.split_first()?;
    Some(match *how {
        "until" | "till" | "til" | "to" | "through" => until(args),
        "for" => for_(args),
        _ => return None,
    })
}

fn until(args: &[&str]) -> Snooze {
    let args: Vec<&str> = args.iter().copied().filter(|w| *w != "of").collect();
    match args.as_slice() {
        ["next", u] => match unit_of(u) {
            Some(unit @ (Unit::Weeks | Unit::Months)) => Snooze::Next(unit),
            _ => Snooze::Unreadable,
        },
        [iso] => {
            if let Ok(d) = NaiveDate::parse_from_str(iso.trim_end_matches('.'), "%Y-%m-%d") {
                return Snooze::Date(d);
            }
            match month_of(iso) {
                Some(month) => Snooze::Month { month, year: None },
                None => Snooze::Unreadable,
            }
        }
        [a, b] => match (month_of(a), number(a), month_of(b), number(b)) {
            // "March 2027"
            (Some(month), _, _, Some(y)) if y >= 2000 => Snooze::Month {
                month,
                year: Some(y as i32),
            },
            // "March 1"
            (Some(month), _, _, Some(day)) => Snooze::DayOfMonth { month, day },
            // "1 March"
            (_, Some(day), Some(month), _) => Snooze::DayOfMonth { month, day },
            _ => Snooze::Unreadable,
        },
        [a, b, c] => {
            let (day, month) = match (number(a), month_of(a), number(b), month_of(b)) {
                (Some(d), _, _, Some(m)) => (d, m),
                (_, Some(m), Some(d), _) => (d, m),
                _ => return Snooze::Unreadable,
            };
            match number(c).and_then(|y| NaiveDate::from_ymd_opt(y as i32, month, day)) {
                Some(d) => Snooze::Date(d),
                None => Snooze::Unreadable,
            }
        }
        _ => Snooze::Unreadable,
    }
}

fn for_(args: &[&str]) -> Snooze {
    let mut args: Vec<&str> = args.iter().copied().filter(|w| *w != "of").collect();
    // "a couple of weeks", "a few days"
    if args.len() == 3 && args[0] == "a" {
        args.remove(0);
    }
    match args.as_slice() {
        [u] if years(u) => Snooze::For {
            amount: 12,
            unit: Unit::Months,
        },
        [u] => match unit_of(u) {
            Some(unit) => Snooze::For { amount: 1, unit },
            None => Snooze::Unreadable,
        },
        [n, u] => match (number(n), unit_of(u), years(u)) {
            (Some(amount), Some(unit), _) if amount > 0 => Snooze::For { amount, unit },
            (Some(amount), _, true) if amount > 0 => Snooze::For {
                amount: amount.saturating_mul(12),
                unit: Unit::Months,
            },
            _ => Snooze::Unreadable,
        },
        _ => Snooze::Unreadable,
    }
}

/// The day the member is back (paired again from then on), counted from
/// `today`: a month alone means its 1st, the next one to come.
pub fn resolve(snooze: Snooze, today: NaiveDate) -> Result<NaiveDate, SnoozeProblem> {
    let date = match snooze {
        Snooze::Unreadable => return Err(SnoozeProblem::Unreadable),
        Snooze::Date(d) => d,
        Snooze::DayOfMonth { month, day } => {
            let this_year = NaiveDate::from_ymd_opt(today.year(), month, day)
                .ok_or(SnoozeProblem::Unreadable)?;
            if this_year > today {
                this_year
            } else {
                NaiveDate::from_ymd_opt(today.year() + 1, month, day)
                    .ok_or(SnoozeProblem::Unreadable)?
            }
        }
        Snooze::Month { month, year } => {
            let year = year.unwrap_or(if month > today.month() {
                today.year()
            } else {
                today.year() + 1
            });
            NaiveDate::from_ymd_opt(year, month, 1).ok_or(SnoozeProblem::Unreadable)?
        }
        Snooze::Next(Unit::Months) => today
            .checked_add_months(Months::new(1))
            .and_then(|d| d.with_day(1))
            .ok_or(SnoozeProblem::Unreadable)?,
        Snooze::Next(_) => {
            let to_monday = 7 - u64::from(today.weekday().num_days_from_monday());
            today
                .checked_add_days(Days::new(to_monday))
                .ok_or(SnoozeProblem::Unreadable)?
        }
        Snooze::For { amount, unit } => match unit {
            Unit::Days => today.checked_add_days(Days::new(amount.into())),
            Unit::Weeks => today.checked_add_days(Days::new(u64::from(amount) * 7)),
            Unit::Months => today.checked_add_months(Months::new(amount)),
        }
        .ok_or(SnoozeProblem::TooFar(today))?,
    };
    if date <= today {
        return Err(SnoozeProblem::Past(date));
    }
    let limit = today
        .checked_add_months(Months::new(MAX_MONTHS))
        .unwrap_or(NaiveDate::MAX);
    if date > limit {
        return Err(SnoozeProblem::TooFar(date));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Wednesday 10 February 2027.
    fn today() -> NaiveDate {
        d("2027-02-10")
    }

    fn back(text: &str) -> Result<NaiveDate, SnoozeProblem> {
        resolve(parse(text).expect("a snooze command"), today())
    }

    #[test]
    fn an_iso_date_is_taken_as_written() {
        assert_eq!(back("pause until 2027-03-01"), Ok(d("2027-03-01")));
        assert_eq!(
            back("<@U0BOT> Pause until 2027-03-01, please"),
            Ok(d("2027-03-01"))
        );
        assert_eq!(back("snooze till 2027-06-15!"), Ok(d("2027-06-15")));
    }

    #[test]
    fn a_month_means_its_first_day_the_next_time_it_comes() {
        assert_eq!(back("pause until March"), Ok(d("2027-03-01")));
        assert_eq!(back("pause until mar"), Ok(d("2027-03-01")));
        // February is now: "until February" is next year's.
        assert_eq!(back("pause until February"), Ok(d("2028-02-01")));
        assert_eq!(back("pause until January"), Ok(d("2028-01-01")));
        assert_eq!(back("pause until September 2027"), Ok(d("2027-09-01")));
    }

    #[test]
    fn a_day_and_month_in_either_order_is_the_next_such_day() {
        assert_eq!(back("pause until 1 March"), Ok(d("2027-03-01")));
        assert_eq!(back("pause until March 1st"), Ok(d("2027-03-01")));
        assert_eq!(back("pause until the 15th of April"), Ok(d("2027-04-15")));
        assert_eq!(back("pause until 5 February"), Ok(d("2028-02-05")));
        assert_eq!(back("pause until 1 March 2027"), Ok(d("2027-03-01")));
    }

    #[test]
    fn next_month_and_next_week_mean_their_first_day() {
        assert_eq!(back("pause until next month"), Ok(d("2027-03-01")));
        // Wednesday 10 February: next week starts Monday 15 February.
        assert_eq!(back("pause until next week"), Ok(d("2027-02-15")));
        assert_eq!(back("pause until next day"), Err(SnoozeProblem::Unreadable));
    }

    #[test]
    fn a_duration_counts_from_today() {
        assert_eq!(back("pause for 2 months"), Ok(d("2027-04-10")));
        assert_eq!(back("pause for two months"), Ok(d("2027-04-10")));
        assert_eq!(back("pause for a month"), Ok(d("2027-03-10")));
        assert_eq!(back("pause for 3 weeks"), Ok(d("2027-03-03")));
        assert_eq!(back("pause for 10 days"), Ok(d("2027-02-20")));
        assert_eq!(back("snooze for a couple of weeks"), Ok(d("2027-02-24")));
    }

    #[test]
    fn a_past_date_or_today_is_refused_with_the_date() {
        assert_eq!(
            back("pause until 2027-01-01"),
            Err(SnoozeProblem::Past(d("2027-01-01")))
        );
        assert_eq!(
            back("pause until 2027-02-10"),
            Err(SnoozeProblem::Past(d("2027-02-10")))
        );
        assert_eq!(
            back("pause until January 2027"),
            Err(SnoozeProblem::Past(d("2027-01-01")))
        );
    }

    #[test]
    fn more_than_a_year_away_is_too_far() {
        assert_eq!(
            back("pause until 2029-01-01"),
            Err(SnoozeProblem::TooFar(d("2029-01-01")))
        );
        assert_eq!(
            back("pause for 13 months"),
            Err(SnoozeProblem::TooFar(d("2028-03-10")))
        );
        assert_eq!(back("pause for 12 months"), Ok(d("2028-02-10")));
        assert_eq!(back("pause for a year"), Ok(d("2028-02-10")));
        assert_eq!(
            back("pause for 2 years"),
            Err(SnoozeProblem::TooFar(d("2029-02-10")))
        );
    }

    #[test]
    fn nonsense_after_until_or_for_is_unreadable() {
        for t in [
            "pause until whenever",
            "pause until 2027-02-30",
            "pause until 31 February",
            "pause for ever",
            "pause for 0 days",
            "pause until next next blue moon",
            "pause until",
        ] {
            assert_eq!(back(t), Err(SnoozeProblem::Unreadable), "{t}");
        }
    }

    #[test]
    fn plain_pause_and_other_texts_are_not_a_snooze() {
        for t in [
            "pause",
            "pause please",
            "resume",
            "opt out",
            "hello",
            "pause it",
        ] {
            assert_eq!(parse(t), None, "{t}");
        }
    }
}
