//! The `Ledger` port: once-only claims with an owner token.

use super::{DynamoStore, is_condition_failed, n, s, store_err};
use async_trait::async_trait;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, TimeZone, Utc};
use mentor_domain::error::Result;
use mentor_domain::ports::{Claim, ClaimToken, Ledger};
use std::collections::HashMap;

/// A claim token nobody else will draw: 128 bits from the process's random
/// hasher keys, the time and a counter (no extra crate needed for that).
fn fresh_token() -> ClaimToken {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let count = COUNT.fetch_add(1, Ordering::Relaxed);
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    let mut halves = [0u64; 2];
    for (i, h) in halves.iter_mut().enumerate() {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(count);
        hasher.write_i64(nanos);
        hasher.write_usize(i);
        *h = hasher.finish();
    }
    ClaimToken(format!("{:016x}{:016x}", halves[0], halves[1]))
}

/// The condition of every write that finishes a claim (`complete`,
/// `release`): still in progress and still ours. An absent item fails it too,
/// so an update never creates one.
const OURS: &str = "#owner = :token AND #st = :ip";

fn ours_names() -> HashMap<String, String> {
    [("#st", "state"), ("#owner", "owner")]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into()
}

fn ours_values(token: &ClaimToken) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (":ip".to_string(), s("in_progress")),
        (":token".to_string(), s(token.0.clone())),
    ])
}

/// Whether a write conditioned on [`OURS`] applied; `false` when the claim
/// was no longer ours (taken over, finished, or gone).
fn applied<T, E: ProvideErrorMetadata, R>(
    res: std::result::Result<T, SdkError<E, R>>,
) -> Result<bool> {
    match res {
        Ok(_) => Ok(true),
        Err(e) if is_condition_failed(&e) => Ok(false),
        Err(e) => Err(store_err(e)),
    }
}

#[async_trait]
impl Ledger for DynamoStore {
    async fn claim(&self, key: &str, now: DateTime<Utc>, ttl: Duration) -> Result<Claim> {
        let expires = (now + ttl).timestamp();
        let token = fresh_token();
        let res = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("PK", s(self.ledger_pk(key)))
            .item("SK", s("LEDGER"))
            .item("state", s("in_progress"))
            .item("since", n(now.timestamp_millis()))
            .item("owner", s(token.0.clone()))
            .item("expires_at", n(expires))
            // An expired marker that TTL has not swept yet counts as absent.
            .condition_expression("attribute_not_exists(PK) OR expires_at < :now")
            .expression_attribute_values(":now", n(now.timestamp()))
            .send()
            .await;
        match res {
            Ok(_) => Ok(Claim::New(token)),
            Err(e) if is_condition_failed(&e) => {
                let item = self
                    .get_item(self.ledger_pk(key), "LEDGER")
                    .await?
                    .unwrap_or_default();
                let state = item
                    .get("state")
                    .and_then(|v| v.as_s().ok())
                    .map(String::as_str);
                if state == Some("done") {
                    return Ok(Claim::Done);
                }
                let since = item
                    .get("since")
                    .and_then(|v| v.as_n().ok())
                    .and_then(|v| v.parse::<i64>().ok())
                    .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
                    .unwrap_or(now);
                Ok(Claim::InProgress(since))
            }
            Err(e) => Err(store_err(e)),
        }
    }

    async fn steal(
        &self,
        key: &str,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<ClaimToken>> {
        let token = fresh_token();
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("PK", s(self.ledger_pk(key)))
            .key("SK", s("LEDGER"))
            .update_expression("SET since = :now, #owner = :token")
            .condition_expression("#st = :ip AND since = :since")
            .expression_attribute_names("#st", "state")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_values(":now", n(now.timestamp_millis()))
            .expression_attribute_values(":token", s(token.0.clone()))
            .expression_attribute_values(":ip", s("in_progress"))
            .expression_attribute_values(":since", n(since.timestamp_millis()))
            .send()
            .await;
        Ok(applied(res)?.then_some(token))
    }

    async fn complete(&self, key: &str, token: &ClaimToken) -> Result<bool> {
        let mut values = ours_values(token);
        values.insert(":done".into(), s("done"));
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("PK", s(self.ledger_pk(key)))
            .key("SK", s("LEDGER"))
            .update_expression("SET #st = :done")
            .condition_expression(OURS)
            .set_expression_attribute_names(Some(ours_names()))
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        applied(res)
    }

    async fn release(&self, key: &str, token: &ClaimToken) -> Result<bool> {
        let res = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("PK", s(self.ledger_pk(key)))
            .key("SK", s("LEDGER"))
            .condition_expression(OURS)
            .set_expression_attribute_names(Some(ours_names()))
            .set_expression_attribute_values(Some(ours_values(token)))
            .send()
            .await;
        applied(res)
    }
}
