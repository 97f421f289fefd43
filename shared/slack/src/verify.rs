//! Slack request verification: `v0=` HMAC-SHA256 over `v0:{timestamp}:{raw body}`
//! with the signing secret, a 5-minute replay window and a constant-time compare.
//! Runs on the raw bytes before anything is parsed.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use thiserror::Error;

pub const SIGNATURE_HEADER: &str = "x-slack-signature";
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";
/// Requests older (or newer) than this are rejected as replays.
pub const MAX_SKEW_SECONDS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    #[error("missing {0} header")]
    MissingHeader(&'static str),
    #[error("timestamp header is not a number")]
    BadTimestamp,
    #[error("timestamp is {0} s away from now")]
    Stale(i64),
    #[error("signature header is malformed")]
    BadSignatureFormat,
    #[error("signature does not match")]
    Mismatch,
}

/// The signature Slack would send for this timestamp and body.
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// Verifies a request. `now_unix` comes from an injected clock.
pub fn verify(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> Result<(), VerifyError> {
    let timestamp = timestamp.ok_or(VerifyError::MissingHeader(TIMESTAMP_HEADER))?;
    let signature = signature.ok_or(VerifyError::MissingHeader(SIGNATURE_HEADER))?;
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| VerifyError::BadTimestamp)?;
    let skew = now_unix.saturating_sub(ts);
    if skew.abs() > MAX_SKEW_SECONDS {
        return Err(VerifyError::Stale(skew));
    }
    let given = signature
        .strip_prefix("v0=")
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or(VerifyError::BadSignatureFormat)?;
    let expected = sign(secret, timestamp.trim(), body);
    let expected_hex = &expected[3..];
    if bool::from(
        expected_hex
            .as_bytes()
            .ct_eq(given.to_ascii_lowercase().as_bytes()),
    ) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const NOW: i64 = 1_531_420_618;
    const BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fhelp";

    fn good() -> String {
        sign(SECRET, &NOW.to_string(), BODY)
    }

    #[test]
    fn slacks_documented_example_verifies() {
        // The example from Slack's "Verifying requests" documentation.
        let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let sig = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        assert_eq!(
            verify(SECRET, Some("1531420618"), Some(sig), body, NOW),
            Ok(())
        );
    }

    #[test]
    fn a_correct_signature_verifies() {
        assert_eq!(
            verify(
                SECRET,
                Some(&NOW.to_string()),
                Some(&good()),
                BODY,
                NOW + 10
            ),
            Ok(())
        );
    }

    #[test]
    fn a_body_changed_by_one_byte_is_rejected() {
        let mut body = BODY.to_vec();
        body[5] ^= 1;
        assert_eq!(
            verify(SECRET, Some(&NOW.to_string()), Some(&good()), &body, NOW),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn a_timestamp_301_seconds_old_is_rejected() {
        let ts = NOW - 301;
        let sig = sign(SECRET, &ts.to_string(), BODY);
        assert_eq!(
            verify(SECRET, Some(&ts.to_string()), Some(&sig), BODY, NOW),
            Err(VerifyError::Stale(301))
        );
        let ok = NOW - 300;
        let sig = sign(SECRET, &ok.to_string(), BODY);
        assert_eq!(
            verify(SECRET, Some(&ok.to_string()), Some(&sig), BODY, NOW),
            Ok(())
        );
    }

    #[test]
    fn a_timestamp_from_the_future_is_rejected() {
        let ts = NOW + 301;
        let sig = sign(SECRET, &ts.to_string(), BODY);
        assert_eq!(
            verify(SECRET, Some(&ts.to_string()), Some(&sig), BODY, NOW),
            Err(VerifyError::Stale(-301))
        );
    }

    #[test]
    fn missing_headers_are_named() {
        assert_eq!(
            verify(SECRET, None, Some(&good()), BODY, NOW),
            Err(VerifyError::MissingHeader(TIMESTAMP_HEADER))
        );
        assert_eq!(
            verify(SECRET, Some(&NOW.to_string()), None, BODY, NOW),
            Err(VerifyError::MissingHeader(SIGNATURE_HEADER))
        );
    }

    #[test]
    fn a_non_numeric_timestamp_is_rejected() {
        assert_eq!(
            verify(SECRET, Some("yesterday"), Some(&good()), BODY, NOW),
            Err(VerifyError::BadTimestamp)
        );
    }

    #[test]
    fn a_malformed_signature_is_rejected() {
        for sig in ["", "v1=abcd", "v0=zz", "v0=1234"] {
            assert_eq!(
                verify(SECRET, Some(&NOW.to_string()), Some(sig), BODY, NOW),
                Err(VerifyError::BadSignatureFormat),
                "{sig}"
            );
        }
    }

    #[test]
    fn the_wrong_secret_is_rejected() {
        let sig = sign("another-secret", &NOW.to_string(), BODY);
        assert_eq!(
            verify(SECRET, Some(&NOW.to_string()), Some(&sig), BODY, NOW),
            Err(VerifyError::Mismatch)
        );
    }
}
