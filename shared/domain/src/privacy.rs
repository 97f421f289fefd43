//! Privacy rules in one place: how a user id becomes a keyed pseudonym in
//! storage keys, and how long history is kept.
//!
//! Keys that must stay unique per person (once-only markers, the member →
//! group lookup, audit sort keys) carry `HMAC-SHA256(key, user id)` instead of
//! the id. Without the key (held in Secrets Manager, never logged) nobody can
//! tell whose marker an item is, even with a list of every Slack id; with it,
//! the bot can still find a member's items to delete them.

use chrono::{DateTime, Months, NaiveDate, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::ids::{RoundId, UserId};

/// The key the local runner and the tests use when none is configured.
/// Production reads its own from Secrets Manager.
pub const LOCAL_PSEUDONYM_KEY: &str = "mentor-pairing-local-pseudonym-key-not-for-production";

/// Group history and audit entries are kept this many months by default.
pub const DEFAULT_RETENTION_MONTHS: u32 = 24;

/// Turns user ids (and keys that contain them) into keyed pseudonyms.
#[derive(Clone)]
pub struct Pseudonyms {
    key: Vec<u8>,
}

impl std::fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonyms(<key redacted>)")
    }
}

impl Pseudonyms {
    pub fn new(key: impl AsRef<[u8]>) -> Self {
        Self {
            key: key.as_ref().to_vec(),
        }
    }

    /// The key for local runs and tests.
    pub fn local() -> Self {
        Self::new(LOCAL_PSEUDONYM_KEY)
    }

    fn mac(&self, data: &str) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) else {
            return String::new();
        };
        mac.update(data.as_bytes());
        // 128 bits: collision-free for any realistic number of keys.
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// The pseudonym of one user: 32 hex digits.
    pub fn user(&self, id: &UserId) -> String {
        self.mac(&format!("user:{id}"))
    }

    /// A once-only key as stored: its kind (the part before the first `#`,
    /// e.g. `NOTIFY`) stays readable for operators, the rest (which may hold
    /// user ids, event ids, button values) becomes a keyed hash.
    pub fn ledger_key(&self, key: &str) -> String {
        let kind = key.split('#').next().unwrap_or_default();
        let readable = !kind.is_empty()
            && kind.len() <= 24
            && kind
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '-' || c == '_');
        let kind = if readable { kind } else { "KEY" };
        format!("{kind}#{}", self.mac(&format!("once:{key}")))
    }
}

/// How long history is kept, and when a stored item of it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub months: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            months: DEFAULT_RETENTION_MONTHS,
        }
    }
}

impl Retention {
    pub fn months(months: u32) -> Self {
        Self { months }
    }

    /// When a round's items (its groups, their lookups, the round itself)
    /// expire: `months` after the end of the round's month (UTC midnight).
    pub fn round_expiry(&self, round: RoundId) -> DateTime<Utc> {
        let first = NaiveDate::from_ymd_opt(round.year, round.month, 1).unwrap_or_default();
        first
            .checked_add_months(Months::new(self.months.saturating_add(1)))
            .unwrap_or(NaiveDate::MAX)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
    }

    /// When an audit entry written at `at` expires.
    pub fn audit_expiry(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        at.checked_add_months(Months::new(self.months))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// How many past rounds repeat-avoidance may look at: only what is kept.
    pub fn history_rounds(&self, wanted: usize) -> usize {
        wanted.min(self.months as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pseudonym_depends_on_the_key_and_never_contains_the_id() {
        let u = UserId::new("U0ALICE");
        let a = Pseudonyms::new("k1").user(&u);
        assert_eq!(a.len(), 32);
        assert!(!a.contains("U0ALICE"));
        assert_eq!(a, Pseudonyms::new("k1").user(&u));
        assert_ne!(a, Pseudonyms::new("k2").user(&u));
        assert_ne!(a, Pseudonyms::new("k1").user(&UserId::new("U0BOB")));
    }

    #[test]
    fn a_ledger_key_keeps_its_kind_and_hides_the_rest() {
        let p = Pseudonyms::local();
        let k = p.ledger_key("ACTION#U0ALICE#delete_confirm#x#msg-1");
        assert!(k.starts_with("ACTION#"), "{k}");
        assert!(!k.contains("U0ALICE") && !k.contains("delete_confirm"));
        assert_eq!(k, p.ledger_key("ACTION#U0ALICE#delete_confirm#x#msg-1"));
        assert_ne!(k, p.ledger_key("ACTION#U0BOB#delete_confirm#x#msg-1"));
        assert!(p.ledger_key("U0ALICE").starts_with("KEY#"));
    }

    #[test]
    fn the_debug_form_never_shows_the_key() {
        assert!(!format!("{:?}", Pseudonyms::new("sekrit")).contains("sekrit"));
    }

    #[test]
    fn a_round_expires_its_retention_after_the_month_ends() {
        let r = RoundId::new(2026, 12).unwrap();
        let e = Retention::default().round_expiry(r);
        assert_eq!(e.to_rfc3339(), "2029-01-01T00:00:00+00:00");
        assert_eq!(
            Retention::months(1).round_expiry(r).to_rfc3339(),
            "2027-02-01T00:00:00+00:00"
        );
    }

    #[test]
    fn repeat_avoidance_looks_back_no_further_than_history_is_kept() {
        assert_eq!(Retention::months(6).history_rounds(24), 6);
        assert_eq!(Retention::default().history_rounds(24), 24);
    }
}
