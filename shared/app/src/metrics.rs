//! Alarm metrics as CloudWatch Embedded Metric Format log lines: Lambda's
//! log delivery turns them into metrics, so no `PutMetricData` permission is
//! needed (least privilege). Only a Slack error code goes in, no personal data.

/// The namespace of the stack's own metrics (the template's alarms use it).
pub const NAMESPACE: &str = "MentorPairing";
/// Slack refused the bot's own token or workspace.
pub const OPERATOR_ERROR: &str = "SlackOperatorError";

/// The EMF line for one operator error at `timestamp_ms`.
pub fn operator_error_line(code: &str, timestamp_ms: i64) -> String {
    serde_json::json!({
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [[]],
                "Metrics": [{"Name": OPERATOR_ERROR, "Unit": "Count"}],
            }],
        },
        OPERATOR_ERROR: 1,
        "slack_error": code,
    })
    .to_string()
}

/// Counts one operator error (a raw stdout line, as EMF requires).
pub fn operator_error(code: &str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    println!("{}", operator_error_line(code, now));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operator_error_is_an_emf_count_with_only_the_slack_code() {
        let v: serde_json::Value =
            serde_json::from_str(&operator_error_line("account_inactive", 1_700_000_000_000))
                .unwrap();
        assert_eq!(v["SlackOperatorError"], 1);
        assert_eq!(v["slack_error"], "account_inactive");
        let m = &v["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(m["Namespace"], "MentorPairing");
        assert_eq!(m["Metrics"][0]["Name"], "SlackOperatorError");
        assert_eq!(v["_aws"]["Timestamp"], 1_700_000_000_000i64);
    }
}
