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

use integration_tests::world::{ClaimsInFlight, World, member};
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
    S: Members + Rounds + Ledger + Audit + ClaimsInFlight + 'static,
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
    S: Members + Rounds + Ledger + Audit + ClaimsInFlight + 'static,
{
    w.moderator_says(&moderator(), text)
        .await
        .expect("slash command")
}

/// Two members whose groups a moderator ended: free to be paired again.
async fn unpair_two<S>(w: &World<S>) -> (UserId, UserId, UserId)
where
    S: Members + Rounds + Ledger + Audit + ClaimsInFlight + 'static,
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
    S: Members + Rounds + Ledger + Audit + ClaimsInFlight + 'static,
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
    S: Members + Rounds + Ledger + Audit + ClaimsInFlight + 'static,
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
    S: Members + Rounds + Ledger + Audit + ClaimsInFlight + 'static,
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

// ---------------------------------------------------------------------------
// Member items are versioned: racing writes keep every change.

use integration_tests::world::form;
use mentor_domain::ChannelId;
use mentor_domain::action::ReconfirmAnswer;
use mentor_domain::model::{Confirmation, MemberStatus};
use mentor_domain::usecases::{Action, Click, Origin, ProfileOutcome};

/// Starts `work` after `steps` scheduling steps, so a race can be tried at
/// every alignment of the two sides.
async fn after<T>(steps: usize, work: impl std::future::Future<Output = T>) -> T {
    for _ in 0..steps {
        tokio::task::yield_now().await;
    }
    work.await
}

/// How many alignments each race is tried at (in memory; a sample on moto).
const ALIGNMENTS: usize = 24;
const MOTO_ALIGNMENTS: [usize; 4] = [0, 3, 6, 9];

fn channel() -> ChannelId {
    ChannelId::new(CHANNEL)
}

fn reconfirm(user: &UserId, answer: ReconfirmAnswer, round: RoundId, n: usize) -> Click {
    Click {
        user: user.clone(),
        action: Action::Reconfirm { answer, round },
        trigger_id: None,
        dedupe_key: format!("reminder-{n}"),
        response_url: None,
        message: None,
    }
}

/// A member saves an edited profile while leaving the channel (both
/// interleaved step by step): the new answers and the departure both stick.
async fn a_profile_save_racing_a_leave_keeps_both<S>(store: Arc<S>, offset: usize)
where
    S: Members + Rounds + Ledger + Audit + ClaimsInFlight + 'static,
{
    let w = paired_round(store, 4).await;
    let u = member(0);
    let edited = form("Data", "Frontend", "seven_plus");
    w.writes.interleave(true);
    let programme = channel();
    let (saved, left) = tokio::join!(
        w.bot.save_profile(&u, &edited, "V0-edit"),
        after(offset, w.bot.on_member_left(&u, &programme)),
    );
    w.writes.interleave(false);
    assert_eq!(saved.expect("save"), ProfileOutcome::Saved, "valid form");
    left.expect("leave");
    let m = Members::get(w.store.as_ref(), &u)
        .await
        .expect("get")
        .expect("still a member");
    let profile = m.profile.expect("profile");
    assert_eq!(profile.offers, vec!["Data".to_string()], "the edit is kept");
    assert!(!m.in_channel, "the departure is kept");
    assert_eq!(m.status, MemberStatus::Left);
}

#[tokio::test]
async fn in_memory_a_profile_save_racing_a_leave_keeps_both() {
    for offset in 0..ALIGNMENTS {
        a_profile_save_racing_a_leave_keeps_both(Arc::new(MemoryStore::new()), offset).await;
    }
}

#[tokio::test]
async fn on_dynamodb_a_profile_save_racing_a_leave_keeps_both() {
    moto_or_skip!();
    for offset in MOTO_ALIGNMENTS {
        let h = Harness::at(START).await;
        a_profile_save_racing_a_leave_keeps_both(h.store.clone(), offset).await;
    }
}

/// A member deletes their data while a `pause` of theirs is being handled:
/// no profile or answer of theirs is written back.
async fn a_delete_racing_a_pause_never_brings_the_member_back<S>(store: Arc<S>, offset: usize)
where
    S: Members + Rounds + Ledger + Audit + ClaimsInFlight + 'static,
{
    let w = paired_round(store, 4).await;
    let u = member(1);
    w.writes.interleave(true);
    let (deleted, paused) = tokio::join!(
        w.bot.delete_member_data(&u, 1),
        after(offset, w.bot.on_message(&u, Origin::Dm, "pause")),
    );
    w.writes.interleave(false);
    deleted.expect("delete");
    paused.expect("pause");
    // A "pause" read after the deletion is someone new talking to the bot
    // (they get the welcome); nothing of the deleted member is written back.
    let after_race = Members::get(w.store.as_ref(), &u).await.expect("get");
    assert!(
        after_race
            .as_ref()
            .is_none_or(|m| m.profile.is_none() && m.confirmations.is_empty()),
        "{after_race:?}"
    );
}

#[tokio::test]
async fn in_memory_a_delete_racing_a_pause_never_brings_the_member_back() {
    for offset in 0..ALIGNMENTS {
        a_delete_racing_a_pause_never_brings_the_member_back(Arc::new(MemoryStore::new()), offset)
            .await;
    }
}

#[tokio::test]
async fn on_dynamodb_a_delete_racing_a_pause_never_brings_the_member_back() {
    moto_or_skip!();
    for offset in MOTO_ALIGNMENTS {
        let h = Harness::at(START).await;
        a_delete_racing_a_pause_never_brings_the_member_back(h.store.clone(), offset).await;
    }
}

/// A member says "Yes" for December while December is being paired (the
/// click and the run interleave): they end up in a group or handled as a
/// late joiner, and are never told they didn't confirm.
async fn a_yes_during_pairing_is_never_told_it_did_not_confirm<S>(store: Arc<S>, offset: usize)
where
    S: Members + Rounds + Ledger + Audit + ClaimsInFlight + 'static,
{
    let w = World::new(store, utc("2026-11-20T10:00:00Z"));
    for i in 0..5 {
        w.sign_up(i).await;
    }
    let late = member(4);
    let skip = reconfirm(&late, ReconfirmAnswer::Skip, december(), 1);
    w.bot.on_action(&skip).await.expect("skip");
    w.clock.set(utc(PAIRED_AT));
    let yes = reconfirm(&late, ReconfirmAnswer::Yes, december(), 2);
    w.writes.interleave(true);
    let (ran, clicked) = tokio::join!(w.bot.tick(), after(offset, w.bot.on_action(&yes)));
    w.writes.interleave(false);
    ran.expect("tick");
    clicked.expect("click");
    w.settle().await;
    let told_not_confirmed = w
        .slack
        .dms_to(&late)
        .iter()
        .any(|m| m.readable().contains("because you didn't confirm"));
    assert!(!told_not_confirmed, "{:?}", w.slack.dms_to(&late));
    assert_eq!(w.live_places(december()).await.get(&late), Some(&1));
    assert_eq!(w.check(december()).await, Vec::<String>::new());
}

#[tokio::test]
async fn in_memory_a_yes_during_pairing_is_never_told_it_did_not_confirm() {
    for offset in 0..ALIGNMENTS * 2 {
        a_yes_during_pairing_is_never_told_it_did_not_confirm(Arc::new(MemoryStore::new()), offset)
            .await;
    }
}

#[tokio::test]
async fn on_dynamodb_a_yes_during_pairing_is_never_told_it_did_not_confirm() {
    moto_or_skip!();
    for offset in MOTO_ALIGNMENTS {
        let h = Harness::at(START).await;
        a_yes_during_pairing_is_never_told_it_did_not_confirm(h.store.clone(), offset).await;
    }
}

/// Someone who chose Skip for December edits their profile after pairing;
/// a late joiner then signs up: the skipper is not drafted as a partner.
async fn a_late_joiner_never_drafts_someone_who_chose_skip<S>(store: Arc<S>)
where
    S: Members + Rounds + Ledger + Audit + ClaimsInFlight + 'static,
{
    let w = World::new(store, utc("2026-11-20T10:00:00Z"));
    for i in 0..5 {
        w.sign_up(i).await;
    }
    let skipper = member(4);
    let skip = reconfirm(&skipper, ReconfirmAnswer::Skip, december(), 1);
    w.bot.on_action(&skip).await.expect("skip");
    w.clock.set(utc(PAIRED_AT));
    w.bot.tick().await.expect("tick");
    w.deliver_once().await;
    assert_eq!(w.live_places(december()).await.get(&skipper), None);
    w.advance(Duration::hours(2));
    let edit = form("Data", "Writing", "new");
    let saved = w.bot.save_profile(&skipper, &edit, "V4-edit").await;
    assert_eq!(saved.expect("save"), ProfileOutcome::Saved, "valid");
    w.sign_up(5).await;
    w.settle().await;
    assert_eq!(w.live_places(december()).await.get(&skipper), None);
    let m = Members::get(w.store.as_ref(), &skipper)
        .await
        .expect("get")
        .expect("member");
    assert_eq!(m.confirmations.get(&december()), Some(&Confirmation::Skip));
    assert_eq!(w.check(december()).await, Vec::<String>::new());
}

#[tokio::test]
async fn in_memory_a_late_joiner_never_drafts_someone_who_chose_skip() {
    a_late_joiner_never_drafts_someone_who_chose_skip(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn on_dynamodb_a_late_joiner_never_drafts_someone_who_chose_skip() {
    moto_or_skip!();
    let h = Harness::at(START).await;
    a_late_joiner_never_drafts_someone_who_chose_skip(h.store.clone()).await;
}

// ---------------------------------------------------------------------------
// The Re-pair alert acts once, whoever clicks and whenever.

use mentor_domain::action::ModeratorAction;
use mentor_domain::surface::Block;

/// The Re-pair button in the newest alert the moderator got.
fn repair_button_in_alerts<S>(w: &World<S>) -> Action {
    w.slack
        .dms_to(&moderator())
        .iter()
        .rev()
        .flat_map(|m| m.blocks.clone())
        .find_map(|b| match b {
            Block::Buttons(bs) => bs
                .iter()
                .map(|b| Action::decode(&b.action_id, &b.value))
                .find(|a| matches!(a, Action::Moderator(ModeratorAction::Repair { .. }))),
            _ => None,
        })
        .expect("an alert with a Re-pair button")
}

fn moderator_click(action: &Action, n: usize) -> Click {
    Click {
        user: moderator(),
        action: action.clone(),
        trigger_id: None,
        dedupe_key: format!("alert-click-{n}"),
        response_url: None,
        message: None,
    }
}

fn last_dm_to_moderator<S>(w: &World<S>) -> String {
    w.slack
        .dms_to(&moderator())
        .last()
        .map(|m| m.readable())
        .unwrap_or_default()
}

/// b is removed mid-round, so a is alone and the moderators get a Re-pair
/// alert. The first click re-pairs a; a click five minutes later says who
/// handled it and changes nothing; in January the December alert changes
/// nothing either.
async fn a_repair_alert_acts_once_whoever_clicks_and_whenever<S>(store: Arc<S>)
where
    S: Members + Rounds + Ledger + Audit + ClaimsInFlight + 'static,
{
    let w = paired_round(store, 6).await;
    let a = member(0);
    let ga = group_of(&w, &a).await.expect("a is paired");
    let b = ga.partners_of(&a).next().cloned().expect("a's partner");
    let c = (1..6)
        .map(member)
        .find(|u| !ga.contains(u))
        .expect("someone in another group");
    slash(&w, &format!("unpair {}", c.mention())).await;
    slash(&w, &format!("remove {}", b.mention())).await;
    w.deliver_once().await;
    let alert = repair_button_in_alerts(&w);
    assert_eq!(
        alert,
        Action::Moderator(ModeratorAction::Repair {
            round: december(),
            group: ga.number,
            user: a.clone(),
        })
    );

    w.bot
        .on_action(&moderator_click(&alert, 1))
        .await
        .expect("first click");
    w.deliver_once().await;
    assert!(
        last_dm_to_moderator(&w).starts_with("Re-paired"),
        "{}",
        last_dm_to_moderator(&w)
    );
    let after_first = group_of(&w, &a).await.expect("a is re-paired");

    w.advance(Duration::minutes(5));
    w.bot
        .on_action(&moderator_click(&alert, 2))
        .await
        .expect("second click");
    w.deliver_once().await;
    assert_eq!(
        last_dm_to_moderator(&w),
        format!(
            "That alert about {} was already handled by {}; nothing was changed.",
            a.mention(),
            moderator().mention()
        )
    );
    assert_eq!(
        group_of(&w, &a).await.map(|g| g.number),
        Some(after_first.number)
    );

    w.clock.set(utc("2027-01-05T10:00:00Z"));
    let january: RoundId = "2027-01".parse().expect("round");
    let before = w.store.groups(january).await.expect("groups");
    w.bot
        .on_action(&moderator_click(&alert, 3))
        .await
        .expect("old click");
    assert!(
        last_dm_to_moderator(&w).contains("is from December 2026, which is over"),
        "{}",
        last_dm_to_moderator(&w)
    );
    assert_eq!(w.store.groups(january).await.expect("groups"), before);
    w.clock.set(utc("2026-12-01T12:00:00Z"));
    w.settle().await;
    assert_eq!(w.check(december()).await, Vec::<String>::new());
}

#[tokio::test]
async fn in_memory_a_repair_alert_acts_once_whoever_clicks_and_whenever() {
    a_repair_alert_acts_once_whoever_clicks_and_whenever(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn on_dynamodb_a_repair_alert_acts_once_whoever_clicks_and_whenever() {
    moto_or_skip!();
    let h = Harness::at(START).await;
    a_repair_alert_acts_once_whoever_clicks_and_whenever(h.store.clone()).await;
}
