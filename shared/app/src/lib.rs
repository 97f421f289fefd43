//! The composition root: the one place that knows which adapter is behind
//! each port.
//!
//! [`AppBuilder`] turns [`Settings`] into a ready [`App`]: DynamoDB store,
//! EventBridge bus, Slack Web API client (or the console when no token is
//! configured) and the system clock, each replaceable by an override. The
//! three Lambda mains, the local runner and the integration-test harness all
//! build their app here. [`web`] is the HTTP edge the two Slack handlers share.

pub mod metrics;
pub mod web;

/// The invocation deadline that bounds every Slack call (set by the mains).
pub use mentor_slack::deadline;

use std::sync::Arc;

use mentor_aws::bus::EventBridgeBus;
use mentor_aws::config::{Settings, SlackSecrets};
use mentor_aws::dynamo::DynamoStore;
use mentor_aws::secrets;
use mentor_domain::memory::MemoryStore;
use mentor_domain::ports::{Clock, EventBus, Messenger, SystemClock};
use mentor_domain::usecases::Deps;
use mentor_domain::{Bot, ProgrammeConfig};
use mentor_slack::client::{RetryPolicy, SlackClient};
use mentor_slack::console::ConsoleMessenger;

/// A ready bot plus what the HTTP handlers need to verify requests.
#[derive(Clone)]
pub struct App {
    pub bot: Bot,
    pub signing_secret: String,
}

/// Start-up failed; the message says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] mentor_aws::config::ConfigError),
    #[error("reading the Slack secret failed: {0}")]
    Secrets(#[from] mentor_aws::error::AwsError),
}

/// Which store holds members, rounds, the ledger and the audit log.
pub enum Store {
    Dynamo(Arc<DynamoStore>),
    /// Embedded (local runner without a DynamoDB endpoint).
    Memory(Arc<MemoryStore>),
}

/// Builds an [`App`]; whatever is not overridden comes from the settings.
pub struct AppBuilder {
    settings: Settings,
    store: Option<Store>,
    slack: Option<Arc<dyn Messenger>>,
    bus: Option<Arc<dyn EventBus>>,
    clock: Option<Arc<dyn Clock>>,
}

impl AppBuilder {
    pub fn new(settings: Settings) -> Self {
        Self {
            settings,
            store: None,
            slack: None,
            bus: None,
            clock: None,
        }
    }

    pub fn store(mut self, store: Store) -> Self {
        self.store = Some(store);
        self
    }

    pub fn slack(mut self, slack: Arc<dyn Messenger>) -> Self {
        self.slack = Some(slack);
        self
    }

    pub fn bus(mut self, bus: Arc<dyn EventBus>) -> Self {
        self.bus = Some(bus);
        self
    }

    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Reads the Slack credentials and creates the clients not overridden.
    pub async fn build(self) -> Result<App, StartupError> {
        let settings = self.settings;
        // The SDK is loaded only when something lives in AWS: the embedded
        // local run has nothing there.
        let sdk = LazySdk::new(settings.aws_endpoint_url.clone());
        let (signing_secret, token) = match &settings.slack_secrets {
            SlackSecrets::Inline {
                signing_secret,
                bot_token,
            } => (signing_secret.clone(), bot_token.clone()),
            SlackSecrets::SecretArn(_) => {
                secrets::slack_credentials(&settings, sdk.get().await).await?
            }
        };
        let slack = match self.slack {
            Some(s) => s,
            None => slack_client(&settings.slack_api_base_url, token),
        };
        let bus = match self.bus {
            Some(b) => b,
            None => Arc::new(EventBridgeBus::new(
                aws_sdk_eventbridge::Client::new(sdk.get().await),
                settings.event_bus_name.clone(),
            )),
        };
        let store = match self.store {
            Some(s) => s,
            None => Store::Dynamo(Arc::new(DynamoStore::new(
                aws_sdk_dynamodb::Client::new(sdk.get().await),
                settings.table_name.clone(),
                secrets::pseudonyms(&settings, sdk.get().await).await?,
                settings.programme.retention,
            ))),
        };
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let deps = match store {
            Store::Dynamo(s) => Deps::from_store(s, slack, bus, clock),
            Store::Memory(s) => Deps::from_store(s, slack, bus, clock),
        };
        Ok(App {
            bot: Bot::new(deps, settings.programme),
            signing_secret,
        })
    }
}

/// The AWS SDK configuration, loaded on first use.
struct LazySdk {
    endpoint: Option<String>,
    config: tokio::sync::OnceCell<aws_config::SdkConfig>,
}

impl LazySdk {
    fn new(endpoint: Option<String>) -> Self {
        Self {
            endpoint,
            config: tokio::sync::OnceCell::new(),
        }
    }

    async fn get(&self) -> &aws_config::SdkConfig {
        self.config
            .get_or_init(|| secrets::aws_config(self.endpoint.as_deref()))
            .await
    }
}

/// The Slack Web API with a bot token; without one, the console (local runs).
fn slack_client(base_url: &str, token: Option<String>) -> Arc<dyn Messenger> {
    match token {
        Some(t) => Arc::new(SlackClient::new(base_url, &t, RetryPolicy::default())),
        None => Arc::new(ConsoleMessenger),
    }
}

/// Reads the environment and builds the production app (Lambda cold start).
pub async fn from_env() -> Result<App, StartupError> {
    let settings = mentor_aws::config::from_env()?;
    AppBuilder::new(settings).build().await
}

/// Settings for tests and tools that assemble their own adapters: `programme`
/// with inline Slack credentials and no AWS resources named.
pub fn local_settings(programme: ProgrammeConfig, signing_secret: &str) -> Settings {
    Settings {
        programme,
        table_name: "mentor-pairing-local".into(),
        event_bus_name: "default".into(),
        slack_api_base_url: mentor_slack::client::DEFAULT_BASE_URL.into(),
        slack_secrets: SlackSecrets::Inline {
            signing_secret: signing_secret.into(),
            bot_token: None,
        },
        pseudonym_key: mentor_aws::config::PseudonymKey::Inline(
            mentor_domain::privacy::LOCAL_PSEUDONYM_KEY.into(),
        ),
        aws_endpoint_url: None,
    }
}
