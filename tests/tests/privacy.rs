//! Privacy against moto and the mock Slack API: `delete my data` leaves
//! nothing, "my data" shows what is kept, history expires, logs stay clean.

use std::collections::BTreeSet;

use integration_tests::*;
use mentor_domain::model::{CheckinAnswer, Group};
use mentor_domain::ports::{Members, Rounds};
use mentor_domain::{ProgrammeConfig, RoundId, UserId};
use serde_json::json;

/// The member who deletes their data, and the answers only they gave.
const DORA: &str = "U0DORA";
const DORA_TZ: &str = "Pacific/Chatham";
const DORA_ONLY: [&str; 2] = ["Knitting", "Origami"];
/// Dora's goal of the month (free text, only on her own item).
const DORA_GOAL: &str = "Finish the lace shawl pattern book";

fn cfg() -> ProgrammeConfig {
    let mut cfg = ProgrammeConfig::example();
    cfg.topics.extend(DORA_ONLY.iter().map(|t| t.to_string()));
    cfg
}

fn round(s: &str) -> RoundId {
    s.parse().unwrap()
}

async fn sign_up_as(
    h: &Harness,
    user: &str,
    tz: &str,
    offers: &[&str],
    wants: &[&str],
    level: &str,
) {
    h.send_event(&dm(&format!("Ev-signup-{user}"), user, "hi"))
        .await;
    let mut sub = profile_submission(user, tz, offers, wants, level);
    if user == DORA {
        sub["view"]["state"]["values"]["goal"] =
            json!({"goal": {"type": "plain_text_input", "value": DORA_GOAL}});
    }
    let (_, body) = h.send_interaction(&sub).await;
    assert!(body.is_empty(), "profile rejected: {body}");
    h.deliver().await;
}

async fn group_with(h: &Harness, r: &str, user: &str) -> Group {
    h.store
        .groups(round(r))
        .await
        .unwrap()
        .into_iter()
        .find(|g| g.is_live() && g.active_members().any(|m| m.as_str() == user))
        .unwrap_or_else(|| panic!("{user} has no live group in {r}"))
}

fn partner_in(g: &Group, user: &str) -> String {
    g.active_members()
        .find(|m| m.as_str() != user)
        .map(|m| m.0.clone())
        .expect("a partner")
}

async fn texts_to(h: &Harness, user: &str) -> Vec<String> {
    h.dms_to(user).await.iter().map(readable).collect()
}

fn mentions_dora(items: &[String]) -> Vec<&String> {
    items
        .iter()
        .filter(|i| {
            i.contains(DORA)
                || i.contains(DORA_TZ)
                || i.contains(DORA_GOAL)
                || DORA_ONLY.iter().any(|t| i.contains(t))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_my_data_after_two_rounds_leaves_no_trace_while_the_partner_clicks() {
    moto_or_skip!();
    let h = Harness::with(cfg(), utc("2026-11-20T10:00:00Z")).await;
    // Dora offers what the others want and is more experienced, so every
    // pairing reason names her; Xavier is excluded from her by a moderator.
    sign_up_as(
        &h,
        DORA,
        DORA_TZ,
        &["Accessibility", "Origami"],
        &["Knitting"],
        "seven_plus",
    )
    .await;
    for u in ["U0ANNA", "U0BRUNO"] {
        h.sign_up(u, &["Research"], &["Accessibility"], "new").await;
    }
    h.sign_up("U0XAVIER", &["Frontend"], &["Research"], "new")
        .await;
    let (_, reply) = h
        .send_command(MODERATOR, "exclude <@U0DORA> <@U0XAVIER>")
        .await;
    h.deliver().await;
    assert!(!reply.is_empty());
    // Xavier also asks, privately, never to be paired with her.
    h.send_event(&dm("Ev-xblock", "U0XAVIER", "block <@U0DORA>"))
        .await;
    h.deliver().await;

    // December: Dora is paired; the check-in comes; her partner reports her silent.
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let dec = group_with(&h, "2026-12", DORA).await;
    let first = partner_in(&dec, DORA);
    assert_ne!(first, "U0XAVIER", "the exclusion holds");
    h.set_time("2026-12-08T09:05:00Z");
    h.tick().await;
    let v = button_value(&h, DORA, "checkin_met").await;
    h.send_interaction(&click(DORA, "checkin_met", &v, "dec-dora"))
        .await;
    let v = button_value(&h, &first, "checkin_unresponsive").await;
    h.send_interaction(&click(&first, "checkin_unresponsive", &v, "dec-first"))
        .await;
    h.deliver().await;
    // …and then leaves the programme (the partner-left flow).
    h.set_time("2026-12-10T10:00:00Z");
    h.send_interaction(&click(&first, "opt_out", "", "out-first"))
        .await;
    h.deliver().await;
    assert!(
        texts_to(&h, DORA)
            .await
            .iter()
            .any(|t| t.contains("Your partner has left"))
    );

    // January: the others say yes; Dora is paired again, with someone new.
    h.set_time("2026-12-25T09:05:00Z");
    h.tick().await;
    for u in [DORA, "U0ANNA", "U0BRUNO", "U0XAVIER"] {
        if u == first {
            continue;
        }
        let v = button_value(&h, u, "reconfirm_yes").await;
        h.send_interaction(&click(u, "reconfirm_yes", &v, &format!("rc-{u}")))
            .await;
    }
    h.sign_up("U0YARA", &["Research"], &["Accessibility"], "new")
        .await;
    h.deliver().await;
    h.set_time("2027-01-01T09:05:00Z");
    h.tick().await;
    let jan = group_with(&h, "2027-01", DORA).await;
    let partner = partner_in(&jan, DORA);
    assert_ne!(partner, first);
    let named_in_reasons = |g: &Group| {
        g.reasons
            .iter()
            .any(|r| serde_json::to_string(r).unwrap().contains(DORA))
    };
    assert!(named_in_reasons(&dec) && named_in_reasons(&jan));
    h.set_time("2027-01-08T09:05:00Z");
    h.tick().await;
    let before = h.scan_all().await;
    assert!(!mentions_dora(&before).is_empty(), "the story stored Dora");
    assert!(
        before.iter().any(|i| i.contains(DORA_GOAL)),
        "her goal was stored"
    );

    // Dora asks to delete her data and confirms; the click only hands it over.
    h.send_event(&dm("Ev-del", DORA, "delete my data")).await;
    h.deliver().await;
    h.send_interaction_undelivered(&click(DORA, "delete_confirm", "", "del-1"))
        .await;
    // The click's own work (after the answer) only hands the deletion over.
    for accepted in h.bus.drain() {
        h.deliver_one(&accepted).await.expect("click work");
    }
    let work = h.bus.drain();
    assert_eq!(work.len(), 1, "{work:?}");
    assert!(
        Members::get(h.store.as_ref(), &UserId::new(DORA))
            .await
            .unwrap()
            .is_some(),
        "nothing is deleted inside the click"
    );
    // The deletion runs while her partner clicks a check-in button.
    let v = button_value(&h, &partner, "checkin_met").await;
    let envelope = json!({
        "source": "mentor-pairing",
        "detail-type": work[0].detail_type(),
        "detail": serde_json::to_value(&work[0]).unwrap(),
    });
    let partner_click = click(&partner, "checkin_met", &v, "jan-partner");
    let (deleted, (status, _)) = tokio::join!(
        scheduler::handle(&h.app, envelope),
        h.send_interaction(&partner_click),
    );
    deleted.expect("deletion");
    assert_eq!(status.as_u16(), 200);
    h.deliver().await;

    // Nothing in the table names her or holds her answers, in any attribute or key.
    let after = h.scan_all().await;
    assert_eq!(mentions_dora(&after), Vec::<&String>::new());
    // Not even her pseudonym is left (her index items and places went too).
    let hashed = mentor_domain::Pseudonyms::local().user(&UserId::new(DORA));
    assert!(before.iter().any(|i| i.contains(&hashed)));
    let left: Vec<&String> = after.iter().filter(|i| i.contains(&hashed)).collect();
    assert!(left.is_empty(), "{left:?}");
    // She heard once that it is done.
    let done = texts_to(&h, DORA)
        .await
        .into_iter()
        .filter(|t| t.contains("your profile and answers are deleted"))
        .count();
    assert_eq!(done, 1);

    // The partner's group still works: their click counted, they were told
    // once, and a late joiner is paired with them without hearing about Dora.
    let g = h
        .store
        .groups(round("2027-01"))
        .await
        .unwrap()
        .into_iter()
        .find(|g| g.number == jan.number)
        .unwrap();
    assert_eq!(
        g.checkins[&7].get(&UserId::new(partner.clone())),
        Some(&CheckinAnswer::Met)
    );
    // Every reason of a pair came from both profiles, so none is kept.
    assert!(g.reasons.is_empty(), "{:?}", g.reasons);
    let left = texts_to(&h, &partner)
        .await
        .into_iter()
        .filter(|t| t.contains("Your partner has left"))
        .count();
    assert_eq!(left, 1);
    h.set_time("2027-01-09T10:00:00Z");
    h.sign_up("U0ZOE", &["Accessibility"], &["Research"], "three_to_seven")
        .await;
    h.deliver().await;
    let live = h.store.groups(round("2027-01")).await.unwrap();
    if !live
        .iter()
        .any(|g| g.is_live() && g.active_members().any(|m| m.as_str() == partner))
    {
        h.send_command(MODERATOR, &format!("repair <@{partner}>"))
            .await;
        h.deliver().await;
    }
    let now = group_with(&h, "2027-01", &partner).await;
    assert!(now.active_members().any(|m| m.as_str() == "U0ZOE"));
    for t in texts_to(&h, "U0ZOE").await {
        assert!(!t.contains(DORA), "the late joiner heard of Dora: {t}");
    }
    let members: BTreeSet<String> = h
        .store
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id.0)
        .collect();
    assert!(!members.contains(DORA));
    let x = Members::get(h.store.as_ref(), &UserId::new("U0XAVIER"))
        .await
        .unwrap()
        .unwrap();
    assert!(x.excluded_with.is_empty(), "{:?}", x.excluded_with);
    assert!(x.blocked.is_empty(), "{:?}", x.blocked);
}

#[tokio::test]
async fn my_data_by_dm_or_app_home_shows_answers_status_partners_and_check_ins() {
    moto_or_skip!();
    let h = Harness::with(cfg(), utc("2026-11-20T10:00:00Z")).await;
    sign_up_as(
        &h,
        DORA,
        DORA_TZ,
        &["Accessibility", "Origami"],
        &["Knitting"],
        "seven_plus",
    )
    .await;
    h.sign_up("U0ANNA", &["Research"], &["Accessibility"], "new")
        .await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    h.set_time("2026-12-08T09:05:00Z");
    h.tick().await;
    let v = button_value(&h, DORA, "checkin_not_yet").await;
    h.send_interaction(&click(DORA, "checkin_not_yet", &v, "c-dora"))
        .await;
    h.deliver().await;

    h.send_event(&dm("Ev-mydata", DORA, "what do you store about me?"))
        .await;
    h.deliver().await;
    let report = texts_to(&h, DORA).await.pop().unwrap();
    for expected in [
        "What I store about you",
        "Time zone: Pacific/Chatham",
        "Can offer: Accessibility, Origami",
        "Wants to grow in: Knitting",
        "active",
        "December 2026: in",
        "December 2026: with <@U0ANNA>; your check-ins: day 7: not yet",
        "kept 24 months",
    ] {
        assert!(
            report.contains(expected),
            "{expected:?} missing in:\n{report}"
        );
    }

    // The App Home has the same as a button.
    h.send_event(&event(
        "Ev-home",
        json!({"type": "app_home_opened", "user": DORA, "tab": "home"}),
    ))
    .await;
    h.deliver().await;
    let home = h.slack_calls("views.publish").await.pop().unwrap();
    assert!(home.to_string().contains("\"my_data\""), "{home}");
    h.send_interaction(&click(DORA, "my_data", "", "home-1"))
        .await;
    h.deliver().await;
    let again = texts_to(&h, DORA).await.pop().unwrap();
    assert_eq!(again, report);
}

#[tokio::test]
async fn history_and_audit_expire_after_the_retention_period_through_the_ttl() {
    moto_or_skip!();
    let mut c = cfg();
    c.retention = mentor_domain::privacy::Retention::months(6);
    let h = Harness::with(c, utc("2026-11-20T10:00:00Z")).await;
    h.sign_up("U0ANNA", &["Research"], &["Accessibility"], "new")
        .await;
    h.sign_up("U0BRUNO", &["Accessibility"], &["Research"], "seven_plus")
        .await;
    h.sign_up("U0CARL", &["Writing"], &["Research"], "new")
        .await;
    h.sign_up("U0DIDI", &["Research"], &["Writing"], "new")
        .await;
    h.send_command(MODERATOR, "exclude <@U0ANNA> <@U0BRUNO>")
        .await;
    h.set_time("2026-12-01T09:05:00Z");
    h.tick().await;
    let items = h.scan_all().await;
    let expiry = |prefix: &str| -> Vec<String> {
        items
            .iter()
            .filter(|i| i.contains(prefix))
            .map(|i| {
                let at = i.find("\"expires_at\": N(\"").map(|p| p + 17);
                at.map(|p| i[p..].chars().take_while(char::is_ascii_digit).collect())
                    .unwrap_or_else(|| "none".into())
            })
            .collect()
    };
    // December's groups, their members' places (which are also the index
    // items of the groups they hold) and the round itself go on 1 July 2027.
    let july = utc("2027-07-01T00:00:00Z").timestamp().to_string();
    for kind in [
        "\"SK\": S(\"GROUP#",
        "\"SK\": S(\"PLACE#",
        "\"SK\": S(\"ROUND\")",
    ] {
        let found = expiry(kind);
        assert!(!found.is_empty(), "no {kind} item");
        assert!(found.iter().all(|e| *e == july), "{kind}: {found:?}");
    }
    // Audit entries six months after the action.
    let audit = expiry("\"PK\": S(\"AUDIT\")");
    assert_eq!(
        audit,
        vec![utc("2027-05-20T10:00:00Z").timestamp().to_string()]
    );
    // Members themselves never expire: they are live data until deleted.
    assert!(expiry("\"PK\": S(\"MEMBER#").iter().all(|e| e == "none"));
}

// ---------------------------------------------------------------------------
// The rewrite is conditional: a racing write can never bring the id back.

use std::sync::Arc;

use integration_tests::world::{World, member};
use mentor_domain::memory::MemoryStore;
use mentor_domain::ports::{Audit, Ledger};
use mentor_domain::usecases::{Action, Click};

/// Starts `work` after `steps` scheduling steps, so the race is tried at
/// every alignment of the two sides.
async fn after<T>(steps: usize, work: impl std::future::Future<Output = T>) -> T {
    for _ in 0..steps {
        tokio::task::yield_now().await;
    }
    work.await
}

/// A member's deletion and their partner's check-in click interleave step
/// by step: whatever the order, no stored group names the member afterwards
/// and the partner's answer is kept. In memory only: moto applies a
/// `TransactWriteItems` without a lock, so two truly concurrent transactions
/// can both pass their conditions there (real DynamoDB serialises them); the
/// moto story above races the two once, as a smoke test of the real adapter.
async fn a_deletion_racing_the_partners_click_never_restores_the_id<S>(store: Arc<S>, offset: usize)
where
    S: Members + Rounds + Ledger + Audit + 'static,
{
    let w = World::new(store, utc("2026-11-20T10:00:00Z"));
    for i in 0..4 {
        w.sign_up(i).await;
    }
    w.clock.set(utc("2026-12-01T09:00:00Z"));
    w.bot.tick().await.expect("tick");
    w.deliver_once().await;
    let gone = member(0);
    let dec = round("2026-12");
    let g = w
        .store
        .groups(dec)
        .await
        .expect("groups")
        .into_iter()
        .find(|g| g.contains(&gone))
        .expect("paired");
    let partner = g.partners_of(&gone).next().cloned().expect("partner");
    let checkin = Click {
        user: partner.clone(),
        action: Action::Checkin {
            answer: CheckinAnswer::Unresponsive,
            round: dec,
            group: g.number,
            day: 7,
        },
        trigger_id: None,
        dedupe_key: "checkin-7".into(),
        response_url: None,
        message: None,
    };
    w.clock.set(utc("2026-12-08T10:00:00Z"));
    w.writes.interleave(true);
    let (deleted, clicked) = tokio::join!(
        w.bot.delete_member_data(&gone, 1),
        after(offset, w.bot.on_action(&checkin)),
    );
    w.writes.interleave(false);
    deleted.expect("delete");
    clicked.expect("click");
    let now = w
        .store
        .groups(dec)
        .await
        .expect("groups")
        .into_iter()
        .find(|x| x.number == g.number)
        .expect("the group stays");
    let text = serde_json::to_string(&now).expect("json");
    assert!(!text.contains(gone.as_str()), "offset {offset}: {text}");
    assert_eq!(
        now.checkins.get(&7).and_then(|a| a.get(&partner)),
        Some(&CheckinAnswer::Unresponsive),
        "offset {offset}: the partner's answer is kept"
    );
    assert!(w.store.groups_of(&gone).await.expect("index").is_empty());
}

#[tokio::test]
async fn in_memory_a_deletion_racing_the_partners_click_never_restores_the_id() {
    for offset in 0..24 {
        a_deletion_racing_the_partners_click_never_restores_the_id(
            Arc::new(MemoryStore::new()),
            offset,
        )
        .await;
    }
}
