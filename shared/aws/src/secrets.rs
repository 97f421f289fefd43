//! The AWS SDK configuration and the Slack credentials in Secrets Manager,
//! read once per cold start by the composition root (`mentor-app`).

use serde::Deserialize;

use crate::config::{PseudonymKey, Settings, SlackSecrets};
use crate::error::AwsError;

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
) -> Result<(String, Option<String>), AwsError> {
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
                .map_err(|e| AwsError::sdk("GetSecretValue", &e))?;
            let raw = out
                .secret_string()
                .ok_or_else(|| AwsError::Document("the Slack secret has no string value".into()))?;
            let doc: SecretDoc = serde_json::from_str(raw).map_err(|_| {
                AwsError::Document(
                    "the Slack secret must be JSON {\"signing_secret\": …, \"bot_token\": …}"
                        .into(),
                )
            })?;
            Ok((doc.signing_secret, Some(doc.bot_token)))
        }
    }
}

#[derive(Deserialize)]
struct PseudonymDoc {
    pseudonym_key: String,
}

/// Resolves the pseudonym key (reads Secrets Manager when configured).
pub async fn pseudonyms(
    settings: &Settings,
    sdk: &aws_config::SdkConfig,
) -> Result<mentor_domain::Pseudonyms, AwsError> {
    let key = match &settings.pseudonym_key {
        PseudonymKey::Inline(k) => k.clone(),
        PseudonymKey::SecretArn(arn) => {
            let out = aws_sdk_secretsmanager::Client::new(sdk)
                .get_secret_value()
                .secret_id(arn)
                .send()
                .await
                .map_err(|e| AwsError::sdk("GetSecretValue", &e))?;
            let raw = out.secret_string().ok_or_else(|| {
                AwsError::Document("the pseudonym secret has no string value".into())
            })?;
            let doc: PseudonymDoc = serde_json::from_str(raw).map_err(|_| {
                AwsError::Document(
                    "the pseudonym secret must be JSON {\"pseudonym_key\": …}".into(),
                )
            })?;
            doc.pseudonym_key
        }
    };
    if key.len() < 16 {
        return Err(AwsError::Document(
            "the pseudonym key must be at least 16 characters".into(),
        ));
    }
    Ok(mentor_domain::Pseudonyms::new(key))
}
