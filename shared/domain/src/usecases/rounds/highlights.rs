//! Round highlights (issue 13 point 8): when the community turned them on,
//! the pairing run hands one event to the bus and its handler posts a short
//! note in the programme channel, exactly once per round (a ledger marker:
//! a re-delivered event, a resumed run or a Lambda retry posts nothing
//! more). It names only members who chose to be named.

use std::collections::{BTreeSet, HashSet};

use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages::{self, highlights::Figures};
use crate::model::MemberStatus;
use crate::once_key::OnceKey;
use crate::ports::BusEvent;
use crate::usecases::Bot;

impl Bot {
    /// The run's hand-off for the highlights, when the community has them.
    pub(super) fn highlights_event(&self, round: RoundId) -> Option<BusEvent> {
        self.cfg
            .round_highlights
            .then_some(BusEvent::Highlights { round })
    }

    /// The bus handler: counts the round's live groups and posts once.
    pub(crate) async fn post_highlights(&self, round: RoundId) -> Result<()> {
        if !self.cfg.round_highlights {
            return Ok(());
        }
        let Some(figures) = self.highlight_figures(round).await? else {
            return Ok(());
        };
        let msg = messages::highlights::post(&self.cfg, round, &figures);
        let key = OnceKey::Highlights { round };
        let posted = self
            .once_or_retry(&key, || async {
                match self.deps.slack.post(&self.cfg.channel, &msg).await {
                    // Not in the channel, archived, …: retrying won't help,
                    // the moderators can.
                    Err(f) if f.permanent && !f.is_bot_error() => {
                        tracing::warn!(round = %round, code = %f.code, "round highlights not posted");
                        let note = messages::highlights::not_posted(&self.cfg, round, &f.code);
                        self.note_moderators(&note).await;
                        Ok(())
                    }
                    other => other.map_err(Into::into),
                }
            })
            .await?;
        if posted {
            tracing::info!(round = %round, pairs = figures.pairs, named = figures.named.len(), "round highlights posted");
        }
        Ok(())
    }

    /// The post's figures; `None` when nobody was paired. A newcomer is
    /// someone in no group of the rounds the bot still remembers.
    async fn highlight_figures(&self, round: RoundId) -> Result<Option<Figures>> {
        let groups = self.live_groups(round).await?;
        if groups.is_empty() {
            return Ok(None);
        }
        let past = self.past_groups(round).await?;
        let paired_before: HashSet<&UserId> = past.iter().flat_map(|g| &g.members).collect();
        let people: BTreeSet<&UserId> = groups.iter().flat_map(|g| g.active_members()).collect();
        let named: HashSet<UserId> = self
            .deps
            .members
            .list()
            .await?
            .into_iter()
            // Computed when the post goes out (maybe hours after pairing,
            // after retries): someone who left meanwhile is not named.
            .filter(|m| m.named_in_highlights && m.in_channel && m.status == MemberStatus::Active)
            .map(|m| m.id)
            .collect();
        let size = |g: &crate::model::Group| g.active_members().count();
        Ok(Some(Figures {
            pairs: groups.iter().filter(|g| size(g) == 2).count(),
            trios: groups.iter().filter(|g| size(g) >= 3).count(),
            people: people.len(),
            newcomers: people
                .iter()
                .filter(|u| !paired_before.contains(*u))
                .count(),
            named: people
                .into_iter()
                .filter(|u| named.contains(*u))
                .cloned()
                .collect(),
        }))
    }

    /// `name me` / `don't name me` and the App Home buttons.
    pub(crate) async fn set_named_in_highlights(&self, user: &UserId, on: bool) -> Result<()> {
        self.update_member(user, |m| m.named_in_highlights = on)
            .await?;
        tracing::info!(user = %user, on, "highlights naming changed");
        self.dm(user, &messages::highlights::choice_saved(&self.cfg, on))
            .await
    }
}
