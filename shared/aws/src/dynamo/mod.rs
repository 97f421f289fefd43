//! The DynamoDB store: implements the domain's `Members`, `Rounds`, `Ledger`
//! and `Audit` ports on one table (layout in [`crate::table`]). Documents are
//! kept as JSON in a `doc` attribute, with the attributes that conditions and
//! indexes need stored beside it.
//!
//! Privacy lives here too: ledger keys and the per-member group index carry a
//! keyed hash of the user id ([`Pseudonyms`]), never the id, and round,
//! group, index and audit items get an `expires_at` (TTL) from [`Retention`].

use crate::error::AwsError;
use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, DeleteRequest, Put, PutRequest, TransactWriteItem, WriteRequest,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use mentor_domain::error::{Error, Result};
use mentor_domain::model::{AuditEntry, Group, Member, Round};
use mentor_domain::ports::{
    Audit, Claim, ClaimToken, GroupWrite, Ledger, Members, Rounds, place_moves, round_place_key,
};
use mentor_domain::privacy::{Pseudonyms, Retention};
use mentor_domain::{RoundId, UserId};
use serde::Serialize;
use serde::de::DeserializeOwned;

type Item = HashMap<String, AttributeValue>;

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    pseudonyms: Pseudonyms,
    retention: Retention,
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// A DynamoDB failure for the domain, keeping its kind (throttled, condition, other).
fn store_err<E: ProvideErrorMetadata, R>(e: SdkError<E, R>) -> Error {
    AwsError::sdk("DynamoDB", &e).into_store()
}

fn build_err(e: impl std::fmt::Display) -> Error {
    AwsError::build("DynamoDB", e).into_store()
}

/// True when a write failed only because its condition did not hold.
fn is_condition_failed<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    e.as_service_error()
        .and_then(|se| se.code())
        .is_some_and(|c| c == "ConditionalCheckFailedException")
}

fn doc<T: Serialize>(v: &T) -> Result<AttributeValue> {
    serde_json::to_string(v)
        .map(AttributeValue::S)
        .map_err(|e| Error::Store(e.to_string()))
}

fn from_item<T: DeserializeOwned>(item: &Item) -> Result<T> {
    let raw = item
        .get("doc")
        .and_then(|v| v.as_s().ok())
        .ok_or_else(|| Error::Store("item without doc".into()))?;
    serde_json::from_str(raw).map_err(|e| Error::Store(format!("bad stored document: {e}")))
}

fn member_pk(id: &UserId) -> String {
    format!("MEMBER#{id}")
}
fn round_pk(id: RoundId) -> String {
    format!("ROUND#{id}")
}
fn group_sk(n: u32) -> String {
    format!("GROUP#{n:05}")
}
/// The member → group index: one small item per member of a group, in the
/// group's round partition, found through `GSI2` by the member's pseudonym.
fn who_pk(pseudonym: &str) -> String {
    format!("WHO#{pseudonym}")
}

impl DynamoStore {
    pub fn new(
        client: Client,
        table: impl Into<String>,
        pseudonyms: Pseudonyms,
        retention: Retention,
    ) -> Self {
        Self {
            client,
            table: table.into(),
            pseudonyms,
            retention,
        }
    }

    /// A member's place in a round (`round_place_key`), by pseudonym.
    fn place_key(&self, user: &UserId) -> String {
        round_place_key(&self.pseudonyms.user(user))
    }

    /// The stored key of a once-only marker: never the raw key (it may hold user ids).
    fn ledger_pk(&self, key: &str) -> String {
        format!("LEDGER#{}", self.pseudonyms.ledger_key(key))
    }

    /// The index items that let [`Rounds::groups_of`] find `g` by member.
    fn lookup_items(&self, g: &Group) -> Vec<Item> {
        let expires = self.retention.round_expiry(g.round).timestamp();
        let mut people: Vec<&UserId> = g.members.iter().chain(g.departed.iter()).collect();
        people.sort();
        people.dedup();
        people
            .into_iter()
            // Placeholders of deleted members are not Slack ids and need no index.
            .filter(|u| UserId::is_valid(u.as_str()))
            .map(|u| {
                let who = who_pk(&self.pseudonyms.user(u));
                HashMap::from([
                    ("PK".to_string(), s(round_pk(g.round))),
                    ("SK".to_string(), s(format!("{who}#{}", group_sk(g.number)))),
                    ("GSI2PK".to_string(), s(who)),
                    (
                        "GSI2SK".to_string(),
                        s(format!("{}#{}", round_pk(g.round), group_sk(g.number))),
                    ),
                    ("group_sk".to_string(), s(group_sk(g.number))),
                    ("expires_at".to_string(), n(expires)),
                ])
            })
            .collect()
    }

    /// The keys of every index item of `user`.
    async fn lookups_of(&self, user: &UserId) -> Result<Vec<Item>> {
        self.query_index("GSI2", who_pk(&self.pseudonyms.user(user)))
            .await
    }

    /// All items of one partition of a global secondary index (whose
    /// partition key is `<index>PK`), following pagination.
    async fn query_index(&self, index: &str, pk: String) -> Result<Vec<Item>> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(index)
                .key_condition_expression(format!("{index}PK = :v"))
                .expression_attribute_values(":v", s(pk.clone()))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(store_err)?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(items),
            }
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    async fn get_item(&self, pk: String, sk: &str) -> Result<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("PK", s(pk))
            .key("SK", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(store_err)?;
        Ok(out.item)
    }

    /// All items of a partition, following pagination.
    async fn query_pk(&self, pk: String, sk_prefix: Option<&str>) -> Result<Vec<Item>> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .expression_attribute_values(":pk", s(pk.clone()))
                .set_exclusive_start_key(start.take());
            q = match sk_prefix {
                Some(p) => q
                    .key_condition_expression("PK = :pk AND begins_with(SK, :p)")
                    .expression_attribute_values(":p", s(p)),
                None => q.key_condition_expression("PK = :pk"),
            };
            let out = q.send().await.map_err(store_err)?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(items),
            }
        }
    }

    /// Writes items in batches of 25, retrying unprocessed ones with backoff.
    async fn batch_write(&self, requests: Vec<WriteRequest>) -> Result<()> {
        for chunk in requests.chunks(25) {
            let mut pending: Vec<WriteRequest> = chunk.to_vec();
            let mut attempt = 0u32;
            while !pending.is_empty() {
                attempt += 1;
                if attempt > 8 {
                    return Err(Error::Store("batch write: unprocessed items remain".into()));
                }
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending.clone())
                    .send()
                    .await
                    .map_err(store_err)?;
                pending = out
                    .unprocessed_items
                    .and_then(|mut m| m.remove(&self.table))
                    .unwrap_or_default();
                if !pending.is_empty() {
                    tokio::time::sleep(std::time::Duration::from_millis(50 << attempt.min(6)))
                        .await;
                }
            }
        }
        Ok(())
    }

    fn group_item(&self, g: &Group) -> Result<Item> {
        Ok(HashMap::from([
            ("PK".to_string(), s(round_pk(g.round))),
            ("SK".to_string(), s(group_sk(g.number))),
            ("doc".to_string(), doc(g)?),
            ("version".to_string(), n(g.version)),
            (
                "expires_at".to_string(),
                n(self.retention.round_expiry(g.round).timestamp()),
            ),
        ]))
    }

    /// A conditional put guarded by the stored `version`.
    async fn put_versioned(&self, item: Item, version: u64) -> Result<bool> {
        let mut req = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item));
        req = if version == 0 {
            req.condition_expression("attribute_not_exists(PK)")
        } else {
            req.condition_expression("version = :prev")
                .expression_attribute_values(":prev", n(version - 1))
        };
        match req.send().await {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(store_err(e)),
        }
    }
}

#[async_trait]
impl Members for DynamoStore {
    async fn get(&self, id: &UserId) -> Result<Option<Member>> {
        match self.get_item(member_pk(id), "PROFILE").await? {
            Some(item) => from_item(&item).map(Some),
            None => Ok(None),
        }
    }

    async fn create(&self, member: &Member) -> Result<bool> {
        let mut member = member.clone();
        member.version = 0;
        let item = member_item(&member)?;
        match self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(store_err(e)),
        }
    }

    async fn update(&self, member: &Member) -> Result<bool> {
        if member.version == 0 {
            return Err(Error::Store("member update needs a bumped version".into()));
        }
        let prev = member.version - 1;
        // Items written before members were versioned have no `version`: they
        // count as version 0, but only while they exist (a deleted member is
        // never written back).
        let condition = if prev == 0 {
            "version = :prev OR (attribute_exists(PK) AND attribute_not_exists(version))"
        } else {
            "version = :prev"
        };
        match self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(member_item(member)?))
            .condition_expression(condition)
            .expression_attribute_values(":prev", n(prev))
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(store_err(e)),
        }
    }

    async fn list(&self) -> Result<Vec<Member>> {
        self.query_index("GSI1", "MEMBERS".to_string())
            .await?
            .iter()
            .map(from_item)
            .collect()
    }

    async fn delete(&self, id: &UserId) -> Result<()> {
        let mut items = self.query_pk(member_pk(id), None).await?;
        items.extend(self.lookups_of(id).await?);
        let requests = items
            .into_iter()
            .filter_map(|item| {
                let key: Item = item
                    .into_iter()
                    .filter(|(k, _)| k == "PK" || k == "SK")
                    .collect();
                DeleteRequest::builder()
                    .set_key(Some(key))
                    .build()
                    .ok()
                    .map(|d| WriteRequest::builder().delete_request(d).build())
            })
            .collect();
        self.batch_write(requests).await
    }
}

fn member_item(m: &Member) -> Result<Item> {
    Ok(HashMap::from([
        ("PK".to_string(), s(member_pk(&m.id))),
        ("SK".to_string(), s("PROFILE")),
        ("GSI1PK".to_string(), s("MEMBERS")),
        ("GSI1SK".to_string(), s(m.id.as_str())),
        ("doc".to_string(), doc(m)?),
        ("version".to_string(), n(m.version)),
    ]))
}

/// A member's place in a round: which live group holds them.
fn place_item(round: RoundId, key: &str, group: u32, retention: Retention) -> Item {
    HashMap::from([
        ("PK".to_string(), s(round_pk(round))),
        ("SK".to_string(), s(key)),
        ("group".to_string(), n(group)),
        (
            "expires_at".to_string(),
            n(retention.round_expiry(round).timestamp()),
        ),
    ])
}

fn round_item(r: &Round, retention: Retention) -> Result<Item> {
    Ok(HashMap::from([
        ("PK".to_string(), s(round_pk(r.id))),
        ("SK".to_string(), s("ROUND")),
        ("doc".to_string(), doc(r)?),
        ("version".to_string(), n(r.version)),
        (
            "expires_at".to_string(),
            n(retention.round_expiry(r.id).timestamp()),
        ),
    ]))
}

#[async_trait]
impl Rounds for DynamoStore {
    async fn get(&self, id: RoundId) -> Result<Option<Round>> {
        match self.get_item(round_pk(id), "ROUND").await? {
            Some(item) => from_item(&item).map(Some),
            None => Ok(None),
        }
    }

    async fn create(&self, round: &Round) -> Result<bool> {
        let mut r = round.clone();
        r.version = 0;
        self.put_versioned(round_item(&r, self.retention)?, 0).await
    }

    async fn update(&self, round: &Round) -> Result<bool> {
        if round.version == 0 {
            return Err(Error::Store("update needs a bumped version".into()));
        }
        self.put_versioned(round_item(round, self.retention)?, round.version)
            .await
    }

    async fn put_groups(&self, groups: &[Group]) -> Result<()> {
        let Some(round) = groups.first().map(|g| g.round) else {
            return Ok(());
        };
        let numbers: Vec<u32> = groups.iter().map(|g| g.number).collect();
        let mut requests = Vec::with_capacity(groups.len() * 3);
        let mut held = Vec::new();
        for g in groups {
            // The index first: a group is never stored unfindable by its members.
            for item in self.lookup_items(g) {
                let put = PutRequest::builder()
                    .set_item(Some(item))
                    .build()
                    .map_err(build_err)?;
                requests.push(WriteRequest::builder().put_request(put).build());
            }
            let put = PutRequest::builder()
                .set_item(Some(self.group_item(g)?))
                .build()
                .map_err(build_err)?;
            requests.push(WriteRequest::builder().put_request(put).build());
            for u in g.holders() {
                let key = self.place_key(&u);
                let put = PutRequest::builder()
                    .set_item(Some(place_item(round, &key, g.number, self.retention)))
                    .build()
                    .map_err(build_err)?;
                requests.push(WriteRequest::builder().put_request(put).build());
                held.push(key);
            }
        }
        // Places a crashed attempt wrote for groups now rewritten without them.
        for item in self.query_pk(round_pk(round), Some("PLACE#")).await? {
            let sk = item.get("SK").and_then(|v| v.as_s().ok()).cloned();
            let group = item
                .get("group")
                .and_then(|v| v.as_n().ok())
                .and_then(|v| v.parse::<u32>().ok());
            if let (Some(sk), Some(group)) = (sk, group)
                && numbers.contains(&group)
                && !held.contains(&sk)
            {
                let del = DeleteRequest::builder()
                    .key("PK", s(round_pk(round)))
                    .key("SK", s(sk))
                    .build()
                    .map_err(build_err)?;
                requests.push(WriteRequest::builder().delete_request(del).build());
            }
        }
        self.batch_write(requests).await
    }

    async fn write_groups(&self, writes: &[GroupWrite]) -> Result<bool> {
        let Some(round) = writes.first().map(|w| w.next.round) else {
            return Ok(true);
        };
        let mut items = Vec::new();
        for w in writes {
            let mut put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(self.group_item(&w.next)?));
            put = match &w.prev {
                None => put.condition_expression("attribute_not_exists(PK)"),
                Some(p) => put
                    .condition_expression("version = :prev")
                    .expression_attribute_values(":prev", n(p.version)),
            };
            items.push(
                TransactWriteItem::builder()
                    .put(put.build().map_err(build_err)?)
                    .build(),
            );
            // The member → group index, in the same transaction: a write that
            // loses the race leaves no index item (a deleted member's can't return).
            for lookup in self.lookup_items(&w.next) {
                let p = Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(lookup))
                    .build()
                    .map_err(build_err)?;
                items.push(TransactWriteItem::builder().put(p).build());
            }
        }
        for m in place_moves(writes) {
            let key = self.place_key(&m.user);
            // Leaving or moving: only from the place held (or none, for groups
            // stored before places existed). Joining: only without a place.
            let from_cond = "attribute_not_exists(PK) OR #g = :from";
            let item = match (m.from, m.to) {
                (_, Some(to)) => {
                    let mut put = Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(place_item(round, &key, to, self.retention)));
                    put = match m.from {
                        None => put.condition_expression("attribute_not_exists(PK)"),
                        Some(from) => put
                            .condition_expression(from_cond)
                            .expression_attribute_names("#g", "group")
                            .expression_attribute_values(":from", n(from)),
                    };
                    TransactWriteItem::builder()
                        .put(put.build().map_err(build_err)?)
                        .build()
                }
                (Some(from), None) => {
                    let del = Delete::builder()
                        .table_name(&self.table)
                        .key("PK", s(round_pk(round)))
                        .key("SK", s(key))
                        .condition_expression(from_cond)
                        .expression_attribute_names("#g", "group")
                        .expression_attribute_values(":from", n(from))
                        .build()
                        .map_err(build_err)?;
                    TransactWriteItem::builder().delete(del).build()
                }
                (None, None) => continue,
            };
            items.push(item);
        }
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) => match e.as_service_error() {
                // A condition failed or a concurrent transaction touched the
                // same items: the caller re-reads and retries.
                Some(TransactWriteItemsError::TransactionCanceledException(c))
                    if c.cancellation_reasons().iter().all(|r| {
                        matches!(
                            r.code(),
                            None | Some("None")
                                | Some("ConditionalCheckFailed")
                                | Some("TransactionConflict")
                        )
                    }) =>
                {
                    Ok(false)
                }
                _ => Err(store_err(e)),
            },
        }
    }

    async fn groups(&self, id: RoundId) -> Result<Vec<Group>> {
        self.query_pk(round_pk(id), Some("GROUP#"))
            .await?
            .iter()
            .map(from_item)
            .collect()
    }

    async fn groups_of(&self, user: &UserId) -> Result<Vec<Group>> {
        let mut out: Vec<Group> = Vec::new();
        for lookup in self.lookups_of(user).await? {
            let text = |k: &str| {
                lookup
                    .get(k)
                    .and_then(|v| v.as_s().ok())
                    .cloned()
                    .unwrap_or_default()
            };
            let Some(item) = self.get_item(text("PK"), &text("group_sk")).await? else {
                continue;
            };
            let g: Group = from_item(&item)?;
            let listed = g.members.contains(user) || g.departed.contains(user);
            if listed
                && !out
                    .iter()
                    .any(|o| o.round == g.round && o.number == g.number)
            {
                out.push(g);
            }
        }
        Ok(out)
    }
}

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

#[async_trait]
impl Audit for DynamoStore {
    async fn record(&self, entry: &AuditEntry) -> Result<()> {
        let sk = format!(
            "{}#{:09}",
            entry.at.format("%Y-%m-%dT%H:%M:%S%.6fZ"),
            entry.at.timestamp_subsec_nanos()
        );
        // A random suffix keeps two actions in the same instant apart.
        let nonce = {
            use std::hash::{BuildHasher, Hasher};
            std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish()
        };
        let who = self.pseudonyms.user(&entry.moderator);
        self.client
            .put_item()
            .table_name(&self.table)
            .item("PK", s("AUDIT"))
            .item("SK", s(format!("{sk}#{who}#{nonce:016x}")))
            .item("doc", doc(entry)?)
            .item(
                "expires_at",
                n(self.retention.audit_expiry(entry.at).timestamp()),
            )
            .send()
            .await
            .map_err(store_err)?;
        Ok(())
    }

    async fn recent(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :a")
            .expression_attribute_values(":a", s("AUDIT"))
            .scan_index_forward(false)
            .limit(limit.clamp(1, 1000) as i32)
            .send()
            .await
            .map_err(store_err)?;
        out.items
            .unwrap_or_default()
            .iter()
            .map(from_item)
            .collect()
    }

    /// Reads only the audit partition (moderator actions, bounded by the
    /// retention period), never the whole table.
    async fn anonymise(&self, user: &UserId, replacement: &UserId) -> Result<()> {
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("PK = :a")
                .filter_expression("contains(doc, :u)")
                .expression_attribute_values(":a", s("AUDIT"))
                .expression_attribute_values(":u", s(user.as_str()))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(store_err)?;
            for mut item in out.items.unwrap_or_default() {
                let mut entry: AuditEntry = from_item(&item)?;
                entry.anonymise(user, replacement);
                item.insert("doc".into(), doc(&entry)?);
                self.client
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(item))
                    .send()
                    .await
                    .map_err(store_err)?;
            }
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(()),
            }
        }
    }
}
