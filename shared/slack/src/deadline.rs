//! The time an invocation has left, as a task-local deadline the Web API
//! client reads before every call, retry and wait.
//!
//! A Lambda invocation that overruns its timeout is killed mid-call and
//! leaves its once-only claim in flight, so the platform's retries find the
//! work "in progress" and drop it. The scheduler function therefore runs each
//! invocation [`within`] its Lambda deadline minus a margin: a Slack call or
//! wait that would not end before then fails at once as retryable
//! (`deadline_exceeded`), the use case releases its claim, and the platform's
//! retry does the work. A task-local keeps the domain's `Messenger` port
//! free of timing parameters; code outside any [`within`] (the local runner,
//! most tests) has no deadline.

use std::future::Future;
use std::time::{Duration, Instant};

tokio::task_local! {
    static DEADLINE: Instant;
}

/// The shortest time worth starting a Web API call with: less than this
/// left, the call is not made.
pub const MIN_CALL: Duration = Duration::from_millis(200);

/// Runs `work` with Slack calls bounded by `deadline`.
pub async fn within<F: Future>(deadline: Instant, work: F) -> F::Output {
    DEADLINE.scope(deadline, work).await
}

/// The time left before the deadline; `None` without one.
pub fn remaining() -> Option<Duration> {
    DEADLINE
        .try_with(|d| d.saturating_duration_since(Instant::now()))
        .ok()
}

/// Whether something that takes `needed` (and a call after it) still ends
/// before the deadline; always true without one.
pub fn fits(needed: Duration) -> bool {
    remaining().is_none_or(|left| needed + MIN_CALL <= left)
}

/// The deadline an invocation's Slack calls must end by: the Lambda
/// context's deadline (milliseconds since the epoch) less `margin`, which
/// leaves time to release claims and return an error before Lambda kills
/// the invocation.
pub fn from_epoch_millis(deadline_ms: u64, margin: Duration) -> Instant {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let left = Duration::from_millis(deadline_ms.saturating_sub(now_ms));
    Instant::now() + left.saturating_sub(margin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_a_deadline_everything_fits() {
        assert_eq!(remaining(), None);
        assert!(fits(Duration::from_secs(3600)));
    }

    #[tokio::test]
    async fn within_a_deadline_only_what_ends_before_it_fits() {
        let deadline = Instant::now() + Duration::from_secs(2);
        within(deadline, async {
            assert!(remaining().is_some_and(|r| r <= Duration::from_secs(2)));
            assert!(fits(Duration::from_secs(1)));
            assert!(!fits(Duration::from_secs(2)));
        })
        .await;
    }

    #[test]
    fn the_margin_comes_off_the_lambda_deadline() {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        let d = from_epoch_millis(now_ms + 10_000, Duration::from_secs(3));
        let left = d.saturating_duration_since(Instant::now());
        assert!(left <= Duration::from_secs(7) && left > Duration::from_secs(6));
        let past = from_epoch_millis(now_ms.saturating_sub(5_000), Duration::from_secs(3));
        assert!(past <= Instant::now());
    }
}
