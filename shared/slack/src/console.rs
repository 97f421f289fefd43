//! A `Messenger` that prints what the bot would send, for the local runner
//! when no bot token is configured.

use std::io::Write;

use async_trait::async_trait;
use mentor_domain::ports::{Messenger, SlackResult, UserInfo};
use mentor_domain::surface::{Home, Message, Modal};
use mentor_domain::{ChannelId, UserId};

#[derive(Default)]
pub struct ConsoleMessenger;

fn out(line: String) {
    let mut o = std::io::stdout().lock();
    let _ = writeln!(o, "{line}");
}

#[async_trait]
impl Messenger for ConsoleMessenger {
    async fn open_dm(&self, users: &[UserId]) -> SlackResult<ChannelId> {
        let ids: Vec<&str> = users.iter().map(UserId::as_str).collect();
        Ok(ChannelId(format!("DM({})", ids.join(","))))
    }
    async fn post(&self, channel: &ChannelId, message: &Message) -> SlackResult<()> {
        out(format!(
            "── chat.postMessage → {channel}\n{}\n",
            message.readable()
        ));
        Ok(())
    }
    async fn update(&self, channel: &ChannelId, ts: &str, message: &Message) -> SlackResult<()> {
        out(format!(
            "── chat.update → {channel} (message {ts}, in place)\n{}\n",
            message.readable()
        ));
        Ok(())
    }
    async fn post_ephemeral(
        &self,
        channel: &ChannelId,
        user: &UserId,
        message: &Message,
    ) -> SlackResult<()> {
        out(format!(
            "── chat.postEphemeral → {channel} (only {user} sees it)\n{}\n",
            message.readable()
        ));
        Ok(())
    }
    async fn open_modal(&self, trigger_id: &str, modal: &Modal) -> SlackResult<()> {
        let fields: Vec<String> = modal
            .blocks
            .iter()
            .filter_map(|b| match b {
                mentor_domain::surface::Block::Input { label, .. } => Some(format!("  • {label}")),
                _ => None,
            })
            .collect();
        out(format!(
            "── views.open (trigger {trigger_id}): \"{}\"\n{}\n",
            modal.title,
            fields.join("\n")
        ));
        Ok(())
    }
    async fn publish_home(&self, user: &UserId, home: &Home) -> SlackResult<()> {
        out(format!(
            "── views.publish (App Home of {user})\n{}\n",
            home.readable()
        ));
        Ok(())
    }
    async fn user_info(&self, _user: &UserId) -> SlackResult<UserInfo> {
        Ok(UserInfo {
            tz: Some("Europe/London".into()),
            tz_offset_seconds: Some(0),
            is_bot: false,
            deleted: false,
            real_name: None,
        })
    }
    async fn channel_members(&self, _channel: &ChannelId) -> SlackResult<Vec<UserId>> {
        Ok(Vec::new())
    }
    async fn respond(&self, response_url: &str, message: &Message) -> SlackResult<()> {
        out(format!(
            "── response_url {response_url}\n{}\n",
            message.readable()
        ));
        Ok(())
    }
}
