//! The moderators' audit log entry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::swap;
use crate::ids::UserId;

/// One moderator action, kept for accountability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub moderator: UserId,
    pub action: String,
    pub targets: Vec<UserId>,
    pub outcome: String,
}

impl AuditEntry {
    pub fn anonymise(&mut self, user: &UserId, replacement: &UserId) {
        swap(&mut self.moderator, user, replacement);
        for t in self.targets.iter_mut() {
            swap(t, user, replacement);
        }
        self.outcome = self
            .outcome
            .replace(&user.mention(), &replacement.mention());
    }
}
