//! Texts for "Find me a partner now": the button offered to members waiting
//! in a round, its answers, and the moderators' waiting-list alert.

use crate::action::Action;
use crate::config::ProgrammeConfig;
use crate::ids::{RoundId, UserId};
use crate::surface::{Block, Button, Message};

/// The button, for a member waiting in `round`.
pub fn button(round: RoundId) -> Button {
    Button::new(Action::PairMeNow { round }, "Find me a partner now").primary()
}

/// Adds the offer to a message telling someone they have no partner now.
pub fn offer(mut msg: Message, round: RoundId) -> Message {
    msg.blocks.push(Block::Buttons(vec![button(round)]));
    msg.blocks.push(Block::Context(
        "Don't want to wait? I'll pair you with someone else who is waiting, or add you to a pair \
         happy to welcome a third."
            .into(),
    ));
    msg
}

/// The button came from a round that is over.
pub fn round_over(round: RoundId) -> Message {
    Message::plain(format!(
        "That button was for {}, which is over. Say `status` to see where you stand now.",
        round.label()
    ))
}

/// The round isn't paired yet: everyone waiting is paired then anyway.
pub fn not_paired_yet(cfg: &ProgrammeConfig, round: RoundId) -> Message {
    Message::plain(format!(
        "{} hasn't been paired yet: you're in, and I'll pair you {}.",
        round.label(),
        super::round_start_text(cfg, round)
    ))
}

/// They have a partner already.
pub fn already_paired(partners: &[UserId]) -> Message {
    let names: Vec<String> = partners.iter().map(UserId::mention).collect();
    Message::plain(format!(
        "You already have a partner this month: {}. If they've gone quiet, say `my partner isn't \
         responding`.",
        names.join(" and ")
    ))
}

/// They are not taking part (paused, opted out, left the channel).
pub fn not_taking_part() -> Message {
    Message::plain(
        "You're not taking part in rounds right now, so I can't pair you. Say `resume` or \
         `opt in` first, then ask again.",
    )
}

/// Nobody free: on the waiting list at `position` (1-based).
pub fn on_waiting_list(round: RoundId, position: usize) -> Message {
    Message::plain(format!(
        "Nobody is free right now, so you're on the waiting list for {} (number {position}). \
         The moderators can see it and know you're waiting; the moment someone is paired with \
         you, you'll get the usual pairing DM.",
        round.label()
    ))
}

/// To the moderators, once per member and round.
pub fn waiting_alert(user: &UserId, round: RoundId, waiting: &[UserId]) -> Message {
    let list: Vec<String> = waiting.iter().map(UserId::mention).collect();
    Message::plain(format!(
        "{} asked for a partner now in {} and nobody was free. Waiting list: {}. \
         `/mentoring pair @a @b` pairs them by hand.",
        user.mention(),
        round.label(),
        list.join(", ")
    ))
}

/// For the moderators' App Home and `stats`.
pub fn waiting_list_line(round: RoundId, waiting: &[UserId]) -> Option<String> {
    (!waiting.is_empty()).then(|| {
        let list: Vec<String> = waiting.iter().map(UserId::mention).collect();
        format!(
            "*Waiting list for {}* (asked for a partner now): {}",
            round.label(),
            list.join(", ")
        )
    })
}

/// To the moderators when someone was paired on demand.
pub fn paired_note(user: &UserId, partner: &UserId, group: u32) -> Message {
    Message::plain(format!(
        "{} asked for a partner now and was paired with {} (group {group}).",
        user.mention(),
        partner.mention()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offer_adds_one_button_that_asks_for_this_round() {
        let r = RoundId::new(2027, 3).unwrap();
        let m = offer(Message::plain("Your partner has left."), r);
        assert_eq!(m.actions(), vec![Action::PairMeNow { round: r }]);
        assert!(m.readable().contains("Find me a partner now"));
    }

    #[test]
    fn the_waiting_list_names_everyone_in_order() {
        let r = RoundId::new(2027, 3).unwrap();
        let (a, b) = (UserId::new("U0ANA"), UserId::new("U0BEN"));
        let alert = waiting_alert(&b, r, &[a.clone(), b.clone()]).readable();
        assert!(
            alert.contains("Waiting list: <@U0ANA>, <@U0BEN>"),
            "{alert}"
        );
        assert_eq!(waiting_list_line(r, &[]), None);
        assert!(waiting_list_line(r, &[a]).unwrap().contains("March 2027"));
    }

    #[test]
    fn every_pair_now_text_fits_slacks_limits_with_a_long_waiting_list() {
        use crate::surface::check_block_kit_limits as ok;
        let cfg = ProgrammeConfig::example();
        let r = RoundId::new(2027, 3).unwrap();
        let many: Vec<UserId> = (0..150).map(|n| UserId::new(format!("U{n:010}"))).collect();
        ok(&offer(Message::plain("Your partner has left."), r)).unwrap();
        ok(&round_over(r)).unwrap();
        ok(&not_paired_yet(&cfg, r)).unwrap();
        ok(&already_paired(&many[..2])).unwrap();
        ok(&not_taking_part()).unwrap();
        ok(&on_waiting_list(r, 150)).unwrap();
        ok(&waiting_alert(&many[0], r, &many)).unwrap();
        ok(&paired_note(&many[0], &many[1], 7)).unwrap();
        let line = waiting_list_line(r, &many).unwrap();
        ok(&Message::plain(line)).unwrap();
    }
}
