//! The Slack Events API endpoint: verify → parse → dedupe on `event_id` →
//! hand the event to the bot → answer within Slack's 3 seconds.

use lambda_http::Request;
use lambda_http::http::StatusCode;
use mentor_app::App;
use mentor_app::web::{self, HttpResponse};
use mentor_domain::usecases::Origin;
use mentor_domain::{ChannelId, OnceKey, UserId};
use mentor_slack::events::{Envelope, Incoming};
use serde_json::json;

pub async fn handle(app: &App, req: Request) -> HttpResponse {
    let body = match web::verified_body(app, &req) {
        Ok(b) => b,
        Err(unauthorized) => return *unauthorized,
    };
    let envelope: Envelope = match serde_json::from_slice(body) {
        Ok(e) => e,
        Err(_) => return web::text(StatusCode::BAD_REQUEST, "malformed event body"),
    };
    match envelope {
        Envelope::UrlVerification { challenge } => {
            web::json(StatusCode::OK, &json!({ "challenge": challenge }))
        }
        Envelope::EventCallback {
            event_id, event, ..
        } => {
            let incoming = event.incoming(None);
            if let Incoming::Ignored(why) = incoming {
                tracing::debug!(event_id, why, "event ignored");
                return web::status(StatusCode::OK);
            }
            let key = OnceKey::Event {
                event_id: event_id.clone(),
            };
            match app.bot.once(&key, || dispatch(app, incoming)).await {
                Ok(true) => web::status(StatusCode::OK),
                Ok(false) => {
                    tracing::info!(event_id, retry = ?web::retry_num(&req), "duplicate event ignored");
                    web::status(StatusCode::OK)
                }
                Err(e) => web::from_error(&e),
            }
        }
        Envelope::Unknown => web::status(StatusCode::OK),
    }
}

async fn dispatch(app: &App, incoming: Incoming) -> mentor_domain::error::Result<()> {
    let bot = &app.bot;
    match incoming {
        Incoming::Mention {
            user,
            channel,
            text,
        } => {
            bot.on_message(&UserId(user), Origin::Channel(ChannelId(channel)), &text)
                .await
        }
        Incoming::DirectMessage { user, text } => {
            bot.on_message(&UserId(user), Origin::Dm, &text).await
        }
        Incoming::Joined { user, channel } => {
            bot.on_member_joined(&UserId(user), &ChannelId(channel))
                .await
        }
        Incoming::Left { user, channel } => {
            bot.on_member_left(&UserId(user), &ChannelId(channel)).await
        }
        Incoming::HomeOpened { user } => bot.on_home_opened(&UserId(user)).await,
        Incoming::Ignored(_) => Ok(()),
    }
}
