//! What the two HTTP functions share: request verification at the edge and
//! small response builders. Failure details never reach the caller.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use mentor_slack::verify::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER};

use crate::App;

pub type HttpResponse = Response<Body>;

/// Slack gives up on an answer after 3 s, and a `trigger_id` lasts 3 s.
/// The few Slack calls made before answering (`views.open` for the profile
/// button) must end by then, with time left to answer.
pub const ANSWER_BUDGET: std::time::Duration = std::time::Duration::from_millis(2500);

/// Runs a handler with every Slack call bounded by [`ANSWER_BUDGET`] from
/// now: a Slack too slow to answer in time fails the call (retryable)
/// instead of making Slack time out the request.
pub async fn answering_in_time<F: std::future::Future>(work: F) -> F::Output {
    let deadline = std::time::Instant::now() + ANSWER_BUDGET;
    crate::deadline::within(deadline, work).await
}

pub fn body_bytes(req: &Request) -> &[u8] {
    body_bytes_of(req.body())
}

pub fn body_bytes_of(body: &Body) -> &[u8] {
    match body {
        Body::Empty => &[],
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b.as_slice(),
        _ => &[],
    }
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Verifies the Slack signature over the raw body; `Err` is the 401 to return.
pub fn verified_body<'a>(app: &App, req: &'a Request) -> Result<&'a [u8], Box<HttpResponse>> {
    let body = body_bytes(req);
    let now = app.bot.now().timestamp();
    match verify::verify(
        &app.signing_secret,
        header(req, TIMESTAMP_HEADER),
        header(req, SIGNATURE_HEADER),
        body,
        now,
    ) {
        Ok(()) => Ok(body),
        Err(e) => {
            tracing::warn!(reason = %e, "rejected unverified request");
            Err(Box::new(status(StatusCode::UNAUTHORIZED)))
        }
    }
}

/// Slack's retry number, if this is a retry.
pub fn retry_num(req: &Request) -> Option<u32> {
    header(req, "x-slack-retry-num").and_then(|v| v.parse().ok())
}

pub fn status(code: StatusCode) -> HttpResponse {
    Response::builder()
        .status(code)
        .body(Body::Empty)
        .unwrap_or_default()
}

pub fn json(code: StatusCode, v: &serde_json::Value) -> HttpResponse {
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(Body::Text(v.to_string()))
        .unwrap_or_default()
}

pub fn text(code: StatusCode, s: &str) -> HttpResponse {
    Response::builder()
        .status(code)
        .header("content-type", "text/plain; charset=utf-8")
        .body(Body::Text(s.to_string()))
        .unwrap_or_default()
}

/// Maps a use-case error: retryable faults → 500 (Slack retries), others → 200
/// so Slack does not keep resending something that will fail the same way.
pub fn from_error(e: &mentor_domain::Error) -> HttpResponse {
    if e.is_retryable() {
        tracing::error!(error = %e, "request failed; Slack may retry");
        status(StatusCode::INTERNAL_SERVER_ERROR)
    } else {
        tracing::warn!(error = %e, "request failed permanently");
        status(StatusCode::OK)
    }
}
