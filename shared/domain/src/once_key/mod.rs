//! Every exactly-once marker the bot writes to the ledger, as one type.
//!
//! A key names a piece of work that must happen at most once (a Slack event
//! handled, a DM sent, a moderator alerted). This module is the only place
//! that turns a key into the ledger's string and back, so two kinds of work
//! can never share a marker by accident. User ids stay typed inside the
//! variants; the rendered key never reaches the table as such: the ledger
//! adapter stores it as `<KIND>#<keyed hash>`
//! ([`crate::privacy::Pseudonyms::ledger_key`]), so no marker names a user.
//!
//! Free-text fields (Slack event ids, view submissions, button values) are escaped
//! (`%` → `%25`, `#` → `%23`) so a field can never forge a separator; Slack's
//! own ids contain neither, so their keys read exactly as before.

use std::fmt;

use crate::ids::{RoundId, UserId};

/// One exactly-once marker.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OnceKey {
    /// A Slack Events API delivery (`event_id`).
    Event { event_id: String },
    /// A submitted modal state (its view id and hash): its confirmation DM.
    View { submission: String },
    /// A button click by `user` on one message or view state (`target`).
    Click {
        user: UserId,
        action_id: String,
        value: String,
        target: String,
    },
    /// The pairing DM to one member of a group.
    Notify {
        round: RoundId,
        group: u32,
        user: UserId,
    },
    /// The group DM of a group of `size` (a trio gets its own once it grows).
    NotifyGroup {
        round: RoundId,
        group: u32,
        size: usize,
    },
    /// "You weren't paired this month".
    Unpaired { round: RoundId, user: UserId },
    /// "Stay in for next month?".
    Reconfirm { round: RoundId, user: UserId },
    /// "You haven't answered yet" two days before the round.
    Remind { round: RoundId, user: UserId },
    /// A check-in `day` days into the round.
    Checkin {
        round: RoundId,
        day: u32,
        user: UserId,
    },
    /// The round summary to one moderator.
    Summary { round: RoundId, moderator: UserId },
    /// "Partner not responding" alert to the moderators.
    Alert {
        round: RoundId,
        group: u32,
        user: UserId,
    },
    /// "The report was withdrawn" to the moderators who were alerted.
    AlertWithdrawn {
        round: RoundId,
        group: u32,
        user: UserId,
    },
    /// The answer to a moderator's "run", per outcome (paired or not).
    RunReply {
        round: RoundId,
        moderator: UserId,
        paired: bool,
    },
    /// "A moderator ended your pairing".
    UnpairedByModerator {
        round: RoundId,
        group: u32,
        user: UserId,
    },
    /// "A moderator has taken you out" to a removed member: once per
    /// removal (the member item's version when it was confirmed), however
    /// many moderators confirm it.
    RemovedByModerator {
        round: RoundId,
        user: UserId,
        version: u64,
    },
    /// "Your partner left" to one remaining member.
    PartnerLeft {
        round: RoundId,
        group: u32,
        departed: UserId,
        recipient: UserId,
    },
    /// "Someone is left alone" to the moderators.
    PartnerLeftModerators {
        round: RoundId,
        group: u32,
        departed: UserId,
    },
    /// "We'll pair you soon" to a late joiner.
    Late { round: RoundId, user: UserId },
    /// The channel invitation to someone who mentioned the bot from outside.
    Invite { user: UserId },
    /// "Your data is deleted", once per request (its time in milliseconds).
    Deleted { user: UserId, requested_at: i64 },
    /// "Slack works again" to the moderators, per outage (its start, ms).
    SlackBack { since: i64 },
    /// A slash command (by its trigger id) accepted and handed to the bus.
    Slash { trigger: String },
    /// The work of an accepted request (its acceptance key and time), done
    /// once by the scheduler.
    Work { accepted: String },
    /// The momentum nudge in one group's group DM.
    Momentum { round: RoundId, group: u32 },
    /// The daily look for snoozes ending on `day` (community time zone).
    SnoozeSweep { day: chrono::NaiveDate },
    /// "Welcome back" to a member whose `pause until` ended on `until`.
    SnoozeEnded {
        user: UserId,
        until: chrono::NaiveDate,
    },
    /// "Someone is on the waiting list" to the moderators, per member and round.
    WaitingList { round: RoundId, user: UserId },
    /// The round's highlights post in the programme channel.
    Highlights { round: RoundId },
}

/// A string that is not a key this module renders.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a once-key: {0:?}")]
pub struct BadOnceKey(pub String);

impl OnceKey {
    /// The ledger string for this key (the one place keys are formatted).
    pub fn render(&self) -> String {
        use OnceKey::*;
        match self {
            Event { .. } | View { .. } | Click { .. } | Slash { .. } | Work { .. } => {
                self.render_request()
            }
            Notify { .. }
            | NotifyGroup { .. }
            | Unpaired { .. }
            | Reconfirm { .. }
            | Remind { .. }
            | Checkin { .. }
            | Summary { .. }
            | Momentum { .. }
            | Highlights { .. } => self.render_round(),
            Alert { .. }
            | AlertWithdrawn { .. }
            | RunReply { .. }
            | UnpairedByModerator { .. }
            | RemovedByModerator { .. }
            | PartnerLeft { .. }
            | PartnerLeftModerators { .. }
            | WaitingList { .. }
            | Late { .. } => self.render_moderation(),
            Invite { .. }
            | Deleted { .. }
            | SlackBack { .. }
            | SnoozeSweep { .. }
            | SnoozeEnded { .. } => self.render_member(),
        }
    }

    /// What kind of key this is, for logs and errors: the rendered key can
    /// hold a click's action and value (a rating, whom a member blocks) and
    /// Slack ids, which stay out of logs.
    pub fn kind(&self) -> &'static str {
        use OnceKey::*;
        match self {
            Event { .. } => "event",
            View { .. } => "view",
            Click { .. } => "click",
            Slash { .. } => "slash",
            Work { .. } => "work",
            Notify { .. } => "notify",
            NotifyGroup { .. } => "notify_group",
            Unpaired { .. } => "unpaired",
            Reconfirm { .. } => "reconfirm",
            Remind { .. } => "remind",
            Checkin { .. } => "checkin",
            Summary { .. } => "summary",
            Momentum { .. } => "momentum",
            Highlights { .. } => "highlights",
            Alert { .. } => "alert",
            AlertWithdrawn { .. } => "alert_withdrawn",
            RunReply { .. } => "run_reply",
            UnpairedByModerator { .. } => "unpaired_by_moderator",
            RemovedByModerator { .. } => "removed_by_moderator",
            PartnerLeft { .. } => "partner_left",
            PartnerLeftModerators { .. } => "partner_left_moderators",
            WaitingList { .. } => "waiting_list",
            Late { .. } => "late",
            Invite { .. } => "invite",
            Deleted { .. } => "deleted",
            SlackBack { .. } => "slack_back",
            SnoozeSweep { .. } => "snooze_sweep",
            SnoozeEnded { .. } => "snooze_ended",
        }
    }

    /// Keys of incoming Slack requests and accepted work.
    fn render_request(&self) -> String {
        use OnceKey::*;
        let f = |parts: &[&str]| parts.join("#");
        match self {
            Event { event_id } => f(&["EVENT", &esc(event_id)]),
            View { submission } => f(&["VIEW", &esc(submission)]),
            Click {
                user,
                action_id,
                value,
                target,
            } => f(&[
                "ACTION",
                &uid(user),
                &esc(action_id),
                &esc(value),
                &esc(target),
            ]),
            Slash { trigger } => f(&["SLASH", &esc(trigger)]),
            Work { accepted } => f(&["WORK", &esc(accepted)]),
            _ => String::new(),
        }
    }

    /// Keys of a round's messages.
    fn render_round(&self) -> String {
        use OnceKey::*;
        let f = |parts: &[&str]| parts.join("#");
        match self {
            Notify { round, group, user } => {
                f(&["NOTIFY", &round.to_string(), &group.to_string(), &uid(user)])
            }
            NotifyGroup { round, group, size } => f(&[
                "NOTIFY",
                &round.to_string(),
                &group.to_string(),
                &format!("group{size}"),
            ]),
            Unpaired { round, user } => f(&["UNPAIRED", &round.to_string(), &uid(user)]),
            Reconfirm { round, user } => f(&["RECONFIRM", &round.to_string(), &uid(user)]),
            Remind { round, user } => f(&["REMIND", &round.to_string(), &uid(user)]),
            Checkin { round, day, user } => {
                f(&["CHECKIN", &round.to_string(), &day.to_string(), &uid(user)])
            }
            Summary { round, moderator } => f(&["SUMMARY", &round.to_string(), &uid(moderator)]),
            Momentum { round, group } => f(&["MOMENTUM", &round.to_string(), &group.to_string()]),
            Highlights { round } => f(&["HIGHLIGHTS", &round.to_string()]),
            _ => String::new(),
        }
    }

    /// Keys of moderator alerts and the partner-left flow.
    fn render_moderation(&self) -> String {
        use OnceKey::*;
        let f = |parts: &[&str]| parts.join("#");
        match self {
            Alert { round, group, user } => {
                f(&["ALERT", &round.to_string(), &group.to_string(), &uid(user)])
            }
            AlertWithdrawn { round, group, user } => f(&[
                "ALERT-WITHDRAWN",
                &round.to_string(),
                &group.to_string(),
                &uid(user),
            ]),
            RunReply {
                round,
                moderator,
                paired,
            } => f(&[
                "RUNREPLY",
                &round.to_string(),
                &uid(moderator),
                &paired.to_string(),
            ]),
            UnpairedByModerator { round, group, user } => f(&[
                "UNPAIRED-BY-MOD",
                &round.to_string(),
                &group.to_string(),
                &uid(user),
            ]),
            RemovedByModerator {
                round,
                user,
                version,
            } => f(&[
                "REMOVED-BY-MOD",
                &round.to_string(),
                &uid(user),
                &version.to_string(),
            ]),
            PartnerLeft {
                round,
                group,
                departed,
                recipient,
            } => f(&[
                "PARTNER-LEFT",
                &round.to_string(),
                &group.to_string(),
                &uid(departed),
                &uid(recipient),
            ]),
            PartnerLeftModerators {
                round,
                group,
                departed,
            } => f(&[
                "PARTNER-LEFT-MODS",
                &round.to_string(),
                &group.to_string(),
                &uid(departed),
            ]),
            WaitingList { round, user } => f(&["WAITING", &round.to_string(), &uid(user)]),
            Late { round, user } => f(&["LATE", &round.to_string(), &uid(user)]),
            _ => String::new(),
        }
    }

    /// Keys of one member's or the whole programme's notices.
    fn render_member(&self) -> String {
        use OnceKey::*;
        let f = |parts: &[&str]| parts.join("#");
        match self {
            Invite { user } => f(&["INVITE", &uid(user)]),
            Deleted { user, requested_at } => {
                f(&["DELETED", &uid(user), &requested_at.to_string()])
            }
            SlackBack { since } => f(&["SLACK-BACK", &since.to_string()]),
            SnoozeSweep { day } => f(&["SNOOZE-SWEEP", &day.to_string()]),
            SnoozeEnded { user, until } => f(&["SNOOZE-ENDED", &until.to_string(), &uid(user)]),
            _ => String::new(),
        }
    }

    /// Reads a rendered key back (diagnostics, tests, tools).
    pub fn parse(s: &str) -> Result<Self, BadOnceKey> {
        parse_parts(&s.split('#').collect::<Vec<_>>()).ok_or_else(|| BadOnceKey(s.to_string()))
    }
}

impl fmt::Display for OnceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

fn esc(s: &str) -> String {
    s.replace('%', "%25").replace('#', "%23")
}

fn unesc(s: &str) -> Option<String> {
    let out = s.replace("%23", "#").replace("%25", "%");
    // Only the two escapes this module writes may appear.
    (esc(&out) == s).then_some(out)
}

fn uid(u: &UserId) -> String {
    esc(u.as_str())
}

fn parse_parts(p: &[&str]) -> Option<OnceKey> {
    match p.first().copied()? {
        "EVENT" | "VIEW" | "ACTION" | "SLASH" | "WORK" => parse_request(p),
        "NOTIFY" | "UNPAIRED" | "RECONFIRM" | "REMIND" | "CHECKIN" | "SUMMARY" | "MOMENTUM"
        | "HIGHLIGHTS" => parse_round(p),
        "ALERT" | "ALERT-WITHDRAWN" | "RUNREPLY" | "UNPAIRED-BY-MOD" | "REMOVED-BY-MOD"
        | "PARTNER-LEFT" | "PARTNER-LEFT-MODS" | "WAITING" | "LATE" => parse_moderation(p),
        "INVITE" | "DELETED" | "SLACK-BACK" | "SNOOZE-SWEEP" | "SNOOZE-ENDED" => parse_member(p),
        _ => None,
    }
}

fn user(s: &str) -> Option<UserId> {
    unesc(s).map(UserId)
}

fn round(s: &str) -> Option<RoundId> {
    s.parse::<RoundId>().ok()
}

fn num(s: &str) -> Option<u32> {
    s.parse::<u32>().ok()
}

fn parse_request(p: &[&str]) -> Option<OnceKey> {
    use OnceKey::*;
    Some(match p {
        ["EVENT", e] => Event {
            event_id: unesc(e)?,
        },
        ["VIEW", v] => View {
            submission: unesc(v)?,
        },
        ["ACTION", u, a, v, t] => Click {
            user: user(u)?,
            action_id: unesc(a)?,
            value: unesc(v)?,
            target: unesc(t)?,
        },
        ["SLASH", t] => Slash { trigger: unesc(t)? },
        ["WORK", w] => Work {
            accepted: unesc(w)?,
        },
        _ => return None,
    })
}

fn parse_round(p: &[&str]) -> Option<OnceKey> {
    use OnceKey::*;
    Some(match p {
        ["NOTIFY", r, g, last] => match last.strip_prefix("group") {
            Some(size) => NotifyGroup {
                round: round(r)?,
                group: num(g)?,
                size: size.parse().ok()?,
            },
            None => Notify {
                round: round(r)?,
                group: num(g)?,
                user: user(last)?,
            },
        },
        ["UNPAIRED", r, u] => Unpaired {
            round: round(r)?,
            user: user(u)?,
        },
        ["RECONFIRM", r, u] => Reconfirm {
            round: round(r)?,
            user: user(u)?,
        },
        ["REMIND", r, u] => Remind {
            round: round(r)?,
            user: user(u)?,
        },
        ["CHECKIN", r, d, u] => Checkin {
            round: round(r)?,
            day: num(d)?,
            user: user(u)?,
        },
        ["SUMMARY", r, m] => Summary {
            round: round(r)?,
            moderator: user(m)?,
        },
        ["MOMENTUM", r, g] => Momentum {
            round: round(r)?,
            group: num(g)?,
        },
        ["HIGHLIGHTS", r] => Highlights { round: round(r)? },
        _ => return None,
    })
}

fn parse_moderation(p: &[&str]) -> Option<OnceKey> {
    use OnceKey::*;
    Some(match p {
        ["ALERT", r, g, u] => Alert {
            round: round(r)?,
            group: num(g)?,
            user: user(u)?,
        },
        ["ALERT-WITHDRAWN", r, g, u] => AlertWithdrawn {
            round: round(r)?,
            group: num(g)?,
            user: user(u)?,
        },
        ["RUNREPLY", r, m, paired] => RunReply {
            round: round(r)?,
            moderator: user(m)?,
            paired: paired.parse().ok()?,
        },
        ["UNPAIRED-BY-MOD", r, g, u] => UnpairedByModerator {
            round: round(r)?,
            group: num(g)?,
            user: user(u)?,
        },
        ["REMOVED-BY-MOD", r, u, v] => RemovedByModerator {
            round: round(r)?,
            user: user(u)?,
            version: v.parse().ok()?,
        },
        ["PARTNER-LEFT", r, g, d, u] => PartnerLeft {
            round: round(r)?,
            group: num(g)?,
            departed: user(d)?,
            recipient: user(u)?,
        },
        ["PARTNER-LEFT-MODS", r, g, d] => PartnerLeftModerators {
            round: round(r)?,
            group: num(g)?,
            departed: user(d)?,
        },
        ["WAITING", r, u] => WaitingList {
            round: round(r)?,
            user: user(u)?,
        },
        ["LATE", r, u] => Late {
            round: round(r)?,
            user: user(u)?,
        },
        _ => return None,
    })
}

fn parse_member(p: &[&str]) -> Option<OnceKey> {
    use OnceKey::*;
    Some(match p {
        ["INVITE", u] => Invite { user: user(u)? },
        ["DELETED", u, t] => Deleted {
            user: user(u)?,
            requested_at: t.parse().ok()?,
        },
        ["SLACK-BACK", t] => SlackBack {
            since: t.parse().ok()?,
        },
        ["SNOOZE-SWEEP", d] => SnoozeSweep {
            day: d.parse().ok()?,
        },
        ["SNOOZE-ENDED", d, u] => SnoozeEnded {
            until: d.parse().ok()?,
            user: user(u)?,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
