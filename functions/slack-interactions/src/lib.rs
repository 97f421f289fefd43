//! Slack interactivity and the `/mentoring` slash command, ack first:
//! verify → parse → claim and hand the work to the bus → answer. Inline stay
//! only what Slack needs in the answer or within 3 s: `views.open` for the
//! profile button, a submission's field errors (and the save itself), and
//! the slash command's ephemeral reply; the follow-up DMs go to the bus.

use lambda_http::Request;
use lambda_http::http::StatusCode;
use mentor_app::App;
use mentor_app::web::{self, HttpResponse};
use mentor_domain::UserId;
use mentor_domain::usecases::{
    Action, ActionOutcome, Click, ClickedMessage, ProfileOutcome, StoredGoal, StoredNote,
    StoredProfile,
};
use mentor_domain::{feedback_form, goal_form, messages, profile_form};
use mentor_slack::blocks;
use mentor_slack::interactions::{self, Interaction, View};
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
    // Slack's SSL check for slash commands.
    if body.starts_with(b"ssl_check=1") {
        return web::status(StatusCode::OK);
    }
    if interactions::is_slash_command(body) {
        return slash_command(app, body).await;
    }
    let interaction = match interactions::parse_interaction(body) {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(error = %e, "malformed interaction");
            return web::text(StatusCode::BAD_REQUEST, "malformed interaction payload");
        }
    };
    match interaction {
        Interaction::BlockActions {
            user,
            trigger_id,
            actions,
            container,
            view,
            response_url,
            message,
        } => {
            let Some(item) = actions.into_iter().next() else {
                return web::status(StatusCode::OK);
            };
            let clicked = clicked_message(&container, message.as_ref(), &item);
            // A double-click hits the same message (or the same view state).
            let target = container
                .message_ts
                .or_else(|| view.as_ref().and_then(|v| v.hash.clone()))
                .or(container.view_id)
                .or(item.action_ts.clone())
                .unwrap_or_default();
            let click = Click {
                user: UserId(user.id),
                action: Action::decode(
                    &item.action_id,
                    item.value
                        .as_deref()
                        .or(item.selected_date.as_deref())
                        .or(item.selected_user.as_deref())
                        .unwrap_or_default(),
                ),
                trigger_id,
                dedupe_key: target,
                response_url,
                message: clicked,
            };
            accept_click(app, &click, &item.action_id).await
        }
        Interaction::ViewSubmission { user, view }
            if view.callback_id.as_deref() == Some(goal_form::CALLBACK_ID) =>
        {
            goal_submission(app, UserId(user.id), &view).await
        }
        Interaction::ViewSubmission { user, view }
            if view.callback_id.as_deref() == Some(feedback_form::CALLBACK_ID) =>
        {
            note_submission(app, UserId(user.id), &view).await
        }
        Interaction::ViewSubmission { user, view } => {
            view_submission(app, UserId(user.id), &view).await
        }
        Interaction::ViewClosed { .. } | Interaction::Unknown => web::status(StatusCode::OK),
    }
}

/// A button click: deduplicated and handed over; Slack only needs the 200.
async fn accept_click(app: &App, click: &Click, action_id: &str) -> HttpResponse {
    match app.bot.accept_action(click).await {
        Ok(ActionOutcome::Unknown) => {
            tracing::debug!(action_id = %action_id, "unknown action ignored");
            web::status(StatusCode::OK)
        }
        Ok(_) => web::status(StatusCode::OK),
        Err(e) => web::from_error(&e),
    }
}

/// The profile form was submitted: stored inline (field errors go back to
/// the modal), the confirmation DM handed over once per view state.
async fn view_submission(app: &App, user: UserId, view: &View) -> HttpResponse {
    if view.callback_id.as_deref() != Some(profile_form::CALLBACK_ID) {
        tracing::warn!(callback_id = ?view.callback_id, "submission for an unknown view");
        return web::text(StatusCode::BAD_REQUEST, "unknown view");
    }
    let Some(state) = &view.state else {
        return web::text(StatusCode::BAD_REQUEST, "view without state");
    };
    let values = blocks::form_values(state);
    let view_key = view_key(view);
    let saved = match app.bot.store_profile(&user, &values).await {
        Ok(StoredProfile::Saved { first_time }) => app
            .bot
            .accept_profile_saved(&user, first_time, &view_key)
            .await
            .map(|()| ProfileOutcome::Saved),
        Ok(StoredProfile::Rejected(errors)) => Ok(ProfileOutcome::Rejected(errors)),
        Err(e) => Err(e),
    };
    match saved {
        Ok(ProfileOutcome::Saved) => web::status(StatusCode::OK),
        Ok(ProfileOutcome::Rejected(errors)) => {
            web::json(StatusCode::OK, &blocks::errors_response(&errors))
        }
        Err(e) if e.is_retryable() => {
            tracing::error!(error = %e, "saving the profile failed");
            let errors = [(
                profile_form::TIMEZONE.to_string(),
                messages::profile_save_failed().to_string(),
            )];
            web::json(
                StatusCode::OK,
                &blocks::errors_response(&errors.into_iter().collect()),
            )
        }
        Err(e) => web::from_error(&e),
    }
}

/// The goal modal: stored inline (field errors go back to the modal), the
/// confirmation DM handed to the bus.
async fn goal_submission(app: &App, user: UserId, view: &View) -> HttpResponse {
    let Some(state) = &view.state else {
        return web::text(StatusCode::BAD_REQUEST, "view without state");
    };
    let values = blocks::form_values(state);
    let view_key = view_key(view);
    let metadata = view.private_metadata.as_deref().unwrap_or_default();
    let stored = match app.bot.store_goal(&user, &values, metadata).await {
        Ok(StoredGoal::Saved(round)) => app
            .bot
            .accept_goal_saved(&user, round, &view_key)
            .await
            .map(|()| None),
        Ok(StoredGoal::Rejected(errors)) => Ok(Some(errors)),
        Err(e) => Err(e),
    };
    stored_response(stored, "goal")
}

/// The message a button was clicked on, when it can be answered in place:
/// a posted (not ephemeral) message whose channel and ts Slack sent.
fn clicked_message(
    container: &interactions::Container,
    message: Option<&serde_json::Value>,
    item: &interactions::ActionItem,
) -> Option<ClickedMessage> {
    if container.is_ephemeral {
        return None;
    }
    Some(ClickedMessage {
        channel: mentor_domain::ChannelId::new(container.channel_id.clone()?),
        ts: container.message_ts.clone()?,
        blocks: blocks::read_blocks(&message?["blocks"]),
        choice: item.text.clone().unwrap_or_default().text,
        action_id: item.action_id.clone(),
    })
}

/// The private note to the moderators: stored inline (field errors go back
/// to the modal), the confirmation DM handed to the bus.
async fn note_submission(app: &App, user: UserId, view: &View) -> HttpResponse {
    let Some(state) = &view.state else {
        return web::text(StatusCode::BAD_REQUEST, "view without state");
    };
    let values = blocks::form_values(state);
    let metadata = view.private_metadata.as_deref().unwrap_or_default();
    let stored = match app.bot.store_feedback_note(&user, &values, metadata).await {
        Ok(StoredNote::Saved(round)) => app
            .bot
            .accept_feedback_note_saved(&user, round, &view_key(view))
            .await
            .map(|()| None),
        Ok(StoredNote::Rejected(errors)) => Ok(Some(errors)),
        Err(e) => Err(e),
    };
    stored_response(stored, "feedback note")
}

/// The answer to a stored form: 200 (closes the modal), its field errors
/// (shown in the modal), or the error's status.
fn stored_response(
    stored: Result<Option<profile_form::FieldErrors>, mentor_domain::Error>,
    form: &str,
) -> HttpResponse {
    match stored {
        Ok(None) => web::status(StatusCode::OK),
        Ok(Some(errors)) => web::json(StatusCode::OK, &blocks::errors_response(&errors)),
        Err(e) => {
            tracing::error!(error = %e, form, "saving the form failed");
            web::from_error(&e)
        }
    }
}

/// A submission's once-key: the view and the state it was submitted in.
fn view_key(view: &View) -> String {
    format!(
        "{}#{}",
        view.id.as_deref().unwrap_or("view"),
        view.hash.as_deref().unwrap_or("")
    )
}

async fn slash_command(app: &App, body: &[u8]) -> HttpResponse {
    let cmd = match interactions::parse_slash_command(body) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "malformed slash command");
            return web::text(StatusCode::BAD_REQUEST, "malformed slash command");
        }
    };
    let reply = app
        .bot
        .accept_slash_command(
            &UserId(cmd.user_id),
            &cmd.text,
            cmd.response_url.as_deref(),
            &cmd.trigger_id.unwrap_or_else(|| {
                format!(
                    "{}",
                    app.bot.now().timestamp_nanos_opt().unwrap_or_default()
                )
            }),
        )
        .await;
    match reply {
        Ok(r) => web::json(
            StatusCode::OK,
            &json!({
                "response_type": "ephemeral",
                "text": r.message.text,
                "blocks": blocks::blocks(&r.message.blocks),
            }),
        ),
        Err(e) => {
            tracing::error!(error = %e, "slash command failed");
            web::json(
                StatusCode::OK,
                &json!({"response_type": "ephemeral", "text": messages::try_again_later()}),
            )
        }
    }
}
