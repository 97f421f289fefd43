//! People's names for moderator texts. A button is plain text, where Slack
//! can't render a mention, so it names a person by their Slack real name
//! (`users.info`), cached on their member item: deleted with it, shown in
//! `my data`, refreshed whenever they save their profile. Inline answers
//! (the slash command's reply) read the cache only, never call Slack.

use crate::ids::UserId;
use crate::usecases::Bot;

impl Bot {
    /// The cached name only (no Slack call: for inline answers).
    pub(crate) async fn cached_name(&self, user: &UserId) -> Option<String> {
        match self.deps.members.get(user).await {
            Ok(m) => m?.name,
            Err(e) => {
                tracing::warn!(user = %user, error = %e, "member read failed");
                None
            }
        }
    }

    /// A person's name: the cached one, else Slack's (then cached). `None`
    /// when Slack has none or can't be reached; callers then use a neutral
    /// word, never the id.
    pub(crate) async fn name_of(&self, user: &UserId) -> Option<String> {
        match self.cached_name(user).await {
            Some(n) => Some(n),
            None => self.refresh_name(user).await,
        }
    }

    /// Reads the name from Slack and caches it on the member item (if they
    /// have one and it changed). Best effort: failures are logged.
    pub(crate) async fn refresh_name(&self, user: &UserId) -> Option<String> {
        let name = match self.deps.slack.user_info(user).await {
            Ok(info) => info.real_name?,
            Err(e) => {
                tracing::warn!(user = %user, error = %e, "users.info failed");
                return None;
            }
        };
        let stored = self
            .update_member(user, |m| {
                if m.name.as_deref() != Some(name.as_str()) {
                    m.name = Some(name.clone());
                }
            })
            .await;
        if let Err(e) = stored {
            tracing::warn!(user = %user, error = %e, "could not cache the name");
        }
        Some(name)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{TimeZone, Utc};

    use crate::memory::{FixedClock, RecordingMessenger};
    use crate::model::Member;
    use crate::ports::Members;
    use crate::usecases::Deps;
    use crate::{Bot, ProgrammeConfig, UserId};

    #[tokio::test]
    async fn a_name_is_read_from_slack_once_and_then_served_from_the_member_item() {
        let now = Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap();
        let slack = Arc::new(RecordingMessenger::new());
        let (deps, store, _bus) = Deps::in_memory(slack.clone(), Arc::new(FixedClock::at(now)));
        let bot = Bot::new(deps, ProgrammeConfig::example());
        let ana = UserId::new("U0ANA");
        Members::create(&*store, &Member::new_onboarding(ana.clone(), now))
            .await
            .unwrap();
        assert_eq!(bot.cached_name(&ana).await, None);
        slack.set_real_name(&ana, "Ana Lima");
        assert_eq!(bot.name_of(&ana).await.as_deref(), Some("Ana Lima"));
        let stored = Members::get(&*store, &ana).await.unwrap().unwrap();
        assert_eq!(stored.name.as_deref(), Some("Ana Lima"));
        // Slack changes nothing until the next refresh: the cache answers.
        slack.set_real_name(&ana, "Ana L.");
        assert_eq!(bot.name_of(&ana).await.as_deref(), Some("Ana Lima"));
        assert_eq!(bot.refresh_name(&ana).await.as_deref(), Some("Ana L."));
        assert_eq!(bot.cached_name(&ana).await.as_deref(), Some("Ana L."));
    }

    #[tokio::test]
    async fn someone_slack_gives_no_name_has_none_and_nothing_is_stored() {
        let now = Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap();
        let slack = Arc::new(RecordingMessenger::new());
        let (deps, store, _bus) = Deps::in_memory(slack.clone(), Arc::new(FixedClock::at(now)));
        let bot = Bot::new(deps, ProgrammeConfig::example());
        let ben = UserId::new("U0BEN");
        Members::create(&*store, &Member::new_onboarding(ben.clone(), now))
            .await
            .unwrap();
        assert_eq!(bot.name_of(&ben).await, None);
        let stored = Members::get(&*store, &ben).await.unwrap().unwrap();
        assert_eq!(stored.name, None);
    }
}
