//! Slack's Block Kit limits, checked on our own view model before anything
//! is sent. Slack answers `invalid_blocks` (or silently truncates) when a
//! message, modal or App Home breaks one, so every surface the bot builds is
//! checked in tests: the in-memory messenger and the integration harness
//! refuse any surface that fails here.
//!
//! The figures are Slack's documented ones (docs.slack.dev, Block Kit
//! reference: blocks, block elements, composition objects, views). Problems
//! name the block and the field with its length, never the text itself, so
//! they can be logged.

use std::collections::BTreeSet;

use super::{Block, Button, Choice, Home, InputElement, Message, Modal};

/// Blocks in one message.
pub const MAX_MESSAGE_BLOCKS: usize = 50;
/// Blocks in a modal or the App Home.
pub const MAX_VIEW_BLOCKS: usize = 100;
/// `text` of a `section` (and any text object in a context element).
pub const MAX_SECTION_TEXT: usize = 3000;
/// A `header`'s plain text.
pub const MAX_HEADER_TEXT: usize = 150;
/// Elements of a `context` block.
pub const MAX_CONTEXT_ELEMENTS: usize = 10;
/// Elements of an `actions` block.
pub const MAX_ACTIONS_ELEMENTS: usize = 25;
/// A button's label.
pub const MAX_BUTTON_TEXT: usize = 75;
/// Any `action_id` (buttons, inputs).
pub const MAX_ACTION_ID: usize = 255;
/// A button's `value`.
pub const MAX_BUTTON_VALUE: usize = 2000;
/// A link button's `url`.
pub const MAX_BUTTON_URL: usize = 3000;
/// Any `block_id`.
pub const MAX_BLOCK_ID: usize = 255;
/// An input block's `label` and `hint`.
pub const MAX_INPUT_LABEL: usize = 2000;
/// A `plain_text_input`'s placeholder.
pub const MAX_PLACEHOLDER: usize = 150;
/// A `plain_text_input`'s value (its `max_length` can be at most this).
pub const MAX_INPUT_VALUE: usize = 3000;
/// Options of a static (multi-)select.
pub const MAX_SELECT_OPTIONS: usize = 100;
/// An option's label.
pub const MAX_OPTION_TEXT: usize = 75;
/// An option's value.
pub const MAX_OPTION_VALUE: usize = 150;
/// A modal's `title`, `submit` and `close`.
pub const MAX_MODAL_TITLE: usize = 24;
/// A view's `callback_id`.
pub const MAX_CALLBACK_ID: usize = 255;
/// A view's `private_metadata`.
pub const MAX_PRIVATE_METADATA: usize = 3000;
/// A message's top-level (notification/fallback) `text`; Slack truncates beyond.
pub const MAX_MESSAGE_TEXT: usize = 40_000;

/// Something the bot shows in Slack, checkable against Block Kit's limits.
pub trait Surface {
    /// Every limit this surface breaks, one line each (empty: all fine).
    fn limit_problems(&self) -> Vec<String>;
}

/// Checks a message, modal or App Home against Slack's Block Kit limits:
/// block count (50 per message, 100 per modal or App Home), text lengths,
/// element counts, empty texts Slack rejects, and action ids / block ids
/// unique within the surface.
pub fn check_block_kit_limits<S: Surface + ?Sized>(surface: &S) -> Result<(), Vec<String>> {
    let problems = surface.limit_problems();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

impl Surface for Message {
    fn limit_problems(&self) -> Vec<String> {
        let mut p = Problems::default();
        p.length("message text", &self.text, MAX_MESSAGE_TEXT);
        p.non_empty("message text", &self.text);
        p.blocks(&self.blocks, MAX_MESSAGE_BLOCKS, "message");
        p.out
    }
}

impl Surface for Modal {
    fn limit_problems(&self) -> Vec<String> {
        let mut p = Problems::default();
        p.length("modal title", &self.title, MAX_MODAL_TITLE);
        p.non_empty("modal title", &self.title);
        p.length("modal submit", &self.submit, MAX_MODAL_TITLE);
        p.length("modal callback_id", &self.callback_id, MAX_CALLBACK_ID);
        p.length(
            "modal private_metadata",
            &self.private_metadata,
            MAX_PRIVATE_METADATA,
        );
        p.blocks(&self.blocks, MAX_VIEW_BLOCKS, "modal");
        p.out
    }
}

impl Surface for Home {
    fn limit_problems(&self) -> Vec<String> {
        let mut p = Problems::default();
        p.blocks(&self.blocks, MAX_VIEW_BLOCKS, "App Home");
        p.out
    }
}

#[derive(Default)]
struct Problems {
    out: Vec<String>,
    action_ids: BTreeSet<String>,
    block_ids: BTreeSet<String>,
}

impl Problems {
    fn length(&mut self, what: &str, s: &str, max: usize) {
        let n = s.chars().count();
        if n > max {
            self.out
                .push(format!("{what} is {n} characters, over Slack's {max}"));
        }
    }

    fn non_empty(&mut self, what: &str, s: &str) {
        if s.trim().is_empty() {
            self.out.push(format!("{what} is empty (Slack rejects it)"));
        }
    }

    fn blocks(&mut self, blocks: &[Block], max: usize, surface: &str) {
        if blocks.len() > max {
            self.out.push(format!(
                "{surface} has {} blocks, over Slack's {max}",
                blocks.len()
            ));
        }
        for (i, b) in blocks.iter().enumerate() {
            self.block(i, b);
        }
    }

    fn block(&mut self, i: usize, b: &Block) {
        match b {
            Block::Section(t) => {
                let what = format!("block {i} (section) text");
                self.length(&what, t, MAX_SECTION_TEXT);
                self.non_empty(&what, t);
            }
            Block::Context(t) => {
                let what = format!("block {i} (context) text");
                self.length(&what, t, MAX_SECTION_TEXT);
                self.non_empty(&what, t);
            }
            Block::Header(t) => {
                let what = format!("block {i} (header) text");
                self.length(&what, t, MAX_HEADER_TEXT);
                self.non_empty(&what, t);
            }
            Block::Divider => {}
            Block::Buttons(bs) => self.buttons(i, bs),
            Block::UserPicker {
                action_id,
                placeholder,
            } => {
                let what = format!("block {i} (users_select)");
                self.length(&format!("{what} action_id"), action_id, MAX_ACTION_ID);
                self.length(&format!("{what} placeholder"), placeholder, MAX_PLACEHOLDER);
                self.non_empty(&format!("{what} placeholder"), placeholder);
                self.unique_action_id(&what, action_id);
            }
            Block::DatePicker {
                action_id,
                placeholder,
                ..
            } => {
                let what = format!("block {i} (datepicker)");
                self.length(&format!("{what} action_id"), action_id, MAX_ACTION_ID);
                self.length(&format!("{what} placeholder"), placeholder, MAX_PLACEHOLDER);
                self.non_empty(&format!("{what} placeholder"), placeholder);
                self.unique_action_id(&what, action_id);
            }
            Block::Input {
                block_id,
                label,
                hint,
                element,
                ..
            } => {
                let what = format!("block {i} (input)");
                self.length(&format!("{what} block_id"), block_id, MAX_BLOCK_ID);
                self.unique_block_id(i, block_id);
                // The element's action id is the block id in the forms we build.
                self.unique_action_id(&format!("{what} element"), block_id);
                self.length(&format!("{what} label"), label, MAX_INPUT_LABEL);
                self.non_empty(&format!("{what} label"), label);
                if let Some(h) = hint {
                    self.length(&format!("{what} hint"), h, MAX_INPUT_LABEL);
                }
                self.element(&what, element);
            }
        }
    }

    fn buttons(&mut self, i: usize, bs: &[Button]) {
        if bs.is_empty() {
            self.out.push(format!(
                "block {i} (actions) has no elements (Slack rejects it)"
            ));
        }
        if bs.len() > MAX_ACTIONS_ELEMENTS {
            self.out.push(format!(
                "block {i} (actions) has {} elements, over Slack's {MAX_ACTIONS_ELEMENTS}",
                bs.len()
            ));
        }
        for (j, b) in bs.iter().enumerate() {
            let what = format!("block {i} button {j}");
            self.length(&format!("{what} text"), &b.text, MAX_BUTTON_TEXT);
            self.non_empty(&format!("{what} text"), &b.text);
            self.length(&format!("{what} action_id"), &b.action_id, MAX_ACTION_ID);
            self.length(&format!("{what} value"), &b.value, MAX_BUTTON_VALUE);
            if let Some(url) = &b.url {
                self.length(&format!("{what} url"), url, MAX_BUTTON_URL);
            }
            self.unique_action_id(&what, &b.action_id);
        }
    }

    fn element(&mut self, what: &str, e: &InputElement) {
        match e {
            InputElement::Text {
                initial,
                placeholder,
            } => {
                self.length(&format!("{what} placeholder"), placeholder, MAX_PLACEHOLDER);
                if let Some(v) = initial {
                    self.length(&format!("{what} initial value"), v, MAX_INPUT_VALUE);
                }
            }
            InputElement::Paragraph {
                initial,
                placeholder,
                max_chars,
            } => {
                self.length(&format!("{what} placeholder"), placeholder, MAX_PLACEHOLDER);
                if let Some(v) = initial {
                    self.length(&format!("{what} initial value"), v, MAX_INPUT_VALUE);
                }
                if *max_chars as usize > MAX_INPUT_VALUE {
                    self.out.push(format!(
                        "{what} allows {max_chars} characters (Slack: {MAX_INPUT_VALUE})"
                    ));
                }
            }
            InputElement::Select { options, .. } => self.options(what, options),
            InputElement::MultiSelect { options, max, .. } => {
                self.options(what, options);
                if *max == Some(0) {
                    self.out
                        .push(format!("{what} allows 0 selected items (Slack needs 1+)"));
                }
            }
        }
    }

    fn options(&mut self, what: &str, options: &[Choice]) {
        if options.is_empty() {
            self.out
                .push(format!("{what} has no options (Slack rejects it)"));
        }
        if options.len() > MAX_SELECT_OPTIONS {
            self.out.push(format!(
                "{what} has {} options, over Slack's {MAX_SELECT_OPTIONS}",
                options.len()
            ));
        }
        for (k, c) in options.iter().enumerate() {
            self.length(
                &format!("{what} option {k} label"),
                &c.label,
                MAX_OPTION_TEXT,
            );
            self.length(
                &format!("{what} option {k} value"),
                &c.value,
                MAX_OPTION_VALUE,
            );
        }
    }

    fn unique_action_id(&mut self, what: &str, id: &str) {
        if !self.action_ids.insert(id.to_string()) {
            self.out
                .push(format!("{what} repeats action_id `{id}` in the same view"));
        }
    }

    fn unique_block_id(&mut self, i: usize, id: &str) {
        if !self.block_ids.insert(id.to_string()) {
            self.out.push(format!(
                "block {i} repeats block_id `{id}` in the same view"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;

    fn msg(blocks: Vec<Block>) -> Message {
        Message {
            text: "hello".into(),
            blocks,
        }
    }

    #[test]
    fn a_short_message_passes() {
        assert_eq!(check_block_kit_limits(&Message::plain("Hi there")), Ok(()));
    }

    #[test]
    fn a_message_may_have_50_blocks_but_not_51() {
        let fifty = msg(vec![Block::Divider; 50]);
        assert_eq!(check_block_kit_limits(&fifty), Ok(()));
        let problems = check_block_kit_limits(&msg(vec![Block::Divider; 51])).unwrap_err();
        assert_eq!(problems, vec!["message has 51 blocks, over Slack's 50"]);
    }

    #[test]
    fn modals_and_the_app_home_may_have_100_blocks_but_not_101() {
        let home = |n| Home {
            blocks: vec![Block::Divider; n],
        };
        assert_eq!(check_block_kit_limits(&home(100)), Ok(()));
        assert!(check_block_kit_limits(&home(101)).unwrap_err()[0].contains("101 blocks"));
        let modal = Modal {
            callback_id: "form".into(),
            title: "Your profile".into(),
            submit: "Save".into(),
            blocks: vec![Block::Divider; 101],
            private_metadata: String::new(),
        };
        assert!(check_block_kit_limits(&modal).unwrap_err()[0].contains("101 blocks"));
    }

    #[test]
    fn a_section_over_3000_characters_is_named_with_its_length_not_its_text() {
        let m = msg(vec![
            Block::Section("é".repeat(3000)),
            Block::Section("x".repeat(3001)),
        ]);
        assert_eq!(
            check_block_kit_limits(&m).unwrap_err(),
            vec!["block 1 (section) text is 3001 characters, over Slack's 3000"]
        );
    }

    #[test]
    fn empty_texts_slack_rejects_are_caught() {
        let m = msg(vec![
            Block::Section(" ".into()),
            Block::Header(String::new()),
            Block::Buttons(vec![]),
        ]);
        let p = check_block_kit_limits(&m).unwrap_err();
        assert_eq!(p.len(), 3, "{p:?}");
    }

    #[test]
    fn headers_buttons_and_values_have_their_own_limits() {
        let mut long = Button::new(Action::Pause, &"b".repeat(76));
        long.value = "v".repeat(2001);
        long.url = Some("u".repeat(3001));
        let m = msg(vec![
            Block::Header("h".repeat(151)),
            Block::Buttons(vec![long]),
        ]);
        let p = check_block_kit_limits(&m).unwrap_err().join("\n");
        assert!(
            p.contains("block 0 (header) text is 151 characters, over Slack's 150"),
            "{p}"
        );
        assert!(
            p.contains("block 1 button 0 text is 76 characters, over Slack's 75"),
            "{p}"
        );
        assert!(
            p.contains("value is 2001 characters, over Slack's 2000"),
            "{p}"
        );
        assert!(
            p.contains("url is 3001 characters, over Slack's 3000"),
            "{p}"
        );
        let mut id = Button::new(Action::Pause, "ok");
        id.action_id = "a".repeat(256);
        let p = check_block_kit_limits(&msg(vec![Block::Buttons(vec![id])])).unwrap_err();
        assert!(
            p[0].contains("action_id is 256 characters, over Slack's 255"),
            "{p:?}"
        );
    }

    #[test]
    fn an_action_id_may_appear_only_once_per_view() {
        let m = msg(vec![
            Block::Buttons(vec![Button::new(Action::Pause, "Pause")]),
            Block::Buttons(vec![Button::new(Action::Pause, "Pause again")]),
        ]);
        let p = check_block_kit_limits(&m).unwrap_err();
        assert_eq!(
            p,
            vec!["block 1 button 0 repeats action_id `pause` in the same view"]
        );
    }

    #[test]
    fn an_actions_block_holds_at_most_25_buttons() {
        let buttons: Vec<Button> = (0..26)
            .map(|n| {
                let mut b = Button::new(Action::Pause, "x");
                b.action_id = format!("b{n}");
                b
            })
            .collect();
        let p = check_block_kit_limits(&msg(vec![Block::Buttons(buttons)])).unwrap_err();
        assert_eq!(
            p,
            vec!["block 0 (actions) has 26 elements, over Slack's 25"]
        );
    }

    #[test]
    fn modal_fields_are_checked_too() {
        let option = |n: usize| Choice {
            value: format!("v{n}"),
            label: "l".into(),
        };
        let modal = Modal {
            callback_id: "form".into(),
            title: "A title far too long for a modal".into(),
            submit: "Save".into(),
            blocks: vec![
                Block::Input {
                    block_id: "topics".into(),
                    label: "Topics".into(),
                    hint: None,
                    optional: false,
                    element: InputElement::MultiSelect {
                        options: (0..101).map(option).collect(),
                        initial: vec![],
                        max: None,
                    },
                },
                Block::Input {
                    block_id: "topics".into(),
                    label: "Again".into(),
                    hint: None,
                    optional: true,
                    element: InputElement::Text {
                        initial: None,
                        placeholder: "p".repeat(151),
                    },
                },
            ],
            private_metadata: String::new(),
        };
        let p = check_block_kit_limits(&modal).unwrap_err().join("\n");
        assert!(
            p.contains("modal title is 32 characters, over Slack's 24"),
            "{p}"
        );
        assert!(p.contains("has 101 options, over Slack's 100"), "{p}");
        assert!(p.contains("repeats block_id `topics`"), "{p}");
        assert!(p.contains("placeholder is 151 characters"), "{p}");
    }
}

#[cfg(test)]
mod every_surface;
