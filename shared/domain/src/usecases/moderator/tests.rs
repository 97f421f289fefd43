//! Moderation on in-memory adapters: who may use `/mentoring`, and what a
//! moderator is told when a hand-made pairing can't be done. The full flows
//! run against moto and a mock Slack in `tests/tests/moderator.rs`.

use std::sync::Arc;

use chrono::{TimeZone, Utc};

use crate::memory::{FixedClock, RecordingMessenger};
use crate::usecases::Deps;
use crate::{Bot, ProgrammeConfig, UserId};

fn bot() -> Bot {
    let slack = Arc::new(RecordingMessenger::new());
    let clock = Arc::new(FixedClock::at(
        Utc.with_ymd_and_hms(2026, 12, 10, 12, 0, 0).unwrap(),
    ));
    let (deps, _, _) = Deps::in_memory(slack, clock);
    Bot::new(deps, ProgrammeConfig::example())
}

fn moderator() -> UserId {
    UserId::new("U0MODERATOR")
}

async fn reply(bot: &Bot, who: &UserId, text: &str) -> String {
    bot.slash_command(who, text, None)
        .await
        .unwrap()
        .message
        .readable()
}

#[tokio::test]
async fn someone_who_is_not_a_moderator_is_pointed_to_the_member_commands() {
    let bot = bot();
    let text = reply(&bot, &UserId::new("U0ANA"), "stats").await;
    assert!(
        text.contains("`/mentoring` is for the programme's moderators"),
        "{text}"
    );
    assert!(text.contains("#peer-mentorship"), "{text}");
}

#[tokio::test]
async fn a_moderator_is_told_that_someone_outside_the_programme_cannot_be_paired() {
    let bot = bot();
    let text = reply(&bot, &moderator(), "pair <@U0ANA> <@U0BOB>").await;
    assert_eq!(text, "<@U0ANA> isn't in the programme.");
}

#[tokio::test]
async fn a_moderator_cannot_pair_someone_with_themselves() {
    let bot = bot();
    let text = reply(&bot, &moderator(), "pair <@U0ANA> <@U0ANA>").await;
    assert_eq!(text, "Pick two different people.");
}

#[tokio::test]
async fn a_moderator_gets_the_list_of_commands() {
    let bot = bot();
    let text = reply(&bot, &moderator(), "help").await;
    for command in ["stats", "preview", "run", "pair @a @b", "repair @a"] {
        assert!(text.contains(command), "{command} missing from {text}");
    }
}
