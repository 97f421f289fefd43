//! A clicked message travels on the bus (EventBridge, and for 14 days in
//! its dead-letter queue, out of reach of `delete my data`) without free
//! text: each block that shows a goal is replaced by a marker naming whose
//! goal stood there, and the scheduler renders it again from the member
//! item as stored when the click is answered (a deleted goal stays gone).

use super::ClickedMessage;
use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages::goal::GoalLine;
use crate::usecases::{Action, Bot};

impl ClickedMessage {
    /// What the bus may carry: the message with each goal replaced by its
    /// marker.
    pub(crate) fn for_the_bus(&self) -> ClickedMessage {
        let mut m = self.clone();
        m.blocks = self
            .blocks
            .iter()
            .map(|b| GoalLine::of(b).map_or_else(|| b.clone(), |line| line.marker()))
            .collect();
        m
    }
}

/// The round a goal in the clicked message belongs to, when the clicked
/// button says it (the last check-in's buttons do).
fn round_of(action: &Action) -> Option<RoundId> {
    match action {
        Action::Checkin { round, .. }
        | Action::GoalAnswer { round, .. }
        | Action::Rate { round, .. }
        | Action::Reconfirm { round, .. } => Some(*round),
        _ => None,
    }
}

impl Bot {
    /// The clicked message as posted: each goal marker replaced by the goal
    /// it stands for, as stored now; dropped when that goal is gone.
    pub(crate) async fn with_goals(
        &self,
        user: &UserId,
        action: &Action,
        mut message: ClickedMessage,
    ) -> Result<ClickedMessage> {
        if !message.blocks.iter().any(|b| GoalLine::marked(b).is_some()) {
            return Ok(message);
        }
        let round = round_of(action);
        let mut blocks = Vec::with_capacity(message.blocks.len());
        for b in message.blocks {
            let Some(line) = GoalLine::marked(&b) else {
                blocks.push(b);
                continue;
            };
            let owner = match &line {
                GoalLine::Partner(p) => p.clone(),
                GoalLine::Own | GoalLine::Signup => user.clone(),
            };
            let member = self.deps.members.get(&owner).await?;
            let goal = member
                .as_ref()
                .and_then(|m| m.goal.as_ref())
                .filter(|g| round.is_none_or(|r| g.round == r));
            if let Some(goal) = goal {
                blocks.push(line.render(goal));
            }
        }
        message.blocks = blocks;
        Ok(message)
    }
}
