//! Rounds on in-memory adapters: the tick pairs the confirmed members once
//! and tells each of them. The same flows run against moto and a mock Slack
//! in `tests/tests/rounds.rs`.

use std::sync::Arc;

use chrono::{TimeZone, Utc};

use crate::memory::{FixedClock, MemoryBus, MemoryStore, RecordingMessenger};
use crate::ports::Rounds;
use crate::profile_form::{FieldValue, FormValues};
use crate::usecases::{Deps, Origin, ProfileOutcome};
use crate::{Bot, ProgrammeConfig, RoundId, UserId};

struct World {
    bot: Bot,
    slack: Arc<RecordingMessenger>,
    clock: Arc<FixedClock>,
    store: Arc<MemoryStore>,
    bus: Arc<MemoryBus>,
}

/// 25 November 2026: a week before the December round pairs.
fn world() -> World {
    let slack = Arc::new(RecordingMessenger::new());
    let clock = Arc::new(FixedClock::at(
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap(),
    ));
    let (deps, store, bus) = Deps::in_memory(slack.clone(), clock.clone());
    World {
        bot: Bot::new(deps, ProgrammeConfig::example()),
        slack,
        clock,
        store,
        bus,
    }
}

fn form(offers: &str, wants: &str) -> FormValues {
    let mut v = FormValues::new();
    v.insert("timezone".into(), FieldValue::Text(Some("UTC".into())));
    v.insert(
        "interests".into(),
        FieldValue::Many(vec!["Research".into()]),
    );
    v.insert("offers".into(), FieldValue::Many(vec![offers.into()]));
    v.insert("wants".into(), FieldValue::Many(vec![wants.into()]));
    v.insert("experience".into(), FieldValue::One(Some("new".into())));
    v.insert("mode".into(), FieldValue::One(Some("video".into())));
    v.insert("frequency".into(), FieldValue::One(Some("weekly".into())));
    v
}

fn user(i: usize) -> UserId {
    UserId::new(format!("U0MEMBER{i}"))
}

impl World {
    async fn sign_up(&self, i: usize) {
        let channel = self.bot.cfg.channel.clone();
        self.bot
            .on_message(&user(i), Origin::Channel(channel), "hi")
            .await
            .unwrap();
        let (offers, wants) = if i.is_multiple_of(2) {
            ("Writing", "Leadership")
        } else {
            ("Leadership", "Writing")
        };
        let saved = self
            .bot
            .save_profile(&user(i), &form(offers, wants), &format!("v{i}"))
            .await
            .unwrap();
        assert_eq!(saved, ProfileOutcome::Saved);
    }

    /// Delivers what the bus holds to the bus handler until nothing is left.
    async fn settle(&self) {
        loop {
            let events = self.bus.drain();
            if events.is_empty() {
                return;
            }
            for e in &events {
                self.bot.on_bus_event(e).await.unwrap();
            }
        }
    }

    fn pairing_dms(&self, u: &UserId) -> usize {
        self.slack
            .dms_to(u)
            .iter()
            .filter(|m| m.text.starts_with("Your partner for "))
            .count()
    }
}

fn december() -> RoundId {
    RoundId::new(2026, 12).unwrap()
}

#[tokio::test]
async fn four_members_who_signed_up_are_paired_on_the_first_and_each_told_once() {
    // given four members who signed up a week before the round
    let w = world();
    for i in 0..4 {
        w.sign_up(i).await;
    }
    // when the tick runs at 09:00 on 1 December
    w.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    w.bot.tick().await.unwrap();
    w.settle().await;
    // then there are two pairs and each member got one pairing DM
    let groups = w.store.groups(december()).await.unwrap();
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(groups.iter().all(|g| g.members.len() == 2));
    for i in 0..4 {
        assert_eq!(w.pairing_dms(&user(i)), 1, "member {i}");
    }
}

#[tokio::test]
async fn a_second_tick_in_the_same_hour_pairs_nobody_again() {
    let w = world();
    for i in 0..4 {
        w.sign_up(i).await;
    }
    w.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    w.bot.tick().await.unwrap();
    w.settle().await;
    let first = w.store.groups(december()).await.unwrap();
    w.bot.tick().await.unwrap();
    w.settle().await;
    assert_eq!(w.store.groups(december()).await.unwrap(), first);
    for i in 0..4 {
        assert_eq!(w.pairing_dms(&user(i)), 1, "member {i}");
    }
}
