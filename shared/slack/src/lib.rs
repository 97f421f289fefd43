//! The Slack side of mentor-pairing: everything that knows Slack's wire format.
//!
//! - [`verify`]: request signature and replay checks.
//! - [`events`], [`interactions`]: typed incoming payloads (unknown types never fail).
//! - [`blocks`]: renders the domain's surfaces to Block Kit JSON and reads modal state back.
//! - [`client`]: the Web API client (rate limits, retries) implementing the domain's `Messenger`.
//! - [`deadline`]: the invocation's time left, which bounds every Slack call and wait.
//! - [`console`]: a `Messenger` that prints, for the local runner without a token.

pub mod blocks;
pub mod client;
pub mod console;
pub mod deadline;
pub mod events;
pub mod interactions;
pub mod verify;
