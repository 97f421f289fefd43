//! The Slack Events API endpoint, ack first: verify → parse → claim the
//! `event_id` and hand the typed work to the bus → answer. The scheduler
//! function does the work (every Slack call) after the answer.

use lambda_http::Request;
use lambda_http::http::StatusCode;
use mentor_app::App;
use mentor_app::web::{self, HttpResponse};
use mentor_domain::commands::Command;
use mentor_domain::ports::Job;
use mentor_domain::usecases::Origin;
use mentor_domain::{ChannelId, UserId};
use mentor_slack::events::{Envelope, Incoming};
use serde_json::json;

/// Answers one Slack request; any Slack call made before the answer ends
/// within Slack's 3 s ([`web::answering_in_time`]).
pub async fn handle(app: &App, req: Request) -> HttpResponse {
    web::answering_in_time(answer(app, req)).await
}

async fn answer(app: &App, req: Request) -> HttpResponse {
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
            let Some(job) = job_of(event.incoming(None)) else {
                tracing::debug!(event_id, "event ignored");
                return web::status(StatusCode::OK);
            };
            match app.bot.accept_event(&event_id, job).await {
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

/// The work an event asks for: a parsed command, never the message text.
fn job_of(incoming: Incoming) -> Option<Job> {
    Some(match incoming {
        Incoming::Mention {
            user,
            channel,
            text,
        } => Job::Message {
            user: UserId(user),
            origin: Origin::Channel(ChannelId(channel)),
            command: Command::parse(&text),
        },
        Incoming::DirectMessage { user, text } => Job::Message {
            user: UserId(user),
            origin: Origin::Dm,
            command: Command::parse(&text),
        },
        Incoming::Joined { user, channel } => Job::Joined {
            user: UserId(user),
            channel: ChannelId(channel),
        },
        Incoming::Left { user, channel } => Job::Left {
            user: UserId(user),
            channel: ChannelId(channel),
        },
        Incoming::HomeOpened { user } => Job::HomeOpened { user: UserId(user) },
        Incoming::Ignored(why) => {
            tracing::debug!(why, "event ignored");
            return None;
        }
    })
}
