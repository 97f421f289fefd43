//! The domain's error type. Handlers map it to an HTTP status or a friendly message.

use thiserror::Error;

/// A Slack Web API failure, classified so the caller knows whether to retry.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("slack {method} failed: {code}")]
pub struct SlackFailure {
    pub method: String,
    pub code: String,
    /// True when retrying can't help (`user_not_found`, `account_inactive`, …).
    pub permanent: bool,
}

impl SlackFailure {
    /// Failures that mean "this person can't be reached": the member is marked
    /// unreachable. Token or scope problems (`invalid_auth`, `missing_scope`,
    /// `not_allowed_token_type`) are the operator's, not the member's.
    pub fn means_unreachable(&self) -> bool {
        matches!(
            self.code.as_str(),
            "user_not_found"
                | "account_inactive"
                | "cannot_dm_bot"
                | "user_disabled"
                | "users_not_found"
                | "user_is_bot"
        ) || self.code.starts_with("cannot_dm")
    }
}

#[derive(Debug, Error)]
pub enum Error {
    #[error("store: {0}")]
    Store(String),
    /// A store or bus asked us to slow down: retry later.
    #[error("throttled: {0}")]
    Throttled(String),
    #[error("concurrent update of {0}; try again")]
    Conflict(String),
    #[error(transparent)]
    Slack(#[from] SlackFailure),
    #[error("event bus: {0}")]
    Bus(String),
    #[error("invalid input: {0}")]
    Invalid(String),
}

impl Error {
    /// Whether the whole request may be retried safely by Slack or EventBridge.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Store(_) | Error::Throttled(_) | Error::Conflict(_) | Error::Bus(_) => true,
            Error::Slack(f) => !f.permanent,
            Error::Invalid(_) => false,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
