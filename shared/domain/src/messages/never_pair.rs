//! Texts of "never pair me with": `block @x`, `unblock @x` and the App Home
//! list. The other person is never told, so nothing here is ever sent to them.

use crate::action::Action;
use crate::ids::UserId;
use crate::model::Member;
use crate::surface::{Block, Button, Message};

/// At most this many people on one member's list (keeps the item small).
pub const MAX_BLOCKED: usize = 50;

/// The ephemeral answer to `block` typed as a channel mention.
pub fn answered_in_dm() -> &'static str {
    "I've answered you by DM. Tip: tell me `block @name` in a DM next time, where nobody \
     else can see it."
}

pub fn blocked(who: &UserId, partner_now: bool) -> Message {
    let mut text = format!(
        "Done 🔒 I'll never pair you with {who}. They won't be told. Say `unblock {who}` to \
         undo this.",
        who = who.mention()
    );
    if partner_now {
        text.push_str(
            "\nYou're paired with them this month: that pairing isn't changed. If you'd rather \
             stop now, say `opt out` or ask a moderator to `unpair` you, in confidence.",
        );
    }
    Message {
        text: format!("You won't be paired with {}", who.mention()),
        blocks: vec![
            Block::Section(text),
            Block::Buttons(vec![Button::new(
                Action::Unblock { user: who.clone() },
                "Undo",
            )]),
        ],
    }
}

pub fn already_blocked(who: &UserId) -> Message {
    Message::plain(format!(
        "You've already asked me never to pair you with {who}, so nothing changed. Say \
         `unblock {who}` to undo it.",
        who = who.mention()
    ))
}

pub fn unblocked(who: &UserId) -> Message {
    Message::plain(format!(
        "Done: {} can be paired with you again. They were never told either way.",
        who.mention()
    ))
}

pub fn not_blocked(who: &UserId) -> Message {
    Message::plain(format!(
        "{} isn't on your \"never pair me with\" list, so nothing changed.",
        who.mention()
    ))
}

pub fn name_someone(unblock: bool) -> Message {
    let verb = if unblock { "unblock" } else { "block" };
    Message::plain(format!(
        "Who do you mean? Mention them: `{verb} @name` (start typing their name after the @)."
    ))
}

pub fn not_yourself() -> Message {
    Message::plain("You can't block yourself, but I like the spirit. 🙂")
}

pub fn too_many() -> Message {
    Message::plain(format!(
        "Your list already has {MAX_BLOCKED} people, the most it can hold. Say `unblock @name` \
         to make room, or ask a moderator for help."
    ))
}

/// The App Home section: who is on the list, each with an *Unblock* button.
pub fn home_blocks(blocked: &[UserId]) -> Vec<Block> {
    let mut out = vec![
        Block::Section(
            "*Never pair me with*\nPrivate: the people on this list are never told. Pick someone \
             below, or tell me `block @name` in a DM."
                .into(),
        ),
        Block::UserPicker {
            action_id: Action::Block {
                user: UserId::new("U0"),
            }
            .encode()
            .0
            .to_string(),
            placeholder: "Never pair me with…".into(),
        },
    ];
    if blocked.is_empty() {
        out.push(Block::Context("Nobody on your list.".into()));
        return out;
    }
    // Five buttons per row (an action block holds at most 25), at most
    // HOME_SHOWN people so the App Home stays under Slack's 100 blocks.
    for chunk in blocked[..blocked.len().min(HOME_SHOWN)].chunks(5) {
        let names: Vec<String> = chunk.iter().map(UserId::mention).collect();
        out.push(Block::Section(names.join("  ·  ")));
        out.push(Block::Buttons(
            chunk
                .iter()
                .map(|u| Button::new(Action::Unblock { user: u.clone() }, "Unblock"))
                .collect(),
        ));
    }
    if blocked.len() > HOME_SHOWN {
        out.push(Block::Context(format!(
            "…and {} more (`my data` lists everyone; `unblock @name` works for anyone).",
            blocked.len() - HOME_SHOWN
        )));
    }
    out
}

/// People listed in the App Home (eight blocks at most).
const HOME_SHOWN: usize = 20;

/// `my data` lines: the member's own private lists and goal.
pub fn my_data_lines(m: &Member) -> String {
    let names = |l: &[UserId]| l.iter().map(UserId::mention).collect::<Vec<_>>().join(", ");
    let mut out = String::new();
    if !m.blocked.is_empty() {
        out.push_str(&format!("\n• Never pair me with: {}", names(&m.blocked)));
    }
    if !m.happy_again.is_empty() {
        out.push_str(&format!(
            "\n• Happy to be paired again with: {}",
            names(&m.happy_again)
        ));
    }
    if let Some(g) = &m.goal {
        out.push_str(&format!(
            "\n• Your goal for {}: {}",
            g.round.label(),
            g.text
        ));
    }
    out
}

/// Puts a member's own sections into their App Home, before the moderator
/// section (which starts with the first divider) when there is one.
pub fn insert_into_home(home: &mut crate::surface::Home, extra: Vec<Block>) {
    let at = home
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Divider))
        .unwrap_or(home.blocks.len());
    home.blocks.splice(at..at, extra);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_says_it_is_private_and_how_to_undo() {
        let ben = UserId::new("U0BEN");
        let m = blocked(&ben, false);
        let t = m.readable();
        assert!(t.contains("never pair you with <@U0BEN>"), "{t}");
        assert!(t.contains("They won't be told"), "{t}");
        assert!(t.contains("`unblock <@U0BEN>`"), "{t}");
        assert_eq!(m.actions(), vec![Action::Unblock { user: ben.clone() }]);
        assert!(
            blocked(&ben, true)
                .readable()
                .contains("paired with them this month")
        );
    }

    #[test]
    fn the_home_list_has_an_unblock_button_per_person() {
        let list: Vec<UserId> = (0..7).map(|i| UserId::new(format!("U0X{i}"))).collect();
        let blocks = home_blocks(&list);
        let buttons: usize = blocks
            .iter()
            .map(|b| match b {
                Block::Buttons(bs) => bs.len(),
                _ => 0,
            })
            .sum();
        assert_eq!(buttons, 7);
        assert!(matches!(&home_blocks(&[])[2], Block::Context(t) if t.contains("Nobody")));
    }
}
