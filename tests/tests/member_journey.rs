//! The member journey through signed requests to both HTTP handlers, against
//! moto and the mock Slack API.

use integration_tests::*;
use lambda_http::http::StatusCode;
use mentor_domain::model::{Confirmation, MemberStatus};
use mentor_domain::ports::Members;
use mentor_domain::{RoundId, UserId};
use serde_json::{Value, json};

const DECEMBER: &str = "2026-12";

async fn signed_up(h: &Harness, user: &str) {
    h.send_event(&dm(&format!("Ev-{user}-hi"), user, "hi"))
        .await;
    let (status, body) = h
        .send_interaction(&profile_submission(
            user,
            "Europe/Lisbon",
            &["Writing"],
            &["Accessibility"],
            "new",
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.is_empty(), "no errors: {body}");
}

fn last_text(msgs: &[Value]) -> String {
    msgs.last().map(readable).unwrap_or_default()
}

#[tokio::test]
async fn saving_the_profile_makes_the_member_active_and_confirmed_and_dms_a_summary() {
    moto_or_skip!();
    let h = Harness::new().await;
    signed_up(&h, "U0ANA").await;
    let m = member(&h, "U0ANA").await;
    assert_eq!(m.status, MemberStatus::Active);
    let round: RoundId = DECEMBER.parse().unwrap();
    assert_eq!(m.confirmations.get(&round), Some(&Confirmation::Yes));
    assert_eq!(m.profile.unwrap().timezone, "Europe/Lisbon");
    let dms = h.dms_to("U0ANA").await;
    assert_eq!(dms.len(), 2, "welcome + summary");
    let summary = readable(&dms[1]);
    assert!(summary.contains("You're in!"), "{summary}");
    assert!(
        summary.contains("Tuesday 1 December 2026, 09:00 (UTC)"),
        "{summary}"
    );
    assert!(summary.contains("Can offer: Writing"));
}

#[tokio::test]
async fn an_invalid_profile_keeps_the_modal_open_with_errors_and_stores_nothing() {
    moto_or_skip!();
    let h = Harness::new().await;
    h.send_event(&dm("Ev1", "U0BAD", "hi")).await;
    let mut sub = profile_submission("U0BAD", "Mars/Olympus", &["Writing"], &[], "new");
    sub["view"]["state"]["values"]["mode"]["mode"]["selected_option"]["value"] = json!("telepathy");
    let (status, body) = h.send_interaction(&sub).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["response_action"], "errors");
    assert!(
        v["errors"]["timezone"]
            .as_str()
            .unwrap()
            .contains("Mars/Olympus")
    );
    assert!(v["errors"]["wants"].is_string());
    assert!(v["errors"]["mode"].is_string());
    let m = member(&h, "U0BAD").await;
    assert_eq!(m.status, MemberStatus::Onboarding);
    assert!(m.profile.is_none());
}

#[tokio::test]
async fn a_mention_from_a_signed_up_member_answers_with_status_not_onboarding() {
    moto_or_skip!();
    let h = Harness::new().await;
    signed_up(&h, "U0ANA").await;
    h.reset_slack().await;
    h.send_event(&mention("Ev2", "U0ANA", "hello")).await;
    let eph = h.slack_calls("chat.postEphemeral").await;
    assert_eq!(eph.len(), 1);
    assert_eq!(eph[0]["user"], "U0ANA");
    assert_eq!(eph[0]["channel"], CHANNEL);
    let dms = h.dms_to("U0ANA").await;
    assert_eq!(dms.len(), 1);
    let text = readable(&dms[0]);
    assert!(text.contains("Status:* active"), "{text}");
    assert!(!text.contains("Welcome to peer mentoring"));
}

#[tokio::test]
async fn editing_the_profile_prefills_the_current_answers() {
    moto_or_skip!();
    let h = Harness::new().await;
    signed_up(&h, "U0ANA").await;
    // (Saving the profile read the name moderators see: one users.info.)
    let before = h.slack_calls("users.info").await.len();
    h.send_interaction(&click("U0ANA", "open_profile", "", "7.7"))
        .await;
    let view = &h.slack_calls("views.open").await[0]["view"];
    assert_eq!(view["private_metadata"], "edit");
    let blocks = view["blocks"].as_array().unwrap();
    let offers = blocks.iter().find(|b| b["block_id"] == "offers").unwrap();
    assert_eq!(offers["element"]["initial_options"][0]["value"], "Writing");
    // Opening the form asks users.info (the time zone) only for new members.
    assert_eq!(h.slack_calls("users.info").await.len(), before);
}

#[tokio::test]
async fn dm_commands_are_tolerant_and_answer_by_dm() {
    moto_or_skip!();
    let h = Harness::new().await;
    signed_up(&h, "U0ANA").await;
    h.reset_slack().await;

    h.send_event(&dm("Ev10", "U0ANA", "HELP!")).await;
    assert!(last_text(&h.dms_to("U0ANA").await).contains("`delete my data`"));

    h.send_event(&dm("Ev11", "U0ANA", "status?")).await;
    assert!(last_text(&h.dms_to("U0ANA").await).contains("your answer: *yes, pair me*"));

    h.send_event(&dm("Ev12", "U0ANA", "Pause, please")).await;
    assert_eq!(member(&h, "U0ANA").await.status, MemberStatus::Paused);
    assert!(last_text(&h.dms_to("U0ANA").await).contains("Paused"));

    h.send_event(&dm("Ev13", "U0ANA", "resume")).await;
    assert_eq!(member(&h, "U0ANA").await.status, MemberStatus::Active);

    // Typed `opt out` asks for one click first.
    h.send_event(&dm("Ev14", "U0ANA", "opt-out")).await;
    assert_eq!(member(&h, "U0ANA").await.status, MemberStatus::Active);
    assert!(last_text(&h.dms_to("U0ANA").await).contains("Opt out of peer mentoring?"));
    h.send_interaction(&click("U0ANA", "opt_out", "", "Ev14-ask"))
        .await;
    assert_eq!(member(&h, "U0ANA").await.status, MemberStatus::OptedOut);
    assert!(last_text(&h.dms_to("U0ANA").await).contains("opted out"));

    h.send_event(&dm("Ev15", "U0ANA", "opt in")).await;
    assert_eq!(member(&h, "U0ANA").await.status, MemberStatus::Active);

    h.send_event(&dm("Ev16", "U0ANA", "what's the weather"))
        .await;
    assert!(last_text(&h.dms_to("U0ANA").await).contains("didn't catch that"));
    assert_eq!(h.dms_to("U0ANA").await.len(), 8);
}

#[tokio::test]
async fn delete_my_data_asks_first_then_leaves_no_profile_answers() {
    moto_or_skip!();
    let h = Harness::new().await;
    signed_up(&h, "U0ANA").await;
    signed_up(&h, "U0BEN").await;
    h.send_event(&dm("Ev20", "U0ANA", "delete my data")).await;
    let ask = h.dms_to("U0ANA").await;
    assert_eq!(
        action_ids(ask.last().unwrap()),
        vec!["delete_confirm", "delete_cancel"]
    );
    assert!(
        member(&h, "U0ANA").await.profile.is_some(),
        "not deleted before confirming"
    );

    let (status, _) = h
        .send_interaction(&click("U0ANA", "delete_confirm", "", "20.1"))
        .await;
    assert_eq!(status, StatusCode::OK);
    // The click only hands the deletion to the bus (the scheduler function).
    h.deliver().await;
    assert!(h.store.get(&UserId::new("U0ANA")).await.unwrap().is_none());
    assert!(last_text(&h.dms_to("U0ANA").await).contains("deleted"));
    for item in h.scan_all().await {
        assert!(!item.contains("U0ANA"), "id left: {item}");
    }
    assert!(
        h.store.get(&UserId::new("U0BEN")).await.unwrap().is_some(),
        "others untouched"
    );
}

#[tokio::test]
async fn app_home_shows_status_profile_and_buttons() {
    moto_or_skip!();
    let h = Harness::new().await;
    signed_up(&h, "U0ANA").await;
    h.send_event(&event(
        "Ev30",
        json!({"type": "app_home_opened", "user": "U0ANA", "tab": "home"}),
    ))
    .await;
    let published = h.slack_calls("views.publish").await;
    let home = published.last().unwrap();
    assert_eq!(home["user_id"], "U0ANA");
    assert_eq!(home["view"]["type"], "home");
    let text = readable(&home["view"]);
    assert!(text.contains("Status:* active"), "{text}");
    assert!(text.contains("Topics: Research, Writing"), "{text}");
    let ids = action_ids(&home["view"]);
    assert!(ids.contains(&"open_profile".to_string()));
    assert!(ids.contains(&"pause".to_string()));
    assert!(ids.contains(&"opt_out".to_string()));
    assert!(!text.contains("Moderator tools"));
}

#[tokio::test]
async fn leaving_the_channel_takes_a_member_out_and_rejoining_brings_them_back() {
    moto_or_skip!();
    let h = Harness::new().await;
    signed_up(&h, "U0ANA").await;
    h.send_event(&event(
        "Ev40",
        json!({"type": "member_left_channel", "user": "U0ANA", "channel": CHANNEL}),
    ))
    .await;
    let m = member(&h, "U0ANA").await;
    assert_eq!(m.status, MemberStatus::Left);
    assert!(!m.in_channel);
    h.send_event(&event(
        "Ev41",
        json!({"type": "member_joined_channel", "user": "U0ANA", "channel": CHANNEL}),
    ))
    .await;
    let m = member(&h, "U0ANA").await;
    assert_eq!(m.status, MemberStatus::Active);
    assert!(m.in_channel);
    assert!(last_text(&h.dms_to("U0ANA").await).contains("Welcome back"));
}

#[tokio::test]
async fn joining_the_channel_invites_once_a_day_and_other_channels_are_ignored() {
    moto_or_skip!();
    let h = Harness::new().await;
    let join = |id: &str, ch: &str| {
        event(
            id,
            json!({"type": "member_joined_channel", "user": "U0NEW", "channel": ch}),
        )
    };
    h.send_event(&join("Ev50", CHANNEL)).await;
    h.send_event(&join("Ev51", CHANNEL)).await;
    h.send_event(&join("Ev52", "C0OTHER")).await;
    let eph = h.slack_calls("chat.postEphemeral").await;
    assert_eq!(eph.len(), 1);
    assert!(readable(&eph[0]).contains("Want a mentoring partner?"));
    h.clock.advance(chrono::Duration::days(2));
    h.send_event(&join("Ev53", CHANNEL)).await;
    assert_eq!(h.slack_calls("chat.postEphemeral").await.len(), 2);
    h.send_event(&event(
        "Ev54",
        json!({"type": "member_left_channel", "user": "U0ANA", "channel": "C0OTHER"}),
    ))
    .await;
    assert!(h.store.get(&UserId::new("U0ANA")).await.unwrap().is_none());
}

#[tokio::test]
async fn a_double_click_applies_and_messages_once() {
    moto_or_skip!();
    let h = Harness::new().await;
    signed_up(&h, "U0ANA").await;
    h.reset_slack().await;
    h.send_interaction(&click("U0ANA", "pause", "", "60.1"))
        .await;
    h.send_interaction(&click("U0ANA", "pause", "", "60.1"))
        .await;
    assert_eq!(member(&h, "U0ANA").await.status, MemberStatus::Paused);
    assert_eq!(h.dms_to("U0ANA").await.len(), 1);
}

#[tokio::test]
async fn resubmitting_the_same_view_sends_one_summary() {
    moto_or_skip!();
    let h = Harness::new().await;
    signed_up(&h, "U0ANA").await;
    h.send_interaction(&profile_submission(
        "U0ANA",
        "Europe/Lisbon",
        &["Writing"],
        &["Accessibility"],
        "new",
    ))
    .await;
    let summaries = h
        .dms_to("U0ANA")
        .await
        .iter()
        .filter(|m| readable(m).contains("Your profile is") || readable(m).contains("You're in!"))
        .count();
    assert_eq!(summaries, 1);
}

#[tokio::test]
async fn bad_interactions_are_handled_without_storing_anything() {
    moto_or_skip!();
    let h = Harness::new().await;
    let (status, _) = h
        .send_interaction(&click("U0ANA", "self_destruct", "", "1.1"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = h
        .send_interaction(&json!({"type": "view_submission", "user": {"id": "U0ANA"}, "view": {"callback_id": "mystery", "state": {"values": {}}}}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = h.send_interaction(&json!({"type": "block_actions"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let req = h.raw_signed("payload=%7Bnot-json");
    assert_eq!(
        slack_interactions::handle(&h.app, req).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert!(h.scan_all().await.is_empty());
}
