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

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{AttributeValue, WriteRequest};
use mentor_domain::error::{Error, Result};
use mentor_domain::model::Group;
use mentor_domain::ports::round_place_key;
use mentor_domain::privacy::{Pseudonyms, Retention};
use mentor_domain::{RoundId, UserId};
use serde::Serialize;
use serde::de::DeserializeOwned;

mod audit;
mod ledger;
mod members;
mod rounds;

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

    /// The index items that let [`Rounds::groups_of`] find `next` by member,
    /// written when `prev` became `next`. A member who holds `next` is found
    /// through their place (which carries the same index keys, see
    /// [`DynamoStore::place_item`]), so only the people listed without
    /// holding it need an item: the departed, or everyone once it is
    /// dissolved. An index item, once written, stays until the member's data
    /// is deleted, so only those who newly need one get one.
    fn lookup_items(&self, prev: Option<&Group>, next: &Group) -> Vec<Item> {
        let needs = |g: &Group, u: &UserId| {
            (g.members.contains(u) || g.departed.contains(u)) && !g.holders().contains(u)
        };
        let mut people: Vec<&UserId> = next.members.iter().chain(next.departed.iter()).collect();
        people.sort();
        people.dedup();
        people
            .into_iter()
            // Placeholders of deleted members are not Slack ids and need no index.
            .filter(|u| UserId::is_valid(u.as_str()))
            .filter(|u| needs(next, u) && !prev.is_some_and(|p| needs(p, u)))
            .map(|u| {
                let who = who_pk(&self.pseudonyms.user(u));
                let at = format!("{}#{}", round_pk(next.round), group_sk(next.number));
                self.index_item(
                    next.round,
                    format!("{who}#{}", group_sk(next.number)),
                    who,
                    at,
                    next.number,
                )
            })
            .collect()
    }

    /// A member's place in a round: which live group holds them. It is also
    /// their index item for that group (`GSI2`, `group_sk`), so pairing a
    /// member writes one item, not two.
    fn place_item(&self, round: RoundId, user: &UserId, group: u32) -> Item {
        let mut item = self.index_item(
            round,
            self.place_key(user),
            who_pk(&self.pseudonyms.user(user)),
            format!("{}#PLACE", round_pk(round)),
            group,
        );
        item.insert("group".to_string(), n(group));
        item
    }

    /// An item in `round`'s partition that `GSI2` lists under `who`,
    /// pointing at group `group`, expiring with the round.
    fn index_item(
        &self,
        round: RoundId,
        sk: String,
        who: String,
        gsi_sk: String,
        group: u32,
    ) -> Item {
        HashMap::from([
            ("PK".to_string(), s(round_pk(round))),
            ("SK".to_string(), s(sk)),
            ("GSI2PK".to_string(), s(who)),
            ("GSI2SK".to_string(), s(gsi_sk)),
            ("group_sk".to_string(), s(group_sk(group))),
            (
                "expires_at".to_string(),
                n(self.retention.round_expiry(round).timestamp()),
            ),
        ])
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
