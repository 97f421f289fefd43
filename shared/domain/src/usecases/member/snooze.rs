//! "Pause until a date": the command and the App Home picker store the day,
//! and the tick brings the member back on it, confirmed for the next round
//! (DESIGN.md §8: resuming counts as a Yes for every unpaired round ahead).

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar;
use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages;
use crate::model::{Confirmation, MemberStatus};
use crate::once_key::OnceKey;
use crate::ports::BusEvent;
use crate::snooze::{self, Snooze};
use crate::usecases::Bot;

impl Bot {
    /// Today in the community's time zone.
    pub(crate) fn today(&self) -> NaiveDate {
        self.now().with_timezone(&self.cfg.timezone).date_naive()
    }

    /// When a snooze ending on `day` ends: that day at the rounds' start hour,
    /// so a snooze ending on a pairing day is back in time for it.
    fn snooze_end(&self, day: NaiveDate) -> DateTime<Utc> {
        calendar::day_at_start_hour(&self.cfg, day)
    }

    /// The first round a member back on `day` is paired in.
    pub(crate) fn round_back(&self, day: NaiveDate) -> RoundId {
        let back = self.snooze_end(day);
        let r = calendar::current_round(&self.cfg, back);
        if calendar::round_start(&self.cfg, r) == back {
            r
        } else {
            r.next()
        }
    }

    /// `pause until …` by DM or mention.
    pub(crate) async fn pause_until(&self, user: &UserId, asked: Snooze) -> Result<()> {
        match snooze::resolve(asked, self.today()) {
            Ok(day) => self.snooze_to(user, day).await,
            Err(p) => self.dm(user, &messages::snooze::problem(p)).await,
        }
    }

    /// The App Home date picker.
    pub(crate) async fn pause_until_picked(
        &self,
        user: &UserId,
        picked: Option<NaiveDate>,
    ) -> Result<()> {
        match picked {
            Some(day) => self.pause_until(user, Snooze::Date(day)).await,
            None => self.dm(user, &messages::snooze::no_date_picked()).await,
        }
    }

    async fn snooze_to(&self, user: &UserId, day: NaiveDate) -> Result<()> {
        let status = self.deps.members.get(user).await?.map(|m| m.status);
        if !matches!(status, Some(MemberStatus::Active | MemberStatus::Paused)) {
            return self
                .dm(user, &messages::no_change(messages::Already::NotTakingPart))
                .await;
        }
        let stored = self
            .update_member(user, |m| {
                if matches!(m.status, MemberStatus::Active | MemberStatus::Paused) {
                    m.status = MemberStatus::Paused;
                    m.paused_until = Some(day);
                    m.choices += 1;
                }
            })
            .await?;
        if stored.is_none() {
            return Ok(());
        }
        tracing::info!(user = %user, until = %day, "paused until a date");
        let back = self.round_back(day);
        self.dm(user, &messages::snooze::paused_until(&self.cfg, day, back))
            .await
    }

    /// The tick: once a day, from the rounds' start hour on, brings back
    /// everyone whose snooze has ended (stored at once, so a pairing due in
    /// the same tick includes them) and hands their welcome-back DMs to
    /// the bus. Returns how many were brought back.
    pub(crate) async fn end_snoozes(&self) -> Result<usize> {
        let today = self.today();
        if self.now() < self.snooze_end(today) {
            return Ok(0);
        }
        let ended = AtomicUsize::new(0);
        self.once(&OnceKey::SnoozeSweep { day: today }, || async {
            let members = self.deps.members.list().await?;
            // The same daily look drops feedback past the retention period.
            self.prune_expired_feedback(&members).await?;
            let due: Vec<(UserId, NaiveDate)> = members
                .into_iter()
                .filter(|m| m.status == MemberStatus::Paused)
                .filter_map(|m| m.paused_until.filter(|d| *d <= today).map(|d| (m.id, d)))
                .collect();
            let rounds = self.rounds_to_confirm().await?;
            let mut events = Vec::new();
            for (user, until) in due {
                let back = self
                    .update_member(&user, |m| {
                        if m.status == MemberStatus::Paused && m.paused_until == Some(until) {
                            m.status = MemberStatus::Active;
                            m.paused_until = None;
                            m.choices += 1;
                            for r in &rounds {
                                m.confirmations.insert(*r, Confirmation::Yes);
                            }
                        }
                    })
                    .await?;
                if back.is_some_and(|m| m.status == MemberStatus::Active) {
                    events.push(BusEvent::SnoozeEnded { user, until });
                }
            }
            ended.store(events.len(), Ordering::SeqCst);
            // No publish when nobody's snooze ended (most days): nothing to
            // send, and a bus hiccup then can't hold up the tick's pairing run.
            if events.is_empty() {
                return Ok(());
            }
            self.deps.bus.publish(&events).await
        })
        .await?;
        Ok(ended.load(Ordering::SeqCst))
    }

    /// The welcome-back DM at the end of a snooze, once.
    pub(crate) async fn snooze_ended(&self, user: &UserId, until: NaiveDate) -> Result<()> {
        let round = self.round_back(until);
        let key = OnceKey::SnoozeEnded {
            user: user.clone(),
            until,
        };
        let sent = self
            .dm_once(&key, user, &messages::snooze::ended(&self.cfg, round))
            .await?;
        if sent {
            self.refresh_home(user).await;
        }
        Ok(())
    }
}
