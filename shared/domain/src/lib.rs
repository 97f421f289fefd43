//! The pure heart of mentor-pairing.
//!
//! Owns the model (members, rounds, groups), the round calendar, the message
//! texts, the use cases and the ports (traits) through which the use cases talk
//! to the world. Production adapters (DynamoDB, Slack Web API, EventBridge)
//! live in other crates; in-memory adapters live in [`memory`] so the same use
//! cases run in unit tests and the local demo.

pub mod action;
pub mod announcement;
pub mod calendar;
pub mod commands;
pub mod config;
pub mod error;
pub mod feedback;
pub mod feedback_form;
pub mod first_slot;
pub mod goal_form;
pub mod ids;
pub mod memory;
pub mod messages;
pub mod model;
pub mod momentum;
pub mod named_in_highlights;
pub mod once_key;
pub mod open_to_third;
pub mod pairing;
pub mod ports;
pub mod privacy;
pub mod profile_form;
pub mod snooze;
pub mod surface;
pub mod usecases;
pub mod yes_no_field;

pub use config::ProgrammeConfig;
pub use error::{Error, SlackFailure};
pub use ids::{ChannelId, RoundId, UserId};
pub use mentor_matching::{Experience, Frequency, Mode};
pub use once_key::OnceKey;
pub use privacy::Pseudonyms;
pub use usecases::Bot;
