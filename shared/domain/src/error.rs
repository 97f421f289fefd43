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
    /// Failures about the bot's own token or workspace (Slack answers
    /// `account_inactive` when the *bot user* is deactivated): the work
    /// stops, nobody is marked, everything stays retryable, and an alarm is
    /// raised. Nothing a member did causes them.
    pub fn is_bot_error(&self) -> bool {
        matches!(
            self.code.as_str(),
            "invalid_auth"
                | "not_authed"
                | "account_inactive"
                | "token_revoked"
                | "token_expired"
                | "team_access_not_granted"
                | "missing_scope"
                | "ekm_access_denied"
                | "not_allowed_token_type"
                | "no_permission"
                | "org_login_required"
                | "team_disabled"
                | "access_denied"
        )
    }

    /// Failures that mean "this person can't be reached": only these mark
    /// the member unreachable.
    pub fn means_unreachable(&self) -> bool {
        !self.is_bot_error()
            && (matches!(
                self.code.as_str(),
                "user_not_found"
                    | "user_disabled"
                    | "users_not_found"
                    | "user_is_bot"
                    | "messages_tab_disabled"
            ) || self.code.starts_with("cannot_dm"))
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
            // The bot's token comes back (and is alarmed on): keep it retryable.
            Error::Slack(f) => !f.permanent || f.is_bot_error(),
            Error::Invalid(_) => false,
        }
    }

    /// The Slack error code when the bot's own token or workspace failed
    /// (the operator-error alarm).
    pub fn bot_error_code(&self) -> Option<&str> {
        match self {
            Error::Slack(f) if f.is_bot_error() => Some(&f.code),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
