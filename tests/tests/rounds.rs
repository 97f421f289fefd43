//! Monthly rounds against moto (DynamoDB + EventBridge) and the mock Slack
//! API, driven by the scheduler handler with an injected clock.

use std::collections::BTreeSet;

use integration_tests::*;
use mentor_domain::RoundId;
use mentor_domain::model::{MemberStatus, RoundState};
use mentor_domain::ports::{Members, Rounds};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, ResponseTemplate};

fn round(s: &str) -> RoundId {
    s.parse().unwrap()
}

async fn pairs_of(h: &Harness, r: &str) -> Vec<BTreeSet<String>> {
    h.store
        .groups(round(r))
        .await
        .unwrap()
        .iter()
        .map(|g| g.members.iter().map(|m| m.0.clone()).collect())
        .collect()
}

/// Clicks the reconfirmation button `action` in the newest reminder `u` got.
async fn answer_reminder(h: &Harness, u: &str, action: &str) {
    let dms = h.dms_to(u).await;
    let reminder = dms
        .iter()
        .rev()
        .find(|m| action_ids(m).contains(&"reconfirm_yes".to_string()))
        .unwrap_or_else(|| panic!("{u} got no reminder"));
    let value = reminder["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .find(|e| e["action_id"] == action)
        .map(|e| e["value"].as_str().unwrap().to_string())
        .unwrap();
    h.send_interaction(&click(u, action, &value, &format!("r-{u}-{value}")))
        .await;
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

#[tokio::test]
async fn three_months_pair_only_the_confirmed_never_repeat_and_notify_everyone_once() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let users = sign_up_many(&h, "U0M", 10).await;

    // December: everyone signed up in November is confirmed.
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let dec = pairs_of(&h, "2026-12").await;
    assert_eq!(dec.iter().map(|g| g.len()).sum::<usize>(), 10);
    for u in &users {
        assert_eq!(h.pairing_dms(u, "December 2026").await, 1, "{u}");
    }
    let summary = h.dms_to(MODERATOR).await;
    assert!(readable(summary.last().unwrap()).contains("December 2026 is paired"));

    // Reminders for January: eight say yes, one skips, one ignores it.
    h.set_time("2026-12-25T09:05:00Z");
    h.tick().await;
    for (i, u) in users.iter().enumerate() {
        match i {
            8 => answer_reminder(&h, u, "reconfirm_skip").await,
            9 => {}
            _ => answer_reminder(&h, u, "reconfirm_yes").await,
        }
    }
    h.set_time("2027-01-01T09:05:00Z");
    h.tick().await;
    let jan = pairs_of(&h, "2027-01").await;
    let jan_members: BTreeSet<String> = jan.iter().flatten().cloned().collect();
    assert_eq!(jan_members, users[..8].iter().cloned().collect());
    for u in &users[..8] {
        assert_eq!(h.pairing_dms(u, "January 2027").await, 1, "{u}");
    }
    for u in &users[8..] {
        assert_eq!(h.pairing_dms(u, "January 2027").await, 0);
        let last = readable(h.dms_to(u).await.last().unwrap());
        assert!(last.contains("not paired for January 2027"), "{u}: {last}");
    }

    // February: nine confirm.
    h.set_time("2027-01-25T09:05:00Z");
    h.tick().await;
    for u in &users[..9] {
        answer_reminder(&h, u, "reconfirm_yes").await;
    }
    h.set_time("2027-02-01T09:05:00Z");
    h.tick().await;
    let feb = pairs_of(&h, "2027-02").await;
    assert_eq!(feb.iter().map(|g| g.len()).sum::<usize>(), 9);
    assert_eq!(
        feb.iter().filter(|g| g.len() == 3).count(),
        1,
        "one trio for an odd count"
    );

    let (d, j, f) = (pairs_within(&dec), pairs_within(&jan), pairs_within(&feb));
    assert!(
        d.is_disjoint(&j) && d.is_disjoint(&f) && j.is_disjoint(&f),
        "a pair repeated"
    );
    let summaries: Vec<String> = h.dms_to(MODERATOR).await.iter().map(readable).collect();
    assert_eq!(
        summaries
            .iter()
            .filter(|s| s.contains(" is paired"))
            .count(),
        3
    );
}

#[tokio::test]
async fn check_ins_go_out_on_day_seven_and_answers_are_stored() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let users = sign_up_many(&h, "U0M", 4).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    h.set_time("2026-12-08T09:05:00Z");
    h.tick().await;
    let checkin = h
        .dms_to(&users[0])
        .await
        .into_iter()
        .find(|m| action_ids(m).contains(&"checkin_met".to_string()))
        .expect("check-in DM");
    assert!(readable(&checkin).contains("example.org/mentoring-resources"));
    let value = checkin["blocks"][1]["elements"][0]["value"]
        .as_str()
        .unwrap()
        .to_string();
    h.send_interaction(&click(&users[0], "checkin_unresponsive", &value, "c-1"))
        .await;
    let g = h
        .store
        .groups(round("2026-12"))
        .await
        .unwrap()
        .into_iter()
        .find(|g| g.members.iter().any(|m| m.0 == users[0]))
        .unwrap();
    assert_eq!(g.checkins[&7].len(), 1);
    // A day later with no change, the moderators hear about it, once.
    h.set_time("2026-12-09T10:05:00Z");
    h.tick().await;
    h.set_time("2026-12-09T11:05:00Z");
    h.tick().await;
    let alerts = h
        .dms_to(MODERATOR)
        .await
        .iter()
        .filter(|m| readable(m).contains("isn't responding"))
        .count();
    assert_eq!(alerts, 1);
}

#[tokio::test]
async fn a_tick_delivered_twice_pairs_and_notifies_once() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let users = sign_up_many(&h, "U0M", 6).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    h.tick().await;
    scheduler::handle(&h.app, json!({"kind": "tick"}))
        .await
        .unwrap();
    h.deliver().await;
    assert_eq!(pairs_of(&h, "2026-12").await.len(), 3);
    for u in &users {
        assert_eq!(h.pairing_dms(u, "December 2026").await, 1);
    }
}

#[tokio::test]
async fn a_run_killed_before_notifying_resumes_and_sends_each_dm_once() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let users = sign_up_many(&h, "U0M", 5).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.bus.fail_next_publish();
    assert!(
        scheduler::handle(&h.app, json!({"kind": "tick"}))
            .await
            .is_err()
    );
    let stuck = Rounds::get(h.store.as_ref(), round("2026-12"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stuck.state, RoundState::Pairing);
    let stored = pairs_of(&h, "2026-12").await;
    assert_eq!(stored.len(), 2, "pairs were stored before the crash");
    // The next tick (an hour later) resumes the run with the same groups.
    h.set_time("2026-12-01T10:05:00Z");
    h.tick().await;
    h.tick().await;
    assert_eq!(pairs_of(&h, "2026-12").await, stored);
    for u in &users {
        assert_eq!(h.pairing_dms(u, "December 2026").await, 1, "{u}");
    }
    assert_eq!(
        Rounds::get(h.store.as_ref(), round("2026-12"))
            .await
            .unwrap()
            .unwrap()
            .state,
        RoundState::Paired
    );
}

#[tokio::test]
async fn slack_rate_limits_and_server_errors_still_deliver_every_dm_once() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let users = sign_up_many(&h, "U0M", 4).await;
    h.reset_slack().await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&h.slack)
        .await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .with_priority(2)
        .mount(&h.slack)
        .await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let posts = h.slack_calls("chat.postMessage").await;
    let personal: Vec<&Value> = posts
        .iter()
        .filter(|p| {
            p["text"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Your partner for")
        })
        .collect();
    // Four failed attempts were retried; every member got theirs.
    let delivered: BTreeSet<String> = personal
        .iter()
        .map(|p| p["channel"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(delivered.len(), users.len());
    assert!(personal.len() <= users.len() + 4);
    let total_expected = posts.len() - 4;
    let distinct: BTreeSet<String> = posts.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        distinct.len(),
        total_expected,
        "no message posted twice after success"
    );
}

#[tokio::test]
async fn a_member_slack_no_longer_knows_is_marked_unreachable_and_moderators_are_told() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let users = sign_up_many(&h, "U0M", 4).await;
    let gone = users[0].clone();
    // A post to the user id is refused as an unknown channel; opening the
    // DM the classic way then names the member's error.
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .and(body_partial_json(json!({"channel": gone})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "channel_not_found"})),
        )
        .with_priority(1)
        .mount(&h.slack)
        .await;
    Mock::given(method("POST"))
        .and(path("/conversations.open"))
        .and(body_partial_json(json!({"users": gone})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "user_not_found"})),
        )
        .with_priority(1)
        .mount(&h.slack)
        .await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let m = Members::get(h.store.as_ref(), &mentor_domain::UserId::new(&gone))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.status, MemberStatus::Unreachable);
    for u in &users[1..] {
        assert_eq!(h.pairing_dms(u, "December 2026").await, 1);
    }
    let told = h
        .dms_to(MODERATOR)
        .await
        .iter()
        .any(|m| readable(m).contains("user_not_found"));
    assert!(told);
}

#[tokio::test]
async fn a_member_who_left_without_an_event_is_not_paired() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let users = sign_up_many(&h, "U0M", 5).await;
    // Slack lists the channel without the last member (their leave event was lost).
    let present: Vec<&str> = users[..4]
        .iter()
        .map(String::as_str)
        .chain(["U0BOT"])
        .collect();
    Mock::given(method("POST"))
        .and(path("/conversations.members"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"ok": true, "members": present, "response_metadata": {"next_cursor": ""}}),
        ))
        .with_priority(1)
        .mount(&h.slack)
        .await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let paired: BTreeSet<String> = pairs_of(&h, "2026-12")
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(paired, users[..4].iter().cloned().collect());
    let gone = Members::get(h.store.as_ref(), &mentor_domain::UserId::new(&users[4]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gone.status, MemberStatus::Left);
    assert!(!gone.in_channel);
}

#[tokio::test]
async fn someone_signing_up_between_the_start_and_the_pairing_tick_is_paired() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let users = sign_up_many(&h, "U0M", 3).await;
    // 09:00 has passed but the hourly tick hasn't paired the round yet.
    h.set_time("2026-12-01T09:02:00Z");
    h.sign_up("U0JUST", &["Data"], &["Writing"], "new").await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let paired: BTreeSet<String> = pairs_of(&h, "2026-12")
        .await
        .into_iter()
        .flatten()
        .collect();
    assert!(paired.contains("U0JUST"), "{paired:?}");
    assert_eq!(paired.len(), users.len() + 1);
}

/// A conditional group write whose response was lost is sent again by the
/// SDK's retry and fails its condition (the first attempt applied it): the
/// writer must learn it holds what it wrote, not wait 150 s for its own
/// claim to go stale. Another writer's different content stays a conflict.
#[tokio::test]
async fn a_group_write_retried_after_its_response_was_lost_counts_as_written() {
    use mentor_domain::announcement::AnnounceClaim;
    use mentor_domain::ports::GroupWrite;
    moto_or_skip!();
    let h = Harness::new().await;
    h.sign_up("U0ANA", &["Writing"], &["Research"], "new").await;
    h.sign_up("U0BEN", &["Research"], &["Writing"], "seven_plus")
        .await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let g = h.store.groups(round("2026-12")).await.unwrap().remove(0);
    let mut claimed = g.clone();
    claimed.version += 1;
    claimed.announcement.claim = Some(AnnounceClaim {
        version: claimed.version,
        since: utc("2026-12-01T10:00:00Z"),
    });
    let write = GroupWrite::update(g.clone(), claimed.clone());
    assert!(
        h.store
            .write_groups(std::slice::from_ref(&write))
            .await
            .unwrap()
    );
    // The same request again, as the SDK retries it.
    assert!(
        h.store
            .write_groups(std::slice::from_ref(&write))
            .await
            .unwrap(),
        "our own write, applied once, reads as ours"
    );
    // A second worker that read the same version and claimed at another time lost.
    let mut other = claimed.clone();
    other.announcement.claim = Some(AnnounceClaim {
        version: claimed.version,
        since: utc("2026-12-01T10:00:01Z"),
    });
    assert!(
        !h.store
            .write_groups(&[GroupWrite::update(g.clone(), other)])
            .await
            .unwrap()
    );
    let stored = h.store.group(g.round, g.number).await.unwrap().unwrap();
    assert_eq!(stored, claimed);
}
