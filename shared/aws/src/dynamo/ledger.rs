//! The `Ledger` port: once-only claims with an owner token.

use super::{DynamoStore, is_condition_failed, n, s, store_err};
use async_trait::async_trait;
use chrono::{DateTime, Duration, TimeZone, Utc};
use mentor_domain::error::Result;
use mentor_domain::ports::{Claim, ClaimToken, Ledger};

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
        match res {
            Ok(_) => Ok(Some(token)),
            Err(e) if is_condition_failed(&e) => Ok(None),
            Err(e) => Err(store_err(e)),
        }
    }

    async fn complete(&self, key: &str, token: &ClaimToken) -> Result<bool> {
        // Conditional on the owner, which also means an absent item is never
        // created by this update.
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("PK", s(self.ledger_pk(key)))
            .key("SK", s("LEDGER"))
            .update_expression("SET #st = :done")
            .condition_expression("#owner = :token AND #st = :ip")
            .expression_attribute_names("#st", "state")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_values(":done", s("done"))
            .expression_attribute_values(":ip", s("in_progress"))
            .expression_attribute_values(":token", s(token.0.clone()))
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(store_err(e)),
        }
    }

    async fn release(&self, key: &str, token: &ClaimToken) -> Result<bool> {
        let res = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("PK", s(self.ledger_pk(key)))
            .key("SK", s("LEDGER"))
            .condition_expression("#owner = :token AND #st = :ip")
            .expression_attribute_names("#st", "state")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_values(":ip", s("in_progress"))
            .expression_attribute_values(":token", s(token.0.clone()))
            .send()
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(store_err(e)),
        }
    }
}
