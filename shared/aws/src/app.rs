//! Builds the bot for a Lambda function or the local runner: configuration,
//! secrets and clients, once per cold start.

use std::sync::Arc;

use mentor_domain::Bot;
use mentor_domain::ports::{Clock, Messenger, SystemClock};
use mentor_domain::usecases::Deps;
use mentor_slack::client::{RetryPolicy, SlackClient};
use mentor_slack::console::ConsoleMessenger;
use serde::Deserialize;

use crate::bus::EventBridgeBus;
use crate::config::{Settings, SlackSecrets};
use crate::dynamo::DynamoStore;

/// A ready bot plus what the HTTP handlers need to verify requests.
#[derive(Clone)]
pub struct App {
    pub bot: Bot,
    pub signing_secret: String,
}

#[derive(Deserialize)]
struct SecretDoc {
    signing_secret: String,
    bot_token: String,
}

/// Shared AWS configuration, honouring an endpoint override (moto, local).
pub async fn aws_config(endpoint: Option<&str>) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(url) = endpoint {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// Resolves the Slack credentials (reads Secrets Manager when configured).
pub async fn slack_credentials(
    settings: &Settings,
    sdk: &aws_config::SdkConfig,
) -> StartupResult<(String, Option<String>)> {
    match &settings.slack_secrets {
        SlackSecrets::Inline {
            signing_secret,
            bot_token,
        } => Ok((signing_secret.clone(), bot_token.clone())),
        SlackSecrets::SecretArn(arn) => {
            let client = aws_sdk_secretsmanager::Client::new(sdk);
            let out = client
                .get_secret_value()
                .secret_id(arn)
                .send()
                .await
                .map_err(|e| format!("reading the Slack secret failed: {e}"))?;
            let raw = out
                .secret_string()
                .ok_or("the Slack secret has no string value")?;
            let doc: SecretDoc = serde_json::from_str(raw).map_err(|_| {
                "the Slack secret must be JSON {\"signing_secret\": …, \"bot_token\": …}"
                    .to_string()
            })?;
            Ok((doc.signing_secret, Some(doc.bot_token)))
        }
    }
}

/// Start-up fails with a message saying what to fix.
pub type StartupResult<T> = std::result::Result<T, String>;

/// Builds the production app from settings: DynamoDB store, EventBridge bus,
/// Slack client (or the console when no token is configured).
pub async fn build(settings: Settings) -> StartupResult<App> {
    let sdk = aws_config(settings.aws_endpoint_url.as_deref()).await;
    let (signing_secret, token) = slack_credentials(&settings, &sdk).await?;
    let store = Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        settings.table_name.clone(),
    ));
    let bus = Arc::new(EventBridgeBus::new(
        aws_sdk_eventbridge::Client::new(&sdk),
        settings.event_bus_name.clone(),
    ));
    let slack: Arc<dyn Messenger> = match token {
        Some(t) => Arc::new(SlackClient::new(
            &settings.slack_api_base_url,
            &t,
            RetryPolicy::default(),
        )),
        None => Arc::new(ConsoleMessenger),
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let deps = Deps::from_store(store, slack, bus, clock);
    Ok(App {
        bot: Bot::new(deps, settings.programme),
        signing_secret,
    })
}

/// Reads the environment and builds the app (Lambda cold start).
pub async fn from_env() -> StartupResult<App> {
    let settings = crate::config::from_env().map_err(|e| e.to_string())?;
    build(settings).await
}
