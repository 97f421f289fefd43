//! Feedback at the end of a round (issue 13 point 7), through signed
//! requests against moto and the mock Slack API: the rating under the last
//! check-in, the private note to the moderators, and `/mentoring stats`.

use integration_tests::*;
use mentor_domain::feedback::Rating;
use serde_json::Value;

const DEC: &str = "2026-12";

/// Ana and Ben, paired on 1 December 2026, with both December check-ins sent.
async fn paired_through_december(h: &Harness) {
    h.sign_up("U0ANA", &["Accessibility"], &["Writing"], "new")
        .await;
    h.sign_up("U0BEN", &["Writing"], &["Accessibility"], "seven_plus")
        .await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    h.set_time("2026-12-08T09:05:00Z");
    h.tick().await;
    h.set_time("2026-12-22T09:05:00Z");
    h.tick().await;
}

async fn member(h: &Harness, user: &str) -> Option<mentor_domain::model::Member> {
    use mentor_domain::ports::Members;
    h.store
        .get(&mentor_domain::UserId::new(user))
        .await
        .unwrap()
}

async fn stored_rating(h: &Harness, user: &str) -> Option<u8> {
    let m = member(h, user).await.expect("member stored");
    m.feedback
        .get(&DEC.parse().unwrap())
        .and_then(|f| f.rating)
        .map(Rating::stars)
}

fn note_submission(user: &str, round: &str, note: &str, n: u32) -> Value {
    text_submission(user, "feedback_note", "note", round, note, n)
}

/// What `/mentoring stats` shows `user`.
async fn stats(h: &Harness, user: &str) -> String {
    let (status, body) = h.send_command(user, "stats").await;
    assert_eq!(status, 200, "{body}");
    readable(&serde_json::from_str(&body).unwrap())
}

#[tokio::test]
async fn only_the_last_check_in_asks_for_a_rating_and_a_second_rating_replaces_the_first() {
    moto_or_skip!();
    let h = Harness::new().await;
    paired_through_december(&h).await;
    let first = message_with(&h, "U0ANA", "checkin_met").await;
    let dms = h.dms_to("U0ANA").await;
    let day7 = dms
        .iter()
        .find(|m| action_ids(m).contains(&"checkin_met".to_string()))
        .unwrap();
    assert!(!action_ids(day7).iter().any(|a| a.starts_with("rate")));
    let text = readable(&first);
    assert!(
        text.contains("How was your pairing in December 2026?"),
        "{text}"
    );
    let ids = action_ids(&first);
    for n in 1..=5 {
        assert!(ids.contains(&format!("rate.{n}")), "{ids:?}");
    }
    // Ben's last check-in asks him too, for the same group.
    let ben = message_with(&h, "U0BEN", "rate.5").await;
    assert_eq!(value_of(&ben, "rate.5"), value_of(&first, "rate.5"));

    // Ana clicks four stars on the check-in itself: the check-in shows it,
    // keeps "have you met?" and the other ratings, and offers the note.
    let dms_before = h.dms_to("U0ANA").await.len();
    h.send_interaction(&click_on("U0ANA", &first, "rate.4", "1766394300.000100"))
        .await;
    assert_eq!(h.dms_to("U0ANA").await.len(), dms_before, "no new DM");
    let updated = h
        .updates()
        .await
        .last()
        .cloned()
        .expect("answered in place");
    let text = readable(&updated);
    assert!(text.contains("✅ You chose *⭐⭐⭐⭐*"), "{text}");
    assert!(
        text.contains("Thanks! You rated December 2026 ⭐⭐⭐⭐"),
        "{text}"
    );
    let ids = action_ids(&updated);
    assert!(ids.contains(&"checkin_met".to_string()), "{ids:?}");
    // Every rating stays (it can change), the one picked marked.
    assert!(ids.contains(&"rate.2".to_string()) && ids.contains(&"rate.4".to_string()));
    assert!(ids.contains(&"open_feedback_note".to_string()), "{ids:?}");
    assert_eq!(stored_rating(&h, "U0ANA").await, Some(4));

    // A double click changes nothing.
    h.send_interaction(&click_on("U0ANA", &first, "rate.4", "1766394300.000100"))
        .await;
    assert_eq!(h.updates().await.len(), 1, "a double click is ignored");

    // Two stars instead: it replaces the four, counted once.
    h.send_interaction(&click_on("U0ANA", &updated, "rate.2", "1766394300.000100"))
        .await;
    let text = readable(h.updates().await.last().unwrap());
    assert!(
        text.contains("Updated: ⭐⭐ for December 2026 (instead of ⭐⭐⭐⭐)"),
        "{text}"
    );
    // Only the latest rating shows as chosen.
    assert!(!text.contains("✅ You chose *⭐⭐⭐⭐*"), "{text}");
    assert!(!text.contains("Thanks! You rated"), "{text}");
    assert_eq!(stored_rating(&h, "U0ANA").await, Some(2));
    let shown = stats(&h, MODERATOR).await;
    assert!(
        shown.contains("December 2026: 1 pair, 0 met (0%), average rating 2.0 from 1 rating"),
        "{shown}"
    );

    // Ben never sees Ana's rating: not in his DMs, not in the group DM.
    for m in h.slack_calls("chat.postMessage").await {
        if m["channel"] != "DU0ANA" && m["channel"] != "U0ANA" {
            assert!(!readable(&m).contains("You rated"), "{m}");
        }
    }
    assert_eq!(stored_rating(&h, "U0BEN").await, None);
}

#[tokio::test]
async fn stats_show_per_round_the_share_of_pairs_who_met_and_the_average_rating() {
    moto_or_skip!();
    let h = Harness::new().await;
    paired_through_december(&h).await;
    let before = stats(&h, MODERATOR).await;
    assert!(
        before.contains("December 2026: 1 pair, 0 met (0%), no ratings yet"),
        "{before}"
    );
    // Ben says they met (the check-in), then both rate.
    let ben = message_with(&h, "U0BEN", "checkin_met").await;
    let v = value_of(&ben, "checkin_met");
    h.send_interaction(&click("U0BEN", "checkin_met", &v, "ben-met"))
        .await;
    let rate = value_of(&ben, "rate.5");
    h.send_interaction(&click("U0BEN", "rate.5", &rate, "ben-5"))
        .await;
    let ana = message_with(&h, "U0ANA", "rate.4").await;
    h.send_interaction(&click(
        "U0ANA",
        "rate.4",
        &value_of(&ana, "rate.4"),
        "ana-4",
    ))
    .await;
    // The thanks came by DM (a click without its message), with the note button.
    let thanks = h.dms_to("U0ANA").await.last().cloned().unwrap();
    assert!(readable(&thanks).contains("You rated December 2026 ⭐⭐⭐⭐"));
    assert_eq!(action_ids(&thanks), ["open_feedback_note"]);

    let shown = stats(&h, MODERATOR).await;
    assert!(
        shown.contains("December 2026: 1 pair, 1 met (100%), average rating 4.5 from 2 ratings"),
        "{shown}"
    );
    // Members can't read stats, so never anyone's rating.
    let refused = stats(&h, "U0BEN").await;
    assert!(
        refused.contains("for the programme's moderators"),
        "{refused}"
    );
    assert!(!refused.contains("rating"), "{refused}");
}

#[tokio::test]
async fn a_rating_for_a_pairing_that_was_not_yours_is_refused_and_nothing_is_stored() {
    moto_or_skip!();
    let h = Harness::new().await;
    paired_through_december(&h).await;
    h.sign_up("U0CY", &["Data"], &["Backend"], "new").await;
    let ana = message_with(&h, "U0ANA", "rate.5").await;
    h.send_interaction(&click("U0CY", "rate.5", &value_of(&ana, "rate.5"), "cy-5"))
        .await;
    let said = readable(h.dms_to("U0CY").await.last().unwrap());
    assert!(
        said.contains("I don't have a pairing of yours in December 2026 to rate"),
        "{said}"
    );
    assert!(member(&h, "U0CY").await.unwrap().feedback.is_empty());
    // A note for that round is refused in the form too.
    let (_, body) = h
        .send_interaction(&note_submission("U0CY", DEC, "hello", 1))
        .await;
    assert!(
        body.contains("\"note\"")
            && body.contains("You weren't paired in December 2026, so there's no pairing"),
        "{body}"
    );
    assert!(member(&h, "U0CY").await.unwrap().feedback.is_empty());
}

const NOTE: &str = "We met twice <!channel>; the tips on writing helped a lot.";
const NOTE_SHOWN: &str = "We met twice &lt;!channel&gt;; the tips on writing helped a lot.";

#[tokio::test]
async fn a_private_note_reaches_only_the_moderators_and_goes_with_delete_my_data() {
    moto_or_skip!();
    let h = Harness::new().await;
    paired_through_december(&h).await;
    let ana = message_with(&h, "U0ANA", "rate.5").await;
    h.send_interaction(&click(
        "U0ANA",
        "rate.5",
        &value_of(&ana, "rate.5"),
        "ana-5",
    ))
    .await;
    // "Add a private note" opens the modal for December.
    h.send_interaction(&click("U0ANA", "open_feedback_note", DEC, "ana-note"))
        .await;
    let view = h.slack_calls("views.open").await.last().unwrap()["view"].clone();
    assert_eq!(view["callback_id"], "feedback_note");
    assert_eq!(view["private_metadata"], DEC);
    assert!(view.to_string().contains("Only the moderators read it"));

    let too_long = "x".repeat(1001);
    let (_, body) = h
        .send_interaction(&note_submission("U0ANA", DEC, &too_long, 1))
        .await;
    assert!(body.contains("1000 characters"), "{body}");

    let (status, body) = h
        .send_interaction(&note_submission("U0ANA", DEC, NOTE, 2))
        .await;
    assert_eq!(status, 200);
    assert!(body.is_empty(), "{body}");
    let said = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(
        said.contains("Your note about December 2026 is with the moderators"),
        "{said}"
    );
    let stored = member(&h, "U0ANA").await.unwrap().feedback[&DEC.parse().unwrap()].clone();
    assert_eq!(stored.note.as_deref(), Some(NOTE));
    assert_eq!(stored.rating.map(Rating::stars), Some(5));

    // The moderators read it in /mentoring stats, escaped; nobody else can.
    let shown = stats(&h, MODERATOR).await;
    assert!(
        shown.contains(&format!(
            "<@U0ANA> on December 2026, rated 5 of 5: “{NOTE_SHOWN}”"
        )),
        "{shown}"
    );
    assert!(shown.contains("1 private note"), "{shown}");
    assert!(!stats(&h, "U0BEN").await.contains("tips on writing"));
    // Ana sees her own note in `my data`; no message to anyone else carries it.
    h.send_event(&dm("Ev-mydata", "U0ANA", "my data")).await;
    let mine = readable(h.dms_to("U0ANA").await.last().unwrap());
    assert!(
        mine.contains(&format!(
            "December 2026: rated 5 of 5; your note to the moderators: “{NOTE_SHOWN}”"
        )),
        "{mine}"
    );
    for m in h.slack_calls("chat.postMessage").await {
        if readable(&m).contains("tips on writing") {
            assert!(m["channel"] == "DU0ANA" || m["channel"] == "U0ANA", "{m}");
        }
    }

    // Opening it again shows the note; `delete my data` removes it everywhere.
    h.send_interaction(&click("U0ANA", "open_feedback_note", DEC, "ana-note-2"))
        .await;
    let view = h.slack_calls("views.open").await.last().unwrap()["view"].clone();
    assert!(view.to_string().contains("tips on writing"), "{view}");
    h.send_event(&dm("Ev-del", "U0ANA", "delete my data")).await;
    h.send_interaction(&click("U0ANA", "delete_confirm", "", "del-1"))
        .await;
    assert!(member(&h, "U0ANA").await.is_none());
    for item in h.scan_all().await {
        assert!(!item.contains("tips on writing"), "{item}");
    }
    let after = stats(&h, MODERATOR).await;
    assert!(!after.contains("tips on writing"), "{after}");
    assert!(after.contains("no ratings yet"), "{after}");
}

#[tokio::test]
async fn a_note_sent_empty_takes_it_back() {
    moto_or_skip!();
    let h = Harness::new().await;
    paired_through_december(&h).await;
    h.send_interaction(&note_submission("U0BEN", DEC, "Thanks for this", 1))
        .await;
    assert!(stats(&h, MODERATOR).await.contains("Thanks for this"));
    h.send_interaction(&note_submission("U0BEN", DEC, "  ", 2))
        .await;
    let said = readable(h.dms_to("U0BEN").await.last().unwrap());
    assert!(
        said.contains("no note about December 2026 any more"),
        "{said}"
    );
    assert!(member(&h, "U0BEN").await.unwrap().feedback.is_empty());
    assert!(!stats(&h, MODERATOR).await.contains("Thanks for this"));
}

#[tokio::test]
async fn feedback_round_trips_through_dynamodb_on_the_member_item() {
    moto_or_skip!();
    use mentor_domain::feedback::Feedback;
    use mentor_domain::ports::Members;
    let h = Harness::new().await;
    h.sign_up("U0ANA", &["Accessibility"], &["Writing"], "new")
        .await;
    let mut m = member(&h, "U0ANA").await.unwrap();
    assert!(m.feedback.is_empty(), "a new member has none");
    let dec: mentor_domain::RoundId = DEC.parse().unwrap();
    m.feedback.insert(
        dec,
        Feedback {
            rating: Rating::new(3),
            note: Some("line one\nline two — “ü” <@U0BEN>".into()),
            at: utc("2026-12-22T10:00:00Z"),
        },
    );
    m.feedback.insert(
        dec.prev(),
        Feedback {
            rating: None,
            note: Some("only a note".into()),
            at: utc("2026-11-22T10:00:00Z"),
        },
    );
    m.version += 1;
    assert!(h.store.update(&m).await.unwrap());
    let back = member(&h, "U0ANA").await.unwrap();
    assert_eq!(back.feedback, m.feedback);
    // Listed members (GSI1) carry it too: `/mentoring stats` reads them so.
    let listed = h.store.list().await.unwrap();
    let ana = listed.iter().find(|x| x.id.as_str() == "U0ANA").unwrap();
    assert_eq!(ana.feedback, m.feedback);
}

#[tokio::test]
async fn the_next_rounds_summary_tells_moderators_how_the_last_round_went_without_the_notes() {
    moto_or_skip!();
    let h = Harness::new().await;
    paired_through_december(&h).await;
    let ben = message_with(&h, "U0BEN", "checkin_met").await;
    h.send_interaction(&click(
        "U0BEN",
        "checkin_met",
        &value_of(&ben, "checkin_met"),
        "ben-met",
    ))
    .await;
    h.send_interaction(&click("U0BEN", "rate.5", &value_of(&ben, "rate.5"), "b5"))
        .await;
    h.send_interaction(&click("U0ANA", "rate.3", &value_of(&ben, "rate.3"), "a3"))
        .await;
    h.send_interaction(&note_submission(
        "U0ANA",
        DEC,
        "Private: scheduling was hard",
        1,
    ))
    .await;
    // Both stay in for January.
    h.set_time("2026-12-25T09:05:00Z");
    h.tick().await;
    for user in ["U0ANA", "U0BEN"] {
        h.send_interaction(&click(
            user,
            "reconfirm_yes",
            "2027-01",
            &format!("rc-{user}"),
        ))
        .await;
    }
    h.set_time("2027-01-01T09:05:00Z");
    h.tick().await;
    let summary = h
        .dms_to(MODERATOR)
        .await
        .iter()
        .map(readable)
        .find(|t| t.contains("January 2027 is paired"))
        .expect("the moderators' summary");
    assert!(
        summary.contains(
            "*How December 2026 went:* 1 pair, 1 met (100%), average rating 4.0 from 2 ratings, 1 private note. `/mentoring stats` shows the notes."
        ),
        "{summary}"
    );
    assert!(!summary.contains("scheduling was hard"), "{summary}");
    // Stats now list both rounds, newest first, and the note.
    let shown = stats(&h, MODERATOR).await;
    let jan = shown
        .find("January 2027: 1 pair, 0 met (0%), no ratings yet")
        .expect(&shown);
    let dec = shown
        .find("December 2026: 1 pair, 1 met (100%), average rating 4.0 from 2 ratings, 1 private note")
        .expect(&shown);
    assert!(jan < dec, "{shown}");
    assert!(shown.contains("scheduling was hard"), "{shown}");
}

#[tokio::test]
async fn a_note_past_the_retention_period_is_no_longer_shown_even_if_its_author_never_rates_again()
{
    moto_or_skip!();
    let mut cfg = mentor_domain::ProgrammeConfig::example();
    cfg.retention = mentor_domain::privacy::Retention::months(6);
    let h = Harness::with(cfg, utc("2026-11-25T12:00:00Z")).await;
    paired_through_december(&h).await;
    h.send_interaction(&note_submission("U0BEN", DEC, "Thanks for this", 1))
        .await;
    h.deliver().await;
    assert!(stats(&h, MODERATOR).await.contains("Thanks for this"));
    // July 2027: December 2026 is past the six months kept; Ben never rated again.
    h.set_time("2027-07-05T10:00:00Z");
    let shown = stats(&h, MODERATOR).await;
    assert!(!shown.contains("Thanks for this"), "{shown}");
    h.send_event(&dm("Ev-ben-data", "U0BEN", "my data")).await;
    h.deliver().await;
    let data = readable(h.dms_to("U0BEN").await.last().unwrap());
    assert!(data.contains("What I store about you"), "{data}");
    assert!(!data.contains("Thanks for this"), "{data}");
    assert!(!data.contains("rated"), "{data}");
    // The day's tick removes it from his item too.
    h.tick().await;
    let ben = member(&h, "U0BEN").await.expect("Ben stays a member");
    assert!(ben.feedback.is_empty(), "{:?}", ben.feedback);
}
