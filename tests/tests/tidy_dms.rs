//! Fewer, tidier DMs (issue 13 point 9): a click on one of the bot's
//! messages updates that message in place (`chat.update` with the ts from
//! the click) to show the choice, without its buttons and with the answer,
//! instead of a new DM each time.

use integration_tests::{
    Harness, action_ids, ana_and_ben, click, click_on, message_with, moto_or_skip, readable,
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
    // The answer can change until pairing: the other choices stay.
    let ids = action_ids(u);
    assert!(!ids.contains(&"reconfirm_skip".to_string()), "{u}");
    assert!(ids.contains(&"reconfirm_yes".to_string()), "{u}");
    assert!(ids.contains(&"reconfirm_opt_out".to_string()), "{u}");
    assert!(text.contains("Stay in for February 2027?"), "{text}");
    assert!(text.contains("you'll skip February 2027"), "{text}");
}
