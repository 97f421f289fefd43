//! The programme's settings, as the operator configured them. Read once per
//! cold start (see `mentor_aws::config`) and passed to the use cases.

use chrono_tz::Tz;

use crate::ids::{ChannelId, UserId};
use mentor_matching::MatchConfig;

#[derive(Debug, Clone)]
pub struct ProgrammeConfig {
    /// The programme channel, e.g. `#peer-mentorship`'s id.
    pub channel: ChannelId,
    /// Human name of the channel for texts (without `#`).
    pub channel_name: String,
    pub moderators: Vec<UserId>,
    pub timezone: Tz,
    /// Day of month (1–28) and hour (0–23) a round starts, in `timezone`.
    pub round_start_day: u32,
    pub round_start_hour: u32,
    /// Reconfirmation goes out this many days before a round.
    pub reconfirm_days_before: u32,
    /// Members who haven't answered get one reminder this many days before.
    pub reminder_days_before: u32,
    /// Check-ins go out this many days after a round starts.
    pub checkin_days: Vec<u32>,
    /// Hours after a "my partner isn't responding" answer before moderators are alerted.
    pub unresponsive_alert_hours: u32,
    pub topics: Vec<String>,
    pub resources_url: String,
    pub matching: MatchConfig,
    /// How long group history and audit entries are kept (`RETENTION_MONTHS`).
    pub retention: crate::privacy::Retention,
    /// Days after pairing the momentum nudge goes to each pair's group DM
    /// (`MOMENTUM_DAY`); `None` turns it off.
    pub momentum_day: Option<u32>,
    /// After each round is paired, one short post in the programme channel
    /// (`ROUND_HIGHLIGHTS`, default off): how many pairs and newcomers, how
    /// to join, and the names of those who chose to be named.
    pub round_highlights: bool,
}

pub const DEFAULT_TOPICS: &[&str] = &[
    "Career growth",
    "Leadership",
    "Public speaking",
    "Writing",
    "Research",
    "Accessibility",
    "Design systems",
    "Portfolio reviews",
    "Frontend",
    "Backend",
    "Data",
    "DevOps",
    "Product management",
    "Open source",
    "Interviewing",
];

impl ProgrammeConfig {
    /// A sensible default for the local demo and tests.
    pub fn example() -> Self {
        Self {
            channel: ChannelId::new("C0PROGRAM"),
            channel_name: "peer-mentorship".into(),
            moderators: vec![UserId::new("U0MODERATOR")],
            timezone: Tz::UTC,
            round_start_day: 1,
            round_start_hour: 9,
            reconfirm_days_before: 7,
            reminder_days_before: 2,
            checkin_days: vec![7, 21],
            unresponsive_alert_hours: 24,
            topics: DEFAULT_TOPICS.iter().map(|s| s.to_string()).collect(),
            resources_url: "https://example.org/mentoring-resources".into(),
            matching: MatchConfig::default(),
            retention: crate::privacy::Retention::default(),
            momentum_day: Some(2),
            round_highlights: false,
        }
    }

    pub fn is_moderator(&self, user: &UserId) -> bool {
        self.moderators.contains(user)
    }

    /// Checks values that would otherwise fail later in odd ways.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=28).contains(&self.round_start_day) {
            return Err(format!(
                "ROUND_START_DAY must be 1–28 (got {}), so every month has it",
                self.round_start_day
            ));
        }
        if self.round_start_hour > 23 {
            return Err(format!(
                "ROUND_START_HOUR must be 0–23 (got {})",
                self.round_start_hour
            ));
        }
        if self.reconfirm_days_before == 0 || self.reconfirm_days_before > 20 {
            return Err(format!(
                "RECONFIRM_DAYS_BEFORE must be 1–20 (got {})",
                self.reconfirm_days_before
            ));
        }
        if self.reminder_days_before == 0 || self.reminder_days_before >= self.reconfirm_days_before
        {
            return Err(format!(
                "RECONFIRM_REMINDER_DAYS_BEFORE must be 1–{} (less than RECONFIRM_DAYS_BEFORE; got {})",
                self.reconfirm_days_before.saturating_sub(1),
                self.reminder_days_before
            ));
        }
        if self.checkin_days.iter().any(|d| *d == 0 || *d > 27) {
            return Err("CHECKIN_DAYS must be days 1–27 after the round starts".into());
        }
        if self.momentum_day.is_some_and(|d| d == 0 || d > 20) {
            return Err("MOMENTUM_DAY must be 1–20 days after pairing, or `off`".into());
        }
        if self.retention.months == 0 || self.retention.months > 120 {
            return Err(format!(
                "RETENTION_MONTHS must be 1–120 (got {})",
                self.retention.months
            ));
        }
        if self.topics.is_empty() {
            return Err("TOPICS must list at least one topic".into());
        }
        if self.topics.len() > 100 {
            return Err("TOPICS may list at most 100 topics (a Slack menu limit)".into());
        }
        Ok(())
    }
}
