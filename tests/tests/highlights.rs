//! Round highlights (issue 13 point 8): a community that turns them on gets
//! one short post in the programme channel after each pairing (pairs,
//! newcomers, how to join), naming only members who chose to be named (a
//! DM command or the App Home button; default no). Exactly once per round.
//! Signed requests, DynamoDB and EventBridge in moto, mock Slack.

use integration_tests::*;
use mentor_domain::ports::{BusEvent, Members};
use mentor_domain::{ProgrammeConfig, RoundId, UserId};
use serde_json::{Value, json};

fn with_highlights() -> ProgrammeConfig {
    let mut cfg = ProgrammeConfig::example();
    cfg.round_highlights = true;
    cfg
}

fn december() -> RoundId {
    "2026-12".parse().unwrap()
}

/// Ana, Ben, Cat and Dan sign up in November for December's round.
async fn four_signed_up(cfg: ProgrammeConfig) -> Harness {
    let h = Harness::with(cfg, utc("2026-11-25T12:00:00Z")).await;
    h.sign_up("U0ANA", &["Writing"], &["Accessibility"], "new")
        .await;
    h.sign_up("U0BEN", &["Accessibility"], &["Writing"], "three_to_seven")
        .await;
    h.sign_up("U0CAT", &["Data"], &["Backend"], "new").await;
    h.sign_up("U0DAN", &["Backend"], &["Data"], "seven_plus")
        .await;
    h
}

/// Posts to the programme channel (not DMs).
async fn channel_posts(h: &Harness) -> Vec<Value> {
    let channel = ProgrammeConfig::example().channel;
    h.slack_calls("chat.postMessage")
        .await
        .into_iter()
        .filter(|m| m["channel"] == channel.as_str())
        .collect()
}

async fn named(h: &Harness, user: &str) -> bool {
    h.store
        .get(&UserId::new(user))
        .await
        .unwrap()
        .expect("member stored")
        .named_in_highlights
}

async fn home_of(h: &Harness, user: &str) -> Value {
    h.send_event(&event(
        &format!(
            "Ev-home-{user}-{}",
            h.slack_calls("views.publish").await.len()
        ),
        json!({"type": "app_home_opened", "user": user, "tab": "home"}),
    ))
    .await;
    latest_home(h, user).await
}

/// A click on an App Home button (a view container, no message).
fn home_click(user: &str, action_id: &str, n: u32) -> Value {
    json!({
        "type": "block_actions",
        "user": {"id": user},
        "trigger_id": format!("trigger-home-{n}"),
        "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "hash": format!("hh-{n}")},
        "actions": [{"action_id": action_id, "value": "", "action_ts": format!("9.{n}")}],
    })
}

#[tokio::test]
async fn after_pairing_one_post_counts_pairs_and_newcomers_and_names_only_those_who_chose_it() {
    moto_or_skip!();
    let h = four_signed_up(with_highlights()).await;
    // Ana says so by DM; Ben uses the App Home button; Cat and Dan don't.
    h.send_event(&dm("Ev-name-ana", "U0ANA", "name me in the highlights"))
        .await;
    let said = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(
        said.contains("I'll name you in the round highlights I post in #peer-mentorship"),
        "{said}"
    );
    let home = home_of(&h, "U0BEN").await;
    assert!(
        readable(&home).contains("Round highlights") && readable(&home).contains("not named"),
        "{}",
        readable(&home)
    );
    assert!(action_ids(&home).contains(&"highlights_name_me".to_string()));
    let (status, _) = h
        .send_interaction(&home_click("U0BEN", "highlights_name_me", 1))
        .await;
    assert_eq!(status.as_u16(), 200);
    assert!(named(&h, "U0ANA").await && named(&h, "U0BEN").await);
    assert!(!named(&h, "U0CAT").await && !named(&h, "U0DAN").await);
    let home = home_of(&h, "U0BEN").await;
    assert!(action_ids(&home).contains(&"highlights_dont_name_me".to_string()));

    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let posts = channel_posts(&h).await;
    assert_eq!(posts.len(), 1, "{posts:?}");
    let text = readable(&posts[0]);
    assert!(
        text.contains("December 2026 is paired:* 2 pairs, 4 people in all, 4 of them new"),
        "{text}"
    );
    assert!(
        text.contains("<@U0ANA>") && text.contains("<@U0BEN>"),
        "{text}"
    );
    assert!(!text.contains("U0CAT") && !text.contains("U0DAN"), "{text}");
    assert!(text.contains("Mention me here or send me a DM"), "{text}");
    assert!(text.contains("Friday 1 January"), "{text}");
}

#[tokio::test]
async fn a_repeated_tick_and_a_redelivered_event_never_post_the_highlights_twice() {
    moto_or_skip!();
    let h = four_signed_up(with_highlights()).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    h.tick().await;
    h.set_time("2026-12-01T10:05:00Z");
    h.tick().await;
    // EventBridge delivers at least once; a Lambda retry re-runs the handler.
    for _ in 0..2 {
        h.deliver_one(&BusEvent::Highlights { round: december() })
            .await
            .unwrap();
    }
    let posts = channel_posts(&h).await;
    assert_eq!(posts.len(), 1, "{posts:?}");
    // Nobody chose to be named: nobody is.
    assert!(
        !readable(&posts[0]).contains("<@"),
        "{}",
        readable(&posts[0])
    );
}

#[tokio::test]
async fn a_community_that_did_not_turn_highlights_on_gets_no_post_and_no_home_section() {
    moto_or_skip!();
    let h = four_signed_up(ProgrammeConfig::example()).await;
    let home = home_of(&h, "U0ANA").await;
    assert!(!readable(&home).contains("Round highlights"));
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    assert_eq!(h.pairing_dms("U0ANA", "December 2026").await, 1);
    assert!(channel_posts(&h).await.is_empty());
    h.deliver_one(&BusEvent::Highlights { round: december() })
        .await
        .unwrap();
    assert!(channel_posts(&h).await.is_empty());
}

#[tokio::test]
async fn dont_name_me_takes_a_member_out_of_the_next_post_and_my_data_shows_the_choice() {
    moto_or_skip!();
    let h = four_signed_up(with_highlights()).await;
    h.send_event(&dm("Ev-name", "U0CAT", "name me")).await;
    h.send_event(&dm("Ev-unname", "U0CAT", "don't name me"))
        .await;
    let said = readable(h.dms_to("U0CAT").await.last().unwrap());
    assert!(said.contains("you won't be named"), "{said}");
    assert!(!named(&h, "U0CAT").await);
    h.send_event(&dm("Ev-data", "U0CAT", "my data")).await;
    let data = readable(h.dms_to("U0CAT").await.last().unwrap());
    assert!(data.contains("Named in the round highlights: no"), "{data}");

    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let posts = channel_posts(&h).await;
    assert_eq!(posts.len(), 1);
    assert!(!readable(&posts[0]).contains("U0CAT"));
}

#[tokio::test]
async fn next_month_only_late_joiners_count_as_newcomers() {
    moto_or_skip!();
    let h = four_signed_up(with_highlights()).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    // Eve and Fay join after December's pairing; the four stay in.
    h.set_time("2026-12-20T12:00:00Z");
    h.sign_up("U0EVE", &["Public speaking"], &["Interviewing"], "new")
        .await;
    h.sign_up(
        "U0FAY",
        &["Interviewing"],
        &["Public speaking"],
        "seven_plus",
    )
    .await;
    h.set_time("2026-12-25T09:05:00Z");
    h.tick().await;
    for (i, user) in ["U0ANA", "U0BEN", "U0CAT", "U0DAN"].iter().enumerate() {
        h.send_interaction(&click(user, "reconfirm_yes", "2027-01", &format!("70.{i}")))
            .await;
    }
    h.set_time("2027-01-01T09:05:00Z");
    h.tick().await;
    let january: Vec<String> = channel_posts(&h)
        .await
        .iter()
        .map(readable)
        .filter(|t| t.contains("January 2027 is paired"))
        .collect();
    assert_eq!(january.len(), 1, "{january:?}");
    assert!(
        january[0].contains("3 pairs, 6 people in all, 2 of them new to the programme"),
        "{}",
        january[0]
    );
}

#[tokio::test]
async fn the_profile_form_asks_whether_to_be_named_and_saving_yes_names_the_member() {
    moto_or_skip!();
    let h = Harness::with(with_highlights(), utc("2026-11-25T12:00:00Z")).await;
    h.send_event(&dm("Ev-eve", "U0EVE", "hi")).await;
    h.send_interaction(&click("U0EVE", "open_profile", "", "7.7"))
        .await;
    let view = h.slack_calls("views.open").await.last().unwrap()["view"].clone();
    let field = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "named_in_highlights")
        .expect("the highlights choice in the profile form");
    assert_eq!(field["element"]["initial_option"]["value"], "no", "{field}");
    let mut form = profile_submission("U0EVE", "Europe/Lisbon", &["Writing"], &["Research"], "new");
    form["view"]["state"]["values"]["named_in_highlights"] = json!({"named_in_highlights":
        {"type": "static_select", "selected_option": {"value": "yes"}}});
    let (_, body) = h.send_interaction(&form).await;
    assert!(body.is_empty(), "{body}");
    assert!(named(&h, "U0EVE").await);
}

#[tokio::test]
async fn without_highlights_the_profile_form_does_not_ask() {
    moto_or_skip!();
    let h = Harness::new().await;
    h.send_event(&dm("Ev-eve", "U0EVE", "hi")).await;
    h.send_interaction(&click("U0EVE", "open_profile", "", "7.7"))
        .await;
    let view = h.slack_calls("views.open").await.last().unwrap()["view"].clone();
    assert!(
        !view["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["block_id"] == "named_in_highlights"),
        "{view}"
    );
}

#[tokio::test]
async fn when_slack_refuses_the_post_for_good_the_moderators_are_told_once_and_nothing_retries() {
    use wiremock::matchers::{body_partial_json, method, path};
    use wiremock::{Mock, ResponseTemplate};
    moto_or_skip!();
    let h = four_signed_up(with_highlights()).await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .and(body_partial_json(json!({"channel": "C0PROGRAM"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "not_in_channel"})),
        )
        .mount(&h.slack)
        .await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    // The pairs are told as usual.
    assert_eq!(h.pairing_dms("U0ANA", "December 2026").await, 1);
    assert_eq!(moderator_notes(&h).await, 1);
    let note = h
        .dms_to("U0MODERATOR")
        .await
        .iter()
        .map(readable)
        .find(|t| t.contains("round highlights"))
        .unwrap();
    assert!(
        note.contains("not_in_channel") && note.contains("invite me"),
        "{note}"
    );
    // A re-delivered event is already done: no second note, no new attempt.
    let attempts = channel_posts(&h).await.len();
    h.deliver_one(&BusEvent::Highlights { round: december() })
        .await
        .unwrap();
    assert_eq!(moderator_notes(&h).await, 1);
    assert_eq!(channel_posts(&h).await.len(), attempts);
}

/// Notes to the moderator about highlights that could not be posted.
async fn moderator_notes(h: &Harness) -> usize {
    h.dms_to("U0MODERATOR")
        .await
        .iter()
        .map(readable)
        .filter(|t| t.contains("couldn't post the December 2026 round highlights"))
        .count()
}

#[tokio::test]
async fn a_post_that_goes_out_late_does_not_name_someone_who_left_the_channel_meanwhile() {
    moto_or_skip!();
    let h = four_signed_up(with_highlights()).await;
    for (i, user) in ["U0ANA", "U0BEN"].into_iter().enumerate() {
        h.send_event(&dm(&format!("Ev-late-name-{i}"), user, "name me"))
            .await;
    }
    // The round pairs at 09:05; everything but the highlights is delivered
    // (their first delivery failed and waits for the bus's retry).
    h.set_time("2026-12-01T09:05:00Z");
    scheduler::handle(&h.app, json!({"kind": "tick"}))
        .await
        .expect("tick");
    let mut held = Vec::new();
    for _ in 0..20 {
        for e in h.bus.drain() {
            if matches!(e, BusEvent::Highlights { .. }) {
                held.push(e);
            } else {
                h.deliver_one(&e).await.expect("bus event");
            }
        }
    }
    assert_eq!(held.len(), 1);
    // Ana leaves the programme channel before the retry (her pairing goes on).
    h.set_time("2026-12-01T11:00:00Z");
    h.send_event(&event(
        "Ev-late-left",
        json!({"type": "member_left_channel", "user": "U0ANA", "channel": CHANNEL}),
    ))
    .await;
    h.deliver().await;
    h.deliver_one(&held[0]).await.expect("highlights");
    let posts = channel_posts(&h).await;
    assert_eq!(posts.len(), 1, "{posts:?}");
    let text = readable(&posts[0]);
    assert!(text.contains("<@U0BEN>"), "{text}");
    assert!(!text.contains("U0ANA"), "{text}");
}
