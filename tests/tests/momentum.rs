//! Momentum (issue 13 point 1): two days after pairing, one nudge in each
//! pair's group DM with a first slot in both members' local times; pairs who
//! already said they scheduled or met are skipped. Signed requests, moto,
//! mock Slack.

use integration_tests::*;
use mentor_domain::ProgrammeConfig;
use mentor_domain::action::MomentumAnswer;
use mentor_domain::ports::Rounds;
use mentor_domain::{RoundId, UserId};
use serde_json::Value;

const GROUP_DM: &str = "GU0ANA-U0BEN";

fn december() -> RoundId {
    "2026-12".parse().unwrap()
}

/// Ana in Lisbon and Ben in New York, signed up in November, paired on
/// Tuesday 1 December 2026 at 09:00 UTC.
async fn paired(cfg: ProgrammeConfig) -> Harness {
    let h = Harness::with(cfg, utc("2026-11-25T12:00:00Z")).await;
    for (user, tz, offers, wants) in [
        ("U0ANA", "Europe/Lisbon", ["Writing"], ["Accessibility"]),
        ("U0BEN", "America/New_York", ["Accessibility"], ["Writing"]),
    ] {
        h.send_event(&dm(&format!("Ev-{user}"), user, "hi")).await;
        let (_, body) = h
            .send_interaction(&profile_submission(user, tz, &offers, &wants, "new"))
            .await;
        assert!(body.is_empty(), "{body}");
    }
    h.set_time("2026-12-01T09:00:00Z");
    h.tick().await;
    assert_eq!(h.pairing_dms("U0ANA", "December 2026").await, 1);
    h
}

async fn nudges(h: &Harness) -> Vec<Value> {
    h.slack_calls("chat.postMessage")
        .await
        .into_iter()
        .filter(|m| m["channel"] == GROUP_DM)
        .filter(|m| readable(m).contains("first chat yet"))
        .collect()
}

async fn group(h: &Harness) -> mentor_domain::model::Group {
    h.store.groups(december()).await.unwrap().remove(0)
}

#[tokio::test]
async fn two_days_after_pairing_the_pair_gets_one_nudge_with_a_slot_in_each_ones_local_time() {
    moto_or_skip!();
    let h = paired(ProgrammeConfig::example()).await;
    h.set_time("2026-12-03T08:00:00Z");
    h.tick().await;
    assert!(nudges(&h).await.is_empty(), "not before day two");

    h.set_time("2026-12-03T09:00:00Z");
    h.tick().await;
    let sent = nudges(&h).await;
    assert_eq!(sent.len(), 1);
    let text = readable(&sent[0]);
    // Lisbon 09–18 and New York 09–18 share 14:00–18:00 UTC; Friday is the
    // first working day with half a day's notice.
    assert!(
        text.contains("*Fri 4 Dec, 15:00* for <@U0ANA> (Europe/Lisbon)")
            && text.contains("*Fri 4 Dec, 10:00* for <@U0BEN> (America/New_York)"),
        "{text}"
    );
    assert_eq!(
        action_ids(&sent[0]),
        vec!["momentum_scheduled", "momentum_met"]
    );
    assert!(group(&h).await.momentum.nudged);

    // Later ticks, and the same bus event delivered again, send nothing more.
    h.set_time("2026-12-03T10:00:00Z");
    h.tick().await;
    h.deliver_one(&mentor_domain::ports::BusEvent::Momentum {
        round: december(),
        group: 1,
    })
    .await
    .unwrap();
    assert_eq!(nudges(&h).await.len(), 1);
}

#[tokio::test]
async fn clicking_we_have_met_is_stored_and_shown_to_both_in_the_group_dm() {
    moto_or_skip!();
    let h = paired(ProgrammeConfig::example()).await;
    h.set_time("2026-12-03T09:00:00Z");
    h.tick().await;
    h.reset_slack().await;
    h.send_interaction(&click("U0BEN", "momentum_met", "2026-12:1", "50.1"))
        .await;
    let posted: Vec<String> = h
        .slack_calls("chat.postMessage")
        .await
        .iter()
        .filter(|m| m["channel"] == GROUP_DM)
        .map(readable)
        .collect();
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert!(
        posted[0].contains("<@U0BEN> says you've met"),
        "{}",
        posted[0]
    );
    let g = group(&h).await;
    assert_eq!(
        g.momentum.answers.get(&UserId::new("U0BEN")),
        Some(&MomentumAnswer::Met)
    );

    // A "scheduled" click afterwards doesn't take the "met" back.
    h.send_interaction(&click("U0ANA", "momentum_scheduled", "2026-12:1", "50.1"))
        .await;
    let g = group(&h).await;
    assert_eq!(
        g.momentum.answers.get(&UserId::new("U0BEN")),
        Some(&MomentumAnswer::Met)
    );
    assert_eq!(
        g.momentum.answers.get(&UserId::new("U0ANA")),
        Some(&MomentumAnswer::Scheduled)
    );
}

#[tokio::test]
async fn we_have_met_clicked_on_the_nudge_updates_the_nudge_for_both_instead_of_a_new_post() {
    moto_or_skip!();
    let h = paired(ProgrammeConfig::example()).await;
    h.set_time("2026-12-03T09:00:00Z");
    h.tick().await;
    let nudge = nudges(&h).await.remove(0);
    h.reset_slack().await;
    let (status, _) = h
        .send_interaction(&click_on("U0BEN", &nudge, "momentum_met", "60.1"))
        .await;
    assert_eq!(status.as_u16(), 200);
    // No new message in the group DM (nor a DM to Ben): the nudge changed.
    let posted: Vec<Value> = h.slack_calls("chat.postMessage").await;
    assert!(posted.is_empty(), "{posted:?}");
    let updates = h.updates().await;
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(updates[0]["channel"], GROUP_DM);
    assert_eq!(updates[0]["ts"], "60.1");
    let text = readable(&updates[0]);
    assert!(text.contains("first chat yet"), "the nudge is kept: {text}");
    assert!(text.contains("<@U0BEN> says you've met"), "{text}");
    assert!(action_ids(&updates[0]).is_empty(), "buttons gone: {text}");
    assert_eq!(
        group(&h).await.momentum.answers.get(&UserId::new("U0BEN")),
        Some(&MomentumAnswer::Met)
    );
}

async fn checkins_to(h: &Harness, user: &str) -> usize {
    h.dms_to(user)
        .await
        .iter()
        .filter(|m| readable(m).starts_with("How's your mentoring pairing going?"))
        .count()
}

#[tokio::test]
async fn a_pair_who_said_we_have_met_on_the_nudge_skips_the_first_check_in_but_not_the_last() {
    moto_or_skip!();
    let h = paired(ProgrammeConfig::example()).await;
    h.set_time("2026-12-03T09:00:00Z");
    h.tick().await;
    h.send_interaction(&click("U0BEN", "momentum_met", "2026-12:1", "50.1"))
        .await;
    h.set_time("2026-12-08T09:00:00Z");
    h.tick().await;
    assert_eq!(
        (
            checkins_to(&h, "U0ANA").await,
            checkins_to(&h, "U0BEN").await
        ),
        (0, 0)
    );
    // The last check-in (how did it go, the rating) still comes to both.
    h.set_time("2026-12-22T09:00:00Z");
    h.tick().await;
    assert_eq!(
        (
            checkins_to(&h, "U0ANA").await,
            checkins_to(&h, "U0BEN").await
        ),
        (1, 1)
    );
}

#[tokio::test]
async fn a_pair_who_only_scheduled_still_gets_the_first_check_in() {
    moto_or_skip!();
    let h = paired(ProgrammeConfig::example()).await;
    h.set_time("2026-12-03T09:00:00Z");
    h.tick().await;
    h.send_interaction(&click("U0ANA", "momentum_scheduled", "2026-12:1", "50.1"))
        .await;
    h.set_time("2026-12-08T09:00:00Z");
    h.tick().await;
    assert_eq!(
        (
            checkins_to(&h, "U0ANA").await,
            checkins_to(&h, "U0BEN").await
        ),
        (1, 1)
    );
}

#[tokio::test]
async fn a_pair_who_already_said_they_met_at_a_check_in_is_not_nudged() {
    moto_or_skip!();
    let mut cfg = ProgrammeConfig::example();
    cfg.checkin_days = vec![1, 21];
    cfg.momentum_day = Some(3);
    let h = paired(cfg).await;
    h.set_time("2026-12-02T09:00:00Z");
    h.tick().await;
    h.send_interaction(&click("U0ANA", "checkin_met", "2026-12:1:1", "60.1"))
        .await;
    h.set_time("2026-12-04T09:00:00Z");
    h.tick().await;
    assert!(nudges(&h).await.is_empty());
}

#[tokio::test]
async fn with_the_nudge_switched_off_nobody_is_nudged() {
    moto_or_skip!();
    let mut cfg = ProgrammeConfig::example();
    cfg.momentum_day = None;
    let h = paired(cfg).await;
    h.set_time("2026-12-03T09:00:00Z");
    h.tick().await;
    assert!(nudges(&h).await.is_empty());
    assert!(!group(&h).await.momentum.nudged);
}

#[tokio::test]
async fn someone_no_longer_in_the_pair_cannot_answer_for_it() {
    moto_or_skip!();
    let h = paired(ProgrammeConfig::example()).await;
    h.reset_slack().await;
    h.send_interaction(&click("U0CAT", "momentum_met", "2026-12:1", "70.1"))
        .await;
    let dms = h.dms_to("U0CAT").await;
    assert_eq!(dms.len(), 1);
    assert!(
        readable(&dms[0]).contains("no longer in"),
        "{}",
        readable(&dms[0])
    );
    assert!(group(&h).await.momentum.answers.is_empty());
}

#[tokio::test]
async fn deleting_their_data_removes_a_members_momentum_answer() {
    moto_or_skip!();
    let h = paired(ProgrammeConfig::example()).await;
    h.set_time("2026-12-03T09:00:00Z");
    h.tick().await;
    h.send_interaction(&click("U0BEN", "momentum_met", "2026-12:1", "50.1"))
        .await;
    h.send_interaction(&click("U0BEN", "delete_confirm", "", "80.1"))
        .await;
    let g = group(&h).await;
    assert!(!g.momentum.answers.contains_key(&UserId::new("U0BEN")));
    assert_eq!(g.momentum.answers.len(), 1, "kept under the deleted tag");
    let left: Vec<String> = h
        .scan_all()
        .await
        .into_iter()
        .filter(|item| item.contains("U0BEN"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn a_click_on_the_nudge_by_someone_who_left_the_pair_leaves_the_nudge_untouched_for_the_other()
 {
    moto_or_skip!();
    let h = paired(ProgrammeConfig::example()).await;
    h.set_time("2026-12-03T09:00:00Z");
    h.tick().await;
    let nudge = nudges(&h).await.remove(0);
    // Ben deletes his data (he leaves the pairing) but is still in the
    // group DM.
    h.send_interaction(&click("U0BEN", "delete_confirm", "", "80.1"))
        .await;
    assert!(
        !group(&h)
            .await
            .active_members()
            .any(|m| m.as_str() == "U0BEN")
    );
    h.reset_slack().await;
    let (status, _) = h
        .send_interaction(&click_on("U0BEN", &nudge, "momentum_met", "60.1"))
        .await;
    assert_eq!(status.as_u16(), 200);
    // Ben is told by DM; nothing is recorded.
    let dms = h.dms_to("U0BEN").await;
    assert_eq!(dms.len(), 1, "{dms:?}");
    assert!(
        readable(&dms[0]).contains("no longer in"),
        "{}",
        readable(&dms[0])
    );
    assert!(group(&h).await.momentum.answers.is_empty());
    // The shared nudge claims nothing: it is neither rewritten nor
    // answered in the group DM.
    let updates = h.updates().await;
    assert!(updates.is_empty(), "the nudge was rewritten: {updates:?}");
    let posted: Vec<Value> = h
        .slack_calls("chat.postMessage")
        .await
        .into_iter()
        .filter(|m| m["channel"] == GROUP_DM)
        .collect();
    assert!(posted.is_empty(), "{posted:?}");
}
