//! Events API payloads. Unknown envelope and event types deserialize to
//! `Unknown` so Slack adding a type never turns into an error.

use serde::Deserialize;

/// The outer body Slack POSTs to the events URL.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Envelope {
    UrlVerification {
        challenge: String,
    },
    EventCallback {
        event_id: String,
        #[serde(default)]
        team_id: Option<String>,
        event: Event,
    },
    #[serde(other)]
    Unknown,
}

/// The inner event.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    AppMention {
        #[serde(default)]
        user: Option<String>,
        #[serde(default)]
        text: String,
        channel: String,
        #[serde(default)]
        bot_id: Option<String>,
    },
    Message {
        #[serde(default)]
        user: Option<String>,
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        channel: Option<String>,
        #[serde(default)]
        channel_type: Option<String>,
        #[serde(default)]
        bot_id: Option<String>,
        #[serde(default)]
        subtype: Option<String>,
    },
    MemberJoinedChannel {
        user: String,
        channel: String,
    },
    MemberLeftChannel {
        user: String,
        channel: String,
    },
    AppHomeOpened {
        user: String,
        #[serde(default)]
        tab: Option<String>,
    },
    #[serde(other)]
    Unknown,
}

/// What the bot does with an event, after filtering out bots and noise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    Mention {
        user: String,
        channel: String,
        text: String,
    },
    DirectMessage {
        user: String,
        text: String,
    },
    Joined {
        user: String,
        channel: String,
    },
    Left {
        user: String,
        channel: String,
    },
    HomeOpened {
        user: String,
    },
    /// Bot messages, edits, other channels' chatter, unknown types.
    Ignored(&'static str),
}

impl Event {
    /// Classifies an event; `bot_user_id` is the bot's own user id, if known.
    pub fn incoming(self, bot_user_id: Option<&str>) -> Incoming {
        let is_self = |u: &Option<String>| u.as_deref().is_some_and(|u| Some(u) == bot_user_id);
        match self {
            Event::AppMention {
                user,
                text,
                channel,
                bot_id,
            } => match user {
                _ if bot_id.is_some() => Incoming::Ignored("bot mention"),
                Some(u) if !is_self(&Some(u.clone())) => Incoming::Mention {
                    user: u,
                    channel,
                    text,
                },
                _ => Incoming::Ignored("mention without a person"),
            },
            Event::Message {
                user,
                text,
                channel_type,
                bot_id,
                subtype,
                ..
            } => {
                if bot_id.is_some() || is_self(&user) {
                    return Incoming::Ignored("bot message");
                }
                if subtype.is_some() {
                    return Incoming::Ignored("message subtype");
                }
                if channel_type.as_deref() != Some("im") {
                    return Incoming::Ignored("not a direct message");
                }
                match user {
                    Some(u) => Incoming::DirectMessage {
                        user: u,
                        text: text.unwrap_or_default(),
                    },
                    None => Incoming::Ignored("message without a user"),
                }
            }
            Event::MemberJoinedChannel { user, channel } => Incoming::Joined { user, channel },
            Event::MemberLeftChannel { user, channel } => Incoming::Left { user, channel },
            Event::AppHomeOpened { user, tab } => match tab.as_deref() {
                Some("home") | None => Incoming::HomeOpened { user },
                _ => Incoming::Ignored("messages tab"),
            },
            Event::Unknown => Incoming::Ignored("unknown event type"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Envelope {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn url_verification_parses() {
        assert_eq!(
            parse(r#"{"token":"x","challenge":"abc","type":"url_verification"}"#),
            Envelope::UrlVerification {
                challenge: "abc".into()
            }
        );
    }

    #[test]
    fn unknown_envelope_and_event_types_are_unknown_not_errors() {
        assert_eq!(parse(r#"{"type":"app_rate_limited"}"#), Envelope::Unknown);
        let e = parse(
            r#"{"type":"event_callback","event_id":"Ev1","event":{"type":"reaction_added","user":"U1"}}"#,
        );
        let Envelope::EventCallback { event, .. } = e else {
            panic!("{e:?}")
        };
        assert_eq!(
            event.incoming(None),
            Incoming::Ignored("unknown event type")
        );
    }

    #[test]
    fn bot_messages_and_edits_are_ignored() {
        let bot: Event = serde_json::from_str(
            r#"{"type":"message","channel_type":"im","bot_id":"B1","text":"hi"}"#,
        )
        .unwrap();
        assert_eq!(bot.incoming(None), Incoming::Ignored("bot message"));
        let own: Event =
            serde_json::from_str(r#"{"type":"message","channel_type":"im","user":"U0BOT"}"#)
                .unwrap();
        assert_eq!(
            own.incoming(Some("U0BOT")),
            Incoming::Ignored("bot message")
        );
        let edit: Event = serde_json::from_str(
            r#"{"type":"message","channel_type":"im","user":"U1","subtype":"message_changed"}"#,
        )
        .unwrap();
        assert_eq!(edit.incoming(None), Incoming::Ignored("message subtype"));
    }

    #[test]
    fn a_direct_message_from_a_person_is_incoming() {
        let m: Event = serde_json::from_str(
            r#"{"type":"message","channel_type":"im","user":"U1","text":"status","channel":"D1"}"#,
        )
        .unwrap();
        assert_eq!(
            m.incoming(None),
            Incoming::DirectMessage {
                user: "U1".into(),
                text: "status".into()
            }
        );
    }
}
