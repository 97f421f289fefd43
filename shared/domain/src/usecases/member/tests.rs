//! Member journey on in-memory adapters: fast checks of the rules. The same
//! flows run against moto and a mock Slack in `tests/tests/member_journey.rs`.

use std::sync::Arc;

use chrono::{TimeZone, Utc};

use crate::memory::{FixedClock, RecordingMessenger, SlackCall, dm_channel};
use crate::model::MemberStatus;
use crate::profile_form::{FieldValue, FormValues};
use crate::usecases::{Action, Click, Deps, Origin, ProfileOutcome};
use crate::{Bot, ChannelId, ProgrammeConfig, UserId};

fn bot() -> (Bot, Arc<RecordingMessenger>, Arc<FixedClock>) {
    let slack = Arc::new(RecordingMessenger::new());
    let clock = Arc::new(FixedClock::at(
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap(),
    ));
    let (deps, _, _) = Deps::in_memory(slack.clone(), clock.clone());
    (Bot::new(deps, ProgrammeConfig::example()), slack, clock)
}

fn form() -> FormValues {
    let mut v = FormValues::new();
    v.insert(
        "timezone".into(),
        FieldValue::Text(Some("Europe/Lisbon".into())),
    );
    v.insert(
        "interests".into(),
        FieldValue::Many(vec!["Research".into()]),
    );
    v.insert("offers".into(), FieldValue::Many(vec!["Writing".into()]));
    v.insert(
        "wants".into(),
        FieldValue::Many(vec!["Accessibility".into()]),
    );
    v.insert("experience".into(), FieldValue::One(Some("new".into())));
    v.insert("mode".into(), FieldValue::One(Some("video".into())));
    v.insert("frequency".into(), FieldValue::One(Some("weekly".into())));
    v
}

fn ana() -> UserId {
    UserId::new("U0ANA")
}

#[tokio::test]
async fn a_new_member_gets_a_welcome_dm_and_an_ephemeral_hint_in_the_channel() {
    let (bot, slack, _) = bot();
    bot.on_message(
        &ana(),
        Origin::Channel(ChannelId::new("C0PROGRAM")),
        "<@U0BOT> hi",
    )
    .await
    .unwrap();
    let dms = slack.dms_to(&ana());
    assert_eq!(dms.len(), 1);
    assert!(dms[0].readable().contains("Set up my profile"));
    assert!(
        slack
            .calls()
            .iter()
            .any(|c| matches!(c, SlackCall::Ephemeral(_, u, _) if *u == ana()))
    );
}

#[tokio::test]
async fn pause_twice_changes_once_and_says_so() {
    let (bot, slack, _) = bot();
    assert_eq!(
        bot.save_profile(&ana(), &form(), "v1").await.unwrap(),
        ProfileOutcome::Saved
    );
    bot.on_message(&ana(), Origin::Dm, "pause").await.unwrap();
    bot.on_message(&ana(), Origin::Dm, "pause").await.unwrap();
    let m = bot.deps.members.get(&ana()).await.unwrap().unwrap();
    assert_eq!(m.status, MemberStatus::Paused);
    let last = slack.dms_to(&ana()).pop().unwrap().readable();
    assert!(last.contains("already paused"), "{last}");
}

#[tokio::test]
async fn opting_in_from_paused_resumes() {
    let (bot, _, _) = bot();
    assert_eq!(
        bot.save_profile(&ana(), &form(), "v1").await.unwrap(),
        ProfileOutcome::Saved
    );
    bot.on_message(&ana(), Origin::Dm, "pause").await.unwrap();
    bot.on_message(&ana(), Origin::Dm, "opt in").await.unwrap();
    let m = bot.deps.members.get(&ana()).await.unwrap().unwrap();
    assert_eq!(m.status, MemberStatus::Active);
}

#[tokio::test]
async fn a_repeated_click_is_reported_as_duplicate() {
    let (bot, _, _) = bot();
    assert_eq!(
        bot.save_profile(&ana(), &form(), "v1").await.unwrap(),
        ProfileOutcome::Saved
    );
    let a = Click {
        user: ana(),
        action: Action::Pause,
        trigger_id: None,
        dedupe_key: "1.1".into(),
        response_url: None,
        message: None,
    };
    assert_eq!(bot.on_action(&a).await.unwrap(), super::ActionOutcome::Done);
    assert_eq!(
        bot.on_action(&a).await.unwrap(),
        super::ActionOutcome::Duplicate
    );
}

#[tokio::test]
async fn delete_my_data_is_done_off_the_click_and_confirmed_once() {
    let slack = Arc::new(RecordingMessenger::new());
    let clock = Arc::new(FixedClock::at(
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap(),
    ));
    let (deps, _, bus) = Deps::in_memory(slack.clone(), clock);
    let bot = Bot::new(deps, ProgrammeConfig::example());
    assert_eq!(
        bot.save_profile(&ana(), &form(), "v1").await.unwrap(),
        ProfileOutcome::Saved
    );
    let click = Click {
        user: ana(),
        action: Action::DeleteConfirm,
        trigger_id: None,
        dedupe_key: "confirm-message".into(),
        response_url: None,
        message: None,
    };
    bot.on_action(&click).await.unwrap();
    // The click only hands the work over.
    assert!(bot.deps.members.get(&ana()).await.unwrap().is_some());
    let work = bus.drain();
    assert!(matches!(
        work.as_slice(),
        [crate::ports::BusEvent::DeleteMember { user, .. }] if *user == ana()
    ));
    // A redelivered event deletes nothing more and says "done" only once.
    bot.on_bus_event(&work[0]).await.unwrap();
    bot.on_bus_event(&work[0]).await.unwrap();
    assert!(bot.deps.members.get(&ana()).await.unwrap().is_none());
    let done: Vec<_> = slack
        .dms_to(&ana())
        .into_iter()
        .filter(|m| {
            m.readable()
                .contains("your profile and answers are deleted")
        })
        .collect();
    assert_eq!(done.len(), 1);
    let _ = dm_channel(&[ana()]);
}

#[tokio::test]
async fn the_same_button_works_again_after_the_double_click_window() {
    let (bot, slack, clock) = bot();
    assert_eq!(
        bot.save_profile(&ana(), &form(), "v1").await.unwrap(),
        ProfileOutcome::Saved
    );
    let click = |action: Action| Click {
        user: ana(),
        action,
        trigger_id: None,
        dedupe_key: "status-message".into(),
        response_url: None,
        message: None,
    };
    bot.on_action(&click(Action::Pause)).await.unwrap();
    bot.on_action(&click(Action::Resume)).await.unwrap();
    clock.advance(chrono::Duration::minutes(3));
    assert_eq!(
        bot.on_action(&click(Action::Pause)).await.unwrap(),
        super::ActionOutcome::Done
    );
    let m = bot.deps.members.get(&ana()).await.unwrap().unwrap();
    assert_eq!(m.status, MemberStatus::Paused);
    assert!(slack.dms_to(&ana()).len() >= 3);
}
