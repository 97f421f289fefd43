//! Exactly-once guarantees under takeovers and races, on the in-memory
//! adapters and on DynamoDB in moto: the same story runs against both.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Duration;
use integration_tests::*;
use mentor_domain::memory::{FixedClock, MemoryStore, RecordingMessenger};
use mentor_domain::ports::{Claim, ClaimToken, Ledger};
use mentor_domain::usecases::Deps;
use mentor_domain::{Bot, Error, OnceKey, ProgrammeConfig};
use tokio::sync::oneshot;

const KEY: &str = "NOTIFY#2026-12#1#U0ANA";
const START: &str = "2026-12-01T09:00:00Z";

/// The pairing DM marker that `KEY` stores.
fn once_key() -> OnceKey {
    OnceKey::parse(KEY).expect("KEY is a once-key")
}

fn memory_bot() -> (Bot, Arc<FixedClock>, Arc<MemoryStore>) {
    let clock = Arc::new(FixedClock::at(utc(START)));
    let (deps, store, _bus) = Deps::in_memory(Arc::new(RecordingMessenger::new()), clock.clone());
    (Bot::new(deps, ProgrammeConfig::example()), clock, store)
}

/// Worker A claims the work and stalls (its Lambda is frozen, not dead).
/// Seven minutes later worker B takes the stale claim over and finishes.
/// Then A wakes up and fails: its release must not drop B's finished
/// marker, so a third delivery finds the work done.
async fn a_stalled_worker_cannot_undo_the_work_of_the_worker_that_took_over(
    bot: &Bot,
    clock: &FixedClock,
) {
    let runs = AtomicUsize::new(0);
    let (started_tx, started_rx) = oneshot::channel::<()>();
    let (wake_tx, wake_rx) = oneshot::channel::<()>();
    let key = once_key();
    let worker_a = bot.once_or_retry(&key, || async {
        runs.fetch_add(1, Ordering::SeqCst);
        let _ = started_tx.send(());
        let _ = wake_rx.await;
        Err(Error::Bus(
            "A's call failed after its claim was taken over".into(),
        ))
    });
    let worker_b = async {
        let _ = started_rx.await;
        clock.advance(Duration::minutes(7));
        let b = bot
            .once_or_retry(&once_key(), || async {
                runs.fetch_add(1, Ordering::SeqCst);
                Ok(())
            })
            .await;
        let _ = wake_tx.send(());
        b
    };
    let (a, b) = tokio::join!(worker_a, worker_b);
    assert!(a.is_err(), "A reports its own failure");
    assert!(matches!(b, Ok(true)), "B took the stale claim over: {b:?}");
    let third = bot
        .once_or_retry(&once_key(), || async {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
        .await;
    assert!(
        matches!(third, Ok(false)),
        "a later delivery finds the work done: {third:?}"
    );
    assert_eq!(
        runs.load(Ordering::SeqCst),
        2,
        "A once, B once, nobody after"
    );
}

/// A's claim was taken over by B: A can neither release nor complete it;
/// B completes it.
async fn a_late_claimant_can_neither_release_nor_complete_a_taken_over_claim(ledger: &dyn Ledger) {
    let t0 = utc(START);
    let ttl = Duration::days(62);
    let Claim::New(a) = ledger.claim(KEY, t0, ttl).await.unwrap() else {
        panic!("first claim is new")
    };
    let later = t0 + Duration::minutes(7);
    let Claim::InProgress(since) = ledger.claim(KEY, later, ttl).await.unwrap() else {
        panic!("A's claim is in progress")
    };
    let b = ledger
        .steal(KEY, since, later)
        .await
        .unwrap()
        .expect("B takes the stale claim over");
    assert_ne!(a, b);
    assert!(!ledger.release(KEY, &a).await.unwrap(), "A can't release");
    assert!(!ledger.complete(KEY, &a).await.unwrap(), "A can't complete");
    assert_eq!(
        ledger.claim(KEY, later, ttl).await.unwrap(),
        Claim::InProgress(later),
        "still B's, in flight"
    );
    assert!(ledger.complete(KEY, &b).await.unwrap(), "B completes");
    assert_eq!(ledger.claim(KEY, later, ttl).await.unwrap(), Claim::Done);
    assert!(!ledger.release(KEY, &b).await.unwrap(), "done stays done");
    assert_eq!(ledger.claim(KEY, later, ttl).await.unwrap(), Claim::Done);
}

/// Completing or releasing a key nobody claimed leaves no marker behind.
async fn complete_never_creates_a_marker_nobody_claimed(ledger: &dyn Ledger) {
    let stray = ClaimToken("not-a-claim".into());
    assert!(!ledger.complete("UNCLAIMED#1", &stray).await.unwrap());
    assert!(!ledger.release("UNCLAIMED#1", &stray).await.unwrap());
    let claim = ledger
        .claim("UNCLAIMED#1", utc(START), Duration::days(1))
        .await
        .unwrap();
    assert!(
        matches!(claim, Claim::New(_)),
        "the key is still free: {claim:?}"
    );
}

#[tokio::test]
async fn in_memory_a_stalled_worker_cannot_undo_the_work_of_the_worker_that_took_over() {
    let (bot, clock, _) = memory_bot();
    a_stalled_worker_cannot_undo_the_work_of_the_worker_that_took_over(&bot, &clock).await;
}

#[tokio::test]
async fn on_dynamodb_a_stalled_worker_cannot_undo_the_work_of_the_worker_that_took_over() {
    let h = Harness::at(START).await;
    a_stalled_worker_cannot_undo_the_work_of_the_worker_that_took_over(&h.app.bot, &h.clock).await;
}

#[tokio::test]
async fn in_memory_a_late_claimant_can_neither_release_nor_complete_a_taken_over_claim() {
    let (_, _, store) = memory_bot();
    a_late_claimant_can_neither_release_nor_complete_a_taken_over_claim(store.as_ref()).await;
}

#[tokio::test]
async fn on_dynamodb_a_late_claimant_can_neither_release_nor_complete_a_taken_over_claim() {
    let h = Harness::at(START).await;
    a_late_claimant_can_neither_release_nor_complete_a_taken_over_claim(h.store.as_ref()).await;
}

#[tokio::test]
async fn in_memory_complete_never_creates_a_marker_nobody_claimed() {
    let (_, _, store) = memory_bot();
    complete_never_creates_a_marker_nobody_claimed(store.as_ref()).await;
}

#[tokio::test]
async fn on_dynamodb_complete_never_creates_a_marker_nobody_claimed() {
    let h = Harness::at(START).await;
    complete_never_creates_a_marker_nobody_claimed(h.store.as_ref()).await;
}
