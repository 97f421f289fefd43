//! Interactivity payloads (`payload=` JSON in a form body) and slash commands
//! (plain form fields).

use std::collections::BTreeMap;

use serde::Deserialize;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("body is not a form")]
    NotAForm,
    #[error("form has no payload field")]
    NoPayload,
    #[error("payload is not valid JSON of a known shape: {0}")]
    BadPayload(String),
    #[error("slash command is missing {0}")]
    MissingField(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct User {
    pub id: String,
}

/// A plain-text object (a button's label).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
pub struct TextObject {
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ActionItem {
    pub action_id: String,
    #[serde(default)]
    pub value: Option<String>,
    /// The clicked button's label.
    #[serde(default)]
    pub text: Option<TextObject>,
    #[serde(default)]
    pub action_ts: Option<String>,
    /// A date picker's picked day (`YYYY-MM-DD`), in place of a value.
    #[serde(default)]
    pub selected_date: Option<String>,
    /// A person picker's picked user id, in place of a value.
    #[serde(default)]
    pub selected_user: Option<String>,
}

/// Where the clicked element lives.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
pub struct Container {
    #[serde(default)]
    pub message_ts: Option<String>,
    #[serde(default)]
    pub view_id: Option<String>,
    #[serde(default)]
    pub channel_id: Option<String>,
    /// Ephemeral messages can't be updated with `chat.update`.
    #[serde(default)]
    pub is_ephemeral: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct View {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub hash: Option<String>,
    #[serde(default)]
    pub callback_id: Option<String>,
    #[serde(default)]
    pub private_metadata: Option<String>,
    #[serde(default)]
    pub state: Option<ViewState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ViewState {
    /// block_id → action_id → element state.
    pub values: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Interaction {
    BlockActions {
        user: User,
        #[serde(default)]
        trigger_id: Option<String>,
        #[serde(default)]
        actions: Vec<ActionItem>,
        #[serde(default)]
        container: Container,
        #[serde(default)]
        view: Option<View>,
        #[serde(default)]
        response_url: Option<String>,
        /// The message the button is on (message containers only), as
        /// Block Kit JSON.
        #[serde(default)]
        message: Option<serde_json::Value>,
    },
    ViewSubmission {
        user: User,
        view: View,
    },
    ViewClosed {
        user: User,
    },
    #[serde(other)]
    Unknown,
}

/// Parses an interactivity request body.
pub fn parse_interaction(body: &[u8]) -> Result<Interaction, ParseError> {
    let form: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|_| ParseError::NotAForm)?;
    let payload = form
        .into_iter()
        .find(|(k, _)| k == "payload")
        .map(|(_, v)| v)
        .ok_or(ParseError::NoPayload)?;
    serde_json::from_str(&payload).map_err(|e| ParseError::BadPayload(e.to_string()))
}

/// A slash command invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlashCommand {
    pub command: String,
    pub text: String,
    pub user_id: String,
    pub channel_id: Option<String>,
    pub response_url: Option<String>,
    pub trigger_id: Option<String>,
}

/// True when the form body looks like a slash command (has `command=`).
pub fn is_slash_command(body: &[u8]) -> bool {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .map(|f| f.iter().any(|(k, _)| k == "command"))
        .unwrap_or(false)
}

pub fn parse_slash_command(body: &[u8]) -> Result<SlashCommand, ParseError> {
    let form: BTreeMap<String, String> =
        serde_urlencoded::from_bytes(body).map_err(|_| ParseError::NotAForm)?;
    let get = |k: &str| form.get(k).cloned().filter(|v| !v.is_empty());
    Ok(SlashCommand {
        command: get("command").ok_or(ParseError::MissingField("command"))?,
        text: get("text").unwrap_or_default(),
        user_id: get("user_id").ok_or(ParseError::MissingField("user_id"))?,
        channel_id: get("channel_id"),
        response_url: get("response_url"),
        trigger_id: get("trigger_id"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(payload: &str) -> Vec<u8> {
        serde_urlencoded::to_string([("payload", payload)])
            .unwrap()
            .into_bytes()
    }

    #[test]
    fn a_button_click_parses() {
        let i = parse_interaction(&form(
            r#"{"type":"block_actions","user":{"id":"U1"},"trigger_id":"t1","actions":[{"action_id":"pause","value":""}],"container":{"type":"message","message_ts":"1.2"}}"#,
        ))
        .unwrap();
        let Interaction::BlockActions {
            user,
            actions,
            container,
            ..
        } = i
        else {
            panic!()
        };
        assert_eq!(user.id, "U1");
        assert_eq!(actions[0].action_id, "pause");
        assert_eq!(container.message_ts.as_deref(), Some("1.2"));
    }

    #[test]
    fn unknown_interaction_types_are_unknown() {
        assert_eq!(
            parse_interaction(&form(r#"{"type":"shortcut","user":{"id":"U1"}}"#)).unwrap(),
            Interaction::Unknown
        );
    }

    #[test]
    fn malformed_bodies_are_errors_not_panics() {
        assert_eq!(
            parse_interaction(b"nothing=here"),
            Err(ParseError::NoPayload)
        );
        assert!(matches!(
            parse_interaction(&form("{not json")),
            Err(ParseError::BadPayload(_))
        ));
        assert!(matches!(
            parse_interaction(&form(r#"{"type":"block_actions"}"#)),
            Err(ParseError::BadPayload(_))
        ));
    }

    #[test]
    fn slash_commands_parse() {
        let body = b"command=%2Fmentoring&text=pair+%3C%40U1%7Cana%3E&user_id=U9&response_url=https%3A%2F%2Fx";
        assert!(is_slash_command(body));
        let c = parse_slash_command(body).unwrap();
        assert_eq!(c.text, "pair <@U1|ana>");
        assert_eq!(c.response_url.as_deref(), Some("https://x"));
        assert_eq!(
            parse_slash_command(b"text=x"),
            Err(ParseError::MissingField("command"))
        );
    }
}
