//! Typed errors of the AWS adapters. An SDK failure keeps its kind
//! (throttled, a condition that did not hold, anything else) and its error
//! code, instead of being flattened to a debug string; the domain sees the
//! kind too (`Throttled`, `Conflict`, `Store`/`Bus`).

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use mentor_domain::Error;

/// What kind of failure an AWS call reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SdkErrorKind {
    /// The service asked us to slow down; retrying later helps.
    Throttled,
    /// A conditional write's condition did not hold.
    ConditionFailed,
    Other,
}

/// Error codes AWS services use for "slow down".
const THROTTLING_CODES: &[&str] = &[
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "ThrottledException",
    "TooManyRequestsException",
];

#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error("{operation} failed ({kind:?}): {code}: {message}")]
    Sdk {
        operation: &'static str,
        kind: SdkErrorKind,
        code: String,
        message: String,
    },
    #[error("building the {operation} request failed: {message}")]
    Build {
        operation: &'static str,
        message: String,
    },
    #[error("stored document: {0}")]
    Document(String),
}

impl AwsError {
    /// Classifies an SDK error from `operation` (e.g. `"PutItem"`).
    pub fn sdk<E: ProvideErrorMetadata, R>(operation: &'static str, e: &SdkError<E, R>) -> Self {
        let service = e.as_service_error();
        let code = service.and_then(|s| s.code()).map(str::to_string);
        let kind = match code.as_deref() {
            Some("ConditionalCheckFailedException") => SdkErrorKind::ConditionFailed,
            Some(c) if THROTTLING_CODES.contains(&c) => SdkErrorKind::Throttled,
            _ => SdkErrorKind::Other,
        };
        let code = code.unwrap_or_else(|| {
            match e {
                SdkError::TimeoutError(_) => "timeout",
                SdkError::DispatchFailure(_) => "dispatch failure",
                SdkError::ResponseError(_) => "unreadable response",
                SdkError::ConstructionFailure(_) => "construction failure",
                _ => "service error",
            }
            .to_string()
        });
        let message = service
            .and_then(|s| s.message())
            .unwrap_or_default()
            .to_string();
        AwsError::Sdk {
            operation,
            kind,
            code,
            message,
        }
    }

    pub fn build(operation: &'static str, e: impl std::fmt::Display) -> Self {
        AwsError::Build {
            operation,
            message: e.to_string(),
        }
    }

    pub fn kind(&self) -> SdkErrorKind {
        match self {
            AwsError::Sdk { kind, .. } => *kind,
            _ => SdkErrorKind::Other,
        }
    }

    /// As a store failure for the domain.
    pub fn into_store(self) -> Error {
        match self.kind() {
            SdkErrorKind::Throttled => Error::Throttled(self.to_string()),
            SdkErrorKind::ConditionFailed => Error::Conflict(self.to_string()),
            SdkErrorKind::Other => Error::Store(self.to_string()),
        }
    }

    /// As an event-bus failure for the domain.
    pub fn into_bus(self) -> Error {
        match self.kind() {
            SdkErrorKind::Throttled => Error::Throttled(self.to_string()),
            _ => Error::Bus(self.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::error::ErrorMetadata;
    use aws_sdk_dynamodb::operation::put_item::PutItemError;

    fn service_error(code: &str) -> SdkError<PutItemError, ()> {
        let meta = ErrorMetadata::builder()
            .code(code)
            .message("details")
            .build();
        SdkError::service_error(PutItemError::generic(meta), ())
    }

    #[test]
    fn sdk_errors_keep_their_kind_up_to_the_domain() {
        let throttled = AwsError::sdk("PutItem", &service_error("ThrottlingException"));
        assert_eq!(throttled.kind(), SdkErrorKind::Throttled);
        assert!(matches!(throttled.into_store(), Error::Throttled(_)));

        let condition = AwsError::sdk("PutItem", &service_error("ConditionalCheckFailedException"));
        assert_eq!(condition.kind(), SdkErrorKind::ConditionFailed);
        assert!(matches!(condition.into_store(), Error::Conflict(_)));

        let other = AwsError::sdk("PutItem", &service_error("ResourceNotFoundException"));
        assert_eq!(other.kind(), SdkErrorKind::Other);
        let text = other.to_string();
        assert!(
            text.contains("ResourceNotFoundException") && text.contains("details"),
            "{text}"
        );
        let e = other.into_store();
        assert!(matches!(e, Error::Store(_)) && e.is_retryable());
    }

    #[test]
    fn a_throttled_bus_is_retryable() {
        let e = AwsError::sdk("PutEvents", &service_error("ThrottlingException")).into_bus();
        assert!(matches!(e, Error::Throttled(_)) && e.is_retryable());
    }
}
