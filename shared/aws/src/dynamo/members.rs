//! The `Members` port: member profiles, listed through `GSI1`.

use std::collections::HashMap;

use super::{DynamoStore, Item, doc, from_item, is_condition_failed, member_pk, n, s, store_err};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};
use mentor_domain::UserId;
use mentor_domain::error::{Error, Result};
use mentor_domain::model::Member;
use mentor_domain::ports::Members;

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
