//! The local HTTP server: Slack's two endpoints plus `/scheduler`, served by
//! the Lambda handlers themselves, with the event bus looped back: each
//! request is answered first and its work is pumped to the scheduler after.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use mentor_app::{App, AppBuilder, Store};
use mentor_aws::config::{Settings, from_vars};
use mentor_aws::dynamo::DynamoStore;
use mentor_domain::memory::{MemoryBus, MemoryStore};
use tokio::net::TcpListener;

use crate::args::Args;

/// Settings from the environment, with local defaults for what is unset.
fn local_settings(args: &Args) -> Result<Settings, String> {
    let mut vars: HashMap<String, String> = std::env::vars().collect();
    let defaults = [
        ("PROGRAMME_CHANNEL_ID", "C0PROGRAM"),
        ("MODERATOR_IDS", "U0MODERATOR"),
        ("TABLE_NAME", args.table.as_str()),
    ];
    for (k, v) in defaults {
        vars.entry(k.into()).or_insert_with(|| v.into());
    }
    vars.remove("SLACK_SECRET_ARN");
    vars.insert("SLACK_SIGNING_SECRET".into(), args.secret.clone());
    if let Some(url) = &args.slack_api_url {
        vars.insert("SLACK_API_BASE_URL".into(), url.clone());
    }
    from_vars(&vars).map_err(|e| e.to_string())
}

/// Builds the app on the embedded store (or DynamoDB) with a loopback bus.
/// Slack is the Web API when `SLACK_BOT_TOKEN` is set, else the console.
pub async fn local_app(args: &Args) -> Result<(App, Arc<MemoryBus>), String> {
    let settings = local_settings(args)?;
    let store = match &args.dynamodb_endpoint {
        None => Store::Memory(Arc::new(MemoryStore::new())),
        Some(url) => {
            let sdk = mentor_aws::secrets::aws_config(Some(url)).await;
            let client = aws_sdk_dynamodb::Client::new(&sdk);
            if client
                .describe_table()
                .table_name(&settings.table_name)
                .send()
                .await
                .is_err()
            {
                mentor_aws::table::create_table(&client, &settings.table_name)
                    .await
                    .map_err(|e| e.to_string())?;
                eprintln!("created table {} at {url}", settings.table_name);
            }
            let pseudonyms = mentor_aws::secrets::pseudonyms(&settings, &sdk)
                .await
                .map_err(|e| e.to_string())?;
            Store::Dynamo(Arc::new(DynamoStore::new(
                client,
                settings.table_name.clone(),
                pseudonyms,
                settings.programme.retention,
            )))
        }
    };
    let bus = Arc::new(MemoryBus::new());
    let app = AppBuilder::new(settings)
        .store(store)
        .bus(bus.clone())
        .build()
        .await
        .map_err(|e| e.to_string())?;
    Ok((app, bus))
}

/// Delivers queued bus events to the scheduler handler until none are left.
pub async fn pump(app: &App, bus: &MemoryBus) {
    for _ in 0..1000 {
        let events = bus.drain();
        if events.is_empty() {
            return;
        }
        for e in events {
            let v = serde_json::to_value(&e).unwrap_or_default();
            if let Err(err) = scheduler::handle(app, v).await {
                tracing::error!(error = %err, "bus event failed");
            }
        }
    }
}

async fn route(
    app: Arc<App>,
    bus: Arc<MemoryBus>,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, std::convert::Infallible> {
    let (parts, body) = req.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path = parts.uri.path().to_string();
    let lambda_req =
        lambda_http::Request::from_parts(parts, lambda_http::Body::Binary(bytes.to_vec()));
    let resp = match path.as_str() {
        "/slack/events" => slack_events::handle(&app, lambda_req).await,
        "/slack/interactions" | "/slack/commands" => {
            slack_interactions::handle(&app, lambda_req).await
        }
        "/scheduler" => {
            let input: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let out = match scheduler::handle(&app, input).await {
                Ok(v) => v.to_string(),
                Err(e) => serde_json::json!({"error": e.to_string()}).to_string(),
            };
            mentor_app::web::text(lambda_http::http::StatusCode::OK, &out)
        }
        _ => mentor_app::web::text(lambda_http::http::StatusCode::NOT_FOUND, "not found"),
    };
    // Answer first, work after (as on AWS): the bus is pumped in the background.
    tokio::spawn(async move { pump(&app, &bus).await });
    let (parts, body) = resp.into_parts();
    let bytes = mentor_app::web::body_bytes_of(&body).to_vec();
    Ok(hyper::Response::from_parts(
        parts,
        Full::new(Bytes::from(bytes)),
    ))
}

pub async fn serve(args: &Args) -> Result<(), String> {
    let (app, bus) = local_app(args).await?;
    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let store = if args.dynamodb_endpoint.is_some() {
        "DynamoDB"
    } else {
        "embedded store"
    };
    let slack = if std::env::var("SLACK_BOT_TOKEN").is_ok() {
        "Slack Web API"
    } else {
        "console (no SLACK_BOT_TOKEN)"
    };
    println!(
        "mentor-pairing listening on http://{addr}  (POST /slack/events, /slack/interactions, /slack/commands, /scheduler)\n\
         store: {store}; Slack: {slack}; signing secret: {:?}\n\
         try:  cargo run -q -p local-runner -- sign infra/events/url-verification.json | sh",
        args.secret
    );
    serve_on(listener, Arc::new(app), bus).await
}

/// Accepts connections on `listener` until the process ends.
pub async fn serve_on(
    listener: TcpListener,
    app: Arc<App>,
    bus: Arc<MemoryBus>,
) -> Result<(), String> {
    loop {
        let (stream, _) = listener.accept().await.map_err(|e| e.to_string())?;
        let app = app.clone();
        let bus = bus.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| route(app.clone(), bus.clone(), req));
            if let Err(e) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await
            {
                tracing::debug!(error = %e, "connection closed");
            }
        });
    }
}

/// Prints a curl command that sends `file` signed with the local secret.
pub fn print_signed(args: &Args, file: &str, form: bool) -> Result<(), String> {
    let body = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let body = String::from_utf8(body).map_err(|_| format!("{file} is not UTF-8"))?;
    let body = body.trim_end().to_string();
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = mentor_slack::verify::sign(&args.secret, &ts, body.as_bytes());
    let (path, ctype) = if form || body.starts_with("payload=") || body.contains("command=") {
        ("/slack/interactions", "application/x-www-form-urlencoded")
    } else {
        ("/slack/events", "application/json")
    };
    let quoted = body.replace('\'', "'\\''");
    println!(
        "curl -sS -X POST http://127.0.0.1:{}{path} -H 'content-type: {ctype}' -H 'x-slack-request-timestamp: {ts}' -H 'x-slack-signature: {sig}' --data-binary '{quoted}'; echo",
        args.port
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn post(addr: SocketAddr, path: &str, body: &str, secret: &str) -> String {
        let ts = chrono::Utc::now().timestamp().to_string();
        let sig = mentor_slack::verify::sign(secret, &ts, body.as_bytes());
        let req = format!(
            "POST {path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\nx-slack-request-timestamp: {ts}\r\nx-slack-signature: {sig}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn the_runner_answers_a_signed_url_verification_and_rejects_a_bad_signature() {
        let args = crate::args::parse(std::iter::empty()).unwrap();
        let (app, bus) = local_app(&args).await.unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(serve_on(listener, Arc::new(app), bus));
        let body = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../infra/events/url-verification.json"
        ))
        .unwrap();
        let ok = post(addr, "/slack/events", body.trim(), &args.secret).await;
        assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
        assert!(
            ok.contains("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"),
            "{ok}"
        );
        let bad = post(addr, "/slack/events", body.trim(), "wrong-secret").await;
        assert!(bad.starts_with("HTTP/1.1 401"), "{bad}");
    }
}
