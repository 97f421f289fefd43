//! Counts the DynamoDB requests of `bench-round` (writes by item, as
//! DynamoDB bills them, and per item kind) and charges each call's simulated
//! latency to the clock.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept};
use chrono::Duration;
use mentor_domain::memory::FixedClock;

/// Counts DynamoDB requests (writes by item, as DynamoDB bills them) and
/// charges each call's simulated latency to the clock.
pub(super) struct DynamoCounter {
    pub(super) writes: AtomicU64,
    /// Write capacity units as billed: 1 KB each, twice in a transaction
    /// (updates and deletes counted as one unit: our updated items are small).
    pub(super) write_units: AtomicU64,
    pub(super) transact_items: AtomicU64,
    pub(super) reads: AtomicU64,
    /// Read capacity in half units (eventually consistent reads, 4 KB each).
    pub(super) read_half_units: AtomicU64,
    pub(super) calls: AtomicU64,
    /// Writes by item kind and how they were made (`place:batch`, …).
    pub(super) kinds: Mutex<BTreeMap<String, u64>>,
    clock: Arc<FixedClock>,
    latency: Duration,
}

impl DynamoCounter {
    pub(super) fn new(clock: Arc<FixedClock>, latency: Duration) -> Self {
        Self {
            writes: AtomicU64::new(0),
            write_units: AtomicU64::new(0),
            transact_items: AtomicU64::new(0),
            reads: AtomicU64::new(0),
            read_half_units: AtomicU64::new(0),
            calls: AtomicU64::new(0),
            kinds: Mutex::new(BTreeMap::new()),
            clock,
            latency,
        }
    }

    /// Starts counting afresh (after the set-up writes).
    pub(super) fn reset(&self) {
        for c in [
            &self.writes,
            &self.write_units,
            &self.transact_items,
            &self.reads,
            &self.read_half_units,
            &self.calls,
        ] {
            c.store(0, Ordering::Relaxed);
        }
        self.lock_kinds().clear();
    }

    fn lock_kinds(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, u64>> {
        self.kinds.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one item write; `item` is the whole item for a put, else its key.
    fn count(&self, item: Option<&Item>, how: &str, put: bool) {
        let mut units = if put {
            item.map(item_bytes).unwrap_or(0).div_ceil(1024).max(1) as u64
        } else {
            1
        };
        if how == "transact" {
            units *= 2;
        }
        self.write_units.fetch_add(units, Ordering::Relaxed);
        let key = item;
        let kind = key.map(kind_of).unwrap_or("?");
        *self
            .lock_kinds()
            .entry(format!("{kind}:{how}"))
            .or_default() += 1;
        self.writes.fetch_add(1, Ordering::Relaxed);
    }

    /// `kind:how=count …`, most written first.
    pub(super) fn kinds_line(&self) -> String {
        let mut kinds: Vec<(String, u64)> = self
            .lock_kinds()
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        kinds
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

type Item = HashMap<String, aws_sdk_dynamodb::types::AttributeValue>;

/// What an item is, from its key (the layout in `shared/aws/src/table.rs`).
fn kind_of(item: &Item) -> &'static str {
    let key = |k: &str| {
        item.get(k)
            .and_then(|v| v.as_s().ok())
            .map(String::as_str)
            .unwrap_or_default()
    };
    let (pk, sk) = (key("PK"), key("SK"));
    match () {
        _ if pk.starts_with("LEDGER#") => "ledger",
        _ if sk == "PROFILE" => "member",
        _ if sk == "ROUND" => "round",
        _ if sk.starts_with("GROUP#") => "group",
        _ if sk.starts_with("PLACE#") => "place",
        _ if sk.starts_with("WHO#") => "index",
        _ if pk == "AUDIT" => "audit",
        _ => "other",
    }
}

pub(super) struct CountingInterceptor(pub(super) Arc<DynamoCounter>);

impl std::fmt::Debug for CountingInterceptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CountingInterceptor")
    }
}

impl CountingInterceptor {
    /// Counts the items of one write request; `false` when it is a read.
    fn count_writes(&self, context: &BeforeSerializationInterceptorContextRef<'_>) -> bool {
        use aws_sdk_dynamodb::operation as op;
        let input = context.input();
        let c = &self.0;
        if let Some(p) = input.downcast_ref::<op::put_item::PutItemInput>() {
            c.count(p.item(), "put", true);
        } else if let Some(u) = input.downcast_ref::<op::update_item::UpdateItemInput>() {
            c.count(u.key(), "update", false);
        } else if let Some(d) = input.downcast_ref::<op::delete_item::DeleteItemInput>() {
            c.count(d.key(), "delete", false);
        } else if let Some(b) = input.downcast_ref::<op::batch_write_item::BatchWriteItemInput>() {
            for w in b
                .request_items()
                .into_iter()
                .flat_map(|m| m.values().flatten())
            {
                let put = w.put_request().map(|p| p.item());
                let key = put.or_else(|| w.delete_request().map(|d| d.key()));
                c.count(key, "batch", put.is_some());
            }
        } else if let Some(t) =
            input.downcast_ref::<op::transact_write_items::TransactWriteItemsInput>()
        {
            for i in t.transact_items() {
                let put = i.put().map(|p| p.item());
                let key = put
                    .or_else(|| i.update().map(|u| u.key()))
                    .or_else(|| i.delete().map(|d| d.key()))
                    .or_else(|| i.condition_check().map(|cc| cc.key()));
                c.count(key, "transact", put.is_some());
                c.transact_items.fetch_add(1, Ordering::Relaxed);
            }
        } else {
            return false;
        }
        true
    }
}

impl Intercept for CountingInterceptor {
    fn name(&self) -> &'static str {
        "bench-round-counter"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let c = &self.0;
        c.calls.fetch_add(1, Ordering::Relaxed);
        c.clock.advance(c.latency);
        if !self.count_writes(context) {
            c.reads.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::FinalizerInterceptorContextRef<'_>,
        _rc: &aws_sdk_dynamodb::config::RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        use aws_sdk_dynamodb::operation as op;
        let Some(Ok(output)) = context.output_or_error() else {
            return Ok(());
        };
        // DynamoDB bills a read by the size of what it returns: 4 KB per
        // unit, half a unit when eventually consistent (the default).
        let bytes: usize = if let Some(q) = output.downcast_ref::<op::query::QueryOutput>() {
            q.items().iter().map(item_bytes).sum()
        } else if let Some(g) = output.downcast_ref::<op::get_item::GetItemOutput>() {
            g.item().map(item_bytes).unwrap_or(0)
        } else if let Some(s) = output.downcast_ref::<op::scan::ScanOutput>() {
            s.items().iter().map(item_bytes).sum()
        } else {
            return Ok(());
        };
        let units = bytes.div_ceil(4096).max(1) as u64;
        self.0.read_half_units.fetch_add(units, Ordering::Relaxed);
        Ok(())
    }
}

/// An item's size as DynamoDB counts it: names plus values.
fn item_bytes(item: &Item) -> usize {
    use aws_sdk_dynamodb::types::AttributeValue as V;
    fn value(v: &V) -> usize {
        match v {
            V::S(s) | V::N(s) => s.len(),
            V::Ss(x) | V::Ns(x) => x.iter().map(String::len).sum(),
            V::L(x) => x.iter().map(value).sum::<usize>() + 3,
            V::M(m) => m.iter().map(|(k, v)| k.len() + value(v)).sum::<usize>() + 3,
            V::B(b) => b.as_ref().len(),
            _ => 1,
        }
    }
    item.iter().map(|(k, v)| k.len() + value(v)).sum()
}
