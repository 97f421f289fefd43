//! Fewer, tidier DMs (issue 13 point 9): a click on one of the bot's
//! messages updates that message in place (`chat.update` with the ts from
//! the click) to show the choice, without its buttons and with the answer,
//! instead of a new DM each time.

use integration_tests::{
    Harness, action_ids, ana_and_ben, bus_envelope, click, click_on, dm, member, message_with,
    moto_or_skip, profile_submission, readable,
};

#[tokio::test]
async fn a_check_in_answer_updates_the_check_in_in_place_instead_of_a_new_dm() {
    moto_or_skip!();
    let h = Harness::new().await;
    ana_and_ben(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    h.set_time("2026-12-08T09:05:00Z");
    h.tick().await;
    let checkin = message_with(&h, "U0ANA", "checkin_met").await;
    let dms_before = h.dms_to("U0ANA").await.len();

    // Ana clicks "We've met" on the check-in (message ts 1765184700.000100).
    let (status, _) = h
        .send_interaction(&click_on(
            "U0ANA",
            &checkin,
            "checkin_met",
            "1765184700.000100",
        ))
        .await;
    assert_eq!(status, 200);

    // No new DM: the check-in itself now shows her answer, without buttons.
    assert_eq!(h.dms_to("U0ANA").await.len(), dms_before, "no new DM");
    let updates = h.updates().await;
    assert_eq!(updates.len(), 1, "{updates:?}");
    let u = &updates[0];
    assert_eq!(u["channel"], "DU0ANA");
    assert_eq!(u["ts"], "1765184700.000100");
    let text = readable(u);
    assert!(
        text.contains("*Check-in:* how's it going with <@U0BEN>?"),
        "{text}"
    );
    assert!(text.contains("✅ You chose *We've met*"), "{text}");
    assert!(text.contains("Wonderful! 🙌 Keep it going."), "{text}");
    assert!(action_ids(u).is_empty(), "buttons removed: {u}");
    // And the answer is stored.
    let again = h
        .send_interaction(&click_on(
            "U0ANA",
            &checkin,
            "checkin_met",
            "1765184700.000100",
        ))
        .await;
    assert_eq!(again.0, 200);
    assert_eq!(h.updates().await.len(), 1, "a double click changes nothing");
}

#[tokio::test]
async fn a_click_from_the_app_home_still_answers_by_dm() {
    moto_or_skip!();
    let h = Harness::new().await;
    ana_and_ben(&h).await;
    let dms_before = h.dms_to("U0ANA").await.len();
    // App Home clicks carry a view, not a message: nothing to update.
    h.send_interaction(&click("U0ANA", "pause", "", "home-1"))
        .await;
    assert!(h.updates().await.is_empty());
    let dms = h.dms_to("U0ANA").await;
    assert_eq!(dms.len(), dms_before + 1);
    assert!(readable(dms.last().unwrap()).contains("Paused"));
}

#[tokio::test]
async fn answering_stay_in_turns_the_question_into_the_answer_and_can_still_change() {
    moto_or_skip!();
    let h = Harness::at("2026-12-25T09:05:00Z").await;
    ana_and_ben(&h).await;
    h.set_time("2027-01-01T09:05:00Z");
    h.tick().await;
    h.set_time("2027-01-25T09:05:00Z");
    h.tick().await;
    let question = message_with(&h, "U0ANA", "reconfirm_skip").await;
    let dms_before = h.dms_to("U0ANA").await.len();
    h.send_interaction(&click_on(
        "U0ANA",
        &question,
        "reconfirm_skip",
        "1769331900.000200",
    ))
    .await;
    assert_eq!(h.dms_to("U0ANA").await.len(), dms_before, "no new DM");
    let updates = h.updates().await;
    let u = updates.last().expect("the question was updated");
    assert_eq!(u["ts"], "1769331900.000200");
    let text = readable(u);
    assert!(text.contains("✅ You chose *"), "{text}");
    // The answer can change until pairing: every choice stays, the one
    // picked marked.
    let ids = action_ids(u);
    assert!(ids.contains(&"reconfirm_skip".to_string()), "{u}");
    assert_eq!(style_of(u, "reconfirm_skip"), "primary");
    assert!(ids.contains(&"reconfirm_yes".to_string()), "{u}");
    assert!(ids.contains(&"reconfirm_opt_out".to_string()), "{u}");
    assert!(text.contains("Stay in for February 2027?"), "{text}");
    assert!(text.contains("you'll skip February 2027"), "{text}");
}

/// The style of button `action` in a posted or updated message.
fn style_of(msg: &serde_json::Value, action: &str) -> String {
    msg["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .find(|e| e["action_id"] == action)
        .map(|e| e["style"].as_str().unwrap_or("default").to_string())
        .unwrap_or_else(|| panic!("no {action} in {msg}"))
}

#[tokio::test]
async fn changing_the_stay_in_answer_keeps_every_choice_and_shows_only_the_latest() {
    moto_or_skip!();
    let h = Harness::at("2026-12-25T09:05:00Z").await;
    ana_and_ben(&h).await;
    h.set_time("2027-01-01T09:05:00Z");
    h.tick().await;
    h.set_time("2027-01-25T09:05:00Z");
    h.tick().await;
    let ts = "1769331900.000200";
    let mut shown = message_with(&h, "U0ANA", "reconfirm_yes").await;
    let dms_before = h.dms_to("U0ANA").await.len();
    // Ana clicks Yes, then Skip, then Yes again, each time on the message
    // as Slack shows it after the previous click; then back and forth more
    // times than a message has room for, if every answer were kept.
    let clicks = [
        "reconfirm_yes",
        "reconfirm_skip",
        "reconfirm_yes",
        "reconfirm_skip",
        "reconfirm_yes",
        "reconfirm_skip",
        "reconfirm_yes",
        "reconfirm_skip",
        "reconfirm_yes",
        "reconfirm_skip",
        "reconfirm_yes",
        "reconfirm_skip",
        "reconfirm_yes",
    ];
    let mut sizes = Vec::new();
    for action in clicks {
        let (status, _) = h
            .send_interaction(&click_on("U0ANA", &shown, action, ts))
            .await;
        assert_eq!(status, 200);
        shown = h.updates().await.last().expect("updated").clone();
        sizes.push(shown["blocks"].as_array().map_or(0, Vec::len));
    }
    assert_eq!(h.dms_to("U0ANA").await.len(), dms_before, "no new DM");
    // Every choice is still there, the latest marked.
    let ids = action_ids(&shown);
    for a in ["reconfirm_yes", "reconfirm_skip", "reconfirm_opt_out"] {
        assert!(ids.contains(&a.to_string()), "{a} missing: {shown}");
    }
    assert_eq!(style_of(&shown, "reconfirm_yes"), "primary");
    assert_eq!(style_of(&shown, "reconfirm_skip"), "default");
    // One ✅ line, saying the latest answer, and one reply.
    let text = readable(&shown);
    assert_eq!(text.matches("✅ You chose").count(), 1, "{text}");
    assert!(text.contains("✅ You chose *Yes, pair me*"), "{text}");
    assert!(!text.contains("you'll skip"), "{text}");
    let blocks = text.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(blocks.matches("Great, you're in").count(), 1, "{text}");
    assert!(text.contains("Changed your mind?"), "{text}");
    // The message doesn't grow with each change (Slack allows 50 blocks).
    assert!(sizes.iter().all(|&n| n == sizes[0] && n < 50), "{sizes:?}");
    // And the stored answer is the latest.
    let round = "2027-02".parse().unwrap();
    assert!(member(&h, "U0ANA").await.is_confirmed_for(round));
}

#[tokio::test]
async fn a_click_on_the_last_check_in_puts_no_goal_text_on_the_bus_and_the_update_still_shows_it() {
    moto_or_skip!();
    let h = Harness::new().await;
    h.send_event(&dm("Ev-hi", "U0ANA", "hi")).await;
    let mut signup = profile_submission(
        "U0ANA",
        "Europe/Lisbon",
        &["Accessibility"],
        &["Writing"],
        "new",
    );
    signup["view"]["state"]["values"]["goal"] = serde_json::json!({"goal": {"type": "plain_text_input", "value": "Give my first conference talk"}});
    let (_, body) = h.send_interaction(&signup).await;
    assert!(body.is_empty(), "{body}");
    h.sign_up("U0BEN", &["Writing"], &["Accessibility"], "seven_plus")
        .await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    h.set_time("2026-12-22T09:05:00Z");
    h.tick().await;
    let last = message_with(&h, "U0ANA", "goal_reached").await;
    assert!(
        readable(&last).contains("first conference talk"),
        "{}",
        readable(&last)
    );

    // Ana clicks "Reached it" on the last check-in: what goes on the bus
    // (and would sit in its dead-letter queue) carries no goal text.
    let (status, _) = h
        .send_interaction_undelivered(&click_on(
            "U0ANA",
            &last,
            "goal_reached",
            "1766394300.000100",
        ))
        .await;
    assert_eq!(status, 200);
    let published = h.bus.drain();
    assert!(!published.is_empty());
    for e in &published {
        let json = bus_envelope(e).to_string();
        assert!(
            !json.contains("conference talk"),
            "goal text on the bus: {json}"
        );
    }
    for e in &published {
        h.deliver_one(e).await.expect("bus event");
    }
    h.deliver().await;

    // The check-in, updated in place, shows her goal again, from her item.
    let u = h
        .updates()
        .await
        .last()
        .cloned()
        .expect("answered in place");
    let text = readable(&u);
    assert!(
        text.contains(
            "🎯 *Your goal this month was* “Give my first conference talk”. How did it go?"
        ),
        "{text}"
    );
    assert!(text.contains("✅ You chose *Reached it*"), "{text}");
    assert_eq!(
        member(&h, "U0ANA").await.goal.and_then(|g| g.outcome),
        Some(mentor_domain::model::GoalOutcome::Reached)
    );
}
