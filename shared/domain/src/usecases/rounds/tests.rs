//! Rounds on in-memory adapters: the tick pairs the confirmed members once
//! and tells each of them. The same flows run against moto and a mock Slack
//! in `tests/tests/rounds.rs`.

use std::sync::Arc;

use chrono::{TimeZone, Utc};

use crate::memory::{FixedClock, MemoryBus, MemoryStore, RecordingMessenger};
use crate::ports::{Clock, Rounds};
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

/// A saved profile's form: UTC, Research, offering `offers`, wanting `wants`
/// (also the announcement tests' sign-up).
pub(super) fn form(offers: &str, wants: &str) -> FormValues {
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

/// Pairs members 0 and 1 for December and stops before anyone is told.
async fn paired_but_untold() -> (World, crate::model::Group) {
    let w = world();
    for i in 0..2 {
        w.sign_up(i).await;
    }
    w.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    w.bot.tick().await.unwrap();
    let groups = w.store.groups(december()).await.unwrap();
    assert_eq!(groups.len(), 1, "{groups:?}");
    (w, groups[0].clone())
}

#[tokio::test]
async fn a_group_stored_before_progress_was_kept_on_it_is_not_announced_twice() {
    use crate::once_key::OnceKey;
    use crate::ports::{Claim, Ledger};
    // given a pair stored by the previous version (no progress on the group)
    // whose intro and first pairing DM went out under once-markers
    let (w, group) = paired_but_untold().await;
    let mut doc = serde_json::to_value(&group).unwrap();
    doc.as_object_mut().unwrap().remove("announcement");
    let legacy: crate::model::Group = serde_json::from_value(doc).unwrap();
    assert!(legacy.announcement.markers);
    w.store.put_groups(&[legacy]).await.unwrap();
    let (round, number) = (december(), group.number);
    let sent = [
        OnceKey::NotifyGroup {
            round,
            group: number,
            size: 2,
        },
        OnceKey::Notify {
            round,
            group: number,
            user: group.members[0].clone(),
        },
    ];
    for key in sent {
        let key = key.render();
        let Claim::New(token) = w
            .store
            .claim(&key, w.clock.now(), chrono::Duration::days(62))
            .await
            .unwrap()
        else {
            panic!("fresh marker");
        };
        assert!(w.store.complete(&key, &token).await.unwrap());
    }
    // when the new version delivers its notification
    w.settle().await;
    // then only the second member is told, and the group leaves the outbox
    assert_eq!(w.pairing_dms(&group.members[0]), 0);
    assert_eq!(w.pairing_dms(&group.members[1]), 1);
    assert!(w.slack.group_dms_with(&group.members[0]).is_empty());
    let stored = w.store.group(round, number).await.unwrap().unwrap();
    assert_eq!(stored.to_announce, None);
    assert_eq!(stored.announcement.claim, None);
}

#[tokio::test]
async fn a_second_delivery_while_a_group_is_being_announced_is_retried_and_a_dead_announcers_claim_is_taken_over()
 {
    use crate::announcement::AnnounceClaim;
    use crate::ports::{BusEvent, GroupWrite};
    // given a pair whose announcement another worker claimed a minute ago
    let (w, group) = paired_but_untold().await;
    let mut claimed = group.clone();
    claimed.version += 1;
    claimed.announcement.claim = Some(AnnounceClaim {
        version: claimed.version,
        since: w.clock.now() - chrono::Duration::minutes(1),
    });
    assert!(
        w.store
            .write_groups(&[GroupWrite::update(group.clone(), claimed)])
            .await
            .unwrap()
    );
    let event = BusEvent::NotifyGroup {
        round: december(),
        group: group.number,
    };
    // when the notification is delivered again: an error, so it is retried
    assert!(w.bot.on_bus_event(&event).await.is_err());
    assert_eq!(w.pairing_dms(&group.members[0]), 0);
    // and when the retry comes after the claim went stale, the claim is taken over
    w.clock.advance(chrono::Duration::minutes(2));
    w.bot.on_bus_event(&event).await.unwrap();
    for m in &group.members {
        assert_eq!(w.pairing_dms(m), 1, "{m}");
    }
    assert_eq!(w.slack.group_dms_with(&group.members[0]).len(), 1);
    let stored = w
        .store
        .group(december(), group.number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.to_announce, stored.announcement.claim),
        (None, None)
    );
}
