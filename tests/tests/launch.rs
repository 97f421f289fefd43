//! Launch and everyday flows (issue 10), told as stories: who clicks what, on
//! which day of the month, and what each person then sees and what is stored.
//! Signed requests through the handlers, DynamoDB/EventBridge in moto, the
//! mock Slack Web API.

use std::collections::BTreeSet;

use integration_tests::*;
use mentor_domain::RoundId;
use mentor_domain::ports::{Members, Rounds};

const TOPICS: [&str; 8] = [
    "Writing",
    "Research",
    "Accessibility",
    "Frontend",
    "Backend",
    "Data",
    "Leadership",
    "Interviewing",
];
const LEVELS: [&str; 4] = ["new", "one_to_three", "three_to_seven", "seven_plus"];

fn user(i: usize) -> String {
    format!("U0L{i:03}")
}

fn round(s: &str) -> RoundId {
    s.parse().expect("round id")
}

async fn sign_up_many(h: &Harness, n: usize) -> Vec<String> {
    let mut users = Vec::new();
    for i in 0..n {
        let u = user(i);
        h.sign_up(&u, &[TOPICS[i % 8]], &[TOPICS[(i + 3) % 8]], LEVELS[i % 4])
            .await;
        users.push(u);
    }
    users
}

async fn groups_of(h: &Harness, r: &str) -> Vec<BTreeSet<String>> {
    h.store
        .groups(round(r))
        .await
        .expect("groups")
        .iter()
        .filter(|g| g.is_live())
        .map(|g| g.members.iter().map(|m| m.0.clone()).collect())
        .collect()
}

fn pairs_within(groups: &[BTreeSet<String>]) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for g in groups {
        let v: Vec<&String> = g.iter().collect();
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                out.insert((v[i].clone(), v[j].clone()));
            }
        }
    }
    out
}

async fn member(h: &Harness, u: &str) -> mentor_domain::model::Member {
    Members::get(&*h.store, &u.into())
        .await
        .expect("store")
        .expect("member")
}

async fn dm_texts(h: &Harness, u: &str) -> Vec<String> {
    h.dms_to(u).await.iter().map(readable).collect()
}

/// A moderator types `/mentoring run` (and confirms it, when asked).
async fn moderator_runs(h: &Harness) -> String {
    let (_, body) = h.send_command(MODERATOR, "run").await;
    h.deliver().await;
    body
}

#[tokio::test]
async fn launching_on_the_25th_pairs_the_nine_who_signed_up_and_the_1st_pairs_them_anew() {
    // Deployed on 25 November; nine people sign up that day.
    let h = Harness::at("2026-11-25T12:00:00Z").await;
    let users = sign_up_many(&h, 9).await;
    for u in &users {
        let texts = dm_texts(&h, u).await;
        assert!(
            texts
                .iter()
                .any(|t| t.contains("You're in!") && t.contains("confirmed for the next round")),
            "{u}: {texts:?}"
        );
        let m = member(&h, u).await;
        assert!(
            m.is_confirmed_for(round("2026-11")),
            "{u} confirmed for November"
        );
        assert!(
            m.is_confirmed_for(round("2026-12")),
            "{u} confirmed for December"
        );
    }
    // The hourly tick that day pairs nothing by itself (too late in the month).
    h.tick().await;
    assert!(groups_of(&h, "2026-11").await.is_empty());

    // The moderator runs November by hand.
    moderator_runs(&h).await;
    let nov = groups_of(&h, "2026-11").await;
    assert_eq!(nov.len(), 4, "{nov:?}");
    assert_eq!(nov.iter().filter(|g| g.len() == 3).count(), 1, "one trio");
    let paired: BTreeSet<String> = nov.iter().flatten().cloned().collect();
    assert_eq!(paired, users.iter().cloned().collect());
    for u in &users {
        assert_eq!(h.pairing_dms(u, "November 2026").await, 1, "{u}");
        let texts = dm_texts(&h, u).await;
        assert!(
            texts.iter().all(|t| !t.contains("didn't confirm")),
            "{u} was told they didn't confirm: {texts:?}"
        );
        // Paired late in the month: the DM says until when.
        let pairing = texts
            .iter()
            .find(|t| t.starts_with("Your partner for November 2026"))
            .unwrap();
        assert!(
            pairing.contains("your pairing lasts until")
                && pairing.contains("Tuesday 1 December 2026, 09:00 (UTC)"),
            "{pairing}"
        );
    }
    let r = Rounds::get(&*h.store, round("2026-11"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.stats.eligible, r.stats.not_confirmed), (9, 0));

    // The scheduled round on the 1st pairs all nine again, each with someone new.
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let dec = groups_of(&h, "2026-12").await;
    let dec_members: BTreeSet<String> = dec.iter().flatten().cloned().collect();
    assert_eq!(dec_members, users.iter().cloned().collect());
    assert!(
        pairs_within(&nov).is_disjoint(&pairs_within(&dec)),
        "repeats: {nov:?} then {dec:?}"
    );
    for u in &users {
        assert_eq!(h.pairing_dms(u, "December 2026").await, 1, "{u}");
        assert!(
            dm_texts(&h, u)
                .await
                .iter()
                .all(|t| !t.contains("didn't confirm")),
            "{u}"
        );
    }
}
