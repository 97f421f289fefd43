//! The harness's Slack: every message, modal and App Home the handlers send
//! is checked against Slack's Block Kit limits first (the domain's
//! `surface::check_block_kit_limits`), so any story that makes the bot build
//! a surface Slack would refuse fails, naming the broken limit.

use std::sync::Arc;

use async_trait::async_trait;
use mentor_domain::ids::{ChannelId, UserId};
use mentor_domain::ports::{Messenger, SlackResult, UserInfo};
use mentor_domain::surface::limits::Surface;
use mentor_domain::surface::{Home, Message, Modal, check_block_kit_limits};

/// A messenger that refuses (panics on) surfaces over Slack's limits, then
/// hands everything to the real one. It forwards every `Messenger` method,
/// including those with a default body, so the harness runs the real
/// client's own version of each.
pub struct LimitChecked(pub Arc<dyn Messenger>);

fn within_limits<S: Surface>(method: &str, surface: &S) {
    if let Err(problems) = check_block_kit_limits(surface) {
        panic!("{method}: breaks Slack's Block Kit limits: {problems:?}");
    }
}

#[async_trait]
impl Messenger for LimitChecked {
    async fn open_dm(&self, users: &[UserId]) -> SlackResult<ChannelId> {
        self.0.open_dm(users).await
    }
    async fn post(&self, channel: &ChannelId, message: &Message) -> SlackResult<()> {
        within_limits("chat.postMessage", message);
        self.0.post(channel, message).await
    }
    async fn post_dm(&self, user: &UserId, message: &Message) -> SlackResult<()> {
        within_limits("chat.postMessage", message);
        self.0.post_dm(user, message).await
    }
    async fn update(&self, channel: &ChannelId, ts: &str, message: &Message) -> SlackResult<()> {
        within_limits("chat.update", message);
        self.0.update(channel, ts, message).await
    }
    async fn post_ephemeral(
        &self,
        channel: &ChannelId,
        user: &UserId,
        message: &Message,
    ) -> SlackResult<()> {
        within_limits("chat.postEphemeral", message);
        self.0.post_ephemeral(channel, user, message).await
    }
    async fn open_modal(&self, trigger_id: &str, modal: &Modal) -> SlackResult<()> {
        within_limits("views.open", modal);
        self.0.open_modal(trigger_id, modal).await
    }
    async fn publish_home(&self, user: &UserId, home: &Home) -> SlackResult<()> {
        within_limits("views.publish", home);
        self.0.publish_home(user, home).await
    }
    async fn user_info(&self, user: &UserId) -> SlackResult<UserInfo> {
        self.0.user_info(user).await
    }
    async fn channel_members(&self, channel: &ChannelId) -> SlackResult<Vec<UserId>> {
        self.0.channel_members(channel).await
    }
    async fn auth_test(&self) -> SlackResult<()> {
        self.0.auth_test().await
    }
    async fn respond(&self, response_url: &str, message: &Message) -> SlackResult<()> {
        within_limits("response_url", message);
        self.0.respond(response_url, message).await
    }
}
