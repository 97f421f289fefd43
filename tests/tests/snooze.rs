//! Snooze until a date (issue 13 point 2): `pause until …` by DM and the App
//! Home date picker store the day; the tick resumes the member on it with a
//! DM, confirmed for the round after (DESIGN §8). Signed requests, moto,
//! mock Slack.

use integration_tests::*;
use mentor_domain::RoundId;
use mentor_domain::model::{Confirmation, MemberStatus};
use serde_json::{Value, json};

fn round(s: &str) -> RoundId {
    s.parse().unwrap()
}

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

async fn last_dm(h: &Harness, user: &str) -> String {
    h.dms_to(user)
        .await
        .last()
        .map(readable)
        .unwrap_or_default()
}

/// Ana and Ben signed up in November and were paired on 1 December 2026.
async fn december_pair() -> Harness {
    let h = Harness::at("2026-11-25T12:00:00Z").await;
    h.sign_up("U0ANA", &["Writing"], &["Accessibility"], "new")
        .await;
    h.sign_up("U0BEN", &["Accessibility"], &["Writing"], "seven_plus")
        .await;
    h.set_time("2026-12-01T09:00:00Z");
    h.tick().await;
    h
}

#[tokio::test]
async fn pause_until_a_date_stops_pairing_until_then_and_the_tick_brings_the_member_back_for_that_round()
 {
    moto_or_skip!();
    let h = december_pair().await;
    h.set_time("2026-12-10T12:00:00Z");
    h.send_event(&dm("Ev-snooze", "U0ANA", "pause until 2027-03-01"))
        .await;
    let text = last_dm(&h, "U0ANA").await;
    assert!(
        text.contains("Paused until *Monday 1 March 2027*") && text.contains("*March 2027*"),
        "{text}"
    );
    let m = member(&h, "U0ANA").await;
    assert_eq!(m.status, MemberStatus::Paused);
    assert_eq!(m.paused_until, Some(date("2027-03-01")));

    // "Stay in?" for January tells her she sits it out.
    h.set_time("2026-12-25T09:00:00Z");
    h.tick().await;
    let text = last_dm(&h, "U0ANA").await;
    assert!(
        text.contains("paused until *Monday 1 March 2027*") && text.contains("*January 2027*"),
        "{text}"
    );
    h.send_interaction(&click("U0BEN", "reconfirm_yes", "2027-01", "1.1"))
        .await;
    h.set_time("2027-01-01T09:00:00Z");
    h.tick().await;
    assert_eq!(h.pairing_dms("U0ANA", "January 2027").await, 0);

    // "Stay in?" for March tells her she is back in time for it.
    h.set_time("2027-02-22T09:00:00Z");
    h.tick().await;
    let text = last_dm(&h, "U0ANA").await;
    assert!(
        text.contains("back in time for *March 2027*") && text.contains("in automatically"),
        "{text}"
    );
    // Ben says yes to March; on 1 March at 09:00 one tick resumes Ana and pairs her.
    h.send_interaction(&click("U0BEN", "reconfirm_yes", "2027-03", "1.2"))
        .await;
    h.reset_slack().await;
    h.set_time("2027-03-01T09:00:00Z");
    h.tick().await;
    let m = member(&h, "U0ANA").await;
    assert_eq!(m.status, MemberStatus::Active);
    assert_eq!(m.paused_until, None);
    assert_eq!(
        m.confirmations.get(&round("2027-04")),
        Some(&Confirmation::Yes)
    );
    let welcome: Vec<String> = h
        .dms_to("U0ANA")
        .await
        .iter()
        .map(readable)
        .filter(|t| t.contains("Welcome back"))
        .collect();
    assert_eq!(welcome.len(), 1, "{welcome:?}");
    assert!(welcome[0].contains("*March 2027*"), "{}", welcome[0]);
    assert_eq!(h.pairing_dms("U0ANA", "March 2027").await, 1);

    // Later ticks that day don't welcome her again.
    h.set_time("2027-03-01T10:00:00Z");
    h.tick().await;
    let again = h
        .dms_to("U0ANA")
        .await
        .iter()
        .filter(|m| readable(m).contains("Welcome back"))
        .count();
    assert_eq!(again, 1);
}

#[tokio::test]
async fn natural_forms_of_pause_until_are_understood() {
    moto_or_skip!();
    let h = december_pair().await;
    // Thursday 10 December 2026.
    h.set_time("2026-12-10T12:00:00Z");
    for (n, (text, until)) in [
        ("pause until March", "2027-03-01"),
        ("pause for 2 months", "2027-02-10"),
        ("snooze for 3 weeks", "2026-12-31"),
        ("pause until 15 January", "2027-01-15"),
    ]
    .into_iter()
    .enumerate()
    {
        h.send_event(&dm(&format!("Ev-n{n}"), "U0ANA", text)).await;
        assert_eq!(
            member(&h, "U0ANA").await.paused_until,
            Some(date(until)),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_past_date_or_nonsense_gets_a_friendly_answer_and_changes_nothing() {
    moto_or_skip!();
    let h = december_pair().await;
    h.set_time("2026-12-10T12:00:00Z");
    h.send_event(&dm("Ev-past", "U0ANA", "pause until 2026-11-01"))
        .await;
    let text = last_dm(&h, "U0ANA").await;
    assert!(text.contains("isn't in the future"), "{text}");
    h.send_event(&dm("Ev-bad", "U0ANA", "pause until the cows come home"))
        .await;
    let text = last_dm(&h, "U0ANA").await;
    assert!(text.contains("couldn't read that date"), "{text}");
    h.send_event(&dm("Ev-far", "U0ANA", "pause for 2 years"))
        .await;
    let text = last_dm(&h, "U0ANA").await;
    assert!(
        text.contains("more than 12 months away") && text.contains("`opt out`"),
        "{text}"
    );
    let m = member(&h, "U0ANA").await;
    assert_eq!(m.status, MemberStatus::Active);
    assert_eq!(m.paused_until, None);
}

/// A `block_actions` payload for the App Home date picker.
fn pick(user: &str, day: &str) -> Value {
    json!({
        "type": "block_actions",
        "user": {"id": user},
        "trigger_id": "trigger-home",
        "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "hash": format!("h-{day}")},
        "actions": [{"type": "datepicker", "action_id": "pause_until", "selected_date": day, "action_ts": "3.3"}],
    })
}

fn picker_in(view: &Value) -> Option<Value> {
    view["blocks"]
        .as_array()?
        .iter()
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .find(|e| e["type"] == "datepicker")
}

#[tokio::test]
async fn the_app_home_date_picker_pauses_until_the_picked_day_and_shows_it() {
    moto_or_skip!();
    let h = december_pair().await;
    h.set_time("2026-12-10T12:00:00Z");
    h.reset_slack().await;
    h.send_event(&event(
        "Ev-home",
        json!({"type": "app_home_opened", "user": "U0ANA", "tab": "home"}),
    ))
    .await;
    let home = h.slack_calls("views.publish").await;
    let picker = picker_in(&home.last().unwrap()["view"]).expect("a date picker");
    assert_eq!(picker["action_id"], "pause_until");
    assert!(picker.get("initial_date").is_none());

    h.send_interaction(&pick("U0ANA", "2027-02-01")).await;
    let m = member(&h, "U0ANA").await;
    assert_eq!(m.status, MemberStatus::Paused);
    assert_eq!(m.paused_until, Some(date("2027-02-01")));
    let text = last_dm(&h, "U0ANA").await;
    assert!(
        text.contains("Paused until *Monday 1 February 2027*"),
        "{text}"
    );
    // The App Home is republished with the day picked and the status line.
    let home = h.slack_calls("views.publish").await;
    let view = &home.last().unwrap()["view"];
    assert_eq!(picker_in(view).unwrap()["initial_date"], "2027-02-01");
    assert!(readable(view).contains("Paused until *Monday 1 February 2027*"));

    // A day in the past is refused the same friendly way.
    h.send_interaction(&pick("U0ANA", "2026-12-01")).await;
    assert!(last_dm(&h, "U0ANA").await.contains("isn't in the future"));
    assert_eq!(
        member(&h, "U0ANA").await.paused_until,
        Some(date("2027-02-01"))
    );
}

#[tokio::test]
async fn resume_before_the_date_ends_the_snooze_and_the_tick_sends_no_welcome() {
    moto_or_skip!();
    let h = december_pair().await;
    h.set_time("2026-12-10T12:00:00Z");
    h.send_event(&dm("Ev-s", "U0ANA", "pause until 2027-02-01"))
        .await;
    h.send_event(&dm("Ev-r", "U0ANA", "resume")).await;
    let m = member(&h, "U0ANA").await;
    assert_eq!(m.status, MemberStatus::Active);
    assert_eq!(m.paused_until, None);
    h.set_time("2027-02-01T09:00:00Z");
    h.tick().await;
    let welcomes = h
        .dms_to("U0ANA")
        .await
        .iter()
        .filter(|m| readable(m).contains("Your pause ended today"))
        .count();
    assert_eq!(welcomes, 0);
}
