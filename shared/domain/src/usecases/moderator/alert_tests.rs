//! Moderator alerts reach someone: an alert is marked sent only when at
//! least one moderator received it; otherwise it stays retryable, and once
//! a moderator can be reached it goes out exactly once.

use std::sync::Arc;

use chrono::{TimeZone, Utc};

use crate::memory::{FixedClock, RecordingMessenger};
use crate::once_key::OnceKey;
use crate::surface::Message;
use crate::usecases::Deps;
use crate::{Bot, ProgrammeConfig, RoundId, UserId};

fn bot_with_moderators(slack: Arc<RecordingMessenger>, moderators: &[&str]) -> Bot {
    let clock = Arc::new(FixedClock::at(
        Utc.with_ymd_and_hms(2026, 12, 10, 12, 0, 0).unwrap(),
    ));
    let (deps, _, _) = Deps::in_memory(slack, clock);
    let mut cfg = ProgrammeConfig::example();
    cfg.moderators = moderators.iter().map(|m| UserId::new(*m)).collect();
    Bot::new(deps, cfg)
}

fn alert_key() -> OnceKey {
    OnceKey::Alert {
        round: "2026-12".parse::<RoundId>().unwrap(),
        group: 1,
        user: UserId::new("U0ANA"),
    }
}

#[tokio::test]
async fn an_alert_no_moderator_received_stays_unsent_and_goes_out_once_when_one_can_be_reached() {
    let slack = Arc::new(RecordingMessenger::new());
    let bot = bot_with_moderators(slack.clone(), &["U0MOD1"]);
    let moderator = UserId::new("U0MOD1");
    let alert = Message::plain("Ana's partner is not responding.");
    slack.fail_user(&moderator, "user_not_found");

    let first = bot.tell_moderators_once(&alert_key(), &alert).await;
    assert!(first.is_err(), "not marked sent: {first:?}");
    assert!(slack.dms_to(&moderator).is_empty());

    slack.heal_user(&moderator);
    assert!(
        bot.tell_moderators_once(&alert_key(), &alert)
            .await
            .unwrap()
    );
    assert!(
        !bot.tell_moderators_once(&alert_key(), &alert)
            .await
            .unwrap()
    );
    assert_eq!(slack.dms_to(&moderator).len(), 1, "exactly once");
}

#[tokio::test]
async fn an_alert_one_of_two_moderators_received_counts_as_sent() {
    let slack = Arc::new(RecordingMessenger::new());
    let bot = bot_with_moderators(slack.clone(), &["U0MOD1", "U0MOD2"]);
    slack.fail_user(&UserId::new("U0MOD1"), "user_disabled");
    let alert = Message::plain("Ana's partner is not responding.");

    assert!(
        bot.tell_moderators_once(&alert_key(), &alert)
            .await
            .unwrap()
    );
    assert!(
        !bot.tell_moderators_once(&alert_key(), &alert)
            .await
            .unwrap()
    );
    assert_eq!(slack.dms_to(&UserId::new("U0MOD2")).len(), 1);
}
