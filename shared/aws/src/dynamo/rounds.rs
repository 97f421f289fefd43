//! The `Rounds` port: rounds, groups, places and the member → group index,
//! written in transactions (a lone group write as a conditional put).

use std::collections::HashMap;

use super::{
    DynamoStore, Item, build_err, doc, from_item, group_sk, is_condition_failed, n, round_pk, s,
    store_err,
};
use async_trait::async_trait;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    Delete, DeleteRequest, Put, PutRequest, TransactWriteItem, WriteRequest,
};
use mentor_domain::error::{Error, Result};
use mentor_domain::model::{Group, Round};
use mentor_domain::ports::{GroupWrite, PlaceMove, Rounds, place_moves};
use mentor_domain::privacy::Retention;
use mentor_domain::{RoundId, UserId};

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
        let put = |item: Item| -> Result<WriteRequest> {
            let put = PutRequest::builder()
                .set_item(Some(item))
                .build()
                .map_err(build_err)?;
            Ok(WriteRequest::builder().put_request(put).build())
        };
        for g in groups {
            // The index first (places are index items too): a group is never
            // stored unfindable by its members.
            for item in self.lookup_items(None, g) {
                requests.push(put(item)?);
            }
            for u in g.holders() {
                requests.push(put(self.place_item(round, &u, g.number))?);
                held.push(self.place_key(&u));
            }
            requests.push(put(self.group_item(g)?)?);
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
        let mut lookups = Vec::new();
        for w in writes {
            items.push(self.group_write(w)?);
            lookups.extend(self.lookup_items(w.prev.as_ref(), &w.next));
        }
        let moves = place_moves(writes);
        if let ([w], true, true) = (writes, moves.is_empty(), lookups.is_empty()) {
            // One group and nothing else (a check-in answer, an announcement
            // step): a conditional put bills half of a one-item transaction.
            return self.put_group_alone(w).await;
        }
        // The member → group index, in the same transaction: a write that
        // loses the race leaves no index item (a deleted member's can't return).
        for lookup in lookups {
            let p = Put::builder()
                .table_name(&self.table)
                .set_item(Some(lookup))
                .build()
                .map_err(build_err)?;
            items.push(TransactWriteItem::builder().put(p).build());
        }
        for m in &moves {
            if let Some(item) = self.place_move(round, m)? {
                items.push(item);
            }
        }
        self.transact(items).await
    }

    async fn groups(&self, id: RoundId) -> Result<Vec<Group>> {
        self.query_pk(round_pk(id), Some("GROUP#"))
            .await?
            .iter()
            .map(from_item)
            .collect()
    }

    async fn group(&self, id: RoundId, number: u32) -> Result<Option<Group>> {
        match self.get_item(round_pk(id), &group_sk(number)).await? {
            Some(item) => from_item(&item).map(Some),
            None => Ok(None),
        }
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

/// The pieces of [`Rounds::write_groups`].
impl DynamoStore {
    /// The group's put, only over the version the writer read (or none).
    fn group_write(&self, w: &GroupWrite) -> Result<TransactWriteItem> {
        let mut put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(self.group_item(&w.next)?));
        put = match &w.prev {
            None => put.condition_expression("attribute_not_exists(PK)"),
            Some(p) => put
                .condition_expression("version = :prev")
                .expression_attribute_values(":prev", n(p.version)),
        };
        Ok(TransactWriteItem::builder()
            .put(put.build().map_err(build_err)?)
            .build())
    }

    /// [`DynamoStore::group_write`] on its own, outside a transaction.
    async fn put_group_alone(&self, w: &GroupWrite) -> Result<bool> {
        let mut req = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(self.group_item(&w.next)?));
        req = match &w.prev {
            None => req.condition_expression("attribute_not_exists(PK)"),
            Some(p) => req
                .condition_expression("version = :prev")
                .expression_attribute_values(":prev", n(p.version)),
        };
        match req.send().await {
            Ok(_) => Ok(true),
            // The SDK retried a put whose response was lost and the first
            // attempt had applied it: the stored group is exactly the one
            // written (a claim's version and time included), so it is ours.
            // Unlike a transaction, a put carries no idempotency token.
            Err(e) if is_condition_failed(&e) => self.holds(&w.next).await,
            // As in a transaction: a concurrent one holding the item is a
            // conflict to re-read and retry, not a failure.
            Err(e)
                if e.as_service_error()
                    .and_then(|se| se.code())
                    .is_some_and(|c| c == "TransactionConflictException") =>
            {
                Ok(false)
            }
            Err(e) => Err(store_err(e)),
        }
    }

    /// Whether the stored group is exactly `group` (a consistent read).
    async fn holds(&self, group: &Group) -> Result<bool> {
        let item = self
            .get_item(round_pk(group.round), &group_sk(group.number))
            .await?;
        match item {
            Some(item) => Ok(from_item::<Group>(&item)? == *group),
            None => Ok(false),
        }
    }

    /// A member's place moving: leaving or moving only from the place held
    /// (or none, for groups stored before places existed); joining only
    /// without a place.
    fn place_move(&self, round: RoundId, m: &PlaceMove) -> Result<Option<TransactWriteItem>> {
        let from_cond = "attribute_not_exists(PK) OR #g = :from";
        let item = match (m.from, m.to) {
            (_, Some(to)) => {
                let mut put = Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(self.place_item(round, &m.user, to)));
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
                    .key("SK", s(self.place_key(&m.user)))
                    .condition_expression(from_cond)
                    .expression_attribute_names("#g", "group")
                    .expression_attribute_values(":from", n(from))
                    .build()
                    .map_err(build_err)?;
                TransactWriteItem::builder().delete(del).build()
            }
            (None, None) => return Ok(None),
        };
        Ok(Some(item))
    }

    /// Writes `items` all or nothing; false when a condition failed or a
    /// concurrent transaction touched the same items (re-read, retry).
    async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<bool> {
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) => match e.as_service_error() {
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
}
