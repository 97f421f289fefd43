//! A member deletes their data while their group is being announced: the
//! announcement stops naming them the moment the deletion lands.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{TimeZone, Utc};

use super::tests::form;
use crate::ids::ChannelId;
use crate::memory::{FixedClock, RecordingMessenger, SlackCall, dm_channel};
use crate::ports::{Messenger, Rounds, SlackResult, UserInfo};
use crate::surface::{Home, Message, Modal};
use crate::usecases::{Deps, ProfileOutcome};
use crate::{Bot, ProgrammeConfig, RoundId, UserId};

const PAIRING_DM: &str = "Your partner for ";

/// A Slack that, once the first pairing DM went out, lets `leaver` delete
/// their data (the whole deletion runs before that DM's call returns).
struct DeletesDuringFirstPairingDm {
    inner: Arc<RecordingMessenger>,
    bot: Mutex<Option<Bot>>,
    leaver: UserId,
    /// How many Slack calls were recorded when the deletion finished.
    deleted_after: Mutex<Option<usize>>,
}

impl DeletesDuringFirstPairingDm {
    async fn maybe_delete(&self, message: &Message) {
        if !message.text.starts_with(PAIRING_DM) {
            return;
        }
        let bot = self.bot.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(bot) = bot {
            bot.delete_member_data(&self.leaver, 1).await.unwrap();
            *self.deleted_after.lock().unwrap_or_else(|e| e.into_inner()) =
                Some(self.inner.calls().len());
        }
    }
}

#[async_trait]
impl Messenger for DeletesDuringFirstPairingDm {
    async fn open_dm(&self, users: &[UserId]) -> SlackResult<ChannelId> {
        self.inner.open_dm(users).await
    }
    async fn post(&self, channel: &ChannelId, message: &Message) -> SlackResult<()> {
        let sent = self.inner.post(channel, message).await;
        self.maybe_delete(message).await;
        sent
    }
    async fn post_dm(&self, user: &UserId, message: &Message) -> SlackResult<()> {
        let sent = self.inner.post_dm(user, message).await;
        self.maybe_delete(message).await;
        sent
    }
    async fn update(&self, channel: &ChannelId, ts: &str, message: &Message) -> SlackResult<()> {
        self.inner.update(channel, ts, message).await
    }
    async fn post_ephemeral(
        &self,
        channel: &ChannelId,
        user: &UserId,
        message: &Message,
    ) -> SlackResult<()> {
        self.inner.post_ephemeral(channel, user, message).await
    }
    async fn open_modal(&self, trigger_id: &str, modal: &Modal) -> SlackResult<()> {
        self.inner.open_modal(trigger_id, modal).await
    }
    async fn publish_home(&self, user: &UserId, home: &Home) -> SlackResult<()> {
        self.inner.publish_home(user, home).await
    }
    async fn user_info(&self, user: &UserId) -> SlackResult<UserInfo> {
        self.inner.user_info(user).await
    }
    async fn channel_members(&self, channel: &ChannelId) -> SlackResult<Vec<UserId>> {
        self.inner.channel_members(channel).await
    }
    async fn respond(&self, response_url: &str, message: &Message) -> SlackResult<()> {
        self.inner.respond(response_url, message).await
    }
}

/// The members sign up in November; the December round pairs them and,
/// once the first pairing DM went out, Ana's `delete my data` is carried
/// out. Checks that nothing sent after it goes to Ana or names her (beyond
/// the group DM's channel id, which Slack makes opaque) and that no stored
/// group holds her id; returns the calls made after the deletion.
async fn announced_while_ana_deletes(members: &[(&str, &str, &str)]) -> Vec<SlackCall> {
    let ana = UserId::new(members[0].0);
    let recorder = Arc::new(RecordingMessenger::new());
    let slack = Arc::new(DeletesDuringFirstPairingDm {
        inner: recorder.clone(),
        bot: Mutex::new(None),
        leaver: ana.clone(),
        deleted_after: Mutex::new(None),
    });
    let clock = Arc::new(FixedClock::at(
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap(),
    ));
    let (deps, store, bus) = Deps::in_memory(slack.clone(), clock.clone());
    let bot = Bot::new(deps, ProgrammeConfig::example());
    for (u, offers, wants) in members {
        let saved = bot
            .save_profile(&UserId::new(*u), &form(offers, wants), "v1")
            .await
            .unwrap();
        assert_eq!(saved, ProfileOutcome::Saved);
    }
    clock.set(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap());
    *slack.bot.lock().unwrap() = Some(bot.clone());
    bot.tick().await.unwrap();
    for _ in 0..5 {
        for e in bus.drain() {
            bot.on_bus_event(&e).await.unwrap();
        }
    }
    let after = slack.deleted_after.lock().unwrap().expect("deletion ran");
    let everyone: Vec<UserId> = members.iter().map(|m| UserId::new(m.0)).collect();
    let group_dm = dm_channel(&everyone).0;
    let later = recorder.calls()[after..].to_vec();
    let text = format!("{later:?}").replace(&group_dm, "G…");
    assert!(
        !text.contains(ana.as_str()),
        "sent after the deletion: {text}"
    );
    let december = RoundId::new(2026, 12).unwrap();
    let groups = serde_json::to_string(&store.groups(december).await.unwrap()).unwrap();
    assert!(!groups.contains(ana.as_str()), "{groups}");
    assert!(store.groups_of(&ana).await.unwrap().is_empty());
    later
}

#[tokio::test]
async fn deleting_your_data_while_your_pair_is_announced_stops_every_dm_to_or_about_you_and_leaves_no_id()
 {
    // Ana and Ben: once Ana's data is gone the pair has ended, so the
    // announcement stops (Ben has the partner-left DM from the deletion).
    let later = announced_while_ana_deletes(&[
        ("U0ANA", "Writing", "Leadership"),
        ("U0BEN", "Leadership", "Writing"),
    ])
    .await;
    let pairing = format!("{later:?}").matches(PAIRING_DM).count();
    assert_eq!(pairing, 0, "{later:?}");
}

#[tokio::test]
async fn deleting_your_data_while_your_trio_is_announced_tells_the_other_two_about_each_other_only()
{
    // Ana, Ben and Cai: the trio goes on as a pair, whose members still get
    // their pairing DMs, naming only each other.
    let later = announced_while_ana_deletes(&[
        ("U0ANA", "Writing", "Leadership"),
        ("U0BEN", "Leadership", "Writing"),
        ("U0CAI", "Leadership", "Writing"),
    ])
    .await;
    let text = format!("{later:?}");
    assert!(!text.contains("DU0ANA"), "{text}");
    let told: Vec<&SlackCall> = later
        .iter()
        .filter(|c| matches!(c, SlackCall::Post(_, m) if m.text.starts_with(PAIRING_DM)))
        .collect();
    assert_eq!(told.len(), 2, "Ben and Cai: {told:?}");
}
