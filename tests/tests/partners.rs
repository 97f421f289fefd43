//! Member choices about partners, through signed requests against moto and
//! the mock Slack API: the suggested agenda in the pairing DMs (issue 13
//! point 10).

use integration_tests::*;
use serde_json::Value;

const DECEMBER_LABEL: &str = "December 2026";

fn pairing_dm(dms: &[Value], round_label: &str) -> String {
    let prefix = format!("Your partner for {round_label}");
    dms.iter()
        .find(|m| m["text"].as_str().unwrap_or_default().starts_with(&prefix))
        .map(readable)
        .unwrap_or_else(|| panic!("no pairing DM for {round_label}"))
}

#[tokio::test]
async fn the_pairing_dm_turns_why_you_two_into_a_skill_swap_each_reads_from_their_side() {
    moto_or_skip!();
    let h = Harness::new().await;
    ana_and_ben(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;

    let ana = pairing_dm(&h.dms_to("U0ANA").await, DECEMBER_LABEL);
    assert!(
        ana.contains(
            "A suggested agenda:* first call: you → <@U0BEN> on Accessibility; next: <@U0BEN> → you on Writing."
        ),
        "{ana}"
    );
    let ben = pairing_dm(&h.dms_to("U0BEN").await, DECEMBER_LABEL);
    assert!(
        ben.contains(
            "A suggested agenda:* first call: <@U0ANA> → you on Accessibility; next: you → <@U0ANA> on Writing."
        ),
        "{ben}"
    );
    let group: Vec<Value> = h
        .slack_calls("chat.postMessage")
        .await
        .into_iter()
        .filter(|m| m["channel"] == "GU0ANA-U0BEN")
        .collect();
    let intro = readable(&group[0]);
    assert!(
        intro.contains(
            "first call: <@U0ANA> → <@U0BEN> on Accessibility; next: <@U0BEN> → <@U0ANA> on Writing"
        ),
        "{intro}"
    );
}

#[tokio::test]
async fn without_complementary_skills_the_agenda_falls_back_to_a_shared_interest() {
    moto_or_skip!();
    let h = Harness::new().await;
    // Both offer and want the same: nobody can help the other, but the form
    // gives both Research and Writing as interests.
    h.sign_up("U0ANA", &["Data"], &["Backend"], "new").await;
    h.sign_up("U0BEN", &["Data"], &["Backend"], "new").await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let ana = pairing_dm(&h.dms_to("U0ANA").await, DECEMBER_LABEL);
    assert!(
        ana.contains("A suggested agenda:* first call: trade what you each know about Research"),
        "{ana}"
    );
    assert!(!ana.contains("→"), "{ana}");
}

async fn partner_of(h: &Harness, round: &str, user: &str) -> Option<String> {
    use mentor_domain::ports::Rounds;
    h.store
        .groups(round.parse().unwrap())
        .await
        .unwrap()
        .into_iter()
        .find(|g| g.is_live() && g.active_members().any(|m| m.as_str() == user))
        .and_then(|g| {
            g.active_members()
                .find(|m| m.as_str() != user)
                .map(|m| m.0.clone())
        })
}

/// Cat and Dan want what nobody offers: without a block, Ana and Ben are
/// by far each other's best partner.
async fn four_with_one_obvious_pair(h: &Harness) {
    ana_and_ben(h).await;
    h.sign_up("U0CAT", &["Data"], &["Backend"], "new").await;
    h.sign_up("U0DAN", &["Data"], &["Backend"], "new").await;
}

#[tokio::test]
async fn a_member_who_blocks_someone_is_never_paired_with_them_and_they_never_learn_it() {
    moto_or_skip!();
    let h = Harness::new().await;
    four_with_one_obvious_pair(&h).await;
    h.send_event(&dm("Ev-block", "U0ANA", "block <@U0BEN>"))
        .await;

    let said = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(said.contains("I'll never pair you with <@U0BEN>"), "{said}");
    assert!(said.contains("They won't be told"), "{said}");
    assert_eq!(member(&h, "U0ANA").await.blocked, vec!["U0BEN".into()]);
    // The App Home lists Ben, privately, with an Unblock button.
    let home = h.slack_calls("views.publish").await;
    let home = home.last().expect("home refreshed");
    assert_eq!(home["user_id"], "U0ANA");
    let text = readable(&home["view"]);
    assert!(
        text.contains("Never pair me with") && text.contains("<@U0BEN>"),
        "{text}"
    );
    assert!(action_ids(&home["view"]).contains(&"unblock.U0BEN".to_string()));

    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let partner = partner_of(&h, "2026-12", "U0ANA")
        .await
        .expect("Ana paired");
    assert_ne!(partner, "U0BEN");
    assert!(
        partner_of(&h, "2026-12", "U0BEN").await.is_some(),
        "Ben paired"
    );
    for m in h.dms_to("U0BEN").await {
        let t = readable(&m).to_lowercase();
        assert!(
            !t.contains("block") && !t.contains("u0ana"),
            "Ben learnt it: {t}"
        );
    }
}

#[tokio::test]
async fn unblock_from_the_confirmation_undoes_the_block_and_they_can_be_paired_again() {
    moto_or_skip!();
    let h = Harness::new().await;
    ana_and_ben(&h).await;
    h.send_event(&dm("Ev-block", "U0ANA", "never pair me with <@U0BEN>"))
        .await;
    let confirmation = h.dms_to("U0ANA").await.last().cloned().unwrap();
    assert_eq!(action_ids(&confirmation), vec!["unblock.U0BEN".to_string()]);
    h.send_interaction(&click("U0ANA", "unblock.U0BEN", "U0BEN", "undo-1"))
        .await;
    let said = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(
        said.contains("<@U0BEN> can be paired with you again"),
        "{said}"
    );
    assert!(member(&h, "U0ANA").await.blocked.is_empty());
    // Typed again it says nothing changed.
    h.send_event(&dm("Ev-unblock", "U0ANA", "unblock <@U0BEN>"))
        .await;
    let said = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(said.contains("isn't on your"), "{said}");

    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    assert_eq!(
        partner_of(&h, "2026-12", "U0ANA").await.as_deref(),
        Some("U0BEN")
    );
}

#[tokio::test]
async fn block_without_a_name_or_of_oneself_explains_and_stores_nothing() {
    moto_or_skip!();
    let h = Harness::new().await;
    ana_and_ben(&h).await;
    h.send_event(&dm("Ev-b1", "U0ANA", "block")).await;
    let said = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(said.contains("Who do you mean?"), "{said}");
    h.send_event(&dm("Ev-b2", "U0ANA", "block <@U0ANA>")).await;
    let said = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(said.contains("You can't block yourself"), "{said}");
    // In a channel, the answer comes by DM and the ephemeral note says to use a DM.
    h.send_event(&mention("Ev-b3", "U0ANA", "block <@U0BEN>"))
        .await;
    let eph = h.slack_calls("chat.postEphemeral").await;
    assert!(readable(eph.last().unwrap()).contains("in a DM next time"));
    assert_eq!(member(&h, "U0ANA").await.blocked, vec!["U0BEN".into()]);
}

async fn open_home(h: &Harness, user: &str, n: u32) -> Value {
    h.send_event(&event(
        &format!("Ev-home-{user}-{n}"),
        serde_json::json!({"type": "app_home_opened", "user": user, "tab": "home"}),
    ))
    .await;
    home_of(h, user).await
}

async fn home_of(h: &Harness, user: &str) -> Value {
    latest_home(h, user).await
}

#[tokio::test]
async fn the_app_home_shows_past_partners_by_month_with_why_and_my_check_ins() {
    moto_or_skip!();
    let h = Harness::new().await;
    ana_and_ben(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    h.set_time("2026-12-08T09:05:00Z");
    h.tick().await;
    let v = button_value(&h, "U0ANA", "checkin_met").await;
    h.send_interaction(&click("U0ANA", "checkin_met", &v, "ci-ana"))
        .await;

    let home = open_home(&h, "U0ANA", 1).await;
    let text = readable(&home);
    assert!(text.contains("Your pairings"), "{text}");
    assert!(text.contains("*December 2026* · with <@U0BEN>"), "{text}");
    assert!(
        text.contains(
            "Why: You can help <@U0BEN> with Accessibility; <@U0BEN> can help you with Writing"
        ),
        "{text}"
    );
    assert!(text.contains("Your check-ins: day 7: met"), "{text}");
    // Ben's answers are his own: not in Ana's history.
    assert_eq!(text.matches("Your check-ins").count(), 1, "{text}");
    assert!(action_ids(&home).contains(&"happy_again.U0BEN".to_string()));
    let ben_home = readable(&open_home(&h, "U0BEN", 2).await);
    assert!(!ben_home.contains("Your check-ins"), "{ben_home}");
}

#[tokio::test]
async fn happy_to_be_paired_again_is_stored_privately_and_can_be_undone() {
    moto_or_skip!();
    let h = Harness::new().await;
    ana_and_ben(&h).await;
    h.sign_up("U0CAT", &["Data"], &["Backend"], "new").await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let ben_dms_before = h.dms_to("U0BEN").await.len();

    h.send_interaction(&click("U0ANA", "happy_again", "U0BEN", "home-1"))
        .await;
    assert_eq!(member(&h, "U0ANA").await.happy_again, vec!["U0BEN".into()]);
    let home = home_of(&h, "U0ANA").await;
    assert!(readable(&home).contains("<@U0BEN> ✓"));
    assert!(action_ids(&home).contains(&"happy_again_undo.U0BEN".to_string()));
    assert_eq!(
        h.dms_to("U0BEN").await.len(),
        ben_dms_before,
        "Ben is not told"
    );

    // Someone Ana was never paired with can't be marked.
    let stranger = if partner_of(&h, "2026-12", "U0ANA").await.as_deref() == Some("U0CAT") {
        "U0DAN"
    } else {
        "U0ZED"
    };
    h.send_interaction(&click("U0ANA", "happy_again", stranger, "home-2"))
        .await;
    let said = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(said.contains("someone you've been paired with"), "{said}");
    assert_eq!(member(&h, "U0ANA").await.happy_again, vec!["U0BEN".into()]);

    h.send_interaction(&click("U0ANA", "happy_again_undo", "U0BEN", "home-3"))
        .await;
    assert!(member(&h, "U0ANA").await.happy_again.is_empty());
}

/// December pairs Ana with Ben (and Cat with Dan); everyone stays in for
/// January, when Eve and Fay join. `marks` say who marks whom in between.
async fn january_partner_of_ana(marks: &[(&str, &str)]) -> String {
    let h = Harness::new().await;
    four_with_one_obvious_pair(&h).await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    assert_eq!(
        partner_of(&h, "2026-12", "U0ANA").await.as_deref(),
        Some("U0BEN")
    );
    for (i, (who, whom)) in marks.iter().enumerate() {
        h.send_interaction(&click(who, "happy_again", whom, &format!("m-{i}")))
            .await;
    }
    h.set_time("2026-12-25T09:05:00Z");
    h.tick().await;
    for u in ["U0ANA", "U0BEN", "U0CAT", "U0DAN"] {
        let v = button_value(&h, u, "reconfirm_yes").await;
        h.send_interaction(&click(u, "reconfirm_yes", &v, &format!("rc-{u}")))
            .await;
    }
    h.sign_up("U0EVE", &["Data"], &["Backend"], "new").await;
    h.sign_up("U0FAY", &["Data"], &["Backend"], "new").await;
    h.set_time("2027-01-01T09:05:00Z");
    h.tick().await;
    let partner = partner_of(&h, "2027-01", "U0ANA")
        .await
        .expect("Ana paired");
    if partner == "U0BEN" {
        let dm = pairing_dm(&h.dms_to("U0ANA").await, "January 2027");
        assert!(
            dm.contains("you were paired 1 round ago and both said you'd happily pair again"),
            "{dm}"
        );
    }
    partner
}

#[tokio::test]
async fn two_happy_again_marks_pair_them_again_in_january_and_one_mark_does_not() {
    moto_or_skip!();
    let both = january_partner_of_ana(&[("U0ANA", "U0BEN"), ("U0BEN", "U0ANA")]).await;
    assert_eq!(both, "U0BEN");
    let one = january_partner_of_ana(&[("U0ANA", "U0BEN")]).await;
    assert_ne!(one, "U0BEN");
}

/// A profile submission that also carries the sign-up goal.
fn submission_with_goal(user: &str, offers: &[&str], wants: &[&str], goal: &str) -> Value {
    let mut sub = profile_submission(user, "Europe/Lisbon", offers, wants, "new");
    sub["view"]["state"]["values"]["goal"] =
        serde_json::json!({"goal": {"type": "plain_text_input", "value": goal}});
    sub
}

fn goal_submission(user: &str, round: &str, goal: &str, n: u32) -> Value {
    text_submission(user, "goal_form", "goal", round, goal, n)
}

const ANA_GOAL: &str = "Give my first conference talk <!channel>";
const ANA_GOAL_SHOWN: &str = "Give my first conference talk &lt;!channel&gt;";

#[tokio::test]
async fn a_goal_set_at_sign_up_is_shown_only_to_the_partner_and_asked_about_at_the_last_check_in() {
    moto_or_skip!();
    let h = Harness::new().await;
    h.send_event(&dm("Ev-hi", "U0ANA", "hi")).await;
    h.send_interaction(&click("U0ANA", "open_profile", "", "w-1"))
        .await;
    let form = &h.slack_calls("views.open").await[0]["view"];
    let goal_field = form["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "goal")
        .expect("the sign-up form asks for a goal");
    assert_eq!(goal_field["optional"], true);
    assert!(
        goal_field
            .to_string()
            .contains("Your goal for December 2026 (optional)")
    );
    let (_, body) = h
        .send_interaction(&submission_with_goal(
            "U0ANA",
            &["Accessibility"],
            &["Writing"],
            ANA_GOAL,
        ))
        .await;
    assert!(body.is_empty(), "{body}");
    let saved = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(
        saved.contains(&format!("Your goal for December 2026: “{ANA_GOAL_SHOWN}”")),
        "{saved}"
    );
    let goal = member(&h, "U0ANA").await.goal.expect("goal stored");
    assert_eq!(
        (goal.round.to_string(), goal.text.as_str()),
        ("2026-12".into(), ANA_GOAL)
    );
    h.sign_up("U0BEN", &["Writing"], &["Accessibility"], "seven_plus")
        .await;

    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let ben = pairing_dm(&h.dms_to("U0BEN").await, DECEMBER_LABEL);
    assert!(
        ben.contains(&format!("<@U0ANA>'s goal this month:* “{ANA_GOAL_SHOWN}”")),
        "{ben}"
    );
    let ana = pairing_dm(&h.dms_to("U0ANA").await, DECEMBER_LABEL);
    assert!(!ana.contains("goal this month"), "{ana}");

    h.set_time("2026-12-08T09:05:00Z");
    h.tick().await;
    assert!(!readable(h.dms_to("U0ANA").await.last().unwrap()).contains("How did it go?"));
    h.set_time("2026-12-22T09:05:00Z");
    h.tick().await;
    let last = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(
        last.contains(&format!(
            "Your goal this month was* “{ANA_GOAL_SHOWN}”. How did it go?"
        )),
        "{last}"
    );
    assert!(!readable(h.dms_to("U0BEN").await.last().unwrap()).contains("How did it go?"));
    h.send_interaction(&click("U0ANA", "goal_reached", "2026-12", "g-1"))
        .await;
    assert!(readable(h.dms_to("U0ANA").await.last().unwrap()).contains("Congratulations!"));
    assert_eq!(
        member(&h, "U0ANA").await.goal.unwrap().outcome,
        Some(mentor_domain::model::GoalOutcome::Reached)
    );

    // Nobody but Ana and her partner ever read it: not the group DM, not moderators.
    for m in h.slack_calls("chat.postMessage").await {
        if readable(&m).contains("first conference talk") {
            let ch = m["channel"].as_str().unwrap_or_default();
            assert!(
                ch == "DU0ANA" || ch == "DU0BEN" || ch == "U0ANA" || ch == "U0BEN",
                "{ch}"
            );
        }
    }
}

#[tokio::test]
async fn the_stay_in_question_offers_an_optional_goal_in_a_modal_that_can_be_changed_or_cleared() {
    moto_or_skip!();
    let h = Harness::new().await;
    h.sign_up("U0ANA", &["Accessibility"], &["Writing"], "new")
        .await;
    h.set_time("2026-12-25T09:05:00Z");
    h.tick().await;
    let v = button_value(&h, "U0ANA", "open_goal").await;
    assert_eq!(v, "2027-01");
    h.send_interaction(&click("U0ANA", "open_goal", &v, "rc-goal"))
        .await;
    let view = h.slack_calls("views.open").await.last().unwrap()["view"].clone();
    assert_eq!(view["callback_id"], "goal_form");
    assert_eq!(view["private_metadata"], "2027-01");

    let too_long = "x".repeat(151);
    let (_, body) = h
        .send_interaction(&goal_submission("U0ANA", "2027-01", &too_long, 1))
        .await;
    assert!(
        body.contains("\"goal\"") && body.contains("150 characters"),
        "{body}"
    );
    assert!(member(&h, "U0ANA").await.goal.is_none());

    let (status, body) = h
        .send_interaction(&goal_submission(
            "U0ANA",
            "2027-01",
            "Learn SQL window functions",
            2,
        ))
        .await;
    assert_eq!(status.as_u16(), 200);
    assert!(body.is_empty(), "{body}");
    let said = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(
        said.contains("Your goal for January 2027: “Learn SQL window functions”"),
        "{said}"
    );
    assert_eq!(
        member(&h, "U0ANA").await.goal.map(|g| g.text),
        Some("Learn SQL window functions".into())
    );
    // Opening it again shows the goal; saving it empty clears it.
    h.send_interaction(&click("U0ANA", "open_goal", &v, "rc-goal-2"))
        .await;
    let view = h.slack_calls("views.open").await.last().unwrap()["view"].clone();
    assert!(view.to_string().contains("Learn SQL window functions"));
    h.send_interaction(&goal_submission("U0ANA", "2027-01", "  ", 3))
        .await;
    let said = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(said.contains("no goal for January 2027"), "{said}");
    assert!(member(&h, "U0ANA").await.goal.is_none());
}

#[tokio::test]
async fn a_trio_gets_an_agenda_that_goes_round_so_everyone_gives_and_receives() {
    moto_or_skip!();
    let h = Harness::new().await;
    // Ana can help Cat, Cat can help Ben, Ben can help Ana: three people, one trio.
    h.sign_up("U0ANA", &["Accessibility"], &["Writing"], "new")
        .await;
    h.sign_up("U0BEN", &["Writing"], &["Data"], "seven_plus")
        .await;
    h.sign_up("U0CAT", &["Data"], &["Accessibility"], "three_to_seven")
        .await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let mut texts = Vec::new();
    for u in ["U0ANA", "U0BEN", "U0CAT"] {
        let t = pairing_dm(&h.dms_to(u).await, DECEMBER_LABEL);
        assert!(
            t.contains("first call: ") && t.contains("; next: ") && t.contains("; then: "),
            "{t}"
        );
        texts.push(t);
    }
    assert!(
        texts[0].contains("you → <@U0CAT> on Accessibility"),
        "{}",
        texts[0]
    );
    assert!(
        texts[0].contains("<@U0BEN> → you on Writing"),
        "{}",
        texts[0]
    );
    assert!(
        texts[1].contains("you → <@U0ANA> on Writing"),
        "{}",
        texts[1]
    );
    assert!(texts[1].contains("<@U0CAT> → you on Data"), "{}", texts[1]);
    assert!(texts[2].contains("you → <@U0BEN> on Data"), "{}", texts[2]);
}

#[tokio::test]
async fn picking_someone_in_the_app_home_blocks_them_with_the_same_confirmation() {
    moto_or_skip!();
    let h = Harness::new().await;
    ana_and_ben(&h).await;
    let home = open_home(&h, "U0ANA", 1).await;
    let picker = home["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .find(|e| e["type"] == "users_select")
        .expect("a person picker in the App Home");
    let action_id = picker["action_id"].as_str().unwrap().to_string();
    let pick = serde_json::json!({
        "type": "block_actions",
        "user": {"id": "U0ANA"},
        "trigger_id": "trigger-pick",
        "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "hash": "hh-1"},
        "actions": [{"action_id": action_id, "type": "users_select",
                     "selected_user": "U0BEN", "action_ts": "9.1"}],
    });
    let (status, _) = h.send_interaction(&pick).await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(member(&h, "U0ANA").await.blocked, vec!["U0BEN".into()]);
    let said = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(said.contains("I'll never pair you with <@U0BEN>"), "{said}");
    let home = home_of(&h, "U0ANA").await;
    assert!(action_ids(&home).contains(&"unblock.U0BEN".to_string()));
}

#[tokio::test]
async fn a_goal_form_left_open_until_its_round_ended_is_refused_on_its_field_and_changes_nothing() {
    moto_or_skip!();
    let h = Harness::new().await;
    h.sign_up("U0ANA", &["Accessibility"], &["Writing"], "new")
        .await;
    // The form for December 2026 is submitted in January.
    h.set_time("2027-01-03T10:00:00Z");
    let (status, body) = h
        .send_interaction(&goal_submission("U0ANA", "2026-12", "Learn SQL", 1))
        .await;
    assert_eq!(status.as_u16(), 200);
    assert!(
        body.contains("\"goal\"") && body.contains("December 2026 is over."),
        "{body}"
    );
    assert!(member(&h, "U0ANA").await.goal.is_none());
}
