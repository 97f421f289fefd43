//! Exactly-once work: a service that holds only the two ports it needs (the
//! ledger and the clock). Each piece of work claims its [`OnceKey`] in the
//! ledger; the claim's owner completes it when the work succeeded or
//! releases it when it failed (so a retry redoes it), and a claim whose
//! claimant died is taken over once it is stale. `Bot::once` and its
//! variants delegate here.

use std::future::Future;
use std::sync::Arc;

use chrono::Duration;

use super::{COMPLETE_ATTEMPTS, STALE_CLAIM_SECONDS};
use crate::error::{Error, Result};
use crate::once_key::OnceKey;
use crate::ports::{Claim, ClaimToken, Clock, Ledger};

/// What happens when the key is claimed by someone still at work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InFlight {
    /// Skip the work: the other claimant does it (Slack retries, clicks).
    Skip,
    /// Fail, so the platform retries later (bus work).
    Retry,
}

/// Runs work at most once per key.
#[derive(Clone)]
pub(crate) struct Once {
    ledger: Arc<dyn Ledger>,
    clock: Arc<dyn Clock>,
}

impl Once {
    pub(crate) fn new(ledger: Arc<dyn Ledger>, clock: Arc<dyn Clock>) -> Self {
        Self { ledger, clock }
    }

    /// Runs `work` unless `key` is done (or in flight: see [`InFlight`]),
    /// keeping the marker for `ttl`. True when the work ran now.
    pub(crate) async fn run<F, Fut>(
        &self,
        key: &OnceKey,
        in_flight: InFlight,
        ttl: Duration,
        work: F,
    ) -> Result<bool>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        // Logs and errors name the key's kind only: the key itself can hold
        // a rating or whom a member blocks.
        let kind = key.kind();
        let key = key.render();
        let Some(token) = self.claim(&key, kind, in_flight, ttl).await? else {
            return Ok(false);
        };
        match work().await {
            Ok(()) => {
                if !self.complete(&key, kind, &token).await? {
                    // We were presumed dead and someone took over: the work is
                    // theirs to finish; our result stands but the marker is not ours.
                    tracing::warn!(kind, "claim was taken over before completion");
                }
                Ok(true)
            }
            Err(e) => {
                self.release(&key, kind, &token).await;
                Err(e)
            }
        }
    }

    /// The claim's token, or `None` when the work is done or in flight.
    async fn claim(
        &self,
        key: &str,
        kind: &'static str,
        in_flight: InFlight,
        ttl: Duration,
    ) -> Result<Option<ClaimToken>> {
        let now = self.clock.now();
        let since = match self.ledger.claim(key, now, ttl).await? {
            Claim::New(token) => return Ok(Some(token)),
            Claim::Done => return Ok(None),
            Claim::InProgress(since) => since,
        };
        // A claimant that died mid-way leaves an old claim: take it over.
        let stale = now - since > Duration::seconds(STALE_CLAIM_SECONDS);
        if stale && let Some(token) = self.ledger.steal(key, since, now).await? {
            return Ok(Some(token));
        }
        match in_flight {
            InFlight::Retry => Err(Error::Conflict(format!("a {kind} claim is in flight"))),
            InFlight::Skip => Ok(None),
        }
    }

    /// Marks finished work done. The work (a DM) cannot be undone, so a
    /// transient store error is retried here: giving up would leave the
    /// claim to be taken over and the work repeated.
    async fn complete(&self, key: &str, kind: &'static str, token: &ClaimToken) -> Result<bool> {
        let mut last = None;
        for _ in 0..COMPLETE_ATTEMPTS {
            match self.ledger.complete(key, token).await {
                Ok(done) => return Ok(done),
                Err(e) => {
                    tracing::warn!(kind, error = %e, "completing a claim failed; retrying");
                    last = Some(e);
                }
            }
        }
        Err(last.unwrap_or_else(|| Error::Store(format!("complete a {kind} claim"))))
    }

    /// Failed work gives its claim back, so a retry redoes it.
    async fn release(&self, key: &str, kind: &'static str, token: &ClaimToken) {
        match self.ledger.release(key, token).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(kind, "claim was taken over; not released"),
            Err(e) => tracing::error!(kind, error = %e, "could not release a claim"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use crate::memory::{FixedClock, MemoryStore};
    use std::sync::atomic::{AtomicU32, Ordering};

    fn once() -> (Once, Arc<FixedClock>) {
        let clock = Arc::new(FixedClock::at("2027-01-04T09:00:00Z".parse().unwrap()));
        (
            Once::new(Arc::new(MemoryStore::new()), clock.clone()),
            clock,
        )
    }

    fn key() -> OnceKey {
        OnceKey::Late {
            round: crate::ids::RoundId::new(2027, 1).unwrap(),
            user: UserId::new("U0ANA"),
        }
    }

    #[tokio::test]
    async fn work_that_succeeded_is_never_done_again() {
        let (once, _) = once();
        let runs = AtomicU32::new(0);
        for _ in 0..3 {
            once.run(&key(), InFlight::Skip, Duration::days(1), || async {
                runs.fetch_add(1, Ordering::SeqCst);
                Ok(())
            })
            .await
            .unwrap();
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn work_that_failed_gives_its_claim_back_and_the_retry_does_it() {
        let (once, _) = once();
        let failed = once
            .run(&key(), InFlight::Skip, Duration::days(1), || async {
                Err(Error::Conflict("Slack was down".into()))
            })
            .await;
        assert!(failed.is_err());
        let ran = once
            .run(&key(), InFlight::Skip, Duration::days(1), || async {
                Ok(())
            })
            .await
            .unwrap();
        assert!(ran);
    }

    #[tokio::test]
    async fn a_claim_in_flight_is_skipped_or_retried_and_taken_over_once_stale() {
        let (once, clock) = once();
        let ledger = once.ledger.clone();
        let now = clock.now();
        // Someone else claimed the key and is (presumably) still at work.
        assert!(matches!(
            ledger
                .claim(&key().render(), now, Duration::days(1))
                .await
                .unwrap(),
            Claim::New(_)
        ));
        let (k, day) = (key(), Duration::days(1));
        let work = || async { Ok(()) };
        let skip = once.run(&k, InFlight::Skip, day, work).await;
        assert!(!skip.unwrap());
        let retry = once.run(&k, InFlight::Retry, day, work).await;
        assert!(matches!(retry, Err(Error::Conflict(_))));
        // Past the stale bound the claimant is presumed dead: taken over.
        clock.advance(Duration::seconds(STALE_CLAIM_SECONDS + 1));
        let taken = once.run(&k, InFlight::Retry, day, work).await;
        assert!(taken.unwrap());
    }

    #[tokio::test]
    async fn a_rating_or_block_click_in_flight_is_reported_by_kind_without_the_rating_or_whom() {
        let (once, clock) = once();
        for (action_id, value) in [("rate.4", "2026-12:3:4"), ("block_pick", "U0BEN")] {
            let click = OnceKey::Click {
                user: UserId::new("U0ANA"),
                action_id: action_id.into(),
                value: value.into(),
                target: "1700000000.000100".into(),
            };
            let work = OnceKey::Work {
                accepted: click.render(),
            };
            let claimed = once
                .ledger
                .claim(&work.render(), clock.now(), Duration::days(1))
                .await
                .unwrap();
            assert!(matches!(claimed, Claim::New(_)));
            let in_flight = once
                .run(&work, InFlight::Retry, Duration::days(1), || async {
                    Ok(())
                })
                .await
                .expect_err("in flight");
            for logged in [
                in_flight.to_string(),
                work.kind().into(),
                click.kind().into(),
            ] {
                for secret in ["U0ANA", "U0BEN", "rate", "2026-12:3:4", "block"] {
                    assert!(!logged.contains(secret), "{secret} in {logged:?}");
                }
            }
        }
    }
}
