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

/// Ana can help with Accessibility and wants Writing; Ben the other way round.
async fn ana_and_ben(h: &Harness) {
    h.sign_up("U0ANA", &["Accessibility"], &["Writing"], "new")
        .await;
    h.sign_up("U0BEN", &["Writing"], &["Accessibility"], "seven_plus")
        .await;
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
