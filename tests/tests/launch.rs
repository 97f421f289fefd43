//! Launch and everyday flows (issue 10), told as stories: who clicks what, on
//! which day of the month, and what each person then sees and what is stored.
//! Signed requests through the handlers, DynamoDB/EventBridge in moto, the
//! mock Slack Web API.

use std::collections::BTreeSet;

use integration_tests::*;
use mentor_domain::RoundId;
use mentor_domain::ports::{Members, Rounds};

fn round(s: &str) -> RoundId {
    s.parse().expect("round id")
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

async fn dm_texts(h: &Harness, u: &str) -> Vec<String> {
    h.dms_to(u).await.iter().map(readable).collect()
}

/// A moderator types `/mentoring run` and confirms it with the one button
/// the answer has; returns the answer and what was posted back.
async fn moderator_runs(h: &Harness) -> String {
    let (_, body) = h.send_command(MODERATOR, "run").await;
    let reply: serde_json::Value = serde_json::from_str(&body).expect("json answer");
    let button = reply["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| b["elements"].as_array().into_iter().flatten())
        .find(|e| e["action_id"] == "mod_run_confirm")
        .unwrap_or_else(|| panic!("run asks to confirm: {body}"));
    let value = button["value"].as_str().unwrap_or_default();
    h.click_on_reply(MODERATOR, "mod_run_confirm", value, "run-confirm")
        .await;
    let posted: Vec<String> = h
        .slack_calls("response-url")
        .await
        .iter()
        .map(readable)
        .collect();
    format!("{}\n{}", readable(&reply), posted.join("\n"))
}

#[tokio::test]
async fn launching_on_the_25th_pairs_the_nine_who_signed_up_and_the_1st_pairs_them_anew() {
    moto_or_skip!();
    // Deployed on 25 November; nine people sign up that day.
    let h = Harness::at("2026-11-25T12:00:00Z").await;
    let users = sign_up_many(&h, "U0L", 9).await;
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

    // The moderator previews November: all nine are in it.
    let (_, body) = h.send_command(MODERATOR, "preview").await;
    let preview = readable(&serde_json::from_str(&body).expect("json answer"));
    assert!(preview.contains("Preview of November 2026"), "{preview}");
    assert!(preview.contains("4 groups, 0 unmatched"), "{preview}");
    for u in &users {
        assert!(
            preview.contains(&format!("<@{u}>")),
            "{u} in the preview: {preview}"
        );
    }
    assert!(
        groups_of(&h, "2026-11").await.is_empty(),
        "a preview pairs nobody"
    );
    // The moderator runs November by hand, confirming with one click.
    let said = moderator_runs(&h).await;
    assert!(said.contains("Pair November 2026 now?"), "{said}");
    assert!(said.contains("✅ November 2026 is paired"), "{said}");
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

/// Two members signed up in November and paired on 1 December.
async fn december_pair(h: &Harness) -> (String, String) {
    h.sign_up(A, &["Writing"], &["Research"], "new").await;
    h.sign_up(B, &["Research"], &["Writing"], "seven_plus")
        .await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    assert_eq!(groups_of(h, "2026-12").await.len(), 1);
    (A.to_string(), B.to_string())
}

const A: &str = "U0ANA";
const B: &str = "U0BEA";

#[tokio::test]
async fn leaving_the_channel_keeps_the_current_pair_and_only_skips_future_rounds() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let (a, b) = december_pair(&h).await;
    h.set_time("2026-12-10T10:00:00Z");
    h.reset_slack().await;
    // Ana leaves the channel, as the FAQ suggests to keep going with Bea.
    h.send_event(&event(
        "Ev-left",
        serde_json::json!({"type": "member_left_channel", "user": a, "channel": CHANNEL}),
    ))
    .await;
    h.deliver().await;
    let to_a = dm_texts(&h, &a).await;
    assert_eq!(to_a.len(), 1, "{to_a:?}");
    assert!(
        to_a[0].contains("won't pair you in future rounds")
            && to_a[0].contains("current pairing with <@U0BEA> carries on")
            && to_a[0].contains("rejoin <#C0PROGRAM"),
        "{}",
        to_a[0]
    );
    assert!(dm_texts(&h, &b).await.is_empty(), "Bea is told nothing");
    assert!(dm_texts(&h, MODERATOR).await.is_empty(), "no alarm");
    let g = &h.store.groups(round("2026-12")).await.unwrap()[0];
    assert!(g.is_live() && g.departed.is_empty(), "{g:?}");
    let m = member(&h, &a).await;
    assert_eq!(m.status, mentor_domain::model::MemberStatus::Left);
    // The day-21 check-in still reaches both.
    h.set_time("2026-12-22T09:05:00Z");
    h.tick().await;
    assert!(
        dm_texts(&h, &a)
            .await
            .iter()
            .any(|t| t.contains("Check-in"))
    );
    assert!(
        dm_texts(&h, &b)
            .await
            .iter()
            .any(|t| t.contains("Check-in"))
    );
    // January: Ana is not asked nor paired; Bea is told she's alone.
    h.set_time("2027-01-01T09:05:00Z");
    h.tick().await;
    assert!(
        !groups_of(&h, "2027-01")
            .await
            .iter()
            .any(|g| g.contains(&a))
    );
}

#[tokio::test]
async fn opting_out_still_ends_the_pairing_and_tells_the_partner() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let (a, b) = december_pair(&h).await;
    h.set_time("2026-12-10T10:00:00Z");
    h.send_event(&dm("Ev-out", &a, "opt out")).await;
    h.deliver().await;
    // Typed `opt out` asks first; the button does it.
    let ask = h.dms_to(&a).await.pop().unwrap();
    let ids = action_ids(&ask);
    assert!(ids.contains(&"opt_out".to_string()), "{ids:?}");
    h.send_interaction(&click(&a, "opt_out", "", "out-1")).await;
    h.deliver().await;
    assert!(
        dm_texts(&h, &b)
            .await
            .iter()
            .any(|t| t.contains("Your partner has left the programme")),
    );
    let g = &h.store.groups(round("2026-12")).await.unwrap()[0];
    assert_eq!(g.departed, vec![a.as_str().into()]);
}

/// Slack's `conversations.members` for the programme channel lists `users`.
async fn channel_has(h: &Harness, users: &[&str]) {
    use wiremock::matchers::path;
    wiremock::Mock::given(path("/conversations.members"))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "ok": true,
                "members": users,
                "response_metadata": {"next_cursor": ""}
            })),
        )
        .with_priority(1)
        .mount(&h.slack)
        .await;
}

#[tokio::test]
async fn someone_outside_the_channel_is_pointed_to_it_and_not_stored() {
    moto_or_skip!();
    let h = Harness::new().await;
    channel_has(&h, &["U0BOT", A]).await;
    let before = h.scan_all().await;
    h.send_event(&dm("Ev-out-1", "U0OUT", "hi")).await;
    let texts = dm_texts(&h, "U0OUT").await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(
        texts[0].contains("Join the channel first") && texts[0].contains("<#C0PROGRAM"),
        "{}",
        texts[0]
    );
    assert!(
        Members::get(&*h.store, &"U0OUT".into())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        h.scan_all().await.len(),
        before.len() + 2,
        "only the event's markers (accepted, then worked)"
    );
    // The App Home "Set up my profile" button points there too, without a form.
    h.send_interaction(&click("U0OUT", "open_profile", "", "home-1"))
        .await;
    assert!(h.slack_calls("views.open").await.is_empty());
    assert_eq!(dm_texts(&h, "U0OUT").await.len(), 2);
    // Someone in the channel is welcomed as usual.
    h.send_event(&dm("Ev-in-1", A, "hi")).await;
    assert!(dm_texts(&h, A).await[0].contains("Welcome to peer mentoring"));
}

#[tokio::test]
async fn opting_in_after_leaving_the_channel_asks_to_rejoin_it() {
    moto_or_skip!();
    let h = Harness::new().await;
    h.sign_up(A, &["Writing"], &["Research"], "new").await;
    h.send_event(&event(
        "Ev-left-2",
        serde_json::json!({"type": "member_left_channel", "user": A, "channel": CHANNEL}),
    ))
    .await;
    h.send_event(&dm("Ev-optin", A, "opt in")).await;
    let last = dm_texts(&h, A).await.pop().unwrap();
    assert!(last.contains("rejoin <#C0PROGRAM"), "{last}");
    assert_eq!(
        member(&h, A).await.status,
        mentor_domain::model::MemberStatus::Left
    );
}

#[tokio::test]
async fn a_member_who_has_not_answered_gets_one_reminder_and_the_last_click_wins() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let (a, b) = december_pair(&h).await;
    // 25 December: "stay in for January?". Bea says yes, Ana says nothing.
    h.set_time("2026-12-25T09:05:00Z");
    h.tick().await;
    let v = button_value(&h, &b, "reconfirm_yes").await;
    assert_eq!(v, "2027-01");
    h.send_interaction(&click(&b, "reconfirm_yes", &v, "rc-b"))
        .await;
    h.reset_slack().await;
    // 30 December, two days before: one reminder, to Ana only, even if the tick repeats.
    h.set_time("2026-12-30T09:05:00Z");
    h.tick().await;
    h.tick().await;
    let to_a = dm_texts(&h, &a).await;
    assert_eq!(to_a.len(), 1, "{to_a:?}");
    assert!(to_a[0].contains("you haven't answered yet"), "{}", to_a[0]);
    assert!(dm_texts(&h, &b).await.is_empty());
    // Ana changes her mind four times on the same message within a minute: each counts.
    for (i, action) in [
        "reconfirm_yes",
        "reconfirm_skip",
        "reconfirm_yes",
        "reconfirm_skip",
    ]
    .iter()
    .enumerate()
    {
        h.clock.advance(chrono::Duration::seconds(10));
        h.send_interaction(&click(&a, action, "2027-01", "reminder-a"))
            .await;
        let c = member(&h, &a).await.confirmations[&round("2027-01")];
        let want = if i % 2 == 0 { "Yes" } else { "Skip" };
        assert_eq!(format!("{c:?}"), want, "click {i}");
    }
    // A double-click on the answer already given changes and sends nothing.
    let before = h.dms_to(&a).await.len();
    h.send_interaction(&click(&a, "reconfirm_skip", "2027-01", "reminder-a"))
        .await;
    assert_eq!(h.dms_to(&a).await.len(), before);
    // `status` shows the current answer with a button to change it.
    h.send_event(&dm("Ev-status-a", &a, "status")).await;
    let status = h.dms_to(&a).await.pop().unwrap();
    assert!(
        readable(&status).contains("your answer: *skip this one*"),
        "{}",
        readable(&status)
    );
    assert!(action_ids(&status).contains(&"reconfirm_yes".to_string()));
    // Opt out from the reminder, then "Yes, pair me": back in and confirmed.
    h.send_interaction(&click(&a, "reconfirm_opt_out", "2027-01", "reminder-a"))
        .await;
    assert_eq!(
        member(&h, &a).await.status,
        mentor_domain::model::MemberStatus::OptedOut
    );
    h.send_interaction(&click(&a, "reconfirm_yes", "2027-01", "reminder-a"))
        .await;
    let m = member(&h, &a).await;
    assert_eq!(m.status, mentor_domain::model::MemberStatus::Active);
    assert!(m.is_confirmed_for(round("2027-01")));
    // January pairs them (again, since nobody else is there).
    h.set_time("2027-01-01T09:05:00Z");
    h.tick().await;
    assert_eq!(h.pairing_dms(&a, "January 2027").await, 1);
}

#[tokio::test]
async fn a_question_gets_help_and_changes_nothing() {
    moto_or_skip!();
    let h = Harness::new().await;
    h.sign_up(A, &["Writing"], &["Research"], "new").await;
    h.send_event(&dm("Ev-q", A, "how do I opt out?")).await;
    let last = dm_texts(&h, A).await.pop().unwrap();
    assert!(last.contains("Things you can say to me"), "{last}");
    assert_eq!(
        member(&h, A).await.status,
        mentor_domain::model::MemberStatus::Active
    );
}

#[tokio::test]
async fn skip_skips_only_the_next_round_like_the_button() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    december_pair(&h).await;
    h.set_time("2026-12-10T10:00:00Z");
    h.send_event(&dm("Ev-skip", A, "skip")).await;
    let last = dm_texts(&h, A).await.pop().unwrap();
    assert!(last.contains("you'll skip January 2027"), "{last}");
    let m = member(&h, A).await;
    assert_eq!(format!("{:?}", m.confirmations[&round("2027-01")]), "Skip");
    assert_eq!(m.status, mentor_domain::model::MemberStatus::Active);
}

#[tokio::test]
async fn pause_lasts_until_resume_and_a_paused_member_is_asked_to_resume_at_reconfirmation() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    december_pair(&h).await;
    h.set_time("2026-12-10T10:00:00Z");
    h.send_event(&dm("Ev-pause", A, "pause")).await;
    let last = dm_texts(&h, A).await.pop().unwrap();
    assert!(last.contains("until you say `resume`"), "{last}");
    h.set_time("2026-12-25T09:05:00Z");
    h.tick().await;
    let note = h.dms_to(A).await.pop().unwrap();
    assert!(
        readable(&note).contains("still paused"),
        "{}",
        readable(&note)
    );
    assert_eq!(action_ids(&note), vec!["resume"]);
    h.send_interaction(&click(A, "resume", "", "paused-note"))
        .await;
    let m = member(&h, A).await;
    assert_eq!(m.status, mentor_domain::model::MemberStatus::Active);
    assert!(m.is_confirmed_for(round("2027-01")));
}

#[tokio::test]
async fn my_partner_isnt_responding_works_by_dm_any_day_and_can_be_withdrawn() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    december_pair(&h).await;
    h.set_time("2026-12-03T10:00:00Z");
    h.send_event(&dm("Ev-unresp", A, "My partner isn't responding"))
        .await;
    let last = dm_texts(&h, A).await.pop().unwrap();
    assert!(last.contains("<@U0BEA> isn't responding"), "{last}");
    let g = &h.store.groups(round("2026-12")).await.unwrap()[0];
    assert!(g.unresponsive_reported.contains_key(&A.into()));
    // A day later the moderators are alerted.
    h.set_time("2026-12-04T10:05:00Z");
    h.tick().await;
    assert!(
        dm_texts(&h, MODERATOR)
            .await
            .iter()
            .any(|t| t.contains("isn't responding"))
    );
    // Then they get talking: withdrawn, and the moderators are told.
    h.send_event(&dm("Ev-talking", A, "we're talking now"))
        .await;
    let last = dm_texts(&h, A).await.pop().unwrap();
    assert!(last.contains("told the moderators"), "{last}");
    assert!(
        dm_texts(&h, MODERATOR)
            .await
            .iter()
            .any(|t| t.contains("<@U0ANA> withdrew their report"))
    );
    let g = &h.store.groups(round("2026-12")).await.unwrap()[0];
    assert!(g.unresponsive_reported.is_empty());
}

#[tokio::test]
async fn a_channel_mention_says_truthfully_what_was_dmed_and_profile_has_an_edit_button() {
    moto_or_skip!();
    let h = Harness::new().await;
    h.sign_up(A, &["Writing"], &["Research"], "new").await;
    h.send_event(&mention("Ev-m1", A, "what's the weather"))
        .await;
    let eph = h.slack_calls("chat.postEphemeral").await;
    let said = readable(eph.last().unwrap());
    assert!(said.contains("didn't catch that"), "{said}");
    assert!(
        dm_texts(&h, A)
            .await
            .pop()
            .unwrap()
            .contains("didn't catch that")
    );
    h.send_event(&dm("Ev-prof", A, "profile")).await;
    let prof = h.dms_to(A).await.pop().unwrap();
    assert!(
        readable(&prof).contains("Can offer: Writing"),
        "{}",
        readable(&prof)
    );
    assert_eq!(action_ids(&prof), vec!["open_profile"]);
}

#[tokio::test]
async fn a_trio_formed_by_a_late_joiner_tells_the_pair_who_joins_and_why() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let (a, b) = december_pair(&h).await;
    h.set_time("2026-12-05T10:00:00Z");
    h.sign_up("U0EEE", &["Research"], &["Writing"], "one_to_three")
        .await;
    h.deliver().await;
    let g = &h.store.groups(round("2026-12")).await.unwrap()[0];
    assert_eq!(g.members.len(), 3);
    assert_eq!(g.joined_late, Some("U0EEE".into()));
    let intro = h
        .slack_calls("chat.postMessage")
        .await
        .into_iter()
        .find(|p| p["channel"] == "GU0ANA-U0BEA-U0EEE")
        .map(|p| readable(&p))
        .expect("trio group DM");
    assert!(
        intro.contains("<@U0EEE> is joining <@U0ANA> and <@U0BEA> as a third")
            && intro.contains("signed up after this month's pairs were made"),
        "{intro}"
    );
    let joiner = dm_texts(&h, "U0EEE").await.pop().unwrap();
    assert!(
        joiner.contains("You're joining an existing pair"),
        "{joiner}"
    );
    // The original pair are not sent a second personal DM.
    assert_eq!(h.pairing_dms(&a, "December 2026").await, 1);
    assert_eq!(h.pairing_dms(&b, "December 2026").await, 1);
}

/// The mrkdwn texts of a posted message that carry a Slack date token, and
/// whether each is in a block Slack renders as mrkdwn (where `<!date^…>`
/// becomes the reader's local time; plain_text would show it raw).
fn date_texts(msg: &serde_json::Value) -> Vec<(String, bool)> {
    fn walk(v: &serde_json::Value, out: &mut Vec<(String, bool)>) {
        match v {
            serde_json::Value::Object(o) => {
                if let Some(t) = o.get("text").and_then(|t| t.as_str())
                    && t.contains("<!date^")
                {
                    let mrkdwn = o.get("type").and_then(|t| t.as_str()) == Some("mrkdwn");
                    out.push((t.to_string(), mrkdwn));
                }
                o.values().for_each(|x| walk(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&msg["blocks"], &mut out);
    out
}

#[tokio::test]
async fn every_date_a_member_reads_is_in_their_own_time_with_the_communitys_as_fallback() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    h.sign_up(A, &["Writing"], &["Research"], "new").await;
    h.sign_up(B, &["Research"], &["Writing"], "seven_plus")
        .await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    // T−7 of January: the "stay in?" question names the round's start.
    h.set_time("2026-12-25T09:05:00Z");
    h.tick().await;
    let dms = h.dms_to(A).await;
    let signed_up = dms
        .iter()
        .find(|m| readable(m).contains("You're in"))
        .expect("sign-up confirmation");
    let stay_in = dms
        .iter()
        .find(|m| action_ids(m).contains(&"reconfirm_yes".to_string()))
        .expect("stay in? question");
    // Slack shows each in the reader's own zone; the fallback is the community's.
    let dec_1 =
        "<!date^1796115600^{date_long_pretty} at {time}|Tuesday 1 December 2026, 09:00 (UTC)>";
    let jan_1 =
        "<!date^1798794000^{date_long_pretty} at {time}|Friday 1 January 2027, 09:00 (UTC)>";
    for (msg, date) in [(signed_up, dec_1), (stay_in, jan_1)] {
        let dates = date_texts(msg);
        assert!(
            dates.iter().any(|(t, _)| t.contains(date)),
            "{}",
            readable(msg)
        );
        assert!(
            dates.iter().all(|(_, mrkdwn)| *mrkdwn),
            "a date in plain text: {dates:?}"
        );
    }
}
