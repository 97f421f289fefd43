//! AWS adapters and wiring for mentor-pairing.
//!
//! - [`config`]: the typed configuration read once per cold start from the environment.
//! - [`dynamo`]: the DynamoDB store behind the domain's store ports; [`table`] its layout.
//! - [`bus`]: the EventBridge publisher behind `EventBus`, and the scheduler's input parsing.
//! - [`app`]: builds a ready `Bot` (clients created once) for the Lambda functions and the local runner.

pub mod app;
pub mod bus;
pub mod config;
pub mod dynamo;
pub mod logging;
pub mod table;
pub mod web;
