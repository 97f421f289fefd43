//! Moderator texts and confirmations (issue 10 point 6), told as stories
//! through signed slash commands and clicks: `run`, `unpair @a` and `remove
//! @a` answer with a confirmation button and the click does it, once, even
//! when two moderators click; buttons and summaries name people by their
//! Slack real name; unmatched reasons are words; `help` and the manifest's
//! usage hint list every command. Also the late-joiner edge: a member who
//! left the channel but is still in a live pair is never a trio partner.

use std::collections::BTreeSet;

use integration_tests::*;
use lambda_http::http::StatusCode;
use mentor_domain::model::MemberStatus;
use mentor_domain::ports::{Audit, Members, Rounds};
use mentor_domain::{ProgrammeConfig, RoundId, UserId};
use serde_json::{Value, json};

const E: &str = "U0EEE";
const MOD2: &str = "U0MODTWO";

/// The community of the stories: two moderators.
async fn harness(now: &str) -> Harness {
    let mut cfg = ProgrammeConfig::example();
    cfg.moderators.push(UserId::new(MOD2));
    Harness::with(cfg, utc(now)).await
}

fn round(s: &str) -> RoundId {
    s.parse().expect("round id")
}

async fn live_groups(h: &Harness, r: &str) -> Vec<BTreeSet<String>> {
    h.store
        .groups(round(r))
        .await
        .expect("groups")
        .iter()
        .filter(|g| g.is_live())
        .map(|g| g.members.iter().map(|m| m.0.clone()).collect())
        .collect()
}

fn body_json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or(Value::Null)
}

/// The buttons of a message: (action id, label, value).
fn buttons(msg: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for b in msg["blocks"].as_array().into_iter().flatten() {
        for e in b["elements"].as_array().into_iter().flatten() {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            out.push((s(&e["action_id"]), s(&e["text"]["text"]), s(&e["value"])));
        }
    }
    out
}

/// A moderator clicks the button of the reply their slash command got.
async fn click_reply(h: &Harness, who: &str, button: &(String, String, String), ts: &str) {
    let (status, _) = h.click_on_reply(who, &button.0, &button.2, ts).await;
    assert_eq!(status, StatusCode::OK);
}

/// What was posted back to moderators by `response_url` so far.
async fn responses(h: &Harness) -> Vec<String> {
    h.slack_calls("response-url")
        .await
        .iter()
        .map(readable)
        .collect()
}

async fn dm_texts(h: &Harness, u: &str) -> Vec<String> {
    h.dms_to(u).await.iter().map(readable).collect()
}

/// Asks `/mentoring <text>` and returns the confirmation's one button.
async fn ask(h: &Harness, who: &str, text: &str) -> (String, (String, String, String)) {
    let (status, body) = h.send_command(who, text).await;
    assert_eq!(status, StatusCode::OK);
    let reply = body_json(&body);
    let b = buttons(&reply);
    assert_eq!(b.len(), 1, "one confirmation button: {body}");
    (readable(&reply), b[0].clone())
}

#[tokio::test]
async fn run_asks_for_one_click_and_two_moderators_clicking_pair_the_round_once() {
    moto_or_skip!();
    // Launched on 25 November: four sign up; too late in the month for the tick.
    let h = harness("2026-11-25T12:00:00Z").await;
    four_members(&h).await;
    let (text, first) = ask(&h, MODERATOR, "run").await;
    assert!(text.contains("Pair November 2026 now?"), "{text}");
    assert!(
        text.contains("4 people"),
        "says how many are paired: {text}"
    );
    assert_eq!(first.0, "mod_run_confirm");
    assert_eq!(first.1, "Yes, pair November 2026");
    assert!(
        live_groups(&h, "2026-11").await.is_empty(),
        "asking pairs nobody"
    );
    assert!(
        dm_texts(&h, A)
            .await
            .iter()
            .all(|t| !t.contains("Your partner"))
    );
    // The second moderator asks too; both click their own button.
    let (_, second) = ask(&h, MOD2, "run").await;
    click_reply(&h, MODERATOR, &first, "confirm-run-1").await;
    click_reply(&h, MOD2, &second, "confirm-run-2").await;
    assert_eq!(
        live_groups(&h, "2026-11").await.len(),
        2,
        "one round, two pairs"
    );
    for u in [A, B, C, D] {
        assert_eq!(h.pairing_dms(u, "November 2026").await, 1, "{u}");
    }
    let said = responses(&h).await;
    assert!(
        said.iter()
            .any(|t| t.contains("✅ November 2026 is paired")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|t| t.contains("November 2026 is already paired")),
        "the second click is told: {said:?}"
    );
    let runs = h.store.recent(20).await.expect("audit");
    assert!(runs.iter().any(|e| e.action == "run"));
}

#[tokio::test]
async fn unpair_names_the_person_on_its_button_and_the_click_ends_the_pairing_once() {
    moto_or_skip!();
    let h = harness("2026-11-20T10:00:00Z").await;
    four_members(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let before = live_groups(&h, "2026-12").await;
    let partner = before
        .iter()
        .find(|g| g.contains(C))
        .and_then(|g| g.iter().find(|u| *u != C).cloned())
        .expect("C is paired");
    let (text, first) = ask(&h, MODERATOR, &format!("unpair <@{C}>")).await;
    assert!(text.contains(&format!("End <@{C}>'s pairing")), "{text}");
    assert_eq!(first.0, "mod_unpair");
    assert_eq!(first.1, format!("Unpair {}", real_name(C)));
    assert!(!first.1.contains(C), "a button never shows a raw id");
    assert_eq!(
        live_groups(&h, "2026-12").await,
        before,
        "asking changes nothing"
    );
    let (_, second) = ask(&h, MOD2, &format!("unpair <@{C}>")).await;
    click_reply(&h, MODERATOR, &first, "confirm-unpair-1").await;
    click_reply(&h, MOD2, &second, "confirm-unpair-2").await;
    let after = live_groups(&h, "2026-12").await;
    assert!(!after.iter().any(|g| g.contains(C)), "{after:?}");
    for u in [C, partner.as_str()] {
        let told = dm_texts(&h, u)
            .await
            .iter()
            .filter(|t| t.contains("A moderator has ended your pairing"))
            .count();
        assert_eq!(told, 1, "{u} told once");
    }
    let said = responses(&h).await;
    assert!(
        said.iter().any(|t| t.contains("Unpaired group")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|t| t.contains(&format!("<@{C}> is no longer in that pairing"))),
        "the second click changes nothing and says so: {said:?}"
    );
}

#[tokio::test]
async fn remove_asks_first_then_tells_the_member_what_happened_and_how_to_come_back() {
    moto_or_skip!();
    let h = harness("2026-11-20T10:00:00Z").await;
    four_members(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let (text, first) = ask(&h, MODERATOR, &format!("remove <@{D}>")).await;
    assert!(
        text.contains(&format!("Take <@{D}> out of future rounds?")),
        "{text}"
    );
    assert_eq!(first.0, "mod_remove");
    assert_eq!(first.1, format!("Remove {}", real_name(D)));
    let d = Members::get(&*h.store, &UserId::new(D))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.status, MemberStatus::Active, "asking removes nobody");
    let (_, second) = ask(&h, MOD2, &format!("remove <@{D}>")).await;
    click_reply(&h, MODERATOR, &first, "confirm-remove-1").await;
    click_reply(&h, MOD2, &second, "confirm-remove-2").await;
    let d = Members::get(&*h.store, &UserId::new(D))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.status, MemberStatus::OptedOut);
    let told: Vec<String> = dm_texts(&h, D)
        .await
        .into_iter()
        .filter(|t| t.contains("A moderator has taken you out of peer mentoring"))
        .collect();
    assert_eq!(told.len(), 1, "told once: {told:?}");
    assert!(told[0].contains("opt in"), "how to come back: {}", told[0]);
    assert!(
        !live_groups(&h, "2026-12")
            .await
            .iter()
            .any(|g| g.contains(D))
    );
    let said = responses(&h).await;
    assert!(
        said.iter().any(|t| t.contains(&format!("Removed <@{D}>"))),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|t| t.contains(&format!("<@{D}> was already out of the programme"))),
        "{said:?}"
    );
    let removals = h.store.recent(20).await.unwrap();
    assert_eq!(removals.iter().filter(|e| e.action == "remove").count(), 1);
    // The way back the DM names works.
    h.send_event(&dm("Ev-back", D, "opt in")).await;
    let d = Members::get(&*h.store, &UserId::new(D))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.status, MemberStatus::Active);
}

#[tokio::test]
async fn unpair_and_remove_of_someone_unknown_answer_without_a_button() {
    moto_or_skip!();
    let h = harness("2026-12-02T10:00:00Z").await;
    four_members(&h).await;
    let (_, body) = h.send_command(MODERATOR, "unpair <@U0NOBODY>").await;
    assert!(buttons(&body_json(&body)).is_empty(), "{body}");
    assert!(
        readable(&body_json(&body)).contains("isn't paired"),
        "{body}"
    );
    let (_, body) = h.send_command(MODERATOR, "remove <@U0NOBODY>").await;
    assert!(buttons(&body_json(&body)).is_empty(), "{body}");
    assert!(
        readable(&body_json(&body)).contains("isn't in the programme"),
        "{body}"
    );
}

#[tokio::test]
async fn the_round_summary_says_why_someone_is_unmatched_in_words() {
    moto_or_skip!();
    let h = harness("2026-11-20T10:00:00Z").await;
    h.sign_up(A, &["Writing"], &["Research"], "new").await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let summary = dm_texts(&h, MODERATOR)
        .await
        .into_iter()
        .find(|t| t.contains("December 2026 is paired"))
        .expect("summary sent");
    assert!(
        summary.contains(&format!("Unmatched (the only person confirmed): <@{A}>")),
        "{summary}"
    );
    assert!(!summary.contains("OnlyEligibleMember"), "{summary}");
}

#[tokio::test]
async fn the_re_pair_button_of_an_alert_names_the_member_by_their_real_name() {
    moto_or_skip!();
    let h = harness("2026-11-20T10:00:00Z").await;
    four_members(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let partner = live_groups(&h, "2026-12")
        .await
        .into_iter()
        .find(|g| g.contains(A))
        .and_then(|g| g.into_iter().find(|u| u != A))
        .expect("A is paired");
    h.set_time("2026-12-05T10:00:00Z");
    h.send_event(&dm("Ev-out", &partner, "opt out")).await;
    h.send_interaction(&click(&partner, "opt_out", "", "opt-out-ask"))
        .await;
    let alert = h
        .dms_to(MODERATOR)
        .await
        .into_iter()
        .find(|m| readable(m).contains("left the programme mid-round"))
        .expect("moderators alerted");
    let b = buttons(&alert);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].1, format!("Re-pair {}", real_name(A)));
}

#[tokio::test]
async fn help_and_the_usage_hint_list_every_command_and_each_is_understood() {
    moto_or_skip!();
    let h = harness("2026-12-02T10:00:00Z").await;
    let (_, body) = h.send_command(MODERATOR, "help").await;
    let help = readable(&body_json(&body));
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../infra/slack-app-manifest.yaml"
    ))
    .expect("manifest");
    let hint = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("usage_hint:"))
        .expect("usage hint")
        .trim()
        .trim_matches('"')
        .to_string();
    let listed: Vec<String> = help
        .lines()
        .filter_map(|l| l.trim().strip_prefix("• `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    assert!(listed.len() >= 10, "{listed:?}");
    let hinted: Vec<&str> = hint.split(" | ").collect();
    for cmd in &listed {
        assert!(
            hinted.contains(&cmd.as_str()),
            "usage hint lacks `{cmd}`: {hint}"
        );
    }
    for cmd in &hinted {
        assert!(
            listed.iter().any(|l| l == cmd),
            "help lacks `{cmd}`: {help}"
        );
        let verb = cmd.split(' ').next().unwrap_or_default();
        let (_, body) = h.send_command_undelivered(MODERATOR, verb).await;
        assert!(
            !readable(&body_json(&body)).contains("I don't know"),
            "`{verb}` is listed but not understood"
        );
    }
    assert!(help.contains("ask you to confirm"), "{help}");
}

#[tokio::test]
async fn a_late_joiner_joins_the_pair_they_fit_best_as_a_third() {
    moto_or_skip!();
    // The control for the next story: E fits A and B's pair best.
    let h = harness("2026-11-20T10:00:00Z").await;
    four_members(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let ab: BTreeSet<String> = [A, B].iter().map(|s| s.to_string()).collect();
    assert!(live_groups(&h, "2026-12").await.contains(&ab));
    h.set_time("2026-12-05T10:00:00Z");
    h.sign_up(E, &["Research"], &["Writing"], "one_to_three")
        .await;
    let trio = live_groups(&h, "2026-12")
        .await
        .into_iter()
        .find(|g| g.contains(E))
        .expect("E joined a pair");
    assert!(trio.contains(A) && trio.contains(B), "{trio:?}");
}

#[tokio::test]
async fn a_member_who_left_the_channel_but_is_still_paired_is_never_a_late_joiners_trio_partner() {
    moto_or_skip!();
    let h = harness("2026-11-20T10:00:00Z").await;
    four_members(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    // A leaves the channel: A and B's pairing carries on (the FAQ's way to
    // keep going without being re-paired).
    h.set_time("2026-12-03T10:00:00Z");
    h.send_event(&event(
        "Ev-left",
        json!({"type": "member_left_channel", "user": A, "channel": CHANNEL}),
    ))
    .await;
    let ab: BTreeSet<String> = [A, B].iter().map(|s| s.to_string()).collect();
    assert!(
        live_groups(&h, "2026-12").await.contains(&ab),
        "the pair carries on"
    );
    // E, who would fit A and B best, joins on the 5th with nobody waiting.
    h.set_time("2026-12-05T10:00:00Z");
    h.sign_up(E, &["Research"], &["Writing"], "one_to_three")
        .await;
    let now = live_groups(&h, "2026-12").await;
    assert!(now.contains(&ab), "A and B stay a pair: {now:?}");
    let with_e = now.iter().find(|g| g.contains(E)).expect("E joined a pair");
    assert!(with_e.contains(C) && with_e.contains(D), "{with_e:?}");
    let a_dms = dm_texts(&h, A).await;
    assert!(
        !a_dms.iter().any(|t| t.contains(E)),
        "A is not told about a third: {a_dms:?}"
    );
}
