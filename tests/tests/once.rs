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
    moto_or_skip!();
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
    moto_or_skip!();
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
    moto_or_skip!();
    let h = Harness::at(START).await;
    complete_never_creates_a_marker_nobody_claimed(h.store.as_ref()).await;
}

// ---------------------------------------------------------------------------
// Groups: one live group per member, stored together with their announcement.

use integration_tests::world::{World, member};
use mentor_domain::model::Group;
use mentor_domain::ports::{Audit, Members, Rounds};
use mentor_domain::{RoundId, UserId};

const PAIRED_AT: &str = "2026-12-01T09:00:00Z";

fn december() -> RoundId {
    "2026-12".parse().expect("round id")
}

fn moderator() -> UserId {
    UserId::new(MODERATOR)
}

/// `n` members sign up in November; the December round is paired on the
/// 1st at 09:00 and everyone is told.
async fn paired_round<S>(store: Arc<S>, n: usize) -> World<S>
where
    S: Members + Rounds + Ledger + Audit + 'static,
{
    let w = World::new(store, utc("2026-11-20T10:00:00Z"));
    for i in 0..n {
        w.sign_up(i).await;
    }
    w.clock.set(utc(PAIRED_AT));
    w.bot.tick().await.expect("tick");
    w.deliver_once().await;
    assert_eq!(w.live_places(december()).await.len(), n - n % 2 + n % 2);
    w
}

async fn group_of<S: Rounds>(w: &World<S>, u: &UserId) -> Option<Group> {
    w.store
        .groups(december())
        .await
        .expect("groups")
        .into_iter()
        .find(|g| g.is_live() && g.active_members().any(|m| m == u))
}

async fn slash<S>(w: &World<S>, text: &str) -> String
where
    S: Members + Rounds + Ledger + Audit + 'static,
{
    w.bot
        .slash_command(&moderator(), text, None)
        .await
        .expect("slash command")
        .message
        .readable()
}

/// Two members whose groups a moderator ended: free to be paired again.
async fn unpair_two<S>(w: &World<S>) -> (UserId, UserId, UserId)
where
    S: Members + Rounds + Ledger + Audit + 'static,
{
    let a = member(0);
    let ga = group_of(w, &a).await.expect("a is paired");
    let b = ga.partners_of(&a).next().cloned().expect("a's partner");
    let c = (1..6)
        .map(member)
        .find(|u| !ga.contains(u))
        .expect("someone in another group");
    slash(w, &format!("unpair {}", a.mention())).await;
    slash(w, &format!("unpair {}", c.mention())).await;
    w.deliver_once().await;
    assert!(group_of(w, &a).await.is_none() && group_of(w, &c).await.is_none());
    (a, b, c)
}

/// Two moderators `pair` the same member (c) with different people at the
/// same moment (their requests interleave step by step): one pairing wins,
/// the other is told that member already has a partner.
async fn two_moderators_pairing_one_member_at_once_make_one_group<S>(store: Arc<S>)
where
    S: Members + Rounds + Ledger + Audit + 'static,
{
    let w = paired_round(store, 6).await;
    let (a, b, c) = unpair_two(&w).await;
    w.writes.interleave(true);
    // (a and b were partners: neither pairing below reunites anyone.)
    let (ac, bc) = (
        format!("pair {} {}", a.mention(), c.mention()),
        format!("pair {} {}", b.mention(), c.mention()),
    );
    let (first, second) = tokio::join!(slash(&w, &ac), slash(&w, &bc));
    w.writes.interleave(false);
    let replies = [first, second];
    assert_eq!(
        replies.iter().filter(|r| r.starts_with("Paired")).count(),
        1,
        "{replies:?}"
    );
    assert!(
        replies
            .iter()
            .any(|r| r.contains(&format!("{} already has a partner", c.mention()))),
        "{replies:?}"
    );
    assert_eq!(w.live_places(december()).await.get(&c), Some(&1));
    w.settle().await;
    assert_eq!(w.check(december()).await, Vec::<String>::new());
}

#[tokio::test]
async fn in_memory_two_moderators_pairing_one_member_at_once_make_one_group() {
    two_moderators_pairing_one_member_at_once_make_one_group(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn on_dynamodb_two_moderators_pairing_one_member_at_once_make_one_group() {
    moto_or_skip!();
    let h = Harness::at(START).await;
    two_moderators_pairing_one_member_at_once_make_one_group(h.store.clone()).await;
}

/// The audit write fails after a moderator's `pair` is done: the
/// moderator still hears it worked, and the pair is told.
async fn a_failed_audit_write_does_not_turn_a_done_pairing_into_an_error<S>(store: Arc<S>)
where
    S: Members + Rounds + Ledger + Audit + 'static,
{
    let w = paired_round(store, 6).await;
    let (a, _, b) = unpair_two(&w).await;
    w.writes.fail_every("audit.record");
    let reply = w
        .bot
        .slash_command(
            &moderator(),
            &format!("pair {} {}", a.mention(), b.mention()),
            None,
        )
        .await;
    w.writes.heal();
    let reply = reply.expect("the pairing is done").message.readable();
    assert!(reply.starts_with("Paired"), "{reply}");
    w.deliver_once().await;
    assert_eq!(w.check(december()).await, Vec::<String>::new());
}

#[tokio::test]
async fn in_memory_a_failed_audit_write_does_not_turn_a_done_pairing_into_an_error() {
    a_failed_audit_write_does_not_turn_a_done_pairing_into_an_error(Arc::new(MemoryStore::new()))
        .await;
}

#[tokio::test]
async fn on_dynamodb_a_failed_audit_write_does_not_turn_a_done_pairing_into_an_error() {
    moto_or_skip!();
    let h = Harness::at(START).await;
    a_failed_audit_write_does_not_turn_a_done_pairing_into_an_error(h.store.clone()).await;
}

/// The bus is down when a moderator pairs two people: the group is stored
/// with its "to announce" mark, a second `pair` is refused, and the next
/// tick announces it, once.
async fn a_group_whose_announcement_failed_is_announced_by_the_next_tick<S>(store: Arc<S>)
where
    S: Members + Rounds + Ledger + Audit + 'static,
{
    let w = paired_round(store, 6).await;
    let (a, _, b) = unpair_two(&w).await;
    w.writes.fail_every("bus.publish");
    let reply = slash(&w, &format!("pair {} {}", a.mention(), b.mention())).await;
    w.writes.heal();
    assert!(reply.starts_with("Paired"), "{reply}");
    w.deliver_once().await;
    assert_eq!(
        w.pairing_dms(&a, std::slice::from_ref(&b)),
        0,
        "not told yet"
    );
    let again = slash(&w, &format!("pair {} {}", a.mention(), b.mention())).await;
    assert!(again.contains("already has a partner"), "{again}");
    w.advance(Duration::minutes(60));
    w.bot.tick().await.expect("tick");
    w.deliver_once().await;
    assert_eq!(w.pairing_dms(&a, std::slice::from_ref(&b)), 1);
    assert_eq!(w.pairing_dms(&b, std::slice::from_ref(&a)), 1);
    assert!(
        group_of(&w, &a)
            .await
            .is_some_and(|g| g.to_announce.is_none())
    );
    w.advance(Duration::minutes(60));
    w.bot.tick().await.expect("tick");
    w.deliver_once().await;
    assert_eq!(w.check(december()).await, Vec::<String>::new());
}

#[tokio::test]
async fn in_memory_a_group_whose_announcement_failed_is_announced_by_the_next_tick() {
    a_group_whose_announcement_failed_is_announced_by_the_next_tick(Arc::new(MemoryStore::new()))
        .await;
}

#[tokio::test]
async fn on_dynamodb_a_group_whose_announcement_failed_is_announced_by_the_next_tick() {
    moto_or_skip!();
    let h = Harness::at(START).await;
    a_group_whose_announcement_failed_is_announced_by_the_next_tick(h.store.clone()).await;
}
