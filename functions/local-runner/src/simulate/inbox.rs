//! What members receive: every new bot message a member gets (a DM, a post
//! in a group DM they are in, an ephemeral message), counted per member and
//! month, and apart from them the clicked messages answered in place
//! (`chat.update`: the member sees the message they clicked change, not a
//! new one). The App Home (`views.publish`) is a page, not a message.

use std::collections::HashMap;

use mentor_domain::memory::SlackCall;
use mentor_domain::ports::Rounds;
use mentor_domain::{ChannelId, RoundId, UserId};

#[derive(Debug, Default)]
pub struct Inbox {
    /// (member, month) → new messages.
    new: HashMap<(UserId, RoundId), usize>,
    /// (member, month) → messages updated in place.
    updated: HashMap<(UserId, RoundId), usize>,
}

/// Messages one member got in one month.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    pub new: usize,
    pub updated: usize,
}

/// Who reads a channel: `D<user>` is a one-to-one DM, `G<a>-<b>` a group
/// DM (the recording messenger's names); the programme channel is nobody's
/// inbox.
fn readers(channel: &ChannelId) -> Vec<UserId> {
    let c = channel.as_str();
    if let Some(u) = c.strip_prefix('D') {
        vec![UserId::new(u)]
    } else if let Some(us) = c.strip_prefix('G') {
        us.split('-').map(UserId::new).collect()
    } else {
        Vec::new()
    }
}

impl Inbox {
    /// Counts one Slack call made during `month`.
    pub fn note(&mut self, call: &SlackCall, month: RoundId) {
        let (to, map) = match call {
            SlackCall::Post(ch, _) => (readers(ch), &mut self.new),
            SlackCall::Ephemeral(_, user, _) => (vec![user.clone()], &mut self.new),
            SlackCall::Update(ch, _, _) => (readers(ch), &mut self.updated),
            _ => return,
        };
        for u in to {
            *map.entry((u, month)).or_default() += 1;
        }
    }

    pub fn of(&self, member: &UserId, month: RoundId) -> Received {
        let key = (member.clone(), month);
        Received {
            new: self.new.get(&key).copied().unwrap_or(0),
            updated: self.updated.get(&key).copied().unwrap_or(0),
        }
    }
}

impl super::Community {
    /// Adds the messages each member paired in `round` got that month.
    pub(super) async fn count_messages(
        &self,
        round: RoundId,
        out: &mut super::Outcome,
    ) -> Result<(), String> {
        let groups = self.store.groups(round).await.map_err(super::err)?;
        let mut members: Vec<&UserId> = groups.iter().flat_map(|g| &g.members).collect();
        // A member re-paired mid-month is in two groups: one month.
        members.sort();
        members.dedup();
        for m in members {
            let got = self.inbox.of(m, round);
            out.member_months += 1;
            out.messages += got.new;
            out.updated_in_place += got.updated;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mentor_domain::surface::Message;

    #[test]
    fn a_group_dm_post_reaches_each_member_and_an_update_is_not_a_new_message() {
        let month = RoundId::new(2027, 3).unwrap();
        let (ana, ben) = (UserId::new("U1"), UserId::new("U2"));
        let mut inbox = Inbox::default();
        let m = Message::plain("hi");
        inbox.note(&SlackCall::Post(ChannelId::new("DU1"), m.clone()), month);
        inbox.note(&SlackCall::Post(ChannelId::new("GU1-U2"), m.clone()), month);
        inbox.note(&SlackCall::Post(ChannelId::new("C0PROG"), m.clone()), month);
        inbox.note(
            &SlackCall::Update(ChannelId::new("DU1"), "1.0".into(), m),
            month,
        );
        assert_eq!(inbox.of(&ana, month), Received { new: 2, updated: 1 });
        assert_eq!(inbox.of(&ben, month), Received { new: 1, updated: 0 });
    }
}
