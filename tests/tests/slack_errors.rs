//! Slack error classes: an error about the bot's own token stops the work
//! without marking anyone; once the token is fixed the next tick delivers
//! everything that was not delivered, exactly once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use integration_tests::*;
use mentor_domain::UserId;
use mentor_domain::model::MemberStatus;
use mentor_domain::ports::Members;
use serde_json::json;
use wiremock::{Mock, Request, ResponseTemplate};

const MEMBERS: [&str; 4] = ["U0ANA", "U0BEA", "U0CAL", "U0DIA"];

/// Matches every Slack call while the bot user is deactivated.
struct Deactivated(Arc<AtomicBool>);

impl wiremock::Match for Deactivated {
    fn matches(&self, _: &Request) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

async fn deactivatable_bot(h: &Harness) -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    Mock::given(Deactivated(flag.clone()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "account_inactive"})),
        )
        .with_priority(1)
        .mount(&h.slack)
        .await;
    flag
}

#[tokio::test]
async fn a_bot_token_failing_mid_fan_out_marks_nobody_and_the_next_tick_after_the_fix_delivers_each_dm_once()
 {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let offers = [["Writing"], ["Research"], ["Accessibility"], ["Writing"]];
    let wants = [["Research"], ["Writing"], ["Writing"], ["Accessibility"]];
    for (i, u) in MEMBERS.iter().enumerate() {
        h.sign_up(u, &offers[i], &wants[i], ["new", "seven_plus"][i % 2])
            .await;
    }
    let bot = deactivatable_bot(&h).await;

    // The round is paired; its first piece of work gets through…
    h.set_time("2026-12-01T09:05:00Z");
    scheduler::handle(&h.app, json!({"kind": "tick"}))
        .await
        .expect("tick");
    let work = h.bus.drain();
    assert!(work.len() >= 3, "two groups and a summary: {work:?}");
    h.deliver_one(&work[0]).await.expect("first group notified");
    let told_before: usize = count_pairing_dms(&h).await;
    assert_eq!(told_before, 2, "the first pair heard");

    // …then the bot user is deactivated: every other piece fails, retryably.
    bot.store(true, Ordering::SeqCst);
    for e in &work[1..] {
        assert!(h.deliver_one(e).await.is_err(), "{e:?} must stay retryable");
    }
    for u in MEMBERS {
        let m = h.store.get(&UserId::new(u)).await.unwrap().unwrap();
        assert_eq!(m.status, MemberStatus::Active, "{u} was marked");
    }
    assert_eq!(count_pairing_dms(&h).await, 2, "nothing else was sent");
    // An hour later Slack still refuses the token: the tick stops (the alarm).
    h.set_time("2026-12-01T10:05:00Z");
    assert!(
        scheduler::handle(&h.app, json!({"kind": "tick"}))
            .await
            .is_err()
    );
    h.bus.drain();

    // The operator fixes the token; the next tick delivers what was not delivered.
    bot.store(false, Ordering::SeqCst);
    h.set_time("2026-12-01T11:05:00Z");
    h.tick().await;
    for u in MEMBERS {
        assert_eq!(h.pairing_dms(u, "December 2026").await, 1, "{u}");
    }
    let mods: Vec<String> = h.dms_to(MODERATOR).await.iter().map(readable).collect();
    let back = mods
        .iter()
        .filter(|t| t.contains("Slack works again"))
        .count();
    assert_eq!(back, 1, "{mods:?}");
    assert!(back_mentions_code(&mods));
    let summaries = mods.iter().filter(|t| t.contains("December 2026")).count();
    assert!(summaries >= 1, "the summary arrived: {mods:?}");
    // And again later: nothing twice.
    h.set_time("2026-12-01T12:05:00Z");
    h.tick().await;
    for u in MEMBERS {
        assert_eq!(h.pairing_dms(u, "December 2026").await, 1, "{u}");
    }
    let again: Vec<String> = h.dms_to(MODERATOR).await.iter().map(readable).collect();
    assert_eq!(again.len(), mods.len(), "{again:?}");
}

async fn count_pairing_dms(h: &Harness) -> usize {
    let mut n = 0;
    for u in MEMBERS {
        n += h.pairing_dms(u, "December 2026").await;
    }
    n
}

fn back_mentions_code(mods: &[String]) -> bool {
    mods.iter()
        .any(|t| t.contains("Slack works again") && t.contains("account_inactive"))
}
