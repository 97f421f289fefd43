//! Changing a stored member: a service that holds only the member store and
//! the clock. A click, the pairing run and a moderator may write the same
//! member at once, so every change is applied with optimistic concurrency
//! and re-applied to the fresh copy on a conflict. `Bot::update_member`
//! delegates here.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::model::Member;
use crate::ports::{Clock, Members};

/// How many times a change is re-applied after a concurrent write.
const ATTEMPTS: usize = 8;

#[derive(Clone)]
pub(crate) struct MemberRecords {
    members: Arc<dyn Members>,
    clock: Arc<dyn Clock>,
}

impl MemberRecords {
    pub(crate) fn new(members: Arc<dyn Members>, clock: Arc<dyn Clock>) -> Self {
        Self { members, clock }
    }

    /// Loads `user`, applies `change` and stores it (version bumped, time
    /// stamped). `None` when the member does not exist (or was deleted
    /// meanwhile: nothing is written back).
    pub(crate) async fn update(
        &self,
        user: &UserId,
        change: impl Fn(&mut Member),
    ) -> Result<Option<Member>> {
        for _ in 0..ATTEMPTS {
            let Some(mut m) = self.members.get(user).await? else {
                return Ok(None);
            };
            change(&mut m);
            m.updated_at = self.clock.now();
            m.version += 1;
            if self.members.update(&m).await? {
                return Ok(Some(m));
            }
        }
        Err(Error::Conflict(format!("member {user}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::{FixedClock, MemoryStore};
    use crate::model::MemberStatus;

    fn records() -> (MemberRecords, Arc<MemoryStore>, Arc<FixedClock>) {
        let store = Arc::new(MemoryStore::new());
        let clock = Arc::new(FixedClock::at("2027-01-04T09:00:00Z".parse().unwrap()));
        (
            MemberRecords::new(store.clone(), clock.clone()),
            store,
            clock,
        )
    }

    #[tokio::test]
    async fn a_change_is_stored_with_a_new_version_and_time() {
        let (records, store, clock) = records();
        let ana = UserId::new("U0ANA");
        let joined = clock.now() - chrono::Duration::days(3);
        store
            .create(&Member::new_onboarding(ana.clone(), joined))
            .await
            .unwrap();
        let paused = records
            .update(&ana, |m| m.status = MemberStatus::Paused)
            .await
            .unwrap()
            .expect("Ana exists");
        assert_eq!(
            (paused.status, paused.version, paused.updated_at),
            (MemberStatus::Paused, 1, clock.now())
        );
        assert_eq!(store.get(&ana).await.unwrap(), Some(paused));
    }

    #[tokio::test]
    async fn nobody_is_created_by_a_change_to_a_member_who_does_not_exist() {
        let (records, store, _) = records();
        let ghost = UserId::new("U0GHOST");
        let changed = records.update(&ghost, |m| m.choices += 1).await.unwrap();
        assert_eq!(changed, None);
        assert_eq!(store.get(&ghost).await.unwrap(), None);
    }
}
