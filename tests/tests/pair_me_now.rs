//! "Find me a partner now" (issue 13 point 3): a member waiting in the live
//! round is paired with another waiting member, or joins a pair open to a
//! third, or goes on a waiting list the moderators see. Exactly once under
//! double clicks and two members clicking at once. Signed requests, moto,
//! mock Slack.

use std::collections::BTreeSet;

use integration_tests::*;
use mentor_domain::ports::Rounds;
use mentor_domain::{RoundId, UserId};
use serde_json::{Value, json};

const ANA: &str = "U0ANA";
const BEN: &str = "U0BEN";
const CAT: &str = "U0CAT";
const DAN: &str = "U0DAN";
const DECEMBER: &str = "December 2026";

fn december() -> RoundId {
    "2026-12".parse().unwrap()
}

async fn live_groups(h: &Harness) -> Vec<BTreeSet<String>> {
    h.store
        .groups(december())
        .await
        .unwrap()
        .iter()
        .filter(|g| g.is_live())
        .map(|g| g.active_members().map(|m| m.0.clone()).collect())
        .collect()
}

async fn waiting(h: &Harness) -> Vec<UserId> {
    h.store.get(december()).await.unwrap().unwrap().waiting
}

/// Ana and Ben, paired on 1 December; `open` says whether Ana is open to a
/// third (her profile choice). Then, on the 20th (too late to be paired
/// automatically), the `late` members sign up.
async fn paired_in_december(open: bool, late: &[&str]) -> Harness {
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    h.sign_up(BEN, &["Research"], &["Writing"], "seven_plus")
        .await;
    h.send_event(&dm("Ev-ana", ANA, "hi")).await;
    let mut form = profile_submission(ANA, "Europe/Lisbon", &["Writing"], &["Research"], "new");
    form["view"]["state"]["values"]["open_to_third"] = json!({"open_to_third":
        {"type": "static_select", "selected_option": {"value": if open { "yes" } else { "no" }}}});
    let (_, body) = h.send_interaction(&form).await;
    assert!(body.is_empty(), "{body}");
    h.set_time("2026-12-01T09:00:00Z");
    h.tick().await;
    h.set_time("2026-12-20T10:00:00Z");
    for u in late {
        h.sign_up(u, &["Research"], &["Writing"], "one_to_three")
            .await;
    }
    h
}

/// The late joiner's "you'll be paired next round" DM, with the button.
async fn offer_to(h: &Harness, user: &str) -> Value {
    h.dms_to(user)
        .await
        .into_iter()
        .find(|m| action_ids(m).contains(&"pair_me_now".to_string()))
        .expect("a DM offering 'Find me a partner now'")
}

fn ask(user: &str, ts: &str) -> Value {
    click(user, "pair_me_now", "2026-12", ts)
}

#[tokio::test]
async fn a_late_joiner_is_offered_the_button_and_is_paired_with_another_waiting_member() {
    moto_or_skip!();
    let h = paired_in_december(true, &[CAT, DAN]).await;
    let offer = offer_to(&h, CAT).await;
    assert!(readable(&offer).contains("Find me a partner now"));
    h.send_interaction(&ask(CAT, "20.1")).await;
    let groups = live_groups(&h).await;
    assert!(
        groups.contains(&[CAT, DAN].map(String::from).into()),
        "{groups:?}"
    );
    assert!(
        groups.contains(&[ANA, BEN].map(String::from).into()),
        "{groups:?}"
    );
    assert_eq!(h.pairing_dms(CAT, DECEMBER).await, 1);
    assert_eq!(h.pairing_dms(DAN, DECEMBER).await, 1);
    assert!(
        h.dms_to(MODERATOR)
            .await
            .iter()
            .any(|m| readable(m).contains("asked for a partner now and was paired")),
    );
    assert!(waiting(&h).await.is_empty());
}

#[tokio::test]
async fn a_double_click_pairs_once_and_a_later_click_says_who_the_partner_is() {
    moto_or_skip!();
    let h = paired_in_december(true, &[CAT, DAN]).await;
    h.send_interaction(&ask(CAT, "20.1")).await;
    h.send_interaction(&ask(CAT, "20.1")).await;
    assert_eq!(live_groups(&h).await.len(), 2);
    assert_eq!(h.pairing_dms(CAT, DECEMBER).await, 1);
    // Dan clicks his own (older) offer after being paired.
    h.send_interaction(&ask(DAN, "21.1")).await;
    let last = readable(h.dms_to(DAN).await.last().unwrap());
    assert!(
        last.contains("You already have a partner this month: <@U0CAT>"),
        "{last}"
    );
    assert_eq!(live_groups(&h).await.len(), 2);
    assert_eq!(h.pairing_dms(DAN, DECEMBER).await, 1);
}

#[tokio::test]
async fn two_waiting_members_clicking_at_the_same_moment_end_up_in_one_group() {
    moto_or_skip!();
    let h = paired_in_december(true, &[CAT, DAN]).await;
    h.send_interaction_undelivered(&ask(CAT, "20.1")).await;
    h.send_interaction_undelivered(&ask(DAN, "21.1")).await;
    let work = h.bus.drain();
    assert_eq!(work.len(), 2);
    let (a, b) = tokio::join!(h.deliver_one(&work[0]), h.deliver_one(&work[1]));
    a.unwrap();
    b.unwrap();
    h.deliver().await;
    let groups = live_groups(&h).await;
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(
        groups.contains(&[CAT, DAN].map(String::from).into()),
        "{groups:?}"
    );
    assert_eq!(h.pairing_dms(CAT, DECEMBER).await, 1);
    assert_eq!(h.pairing_dms(DAN, DECEMBER).await, 1);
    assert!(waiting(&h).await.is_empty());
}

#[tokio::test]
async fn with_nobody_waiting_the_member_joins_a_pair_open_to_a_third() {
    moto_or_skip!();
    let h = paired_in_december(true, &[CAT]).await;
    h.send_interaction(&ask(CAT, "20.1")).await;
    let groups = live_groups(&h).await;
    assert_eq!(groups, vec![[ANA, BEN, CAT].map(String::from).into()]);
    assert_eq!(h.pairing_dms(CAT, DECEMBER).await, 1);
    let trio_dm = h
        .slack_calls("chat.postMessage")
        .await
        .into_iter()
        .filter(|m| m["channel"] == "GU0ANA-U0BEN-U0CAT")
        .count();
    assert_eq!(trio_dm, 1);
    let g = h.store.groups(december()).await.unwrap().remove(0);
    assert_eq!(g.joined_late, Some(UserId::new(CAT)));
}

#[tokio::test]
async fn a_pair_not_open_to_a_third_is_left_alone_and_the_member_waits_on_a_list_the_moderators_see()
 {
    moto_or_skip!();
    let h = paired_in_december(false, &[CAT]).await;
    h.send_interaction(&ask(CAT, "20.1")).await;
    assert_eq!(live_groups(&h).await.len(), 1, "Ana and Ben stay a pair");
    assert_eq!(waiting(&h).await, vec![UserId::new(CAT)]);
    let told = readable(h.dms_to(CAT).await.last().unwrap());
    assert!(
        told.contains("waiting list for December 2026 (number 1)"),
        "{told}"
    );
    let alerts = |msgs: Vec<Value>| {
        msgs.iter()
            .filter(|m| readable(m).contains("Waiting list: <@U0CAT>"))
            .count()
    };
    assert_eq!(alerts(h.dms_to(MODERATOR).await), 1);
    // Asking again later keeps one place and one alert.
    h.send_interaction(&ask(CAT, "22.1")).await;
    assert_eq!(waiting(&h).await, vec![UserId::new(CAT)]);
    assert_eq!(alerts(h.dms_to(MODERATOR).await), 1);
    // `/mentoring stats` shows the list.
    let (_, body) = h.send_command(MODERATOR, "stats").await;
    assert!(
        body.contains("Waiting list for December 2026") && body.contains("<@U0CAT>"),
        "{body}"
    );
    // Dan signs up and asks: he is paired with Cat, and the list empties.
    h.sign_up(DAN, &["Research"], &["Writing"], "one_to_three")
        .await;
    h.send_interaction(&ask(DAN, "23.1")).await;
    assert!(
        live_groups(&h)
            .await
            .contains(&[CAT, DAN].map(String::from).into())
    );
    assert_eq!(h.pairing_dms(CAT, DECEMBER).await, 1);
    assert!(waiting(&h).await.is_empty());
}

#[tokio::test]
async fn a_member_whose_partner_left_is_offered_the_button() {
    moto_or_skip!();
    let h = paired_in_december(true, &[]).await;
    h.send_interaction(&click(BEN, "opt_out", "", "30.1")).await;
    let left = h
        .dms_to(ANA)
        .await
        .into_iter()
        .find(|m| readable(m).contains("Your partner has left"))
        .expect("told the partner left");
    assert_eq!(action_ids(&left), vec!["pair_me_now"]);
}

#[tokio::test]
async fn deleting_their_data_takes_a_waiting_member_off_the_list_and_out_of_every_item() {
    moto_or_skip!();
    let h = paired_in_december(false, &[CAT]).await;
    h.send_interaction(&ask(CAT, "20.1")).await;
    assert_eq!(waiting(&h).await, vec![UserId::new(CAT)]);
    h.send_interaction(&click(CAT, "delete_confirm", "", "40.1"))
        .await;
    assert!(waiting(&h).await.is_empty());
    let left: Vec<String> = h
        .scan_all()
        .await
        .into_iter()
        .filter(|item| item.contains(CAT))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
