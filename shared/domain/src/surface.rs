//! What the bot shows, independent of Slack's JSON: messages, modals and the
//! App Home as lists of simple blocks. `mentor_slack::blocks` renders them to
//! Block Kit; tests read them as text.

use serde::{Deserialize, Serialize};

use crate::action::Action;

pub mod limits;
pub use limits::check_block_kit_limits;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ButtonStyle {
    Default,
    Primary,
    Danger,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub action_id: String,
    pub text: String,
    pub value: String,
    pub style: ButtonStyle,
    /// When set, the button opens this URL instead of calling back.
    pub url: Option<String>,
}

impl Button {
    /// A button that sends `action` back when clicked.
    pub fn new(action: Action, text: &str) -> Self {
        let (action_id, value) = action.encode();
        Self {
            action_id: action_id.into(),
            text: text.into(),
            value,
            style: ButtonStyle::Default,
            url: None,
        }
    }
    /// What this button does when clicked.
    pub fn action(&self) -> Action {
        Action::decode(&self.action_id, &self.value)
    }
    pub fn primary(mut self) -> Self {
        self.style = ButtonStyle::Primary;
        self
    }
    pub fn danger(mut self) -> Self {
        self.style = ButtonStyle::Danger;
        self
    }
    pub fn link(mut self, url: &str) -> Self {
        self.url = Some(url.into());
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InputElement {
    Text {
        initial: Option<String>,
        placeholder: String,
    },
    Select {
        options: Vec<Choice>,
        initial: Option<String>,
    },
    MultiSelect {
        options: Vec<Choice>,
        initial: Vec<String>,
        max: Option<u32>,
    },
    /// Free text over several lines, at most `max_chars` characters.
    Paragraph {
        initial: Option<String>,
        placeholder: String,
        max_chars: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// A paragraph of mrkdwn text.
    Section(String),
    /// Small grey text.
    Context(String),
    Divider,
    Header(String),
    Buttons(Vec<Button>),
    /// A date picker that acts when a day is picked (App Home): its
    /// `action_id` comes from an [`Action`] whose value is the picked day;
    /// `placeholder` shows while nothing is picked.
    DatePicker {
        action_id: String,
        placeholder: String,
        initial: Option<chrono::NaiveDate>,
    },
    /// A person picker that acts when someone is picked (App Home): its
    /// `action_id` comes from an [`Action`] whose value is the picked user.
    UserPicker {
        action_id: String,
        placeholder: String,
    },
    /// A form field (modals only). `block_id` is also the field's key.
    Input {
        block_id: String,
        label: String,
        hint: Option<String>,
        optional: bool,
        element: InputElement,
    },
}

/// A chat message: `text` is the notification/fallback text, `blocks` the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub text: String,
    pub blocks: Vec<Block>,
}

impl Message {
    /// A message whose body is just its text.
    pub fn plain(text: impl Into<String>) -> Self {
        let text = text.into();
        Self {
            blocks: vec![Block::Section(text.clone())],
            text,
        }
    }

    /// Everything a person would read, for tests and the console messenger.
    pub fn readable(&self) -> String {
        let body: Vec<String> = self.blocks.iter().map(block_text).collect();
        // The fallback text is usually repeated in the first block.
        if body.first() == Some(&self.text) {
            body.join("\n")
        } else {
            std::iter::once(self.text.clone())
                .chain(body)
                .collect::<Vec<_>>()
                .join("\n")
        }
    }

    /// What every button does, in order.
    pub fn actions(&self) -> Vec<Action> {
        buttons(&self.blocks).map(Button::action).collect()
    }
    /// What every date picker does, in order.
    pub fn date_pickers(&self) -> Vec<Action> {
        date_pickers(&self.blocks)
    }
}

fn date_pickers(blocks: &[Block]) -> Vec<Action> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::DatePicker { action_id, .. } => Some(Action::decode(action_id, "")),
            _ => None,
        })
        .collect()
}

fn buttons(blocks: &[Block]) -> impl Iterator<Item = &Button> {
    blocks.iter().flat_map(|b| match b {
        Block::Buttons(bs) => bs.as_slice(),
        _ => &[],
    })
}

fn block_text(b: &Block) -> String {
    match b {
        Block::Section(t) | Block::Context(t) | Block::Header(t) => t.clone(),
        Block::Divider => "---".into(),
        Block::Buttons(bs) => bs
            .iter()
            .map(|b| format!("[{}]", b.text))
            .collect::<Vec<_>>()
            .join(" "),
        Block::Input { label, .. } => format!("{label}: ____"),
        Block::UserPicker { placeholder, .. } => format!("[{placeholder}: ____]"),
        Block::DatePicker {
            placeholder,
            initial,
            ..
        } => match initial {
            Some(d) => format!("[{placeholder}: {d}]"),
            None => format!("[{placeholder}: ____]"),
        },
    }
}

/// A modal dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modal {
    /// Identifies the form when it is submitted.
    pub callback_id: String,
    pub title: String,
    pub submit: String,
    pub blocks: Vec<Block>,
    /// Echoed back on submit (e.g. "edit" vs "new").
    pub private_metadata: String,
}

/// The App Home tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Home {
    pub blocks: Vec<Block>,
}

impl Home {
    pub fn readable(&self) -> String {
        self.blocks
            .iter()
            .map(block_text)
            .collect::<Vec<_>>()
            .join("\n")
    }
    pub fn actions(&self) -> Vec<Action> {
        buttons(&self.blocks).map(Button::action).collect()
    }
    /// What every date picker does, in order.
    pub fn date_pickers(&self) -> Vec<Action> {
        date_pickers(&self.blocks)
    }
}
