//! How Slack's requests enter the use cases and how a click is answered:
//! ack first (verify, claim once, hand the typed work to the bus, answer;
//! the scheduler does every Slack call afterwards), and answers to clicks
//! written into the clicked message in place.

mod accept;
mod in_place;
mod on_the_bus;

pub use in_place::ClickedMessage;
