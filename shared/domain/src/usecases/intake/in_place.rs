//! Fewer, tidier DMs: a click on one of the bot's messages updates that
//! message in place (`chat.update`): it keeps what it said, loses its
//! buttons, shows the choice, and carries the bot's answer, instead of the
//! answer arriving as a new DM.
//!
//! While a click's work runs, its message waits in a task-local slot; the
//! first [`Bot::dm`] to the clicker takes it and becomes the update. Every
//! use case thus answers in place without knowing it, and a message whose
//! click sent no answer is still tidied afterwards. A click from the App
//! Home, an ephemeral message or a payload without the message has no slot:
//! its answer is a DM as before. In a group DM only an answer written for
//! the whole group (the momentum nudge's "we've met", once recorded)
//! replaces the clicked message instead of a new group-DM post; anything
//! else (a refused click) leaves the shared message as it was and answers
//! the clicker by DM.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::ids::{ChannelId, UserId};
use crate::messages;
use crate::surface::{Block, Message};
use crate::usecases::{Action, Bot, Click};

/// The message a button was clicked on, from the interaction payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClickedMessage {
    pub channel: ChannelId,
    /// The message's `ts`, which `chat.update` needs.
    pub ts: String,
    /// What it showed (buttons are dropped when it is answered).
    #[serde(default)]
    pub blocks: Vec<Block>,
    /// The clicked button's label.
    #[serde(default)]
    pub choice: String,
    /// The clicked button's action id.
    #[serde(default)]
    pub action_id: String,
}

impl ClickedMessage {
    fn answered(&self, keep: bool, reply: Option<&Message>) -> Message {
        messages::in_place::answered(
            &messages::in_place::Clicked {
                original: &self.blocks,
                action_id: &self.action_id,
                choice: &self.choice,
                chosen_by: None,
                keep_alternatives: keep,
            },
            reply,
        )
    }

    /// Slack's one-to-one DM channels start with `D`; anything else (a group
    /// DM) is seen by others.
    fn is_private_dm(&self) -> bool {
        self.channel.as_str().starts_with('D')
    }
}

/// The click waiting for its answer: who clicked, on what, and whether the
/// answer can still change (then the other buttons stay).
struct Slot {
    user: UserId,
    message: ClickedMessage,
    keep_alternatives: bool,
}

tokio::task_local! {
    static CLICKED: Mutex<Option<Slot>>;
}

fn take_for(user: &UserId) -> Option<Slot> {
    CLICKED
        .try_with(|slot| {
            let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
            match slot.as_ref() {
                Some(s) if s.user == *user && s.message.is_private_dm() => slot.take(),
                _ => None,
            }
        })
        .ok()
        .flatten()
}

/// The slot of `user`'s click on a message others see (a group DM).
fn take_shared(user: &UserId) -> Option<Slot> {
    CLICKED
        .try_with(|slot| {
            let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
            match slot.as_ref() {
                Some(s) if s.user == *user && !s.message.is_private_dm() => slot.take(),
                _ => None,
            }
        })
        .ok()
        .flatten()
}

fn take_any() -> Option<Slot> {
    CLICKED
        .try_with(|slot| slot.lock().unwrap_or_else(|p| p.into_inner()).take())
        .ok()
        .flatten()
}

impl Bot {
    /// Runs a click's work with its message ready for an in-place answer;
    /// afterwards tidies the message if nothing answered in it.
    pub(crate) async fn apply_in_place(&self, click: &Click) -> Result<()> {
        let Some(m) = click.message.clone() else {
            return self.apply_action(click).await;
        };
        let slot = Mutex::new(Some(Slot {
            user: click.user.clone(),
            message: m,
            // A stay-in answer and a rating can change: the other choices stay.
            keep_alternatives: matches!(
                click.action,
                Action::Reconfirm { .. } | Action::Rate { .. }
            ),
        }));
        let (result, left) = CLICKED
            .scope(slot, async {
                let r = self.apply_action(click).await;
                (r, take_any())
            })
            .await;
        result?;
        // A message others see (a group DM) changes only with an answer
        // that was recorded ([`Self::answer_group_in_place`]): a refused
        // click must not show the group a choice nobody stored.
        if let Some(s) = left.filter(|s| s.message.is_private_dm()) {
            let m = &s.message;
            let tidy = m.answered(s.keep_alternatives, None);
            if let Err(e) = self.deps.slack.update(&m.channel, &m.ts, &tidy).await {
                tracing::info!(user = %s.user, error = %e, "clicked message not tidied");
            }
        }
        Ok(())
    }

    /// An answer meant for everyone in a group DM (it names the clicker),
    /// in the clicked group-DM message instead of a new post: `Some(Ok)`
    /// if updated, `None` to post it (no message, or Slack refused).
    pub(crate) async fn answer_group_in_place(
        &self,
        user: &UserId,
        message: &Message,
    ) -> Option<Result<()>> {
        let s = take_shared(user)?;
        let m = &s.message;
        // The answer says who chose what: no separate "chose" line.
        let clicked = messages::in_place::Clicked {
            original: &m.blocks,
            action_id: &m.action_id,
            choice: "",
            chosen_by: Some(user),
            keep_alternatives: false,
        };
        let updated = messages::in_place::answered(&clicked, Some(message));
        match self.deps.slack.update(&m.channel, &m.ts, &updated).await {
            Ok(()) => Some(Ok(())),
            Err(e) if e.is_bot_error() || !e.permanent => Some(Err(e.into())),
            Err(e) => {
                tracing::info!(user = %user, error = %e, "in-place group answer refused; posting it");
                None
            }
        }
    }

    /// The answer to a click, in the clicked message, when there is one:
    /// `Some(Ok)` if it was updated, `None` to send a DM instead (no
    /// message, or Slack refused the update: deleted, too old, …).
    pub(crate) async fn answer_in_place(
        &self,
        user: &UserId,
        message: &Message,
    ) -> Option<Result<()>> {
        let s = take_for(user)?;
        let m = &s.message;
        let updated = m.answered(s.keep_alternatives, Some(message));
        match self.deps.slack.update(&m.channel, &m.ts, &updated).await {
            Ok(()) => Some(Ok(())),
            // The bot's token, or a transient failure: retry the whole click.
            Err(e) if e.is_bot_error() || !e.permanent => Some(Err(e.into())),
            Err(e) => {
                tracing::info!(user = %user, error = %e, "in-place answer refused; sending a DM");
                None
            }
        }
    }
}
