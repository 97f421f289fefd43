//! The scheduler function: an hourly tick works out what is due (pairing,
//! reconfirmation, check-ins) and fans work out to the custom bus; bus events
//! come back here one by one (send a pairing DM, a check-in, a summary).
//!
//! Errors are returned only when a retry is safe (every send is guarded by a
//! once-only marker), so Lambda's async retries and the DLQ do the rest.

use mentor_app::App;
use mentor_aws::bus::{SchedulerInput, parse_scheduler_input};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct SchedulerError(pub String);

impl std::fmt::Display for SchedulerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchedulerError {}

/// A failed invocation (retried by the platform); an error about the bot's
/// own Slack token also counts on the operator-error alarm.
fn failed(e: mentor_domain::Error) -> SchedulerError {
    if let Some(code) = e.bot_error_code() {
        mentor_app::metrics::operator_error(code);
    }
    SchedulerError(e.to_string())
}

/// Time kept back from the Lambda deadline: after the last Slack call gives
/// up, enough to release its claim (a DynamoDB write, with the SDK's own
/// retries) and return the error, so the invocation is never killed while
/// holding a claim.
pub const DEADLINE_MARGIN: Duration = Duration::from_secs(5);

/// [`handle`] with every Slack call and wait ending by `deadline`; what
/// would not fit fails as retryable with its claim released, and Lambda's
/// retry of the invocation does it.
pub async fn handle_until(
    app: &App,
    input: Value,
    deadline: Instant,
) -> Result<Value, SchedulerError> {
    mentor_app::deadline::within(deadline, handle(app, input)).await
}

pub async fn handle(app: &App, input: Value) -> Result<Value, SchedulerError> {
    let parsed = match parse_scheduler_input(&input) {
        Ok(p) => p,
        Err(why) => {
            // Not retryable: log and drop rather than loop through retries.
            tracing::warn!(why, "scheduler input ignored");
            return Ok(json!({"ignored": why}));
        }
    };
    match parsed {
        SchedulerInput::Tick => {
            let report = app.bot.tick().await.map_err(failed)?;
            tracing::info!(due = ?report.due, published = report.published, "tick done");
            Ok(json!({"due": report.due, "published": report.published}))
        }
        SchedulerInput::Work(event) => {
            let kind = event.detail_type();
            app.bot.on_bus_event(&event).await.map_err(failed)?;
            tracing::info!(kind, "bus event handled");
            Ok(json!({"handled": kind}))
        }
    }
}
