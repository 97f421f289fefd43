//! Moderator tools through signed slash-command and interaction requests.

use std::collections::BTreeSet;

use integration_tests::*;
use lambda_http::http::StatusCode;
use mentor_domain::model::MemberStatus;
use mentor_domain::ports::{Audit, Members, Rounds};
use mentor_domain::{RoundId, UserId};
use serde_json::Value;

fn reply_text(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    readable(&v)
}

/// What the moderator reads after typing `/mentoring <command>`.
async fn reply_to(h: &Harness, command: &str) -> String {
    let (_, body) = h.send_command(MODERATOR, command).await;
    reply_text(&body)
}

/// The value of the one button a slash command's answer asks to click.
fn confirmation(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    v["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| b["elements"].as_array().into_iter().flatten())
        .find_map(|e| e["value"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("no confirmation button: {body}"))
}

/// Everything posted back to moderators by `response_url`.
async fn responses(h: &Harness) -> String {
    let posted: Vec<String> = h
        .slack_calls("response-url")
        .await
        .iter()
        .map(readable)
        .collect();
    posted.join("\n")
}

async fn groups(h: &Harness, r: &str) -> Vec<BTreeSet<String>> {
    let r: RoundId = r.parse().unwrap();
    h.store
        .groups(r)
        .await
        .unwrap()
        .iter()
        .filter(|g| g.is_live())
        .map(|g| g.members.iter().map(|m| m.0.clone()).collect())
        .collect()
}

#[tokio::test]
async fn non_moderators_are_refused_every_command_and_nothing_changes() {
    moto_or_skip!();
    let h = Harness::at("2026-11-28T10:00:00Z").await;
    four_members(&h).await;
    let before = h.scan_all().await;
    for cmd in [
        "help",
        "stats",
        "preview",
        "run",
        "pair <@U0AAA> <@U0BBB>",
        "repair <@U0AAA>",
        "unpair <@U0AAA>",
        "remove <@U0AAA>",
        "exclude <@U0AAA> <@U0BBB>",
        "export",
    ] {
        let (status, body) = h.send_command(A, cmd).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            reply_text(&body).contains("for the programme's moderators"),
            "{cmd}: {body}"
        );
    }
    assert_eq!(h.scan_all().await, before, "nothing stored");
    assert!(h.bus.drain().is_empty(), "nothing published");
}

#[tokio::test]
async fn preview_then_run_gives_the_same_groups_and_run_twice_is_one_round() {
    moto_or_skip!();
    let h = Harness::at("2026-12-02T10:00:00Z").await;
    four_members(&h).await;
    // Members who signed up now are confirmed for January; confirm December too.
    for u in [A, B, C, D] {
        h.send_interaction(&click(u, "reconfirm_yes", "2026-12", &format!("rc-{u}")))
            .await;
    }
    let (_, ack) = h.send_command(MODERATOR, "preview").await;
    assert!(reply_text(&ack).contains("Working out a preview of December 2026"));
    h.deliver().await;
    let preview = h
        .slack_calls("response-url")
        .await
        .iter()
        .map(readable)
        .find(|t| t.contains("Preview of December 2026"))
        .expect("preview posted back");
    assert!(
        groups(&h, "2026-12").await.is_empty(),
        "a preview stores no groups"
    );
    // `run` asks first; the moderator confirms, then confirms again.
    let (_, r1) = h.send_command(MODERATOR, "run").await;
    assert!(reply_text(&r1).contains("Pair December 2026 now?"), "{r1}");
    for ts in ["run-1", "run-2"] {
        h.click_on_reply(MODERATOR, "mod_run_confirm", "2026-12", ts)
            .await;
    }
    let made = groups(&h, "2026-12").await;
    assert_eq!(made.len(), 2, "one round, two pairs");
    for g in &made {
        let names: Vec<String> = g.iter().map(|u| format!("<@{u}>")).collect();
        assert!(
            preview.contains(&names.join(" + ")),
            "preview lacks {names:?}: {preview}"
        );
    }
    let responses = h.slack_calls("response-url").await;
    assert!(responses.iter().any(|r| readable(r).contains("is paired")));
    assert!(
        h.store
            .recent(10)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "run")
    );
}

#[tokio::test]
async fn pair_by_hand_notifies_both_like_a_normal_round_and_is_audited() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    members_a_and_b(&h).await;
    // Before the round is paired, hand-made pairs are refused.
    let (_, body) = h.send_command(MODERATOR, "pair <@U0AAA> <@U0BBB>").await;
    assert!(
        reply_text(&body).contains("hasn't been paired yet"),
        "{body}"
    );
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    // Two people join after mid-month and wait; a moderator pairs them.
    h.set_time("2026-12-20T10:00:00Z");
    members_c_and_d(&h).await;
    h.deliver().await;
    let (_, body) = h
        .send_command(MODERATOR, "pair <@U0CCC|cat> <@U0DDD>")
        .await;
    assert!(
        reply_text(&body).contains("Paired <@U0CCC> and <@U0DDD>"),
        "{body}"
    );
    h.deliver().await;
    assert_eq!(h.pairing_dms(C, "December 2026").await, 1);
    assert_eq!(h.pairing_dms(D, "December 2026").await, 1);
    let audit = h.store.recent(5).await.unwrap();
    assert_eq!(audit[0].action, "pair");
    assert_eq!(audit[0].moderator, UserId::new(MODERATOR));
    // Pairing someone who already has a partner is refused.
    let (_, body) = h.send_command(MODERATOR, "pair <@U0AAA> <@U0CCC>").await;
    assert!(reply_text(&body).contains("already has a partner"));
}

#[tokio::test]
async fn malformed_moderator_arguments_get_clear_replies() {
    moto_or_skip!();
    let h = Harness::at("2026-12-02T10:00:00Z").await;
    four_members(&h).await;
    let before = h.scan_all().await;
    let cases = [
        ("pair <@U0AAA>", "Usage: `/mentoring pair @a @b`"),
        ("pair bob <@U0AAA>", "isn't a person"),
        ("pair <@U0AAA> <@U0NOBODY>", "isn't in the programme"),
        ("repair", "Usage: `/mentoring repair @a`"),
        ("frobnicate", "I don't know `frobnicate`"),
    ];
    for (cmd, want) in cases {
        let (_, body) = h.send_command(MODERATOR, cmd).await;
        assert!(reply_text(&body).contains(want), "{cmd}: {body}");
    }
    assert_eq!(h.scan_all().await, before);
}

#[tokio::test]
async fn a_partner_leaving_mid_round_is_told_and_moderators_can_repair_in_one_click() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    four_members(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let dec = groups(&h, "2026-12").await;
    let a_group = dec.iter().find(|g| g.contains(A)).unwrap().clone();
    let partner = a_group.iter().find(|u| *u != A).unwrap().clone();
    // A late joiner is waiting; the partner opts out.
    h.set_time("2026-12-20T10:00:00Z");
    h.sign_up("U0EEE", &["Research"], &["Writing"], "seven_plus")
        .await;
    h.send_event(&dm("Ev-out", &partner, "opt out")).await;
    h.send_interaction(&click(&partner, "opt_out", "", "opt-out-ask"))
        .await;
    let kind = readable(h.dms_to(A).await.last().unwrap());
    assert!(kind.contains("Your partner has left"), "{kind}");
    let alert = h
        .dms_to(MODERATOR)
        .await
        .into_iter()
        .find(|m| readable(m).contains("left the programme mid-round"))
        .expect("moderators alerted");
    assert_eq!(action_ids(&alert), vec!["mod_repair"]);
    // The button carries the alert's round, group and member; click what was sent.
    let value = alert["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| b["elements"].as_array().into_iter().flatten())
        .find(|e| e["action_id"] == "mod_repair")
        .and_then(|e| e["value"].as_str())
        .expect("the re-pair button carries a value")
        .to_string();
    assert!(value.ends_with(A), "{value}");
    h.send_interaction(&click(MODERATOR, "mod_repair", &value, "alert-1"))
        .await;
    h.deliver().await;
    let now = groups(&h, "2026-12").await;
    assert!(
        now.iter().any(|g| g.contains(A) && g.contains("U0EEE")),
        "{now:?}"
    );
    assert_eq!(h.pairing_dms("U0EEE", "December 2026").await, 1);
}

#[tokio::test]
async fn repair_with_nobody_available_says_so() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    four_members(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let (_, body) = h.send_command(MODERATOR, "repair <@U0AAA>").await;
    assert!(reply_text(&body).contains("Nobody is free"), "{body}");
}

#[tokio::test]
async fn unpair_remove_and_exclude_change_state_and_are_audited() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    four_members(&h).await;
    let (_, body) = h.send_command(MODERATOR, "exclude <@U0AAA> <@U0BBB>").await;
    assert!(reply_text(&body).contains("never be paired"));
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let dec = groups(&h, "2026-12").await;
    assert!(
        !dec.iter().any(|g| g.contains(A) && g.contains(B)),
        "excluded pair paired"
    );

    // `unpair` and `remove` ask first; the click does it.
    let (_, body) = h.send_command(MODERATOR, "unpair <@U0CCC>").await;
    let button = confirmation(&body);
    h.click_on_reply(MODERATOR, "mod_unpair", &button, "unpair-1")
        .await;
    assert!(responses(&h).await.contains("Unpaired group"));
    assert!(!groups(&h, "2026-12").await.iter().any(|g| g.contains(C)));

    let (_, body) = h.send_command(MODERATOR, "remove <@U0DDD>").await;
    let button = confirmation(&body);
    h.click_on_reply(MODERATOR, "mod_remove", &button, "remove-1")
        .await;
    assert!(responses(&h).await.contains("Removed <@U0DDD>"));
    let d = Members::get(h.store.as_ref(), &UserId::new(D))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.status, MemberStatus::OptedOut);
    let actions: Vec<String> = h
        .store
        .recent(10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.action.clone())
        .collect();
    for a in ["exclude", "unpair", "remove"] {
        assert!(actions.contains(&a.to_string()), "{actions:?}");
    }
}

#[tokio::test]
async fn stats_and_export_show_states_and_pairs_without_profile_answers() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    four_members(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let (_, body) = h.send_command(MODERATOR, "help").await;
    let help = reply_text(&body);
    for cmd in [
        "stats",
        "preview",
        "run",
        "pair @a @b",
        "repair @a",
        "unpair @a",
        "remove @a",
        "exclude @a @b",
        "export",
    ] {
        assert!(
            help.contains(&format!("`{cmd}`")),
            "help lacks {cmd}: {help}"
        );
    }
    let (_, body) = h.send_command(MODERATOR, "stats").await;
    let stats = reply_text(&body);
    assert!(stats.contains("Members: 4"), "{stats}");
    assert!(stats.contains("2 live groups"), "{stats}");
    let (_, body) = h.send_command(MODERATOR, "export").await;
    assert!(reply_text(&body).contains("by DM"));
    let export = readable(h.dms_to(MODERATOR).await.last().unwrap());
    assert!(export.contains("user_id,status,in_channel"), "{export}");
    assert!(export.contains("U0AAA,active,true"), "{export}");
    assert!(
        !export.contains("Europe/Lisbon") && !export.contains("Research"),
        "profile answers leaked"
    );
}

#[tokio::test]
async fn a_late_joiner_early_in_the_month_is_paired_with_someone_waiting() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    members_a_and_b(&h).await;
    h.sign_up(C, &["Data"], &["Frontend"], "one_to_three").await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    // Three members: one trio. Two people then join on the 3rd and 4th.
    h.set_time("2026-12-03T10:00:00Z");
    h.sign_up(D, &["Frontend"], &["Data"], "three_to_seven")
        .await;
    h.deliver().await;
    assert!(readable(h.dms_to(D).await.last().unwrap()).contains("next round"));
    h.set_time("2026-12-04T10:00:00Z");
    h.sign_up("U0EEE", &["Data"], &["Frontend"], "new").await;
    h.deliver().await;
    assert_eq!(h.pairing_dms(D, "December 2026").await, 1);
    assert_eq!(h.pairing_dms("U0EEE", "December 2026").await, 1);
    assert!(
        h.dms_to(MODERATOR)
            .await
            .iter()
            .any(|m| readable(m).contains("Late joiner <@U0EEE> was paired"))
    );
}

#[tokio::test]
async fn a_late_joiner_after_mid_month_waits_for_the_next_round() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    four_members(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    h.set_time("2026-12-20T10:00:00Z");
    h.sign_up("U0LATE", &["Data"], &["Frontend"], "new").await;
    h.deliver().await;
    let last = readable(h.dms_to("U0LATE").await.last().unwrap());
    assert!(last.contains("pairs are already made"), "{last}");
    assert!(last.contains("January 2027"), "{last}");
}

#[tokio::test]
async fn moderators_see_their_section_on_app_home() {
    moto_or_skip!();
    let h = Harness::new().await;
    h.send_event(&event(
        "Ev-home",
        serde_json::json!({"type": "app_home_opened", "user": MODERATOR, "tab": "home"}),
    ))
    .await;
    let home = h.slack_calls("views.publish").await.pop().unwrap();
    let text = readable(&home["view"]);
    assert!(text.contains("Moderator tools"), "{text}");
    let ids = action_ids(&home["view"]);
    assert!(ids.contains(&"mod_preview".to_string()) && ids.contains(&"mod_run".to_string()));
}

#[tokio::test]
async fn a_late_joiner_with_nobody_waiting_joins_the_best_fitting_pair_as_a_trio() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    four_members(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    h.set_time("2026-12-05T10:00:00Z");
    h.sign_up("U0EEE", &["Research"], &["Writing"], "one_to_three")
        .await;
    h.deliver().await;
    let trio = groups(&h, "2026-12")
        .await
        .into_iter()
        .find(|g| g.contains("U0EEE"))
        .expect("joined a group");
    assert_eq!(trio.len(), 3);
    assert_eq!(h.pairing_dms("U0EEE", "December 2026").await, 1);
    // The trio gets a group DM with all three; the others are not re-sent their own DM.
    let gid = {
        let mut v: Vec<&str> = trio.iter().map(String::as_str).collect();
        v.sort_unstable();
        format!("G{}", v.join("-"))
    };
    let intros = h
        .slack_calls("chat.postMessage")
        .await
        .into_iter()
        .filter(|p| p["channel"] == gid.as_str())
        .count();
    assert_eq!(intros, 1);
    for u in trio.iter().filter(|u| *u != "U0EEE") {
        assert_eq!(h.pairing_dms(u, "December 2026").await, 1, "{u}");
    }
    assert!(
        h.dms_to(MODERATOR)
            .await
            .iter()
            .any(|m| readable(m).contains("joined") && readable(m).contains("as a trio"))
    );
}

#[tokio::test]
async fn pair_by_hand_refuses_two_people_kept_apart_without_saying_who_blocked_whom() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    members_a_and_b(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    // Mid-December Cat and Dan join and wait; Cat privately blocks Dan.
    h.set_time("2026-12-20T10:00:00Z");
    members_c_and_d(&h).await;
    h.send_event(&dm("Ev-cat-blocks-dan", C, "block <@U0DDD>"))
        .await;
    h.deliver().await;
    for command in ["pair <@U0CCC> <@U0DDD>", "pair <@U0DDD> <@U0CCC>"] {
        let reply = reply_to(&h, command).await;
        assert!(
            reply.contains("<@U0CCC> and <@U0DDD> can't be paired with each other")
                || reply.contains("<@U0DDD> and <@U0CCC> can't be paired with each other"),
            "{reply}"
        );
        // The moderator is not told that a block exists, nor whose.
        assert!(!reply.to_lowercase().contains("block"), "{reply}");
    }
    h.deliver().await;
    assert_eq!(h.pairing_dms(C, "December 2026").await, 0);
    assert_eq!(h.pairing_dms(D, "December 2026").await, 0);
    let round = RoundId::new(2026, 12).unwrap();
    let groups = h.store.groups(round).await.unwrap();
    assert!(
        !groups
            .iter()
            .any(|g| g.members.contains(&UserId::new(C)) || g.members.contains(&UserId::new(D))),
        "no group was formed for Cat or Dan"
    );
    // A moderator's own `exclude` is kept the same way for the next pair.
    h.sign_up("U0EEE", &["Data"], &["Frontend"], "new").await;
    let reply = reply_to(&h, "exclude <@U0DDD> <@U0EEE>").await;
    assert!(reply.contains("will never be paired together"), "{reply}");
    let reply = reply_to(&h, "pair <@U0EEE> <@U0DDD>").await;
    assert!(
        reply.contains("<@U0EEE> and <@U0DDD> can't be paired with each other"),
        "{reply}"
    );
    // Someone who is free to pair with Dan still can be.
    h.sign_up("U0FFF", &["Data"], &["Frontend"], "new").await;
    let reply = reply_to(&h, "pair <@U0FFF> <@U0DDD>").await;
    assert!(reply.contains("Paired <@U0FFF> and <@U0DDD>"), "{reply}");
}
