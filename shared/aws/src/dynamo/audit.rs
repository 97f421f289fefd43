//! The `Audit` port: moderator actions, anonymised on deletion.

use super::{DynamoStore, Item, doc, from_item, n, s, store_err};
use async_trait::async_trait;
use mentor_domain::UserId;
use mentor_domain::error::Result;
use mentor_domain::model::AuditEntry;
use mentor_domain::ports::Audit;

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
