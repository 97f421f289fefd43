//! The table layout, written once in `infra/table.json` and used both by the
//! SAM template (checked by `infra/check-table-sync.py`) and here to create
//! the table in moto or a fresh account.
//!
//! Items (`PK` / `SK`):
//! - `MEMBER#<user>` / `PROFILE`: member status and profile (`GSI1PK = MEMBERS`).
//! - `ROUND#<yyyy-mm>` / `ROUND`: round state, seed, counters, version.
//! - `ROUND#<yyyy-mm>` / `GROUP#<nnnnn>`: a pair or trio, check-ins, version.
//! - `LEDGER#<key>` / `LEDGER`: once-only markers (events, clicks, DMs), TTL `expires_at`.
//! - `AUDIT` / `<rfc3339>#<n>`: moderator audit log.

use crate::error::AwsError;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType,
};
use serde_json::Value;

pub const TABLE_JSON: &str = include_str!("../../../infra/table.json");

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or_default()
}

fn keys(v: &Value) -> Vec<KeySchemaElement> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| {
            KeySchemaElement::builder()
                .attribute_name(s(k, "AttributeName"))
                .key_type(KeyType::from(s(k, "KeyType")))
                .build()
                .ok()
        })
        .collect()
}

/// Creates the table described by `infra/table.json` under `name`.
pub async fn create_table(client: &Client, name: &str) -> Result<(), AwsError> {
    let spec: Value = serde_json::from_str(TABLE_JSON)
        .map_err(|e| AwsError::Document(format!("infra/table.json: {e}")))?;
    let mut req = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_key_schema(Some(keys(&spec["KeySchema"])));
    for a in spec["AttributeDefinitions"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let def = AttributeDefinition::builder()
            .attribute_name(s(a, "AttributeName"))
            .attribute_type(ScalarAttributeType::from(s(a, "AttributeType")))
            .build()
            .map_err(|e| AwsError::build("CreateTable", e))?;
        req = req.attribute_definitions(def);
    }
    for g in spec["GlobalSecondaryIndexes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let gsi = GlobalSecondaryIndex::builder()
            .index_name(s(g, "IndexName"))
            .set_key_schema(Some(keys(&g["KeySchema"])))
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::from(s(&g["Projection"], "ProjectionType")))
                    .build(),
            )
            .build()
            .map_err(|e| AwsError::build("CreateTable", e))?;
        req = req.global_secondary_indexes(gsi);
    }
    req.send()
        .await
        .map_err(|e| AwsError::sdk("CreateTable", &e))?;
    Ok(())
}
