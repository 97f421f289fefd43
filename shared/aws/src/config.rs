//! Configuration, read once per cold start from environment variables (the
//! SAM template sets them), with clear errors naming the variable at fault.

use std::collections::HashMap;

use mentor_domain::config::DEFAULT_TOPICS;
use mentor_domain::{ChannelId, ProgrammeConfig, UserId};
use mentor_matching::MatchConfig;
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is not set")]
    Missing(&'static str),
    #[error("{name} is invalid: {why}")]
    Invalid { name: &'static str, why: String },
}

/// Slack's Web API, unless `SLACK_API_BASE_URL` names another.
pub const DEFAULT_SLACK_API_BASE_URL: &str = "https://slack.com/api";

/// Where the Slack credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlackSecrets {
    /// A Secrets Manager secret holding `{"signing_secret": …, "bot_token": …}`.
    SecretArn(String),
    /// Given directly (local runner and tests only).
    Inline {
        signing_secret: String,
        bot_token: Option<String>,
    },
}

/// Where the pseudonym (HMAC) key for user ids in storage keys comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum PseudonymKey {
    /// A Secrets Manager secret holding `{"pseudonym_key": …}`.
    SecretArn(String),
    /// Given directly (`PSEUDONYM_KEY`) or the local default (runner, tests).
    Inline(String),
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PseudonymKey::SecretArn(arn) => write!(f, "SecretArn({arn})"),
            PseudonymKey::Inline(_) => f.write_str("Inline(<redacted>)"),
        }
    }
}

/// Everything a function needs besides the programme settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub programme: ProgrammeConfig,
    pub table_name: String,
    pub event_bus_name: String,
    pub slack_api_base_url: String,
    pub slack_secrets: SlackSecrets,
    pub pseudonym_key: PseudonymKey,
    /// For tests and the local runner: a DynamoDB/EventBridge endpoint override.
    pub aws_endpoint_url: Option<String>,
}

/// The variables, read with the defaults and error messages every setting shares.
struct Vars<'a>(&'a HashMap<String, String>);

impl Vars<'_> {
    fn get(&self, k: &'static str) -> Option<String> {
        self.0
            .get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    fn required(&self, k: &'static str) -> Result<String, ConfigError> {
        self.get(k).ok_or(ConfigError::Missing(k))
    }

    fn number(&self, k: &'static str, default: u32) -> Result<u32, ConfigError> {
        match self.get(k) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| ConfigError::Invalid {
                name: k,
                why: format!("{v:?} is not a whole number"),
            }),
        }
    }

    fn list(&self, k: &'static str) -> Vec<String> {
        self.get(k)
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn timezone(&self) -> Result<chrono_tz::Tz, ConfigError> {
        match self.get("COMMUNITY_TIMEZONE") {
            None => Ok(chrono_tz::Tz::UTC),
            Some(v) => v.parse().map_err(|_| ConfigError::Invalid {
                name: "COMMUNITY_TIMEZONE",
                why: format!("{v:?} is not an IANA time zone such as Europe/London"),
            }),
        }
    }

    fn moderators(&self) -> Result<Vec<UserId>, ConfigError> {
        let moderators: Vec<UserId> = self
            .list("MODERATOR_IDS")
            .into_iter()
            .map(UserId::new)
            .collect();
        if let Some(bad) = moderators.iter().find(|m| !UserId::is_valid(m.as_str())) {
            return Err(ConfigError::Invalid {
                name: "MODERATOR_IDS",
                why: format!("{bad:?} is not a Slack user id (U…)"),
            });
        }
        Ok(moderators)
    }

    fn checkin_days(&self) -> Result<Vec<u32>, ConfigError> {
        match self.get("CHECKIN_DAYS") {
            None => Ok(vec![7, 21]),
            Some(v) => v
                .split(',')
                .map(|d| d.trim().parse::<u32>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| ConfigError::Invalid {
                    name: "CHECKIN_DAYS",
                    why: format!("{v:?} is not a comma-separated list of days"),
                }),
        }
    }

    fn topics(&self) -> Vec<String> {
        let t = self.list("TOPICS");
        if t.is_empty() {
            DEFAULT_TOPICS.iter().map(|s| s.to_string()).collect()
        } else {
            t
        }
    }

    fn matching(&self) -> Result<MatchConfig, ConfigError> {
        let mut matching = MatchConfig::default();
        if let Some(k) = self.get("MATCH_CANDIDATES_PER_MEMBER") {
            matching.candidates_per_member = Some(k.parse().map_err(|_| ConfigError::Invalid {
                name: "MATCH_CANDIDATES_PER_MEMBER",
                why: format!("{k:?} is not a number"),
            })?);
        }
        Ok(matching)
    }

    fn momentum_day(&self) -> Result<Option<u32>, ConfigError> {
        match self.get("MOMENTUM_DAY").map(|v| v.to_lowercase()) {
            None => Ok(Some(2)),
            Some(v) if matches!(v.as_str(), "off" | "none" | "no" | "0") => Ok(None),
            Some(_) => Ok(Some(self.number("MOMENTUM_DAY", 2)?)),
        }
    }

    fn round_highlights(&self) -> Result<bool, ConfigError> {
        match self
            .get("ROUND_HIGHLIGHTS")
            .map(|v| v.to_lowercase())
            .as_deref()
        {
            None | Some("off" | "no" | "false" | "0" | "") => Ok(false),
            Some("on" | "yes" | "true" | "1") => Ok(true),
            Some(v) => Err(ConfigError::Invalid {
                name: "ROUND_HIGHLIGHTS",
                why: format!("{v:?} is not on or off"),
            }),
        }
    }

    /// The programme: channel, moderators, calendar, matching, retention.
    fn programme(&self) -> Result<ProgrammeConfig, ConfigError> {
        let timezone = self.timezone()?;
        let moderators = self.moderators()?;
        let checkin_days = self.checkin_days()?;
        let topics = self.topics();
        let matching = self.matching()?;
        let momentum_day = self.momentum_day()?;
        let round_highlights = self.round_highlights()?;
        let programme = ProgrammeConfig {
            channel: ChannelId::new(self.required("PROGRAMME_CHANNEL_ID")?),
            channel_name: self
                .get("PROGRAMME_CHANNEL_NAME")
                .unwrap_or_else(|| "peer-mentorship".into()),
            moderators,
            timezone,
            round_start_day: self.number("ROUND_START_DAY", 1)?,
            round_start_hour: self.number("ROUND_START_HOUR", 9)?,
            reconfirm_days_before: self.number("RECONFIRM_DAYS_BEFORE", 7)?,
            reminder_days_before: self.number("RECONFIRM_REMINDER_DAYS_BEFORE", 2)?,
            checkin_days,
            unresponsive_alert_hours: self.number("UNRESPONSIVE_ALERT_HOURS", 24)?,
            topics,
            resources_url: self
                .get("RESOURCES_URL")
                .unwrap_or_else(|| "https://slack.com/help/articles/115004071768".into()),
            matching,
            retention: mentor_domain::privacy::Retention::months(self.number(
                "RETENTION_MONTHS",
                mentor_domain::privacy::DEFAULT_RETENTION_MONTHS,
            )?),
            momentum_day,
            round_highlights,
        };
        programme.validate().map_err(|why| ConfigError::Invalid {
            name: "programme settings",
            why,
        })?;
        Ok(programme)
    }

    fn slack_secrets(&self) -> Result<SlackSecrets, ConfigError> {
        Ok(match self.get("SLACK_SECRET_ARN") {
            Some(arn) => SlackSecrets::SecretArn(arn),
            None => SlackSecrets::Inline {
                signing_secret: self
                    .get("SLACK_SIGNING_SECRET")
                    .ok_or(ConfigError::Missing(
                        "SLACK_SECRET_ARN (or SLACK_SIGNING_SECRET for local runs)",
                    ))?,
                bot_token: self.get("SLACK_BOT_TOKEN"),
            },
        })
    }

    fn pseudonym_key(&self, slack_secrets: &SlackSecrets) -> Result<PseudonymKey, ConfigError> {
        Ok(
            match (self.get("PSEUDONYM_SECRET_ARN"), self.get("PSEUDONYM_KEY")) {
                (Some(arn), _) => PseudonymKey::SecretArn(arn),
                (None, Some(key)) => PseudonymKey::Inline(key),
                // A deployment reads its Slack secret from Secrets Manager; it must not
                // fall back to the published local key.
                (None, None) if matches!(slack_secrets, SlackSecrets::SecretArn(_)) => {
                    return Err(ConfigError::Missing("PSEUDONYM_SECRET_ARN"));
                }
                (None, None) => {
                    PseudonymKey::Inline(mentor_domain::privacy::LOCAL_PSEUDONYM_KEY.to_string())
                }
            },
        )
    }
}

/// Reads settings from a map of variables (the process environment in production).
pub fn from_vars(vars: &HashMap<String, String>) -> Result<Settings, ConfigError> {
    let v = Vars(vars);
    let programme = v.programme()?;
    let slack_secrets = v.slack_secrets()?;
    let pseudonym_key = v.pseudonym_key(&slack_secrets)?;
    Ok(Settings {
        programme,
        table_name: v.required("TABLE_NAME")?,
        event_bus_name: v.get("EVENT_BUS_NAME").unwrap_or_else(|| "default".into()),
        slack_api_base_url: v
            .get("SLACK_API_BASE_URL")
            .unwrap_or_else(|| DEFAULT_SLACK_API_BASE_URL.into()),
        slack_secrets,
        pseudonym_key,
        aws_endpoint_url: v.get("AWS_ENDPOINT_URL"),
    })
}

pub fn from_env() -> Result<Settings, ConfigError> {
    from_vars(&std::env::vars().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn minimal() -> Vec<(&'static str, &'static str)> {
        vec![
            ("PROGRAMME_CHANNEL_ID", "C1"),
            ("TABLE_NAME", "t"),
            ("SLACK_SIGNING_SECRET", "s"),
        ]
    }

    #[test]
    fn defaults_fill_everything_optional() {
        let s = from_vars(&vars(&minimal())).unwrap();
        assert_eq!(s.programme.round_start_day, 1);
        assert_eq!(s.programme.checkin_days, vec![7, 21]);
        assert_eq!(s.slack_api_base_url, "https://slack.com/api");
        assert!(!s.programme.topics.is_empty());
    }

    #[test]
    fn a_missing_channel_is_named() {
        let e =
            from_vars(&vars(&[("TABLE_NAME", "t"), ("SLACK_SIGNING_SECRET", "s")])).unwrap_err();
        assert_eq!(e, ConfigError::Missing("PROGRAMME_CHANNEL_ID"));
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        let mut v = minimal();
        v.push(("COMMUNITY_TIMEZONE", "Moon/Base"));
        assert!(
            from_vars(&vars(&v))
                .unwrap_err()
                .to_string()
                .contains("COMMUNITY_TIMEZONE")
        );
        let mut v = minimal();
        v.push(("ROUND_START_DAY", "31"));
        assert!(
            from_vars(&vars(&v))
                .unwrap_err()
                .to_string()
                .contains("ROUND_START_DAY")
        );
        let mut v = minimal();
        v.push(("MODERATOR_IDS", "U1ABC, bob"));
        assert!(
            from_vars(&vars(&v))
                .unwrap_err()
                .to_string()
                .contains("MODERATOR_IDS")
        );
    }

    #[test]
    fn a_deployment_needs_its_own_pseudonym_key() {
        let mut v = minimal();
        v.push(("SLACK_SECRET_ARN", "arn:aws:secretsmanager:x"));
        assert_eq!(
            from_vars(&vars(&v)).unwrap_err(),
            ConfigError::Missing("PSEUDONYM_SECRET_ARN")
        );
        v.push(("PSEUDONYM_SECRET_ARN", "arn:aws:secretsmanager:p"));
        let s = from_vars(&vars(&v)).unwrap();
        assert_eq!(
            s.pseudonym_key,
            PseudonymKey::SecretArn("arn:aws:secretsmanager:p".into())
        );
        assert!(!format!("{s:?}").contains("not-for-production"));
    }

    #[test]
    fn retention_defaults_to_24_months_and_is_checked() {
        assert_eq!(
            from_vars(&vars(&minimal()))
                .unwrap()
                .programme
                .retention
                .months,
            24
        );
        let mut v = minimal();
        v.push(("RETENTION_MONTHS", "0"));
        assert!(
            from_vars(&vars(&v))
                .unwrap_err()
                .to_string()
                .contains("RETENTION_MONTHS")
        );
    }

    #[test]
    fn round_highlights_are_off_unless_turned_on() {
        let on = |extra: &[(&'static str, &'static str)]| {
            let mut v = minimal();
            v.extend_from_slice(extra);
            from_vars(&vars(&v)).map(|s| s.programme.round_highlights)
        };
        assert!(!on(&[]).unwrap());
        assert!(on(&[("ROUND_HIGHLIGHTS", "on")]).unwrap());
        assert!(on(&[("ROUND_HIGHLIGHTS", "Yes")]).unwrap());
        assert!(!on(&[("ROUND_HIGHLIGHTS", "off")]).unwrap());
        let err = on(&[("ROUND_HIGHLIGHTS", "sometimes")]).unwrap_err();
        assert!(err.to_string().contains("ROUND_HIGHLIGHTS"), "{err}");
    }

    #[test]
    fn the_momentum_nudge_defaults_to_day_two_and_can_be_turned_off() {
        let day = |extra: &[(&'static str, &'static str)]| {
            let mut v = minimal();
            v.extend_from_slice(extra);
            from_vars(&vars(&v)).map(|s| s.programme.momentum_day)
        };
        assert_eq!(day(&[]).unwrap(), Some(2));
        assert_eq!(day(&[("MOMENTUM_DAY", "3")]).unwrap(), Some(3));
        assert_eq!(day(&[("MOMENTUM_DAY", "off")]).unwrap(), None);
        assert_eq!(day(&[("MOMENTUM_DAY", "Off")]).unwrap(), None);
        let err = day(&[("MOMENTUM_DAY", "soon")]).unwrap_err().to_string();
        assert!(err.contains("MOMENTUM_DAY"), "{err}");
        let err = day(&[("MOMENTUM_DAY", "30")]).unwrap_err().to_string();
        assert!(err.contains("MOMENTUM_DAY"), "{err}");
    }

    #[test]
    fn a_secret_arn_wins_over_inline_secrets() {
        let mut v = minimal();
        v.push(("SLACK_SECRET_ARN", "arn:aws:secretsmanager:x"));
        v.push(("PSEUDONYM_SECRET_ARN", "arn:aws:secretsmanager:p"));
        assert_eq!(
            from_vars(&vars(&v)).unwrap().slack_secrets,
            SlackSecrets::SecretArn("arn:aws:secretsmanager:x".into())
        );
    }
}
