//! "Delete my data": the confirmation and its outcomes.

use crate::action::Action;
use crate::surface::{Block, Button, Message};

pub fn delete_confirm_request() -> Message {
    Message {
        text: "Delete your mentoring data?".into(),
        blocks: vec![
            Block::Section(
                "*Delete your mentoring data?* This removes your profile and answers for good, \
                 takes you out of all future rounds, and anonymises your past pairings. It can't \
                 be undone."
                    .into(),
            ),
            Block::Buttons(vec![
                Button::new(Action::DeleteConfirm, "Yes, delete my data").danger(),
                Button::new(Action::DeleteCancel, "Keep my data"),
            ]),
        ],
    }
}

pub fn deleted() -> Message {
    Message::plain(
        "Done: your profile and answers are deleted and your past pairings anonymised. \
         Thanks for taking part! Mention me any time to start again.",
    )
}

pub fn delete_cancelled() -> Message {
    Message::plain("OK, nothing was deleted.")
}

pub fn nothing_to_delete() -> Message {
    Message::plain("I don't hold any data about you. Nothing to delete.")
}
