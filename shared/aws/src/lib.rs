//! AWS adapters and wiring for mentor-pairing.
//!
//! - [`config`]: the typed configuration read once per cold start from the environment.
//! - [`dynamo`]: the DynamoDB store behind the domain's store ports; [`table`] its layout.
//! - [`bus`]: the EventBridge publisher behind `EventBus`, and the scheduler's input parsing.
//! - [`secrets`]: the SDK configuration and the Slack credentials from Secrets Manager.
//!
//! The bot itself is assembled in `mentor-app`; this crate knows nothing of Slack.

pub mod bus;
pub mod config;
pub mod dynamo;
pub mod error;
pub mod logging;
pub mod secrets;
pub mod table;
