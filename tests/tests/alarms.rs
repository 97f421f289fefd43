//! The operator hears about trouble: the stack's alarms, read from
//! `infra/template.yaml` (the lint checks it is valid; this checks that the
//! right things are watched and that every alarm reaches the alarm topic).

use std::collections::BTreeMap;

fn template() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../infra/template.yaml"
    ))
    .expect("infra/template.yaml")
}

/// The template's resources: logical id → the lines of its definition.
fn resources(template: &str) -> BTreeMap<String, String> {
    let body = template
        .split("\nResources:\n")
        .nth(1)
        .and_then(|r| r.split("\nOutputs:\n").next())
        .expect("a Resources section");
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in body.lines() {
        let top = line.starts_with("  ") && !line.starts_with("   ") && line.ends_with(':');
        if top && !line.trim_start().starts_with('#') {
            if let Some((id, text)) = current.take() {
                out.insert(id, text);
            }
            current = Some((line.trim().trim_end_matches(':').to_string(), String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    if let Some((id, text)) = current {
        out.insert(id, text);
    }
    out
}

/// The alarms watching `metric` in `namespace` (for `dimension`, if given).
fn alarms_on<'a>(
    res: &'a BTreeMap<String, String>,
    namespace: &str,
    metric: &str,
    dimension: Option<&str>,
) -> Vec<&'a str> {
    res.iter()
        .filter(|(_, text)| {
            text.contains("Type: AWS::CloudWatch::Alarm")
                && text.contains(&format!("Namespace: {namespace}\n"))
                && text.contains(&format!("MetricName: {metric}\n"))
                && dimension.is_none_or(|d| text.contains(&format!(": {d}\n")))
        })
        .map(|(id, _)| id.as_str())
        .collect()
}

#[test]
fn the_stack_has_an_alarm_topic_and_subscribes_the_operators_email_only_when_given() {
    let t = template();
    let res = resources(&t);
    assert!(res["AlarmTopic"].contains("Type: AWS::SNS::Topic"));
    let sub = &res["AlarmEmailSubscription"];
    assert!(sub.contains("Type: AWS::SNS::Subscription"));
    assert!(sub.contains("Condition: HasAlarmEmail"));
    assert!(sub.contains("Protocol: email") && sub.contains("Endpoint: !Ref AlarmEmail"));
    assert!(sub.contains("TopicArn: !Ref AlarmTopic"));
    assert!(t.contains("HasAlarmEmail: !Not [!Equals [!Ref AlarmEmail, \"\"]]"));
    assert!(
        t.contains("  AlarmEmail:\n    Type: String\n    Default: \"\""),
        "AlarmEmail is an optional parameter"
    );
}

#[test]
fn every_failure_an_operator_must_know_about_has_an_alarm() {
    let res = resources(&template());
    let watched = [
        ("AWS/Lambda", "Errors", Some("!Ref SlackEventsFunction")),
        ("AWS/Lambda", "Throttles", Some("!Ref SlackEventsFunction")),
        (
            "AWS/Lambda",
            "Errors",
            Some("!Ref SlackInteractionsFunction"),
        ),
        (
            "AWS/Lambda",
            "Throttles",
            Some("!Ref SlackInteractionsFunction"),
        ),
        ("AWS/Lambda", "Errors", Some("!Ref SchedulerFunction")),
        ("AWS/ApiGateway", "5xx", Some("!Ref HttpApi")),
        (
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            Some("!GetAtt BusDeadLetterQueue.QueueName"),
        ),
        (
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            Some("!GetAtt TickDeadLetterQueue.QueueName"),
        ),
        (
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            Some("!GetAtt SchedulerFunctionDeadLetterQueue.QueueName"),
        ),
        // The EMF metric the scheduler writes when Slack refuses the bot's token.
        (
            mentor_app::metrics::NAMESPACE,
            mentor_app::metrics::OPERATOR_ERROR,
            None,
        ),
    ];
    for (namespace, metric, dimension) in watched {
        let found = alarms_on(&res, namespace, metric, dimension);
        assert_eq!(
            found.len(),
            1,
            "one alarm on {namespace} {metric} {dimension:?}: {found:?}"
        );
    }
}

#[test]
fn every_alarm_notifies_the_alarm_topic() {
    let res = resources(&template());
    let alarms: Vec<(&String, &String)> = res
        .iter()
        .filter(|(_, t)| t.contains("Type: AWS::CloudWatch::Alarm"))
        .collect();
    assert!(alarms.len() >= 10, "{} alarms", alarms.len());
    for (id, text) in alarms {
        // The first alarm defines the action list (anchor), the rest reuse it.
        let notifies = text.contains("AlarmActions: *alarmActions")
            || text.contains("AlarmActions: &alarmActions\n        - !Ref AlarmTopic\n");
        assert!(notifies, "{id} does not notify AlarmTopic");
    }
}
