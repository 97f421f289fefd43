//! The logs of a whole member lifecycle, captured: Slack ids at most, never a
//! profile answer, a message text, a token or a secret. One test in its own
//! binary, because it installs the process-wide log subscriber.

use std::io::Write;
use std::sync::{Arc, Mutex};

use integration_tests::*;
use mentor_domain::ProgrammeConfig;
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, ResponseTemplate};

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).to_string()
    }
}

const DORA: &str = "U0DORA";
/// Dora's goal of the month (free text).
const DORA_GOAL: &str = "Finish the lace shawl pattern book";
/// Things Dora answers or types, and the bot's own secrets: none may be logged.
const NEVER_LOGGED: [&str; 10] = [
    "Pacific/Chatham",
    DORA_GOAL,
    "Knitting",
    "Origami",
    "my cat ate the agenda",
    "What I store about you",
    "Your partner for",
    "xoxb-test",
    SECRET,
    mentor_domain::privacy::LOCAL_PSEUDONYM_KEY,
];

fn click_value(msgs: &[serde_json::Value], action: &str) -> String {
    msgs.iter()
        .rev()
        .flat_map(|m| m["blocks"].as_array().cloned().unwrap_or_default())
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .find(|e| e["action_id"] == action)
        .and_then(|e| e["value"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("no {action} button"))
}

#[tokio::test]
async fn a_whole_member_lifecycle_logs_no_answer_message_text_or_token() {
    moto_or_skip!();
    let logs = Captured::default();
    let sink = logs.clone();
    // Everything our crates log, at every level, in the production JSON format.
    let filter = "info,mentor_domain=trace,mentor_aws=trace,mentor_slack=trace,mentor_app=trace,\
                  slack_events=trace,slack_interactions=trace,scheduler=trace";
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(move || sink.clone())
        .init();

    let mut cfg = ProgrammeConfig::example();
    cfg.topics
        .extend(["Knitting".to_string(), "Origami".to_string()]);
    let h = Harness::with(cfg, utc("2026-11-20T10:00:00Z")).await;
    // Sign-up, with answers only Dora gives.
    h.send_event(&dm("Ev-1", DORA, "hi")).await;
    let mut signup = profile_submission(
        DORA,
        "Pacific/Chatham",
        &["Accessibility", "Origami"],
        &["Knitting"],
        "seven_plus",
    );
    signup["view"]["state"]["values"]["goal"] =
        json!({"goal": {"type": "plain_text_input", "value": DORA_GOAL}});
    h.send_interaction(&signup).await;
    h.sign_up("U0ANNA", &["Research"], &["Accessibility"], "new")
        .await;
    h.deliver().await;
    // Free text the bot does not understand, a status, "my data".
    h.send_event(&dm("Ev-2", DORA, "my cat ate the agenda"))
        .await;
    h.send_event(&dm("Ev-3", DORA, "status")).await;
    h.send_event(&dm("Ev-4", DORA, "my data")).await;
    h.deliver().await;
    // A round, a check-in, a silent partner, and a Slack error on one DM.
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    // Her goal reached her partner (so it went through the code paths).
    assert!(
        h.dms_to("U0ANNA")
            .await
            .iter()
            .any(|m| readable(m).contains(DORA_GOAL))
    );
    h.set_time("2026-12-08T09:05:00Z");
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .and(body_partial_json(json!({"channel": "U0ANNA"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"ok": false, "error": "ratelimited"})),
        )
        .up_to_n_times(1)
        .mount(&h.slack)
        .await;
    h.tick().await;
    let v = click_value(&h.dms_to(DORA).await, "checkin_unresponsive");
    h.send_interaction(&click(DORA, "checkin_unresponsive", &v, "c-1"))
        .await;
    h.send_event(&dm("Ev-5", DORA, "my partner isn't responding"))
        .await;
    h.deliver().await;
    h.set_time("2026-12-09T10:05:00Z");
    h.tick().await;
    // Pause, resume, opt out, opt in, and finally delete my data.
    for (i, text) in ["pause", "resume", "opt out", "opt in", "delete my data"]
        .iter()
        .enumerate()
    {
        h.send_event(&dm(&format!("Ev-{}", 10 + i), DORA, text))
            .await;
        h.deliver().await;
    }
    h.send_interaction(&click(DORA, "opt_out", "", "out-1"))
        .await;
    h.send_interaction(&click(DORA, "delete_confirm", "", "del-1"))
        .await;
    h.deliver().await;

    let text = logs.text();
    assert!(
        text.contains(DORA) && text.contains("member data deleted"),
        "the capture saw the lifecycle:\n{text}"
    );
    for secret in NEVER_LOGGED {
        let lines: Vec<&str> = text.lines().filter(|l| l.contains(secret)).collect();
        assert!(lines.is_empty(), "{secret:?} logged:\n{}", lines.join("\n"));
    }
}
