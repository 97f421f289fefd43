//! Renders the domain's surfaces (messages, modals, App Home) to Block Kit
//! JSON, and reads a submitted modal's state back into form values.

use mentor_domain::profile_form::{FieldValue, FormValues};
use mentor_domain::surface::{
    Block, Button, ButtonStyle, Choice, Home, InputElement, Message, Modal,
};
use serde_json::{Value, json};

use crate::interactions::ViewState;

/// Slack's limits on text lengths we might exceed with long lists.
const MAX_SECTION: usize = 3000;
const MAX_BUTTON_TEXT: usize = 75;
const MAX_OPTION_TEXT: usize = 75;

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn plain(s: &str, max: usize) -> Value {
    json!({"type": "plain_text", "text": clip(s, max), "emoji": true})
}

fn button(b: &Button) -> Value {
    let mut v = json!({
        "type": "button",
        "action_id": b.action_id,
        "text": plain(&b.text, MAX_BUTTON_TEXT),
    });
    if !b.value.is_empty() {
        v["value"] = json!(b.value);
    }
    match b.style {
        ButtonStyle::Primary => v["style"] = json!("primary"),
        ButtonStyle::Danger => v["style"] = json!("danger"),
        ButtonStyle::Default => {}
    }
    if let Some(url) = &b.url {
        v["url"] = json!(url);
    }
    v
}

fn option(c: &Choice) -> Value {
    json!({"text": plain(&c.label, MAX_OPTION_TEXT), "value": c.value})
}

fn element(key: &str, e: &InputElement) -> Value {
    match e {
        InputElement::Text {
            initial,
            placeholder,
        } => {
            let mut v = json!({
                "type": "plain_text_input",
                "action_id": key,
                "placeholder": plain(placeholder, 150),
            });
            if let Some(i) = initial {
                v["initial_value"] = json!(i);
            }
            v
        }
        InputElement::Paragraph {
            initial,
            placeholder,
            max_chars,
        } => {
            let mut v = json!({
                "type": "plain_text_input",
                "action_id": key,
                "multiline": true,
                "max_length": max_chars,
                "placeholder": plain(placeholder, 150),
            });
            if let Some(i) = initial {
                v["initial_value"] = json!(i);
            }
            v
        }
        InputElement::Select { options, initial } => {
            let mut v = json!({
                "type": "static_select",
                "action_id": key,
                "options": options.iter().map(option).collect::<Vec<_>>(),
            });
            if let Some(c) = initial
                .as_ref()
                .and_then(|i| options.iter().find(|o| &o.value == i))
            {
                v["initial_option"] = option(c);
            }
            v
        }
        InputElement::MultiSelect {
            options,
            initial,
            max,
        } => {
            let mut v = json!({
                "type": "multi_static_select",
                "action_id": key,
                "options": options.iter().map(option).collect::<Vec<_>>(),
            });
            let init: Vec<Value> = options
                .iter()
                .filter(|o| initial.contains(&o.value))
                .map(option)
                .collect();
            if !init.is_empty() {
                v["initial_options"] = json!(init);
            }
            if let Some(m) = max {
                v["max_selected_items"] = json!(m);
            }
            v
        }
    }
}

/// One domain block as Block Kit.
pub fn block(b: &Block) -> Value {
    match b {
        Block::Section(t) => {
            json!({"type": "section", "text": {"type": "mrkdwn", "text": clip(t, MAX_SECTION)}})
        }
        Block::Context(t) => {
            json!({"type": "context", "elements": [{"type": "mrkdwn", "text": clip(t, MAX_SECTION)}]})
        }
        Block::Divider => json!({"type": "divider"}),
        Block::Header(t) => json!({"type": "header", "text": plain(t, 150)}),
        Block::Buttons(bs) => {
            json!({"type": "actions", "elements": bs.iter().map(button).collect::<Vec<_>>()})
        }
        Block::UserPicker {
            action_id,
            placeholder,
        } => json!({"type": "actions", "elements": [{
            "type": "users_select",
            "action_id": action_id,
            "placeholder": plain(placeholder, 150),
        }]}),
        Block::DatePicker {
            action_id,
            placeholder,
            initial,
        } => {
            let mut picker = json!({
                "type": "datepicker",
                "action_id": action_id,
                "placeholder": plain(placeholder, 150),
            });
            if let Some(d) = initial {
                picker["initial_date"] = json!(d.format("%Y-%m-%d").to_string());
            }
            json!({"type": "actions", "elements": [picker]})
        }
        Block::Input {
            block_id,
            label,
            hint,
            optional,
            element: e,
        } => {
            let mut v = json!({
                "type": "input",
                "block_id": block_id,
                "label": plain(label, 2000),
                "optional": optional,
                "element": element(block_id, e),
            });
            if let Some(h) = hint {
                v["hint"] = plain(h, 2000);
            }
            v
        }
    }
}

pub fn blocks(bs: &[Block]) -> Vec<Value> {
    bs.iter().map(block).collect()
}

/// `chat.postMessage` arguments (without the channel).
pub fn message(m: &Message) -> Value {
    json!({"text": m.text, "blocks": blocks(&m.blocks)})
}

/// A `views.open` view.
pub fn modal(m: &Modal) -> Value {
    json!({
        "type": "modal",
        "callback_id": m.callback_id,
        "title": plain(&m.title, 24),
        "submit": plain(&m.submit, 24),
        "close": plain("Cancel", 24),
        "private_metadata": m.private_metadata,
        "blocks": blocks(&m.blocks),
    })
}

/// A `views.publish` view.
pub fn home(h: &Home) -> Value {
    json!({"type": "home", "blocks": blocks(&h.blocks)})
}

/// Reads a submitted view's state: for each block, the value of its element
/// (action id = block id in the forms we build).
pub fn form_values(state: &ViewState) -> FormValues {
    let mut out = FormValues::new();
    for (block_id, elements) in &state.values {
        let Some(v) = elements.get(block_id).or_else(|| elements.values().next()) else {
            continue;
        };
        let value = match v.get("type").and_then(Value::as_str) {
            Some("plain_text_input") => {
                FieldValue::Text(v.get("value").and_then(Value::as_str).map(str::to_string))
            }
            Some("static_select") => FieldValue::One(
                v.pointer("/selected_option/value")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            ),
            Some("multi_static_select") => FieldValue::Many(
                v.get("selected_options")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|o| o.get("value").and_then(Value::as_str))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            _ => continue,
        };
        out.insert(block_id.clone(), value);
    }
    out
}

/// Reads a posted message's Block Kit (from a click payload) back into
/// domain blocks: sections, contexts, headers, dividers and buttons;
/// anything else is left out.
pub fn read_blocks(blocks: &Value) -> Vec<Block> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    blocks
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| match b.get("type").and_then(Value::as_str) {
            Some("section") => Some(Block::Section(text(&b["text"]["text"]))),
            Some("header") => Some(Block::Header(text(&b["text"]["text"]))),
            Some("divider") => Some(Block::Divider),
            Some("actions") => Some(Block::Buttons(
                b["elements"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|e| e["type"] == "button")
                    .map(|e| Button {
                        action_id: text(&e["action_id"]),
                        text: text(&e["text"]["text"]),
                        value: text(&e["value"]),
                        style: match e["style"].as_str() {
                            Some("primary") => ButtonStyle::Primary,
                            Some("danger") => ButtonStyle::Danger,
                            _ => ButtonStyle::Default,
                        },
                        url: e["url"].as_str().map(str::to_string),
                    })
                    .collect(),
            )),
            Some("context") => Some(Block::Context(
                b["elements"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| text(&e["text"]))
                    .collect::<Vec<_>>()
                    .join(" "),
            )),
            _ => None,
        })
        .filter(|b| match b {
            Block::Section(t) | Block::Header(t) | Block::Context(t) => !t.trim().is_empty(),
            Block::Buttons(bs) => !bs.is_empty(),
            _ => true,
        })
        .collect()
}

/// The `view_submission` answer that keeps the modal open with field errors.
pub fn errors_response(errors: &std::collections::BTreeMap<String, String>) -> Value {
    json!({"response_action": "errors", "errors": errors})
}

#[cfg(test)]
mod tests {
    use super::*;
    use mentor_domain::ProgrammeConfig;
    use mentor_domain::profile_form;

    #[test]
    fn the_profile_modal_renders_valid_looking_block_kit() {
        let m = profile_form::modal(&ProgrammeConfig::example(), None, Some("Europe/Lisbon"));
        let v = modal(&m);
        assert_eq!(v["type"], "modal");
        assert_eq!(v["callback_id"], profile_form::CALLBACK_ID);
        let blocks = v["blocks"].as_array().unwrap();
        let tz = blocks.iter().find(|b| b["block_id"] == "timezone").unwrap();
        assert_eq!(tz["element"]["initial_value"], "Europe/Lisbon");
        assert_eq!(tz["element"]["action_id"], "timezone");
        let interests = blocks
            .iter()
            .find(|b| b["block_id"] == "interests")
            .unwrap();
        assert_eq!(interests["element"]["type"], "multi_static_select");
    }

    #[test]
    fn a_posted_message_reads_back_into_the_blocks_it_was_built_from() {
        use mentor_domain::action::Action;
        let m = Message {
            text: "Have you met?".into(),
            blocks: vec![
                Block::Header("Check-in".into()),
                Block::Section("Have you met?".into()),
                Block::Buttons(vec![Button::new(Action::Pause, "Met").primary()]),
                Block::Divider,
                Block::Context("Resources".into()),
            ],
        };
        let back = read_blocks(&message(&m)["blocks"]);
        assert_eq!(back, m.blocks);
        assert!(read_blocks(&json!(null)).is_empty());
    }

    #[test]
    fn view_state_reads_back_into_form_values() {
        let state: ViewState = serde_json::from_value(json!({"values": {
            "timezone": {"timezone": {"type": "plain_text_input", "value": "Europe/Lisbon"}},
            "mode": {"mode": {"type": "static_select", "selected_option": {"value": "video"}}},
            "wants": {"wants": {"type": "multi_static_select", "selected_options": [{"value": "Writing"}]}},
            "odd": {"odd": {"type": "datepicker"}}
        }}))
        .unwrap();
        let v = form_values(&state);
        assert_eq!(
            v["timezone"],
            FieldValue::Text(Some("Europe/Lisbon".into()))
        );
        assert_eq!(v["mode"], FieldValue::One(Some("video".into())));
        assert_eq!(v["wants"], FieldValue::Many(vec!["Writing".into()]));
        assert!(!v.contains_key("odd"));
    }

    #[test]
    fn long_texts_are_clipped_to_slack_limits() {
        let b = block(&Block::Section("x".repeat(5000)));
        assert_eq!(
            b["text"]["text"].as_str().unwrap().chars().count(),
            MAX_SECTION
        );
    }
}
