//! Identifier newtypes, so a user id is never mistaken for a channel id.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_string())
            }
        }
    };
}

string_id!(
    /// A Slack user id (`U…` / `W…`).
    UserId
);
string_id!(
    /// A Slack conversation id (`C…`, `D…`, `G…`).
    ChannelId
);

impl UserId {
    /// `<@U123>`: how Slack renders a mention.
    pub fn mention(&self) -> String {
        format!("<@{}>", self.0)
    }

    /// Slack user ids are upper-case alphanumerics starting with U or W.
    pub fn is_valid(s: &str) -> bool {
        (s.starts_with('U') || s.starts_with('W'))
            && s.len() >= 3
            && s.len() <= 24
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    }
}

impl From<&UserId> for mentor_matching::MemberId {
    fn from(u: &UserId) -> Self {
        mentor_matching::MemberId(u.0.clone())
    }
}

impl From<&mentor_matching::MemberId> for UserId {
    fn from(m: &mentor_matching::MemberId) -> Self {
        UserId(m.0.clone())
    }
}

/// A round is a calendar month in the community's time zone: `2026-12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoundId {
    pub year: i32,
    pub month: u32,
}

impl RoundId {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self { year, month })
    }

    pub fn of_date(d: NaiveDate) -> Self {
        Self {
            year: d.year(),
            month: d.month(),
        }
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn prev(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// How many rounds `self` is after `earlier` (0 when equal).
    pub fn months_since(self, earlier: RoundId) -> i32 {
        (self.year - earlier.year) * 12 + self.month as i32 - earlier.month as i32
    }

    /// "December 2026".
    pub fn label(self) -> String {
        const NAMES: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        format!("{} {}", NAMES[(self.month - 1) as usize], self.year)
    }
}

impl fmt::Display for RoundId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for RoundId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (y, m) = s
            .split_once('-')
            .ok_or_else(|| format!("round id {s:?} is not YYYY-MM"))?;
        let year: i32 = y.parse().map_err(|_| format!("bad year in {s:?}"))?;
        let month: u32 = m.parse().map_err(|_| format!("bad month in {s:?}"))?;
        RoundId::new(year, month).ok_or_else(|| format!("month out of range in {s:?}"))
    }
}

impl TryFrom<String> for RoundId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<RoundId> for String {
    fn from(r: RoundId) -> Self {
        r.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_ids_round_trip_and_wrap_years() {
        let r: RoundId = "2026-12".parse().unwrap();
        assert_eq!(r.next().to_string(), "2027-01");
        assert_eq!(r.next().prev(), r);
        assert_eq!(r.next().months_since(r), 1);
        assert!("2026-13".parse::<RoundId>().is_err());
        assert!("nonsense".parse::<RoundId>().is_err());
        assert_eq!(r.label(), "December 2026");
    }

    #[test]
    fn user_ids_are_validated() {
        assert!(UserId::is_valid("U012ABCDEF"));
        assert!(UserId::is_valid("W0123"));
        assert!(!UserId::is_valid("C0123"));
        assert!(!UserId::is_valid("U01<script>"));
    }
}
