//! EventBridge: publishing hand-off work to the custom bus, and reading what
//! the scheduler function receives (a scheduler tick or a bus event).

use crate::error::AwsError;
use async_trait::async_trait;
use aws_sdk_eventbridge::Client;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use mentor_domain::error::{Error, Result};
use mentor_domain::ports::{BusEvent, EventBus};
use serde_json::Value;

/// The `source` of every event we publish; the bus rule matches on it.
pub const SOURCE: &str = "mentor-pairing";
/// PutEvents takes at most 10 entries per call.
const BATCH: usize = 10;
const MAX_ATTEMPTS: u32 = 4;

pub struct EventBridgeBus {
    client: Client,
    bus_name: String,
}

impl EventBridgeBus {
    pub fn new(client: Client, bus_name: impl Into<String>) -> Self {
        Self {
            client,
            bus_name: bus_name.into(),
        }
    }

    fn entry(&self, e: &BusEvent) -> Result<PutEventsRequestEntry> {
        let detail = serde_json::to_string(e).map_err(|e| Error::Bus(e.to_string()))?;
        Ok(PutEventsRequestEntry::builder()
            .event_bus_name(&self.bus_name)
            .source(SOURCE)
            .detail_type(e.detail_type())
            .detail(detail)
            .build())
    }
}

#[async_trait]
impl EventBus for EventBridgeBus {
    async fn publish(&self, events: &[BusEvent]) -> Result<()> {
        for chunk in events.chunks(BATCH) {
            let mut pending: Vec<PutEventsRequestEntry> =
                chunk.iter().map(|e| self.entry(e)).collect::<Result<_>>()?;
            let mut attempt = 0;
            while !pending.is_empty() {
                attempt += 1;
                let out = self
                    .client
                    .put_events()
                    .set_entries(Some(pending.clone()))
                    .send()
                    .await
                    .map_err(|e| AwsError::sdk("PutEvents", &e).into_bus())?;
                if out.failed_entry_count == 0 {
                    break;
                }
                // Results line up with entries; keep the ones that failed.
                let results = out.entries.unwrap_or_default();
                pending = pending
                    .into_iter()
                    .zip(
                        results
                            .iter()
                            .map(|r| r.error_code.is_some())
                            .chain(std::iter::repeat(true)),
                    )
                    .filter_map(|(e, failed)| failed.then_some(e))
                    .collect();
                if attempt >= MAX_ATTEMPTS {
                    return Err(Error::Bus(format!(
                        "{} events still failing after {attempt} attempts",
                        pending.len()
                    )));
                }
                tracing::warn!(
                    failed = pending.len(),
                    attempt,
                    "PutEvents partial failure; retrying"
                );
                tokio::time::sleep(std::time::Duration::from_millis(100 << attempt)).await;
            }
        }
        Ok(())
    }
}

/// What the scheduler function was invoked with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchedulerInput {
    /// The hourly EventBridge Scheduler tick.
    Tick,
    /// Hand-off work from the custom bus.
    Work(BusEvent),
}

/// Accepts the raw schedule input `{"kind":"tick"}`, a `Scheduled Event`
/// envelope, or a custom-bus envelope whose `detail` is a [`BusEvent`].
pub fn parse_scheduler_input(v: &Value) -> std::result::Result<SchedulerInput, String> {
    if v.get("kind").and_then(Value::as_str) == Some("tick") {
        return Ok(SchedulerInput::Tick);
    }
    let source = v.get("source").and_then(Value::as_str);
    let detail_type = v.get("detail-type").and_then(Value::as_str);
    if detail_type == Some("Scheduled Event")
        || source == Some("aws.scheduler")
        || source == Some("aws.events")
    {
        return Ok(SchedulerInput::Tick);
    }
    if source == Some(SOURCE) {
        let detail = v.get("detail").cloned().unwrap_or(Value::Null);
        if detail.get("kind").and_then(Value::as_str) == Some("tick") {
            return Ok(SchedulerInput::Tick);
        }
        return serde_json::from_value(detail)
            .map(SchedulerInput::Work)
            .map_err(|e| format!("unknown bus event detail: {e}"));
    }
    // A bare BusEvent (e.g. from the local runner).
    serde_json::from_value(v.clone())
        .map(SchedulerInput::Work)
        .map_err(|_| "input is neither a tick nor a mentor-pairing event".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_kind_of_tick_is_a_tick() {
        for v in [
            json!({"kind": "tick"}),
            json!({"source": "aws.scheduler", "detail-type": "Scheduled Event", "detail": {}}),
            json!({"source": "mentor-pairing", "detail-type": "tick", "detail": {"kind": "tick"}}),
        ] {
            assert_eq!(parse_scheduler_input(&v), Ok(SchedulerInput::Tick), "{v}");
        }
    }

    #[test]
    fn bus_envelopes_carry_work() {
        let v = json!({"source": "mentor-pairing", "detail-type": "notify-group",
            "detail": {"kind": "notify_group", "round": "2026-12", "group": 3}});
        assert_eq!(
            parse_scheduler_input(&v),
            Ok(SchedulerInput::Work(BusEvent::NotifyGroup {
                round: "2026-12".parse().unwrap(),
                group: 3
            }))
        );
        assert!(
            parse_scheduler_input(&json!({"source": "mentor-pairing", "detail": {"kind": "x"}}))
                .is_err()
        );
        assert!(parse_scheduler_input(&json!({"hello": 1})).is_err());
    }
}

#[cfg(test)]
mod sample_events {
    use super::*;

    fn sample(name: &str) -> Value {
        let path = format!("{}/../../infra/events/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn the_sample_events_in_infra_parse() {
        assert_eq!(
            parse_scheduler_input(&sample("scheduler-tick.json")),
            Ok(SchedulerInput::Tick)
        );
        assert_eq!(
            parse_scheduler_input(&sample("scheduler-tick-envelope.json")),
            Ok(SchedulerInput::Tick)
        );
        assert!(matches!(
            parse_scheduler_input(&sample("pairing-notification.json")),
            Ok(SchedulerInput::Work(BusEvent::NotifyGroup { group: 1, .. }))
        ));
    }
}
