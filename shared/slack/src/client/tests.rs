//! The Web API client against a wiremock Slack.
use super::*;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(50),
        retry_after_cap: None,
        per_channel_gap: Duration::from_millis(1),
        request_timeout: Duration::from_secs(2),
    }
}

#[tokio::test]
async fn a_post_sends_the_token_channel_and_blocks() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .and(header("authorization", "Bearer xoxb-test"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let c = SlackClient::new(&server.uri(), "xoxb-test", fast());
    c.post(&ChannelId::new("D1"), &Message::plain("hello"))
        .await
        .unwrap();
    let req = &server.received_requests().await.unwrap()[0];
    let body: Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(body["channel"], "D1");
    assert_eq!(body["text"], "hello");
    assert_eq!(body["blocks"][0]["type"], "section");
}

#[tokio::test]
async fn a_dm_is_one_post_to_the_user_id_without_conversations_open() {
    let server = MockServer::start().await;
    Mock::given(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let c = SlackClient::new(&server.uri(), "t", fast());
    c.post_dm(&UserId::new("U1"), &Message::plain("hi"))
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1, "one call, no conversations.open");
    assert_eq!(reqs[0].url.path(), "/chat.postMessage");
    let body: Value = serde_json::from_slice(&reqs[0].body).unwrap();
    assert_eq!(body["channel"], "U1");
}

#[tokio::test]
async fn a_user_id_refused_as_a_channel_falls_back_to_opening_the_dm() {
    let server = MockServer::start().await;
    Mock::given(path("/chat.postMessage"))
        .and(wiremock::matchers::body_partial_json(
            json!({"channel": "U1"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "channel_not_found"})),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/conversations.open"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"ok": true, "channel": {"id": "D1"}})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let c = SlackClient::new(&server.uri(), "t", fast());
    c.post_dm(&UserId::new("U1"), &Message::plain("hi"))
        .await
        .unwrap();
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "/chat.postMessage",
            "/conversations.open",
            "/chat.postMessage"
        ]
    );
}

#[tokio::test]
async fn a_429_is_retried_after_the_given_delay() {
    let server = MockServer::start().await;
    Mock::given(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let c = SlackClient::new(&server.uri(), "t", fast());
    c.post(&ChannelId::new("D1"), &Message::plain("x"))
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn server_errors_are_retried_then_reported_as_transient() {
    let server = MockServer::start().await;
    Mock::given(path("/users.info"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let c = SlackClient::new(&server.uri(), "t", fast());
    let e = c.user_info(&UserId::new("U1")).await.unwrap_err();
    assert!(!e.permanent);
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn account_inactive_is_about_the_bot_and_not_retried_here() {
    let server = MockServer::start().await;
    Mock::given(path("/conversations.open"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "account_inactive"})),
        )
        .mount(&server)
        .await;
    let c = SlackClient::new(&server.uri(), "t", fast());
    let e = c.open_dm(&[UserId::new("U1")]).await.unwrap_err();
    assert!(e.permanent);
    assert!(e.is_bot_error() && !e.means_unreachable());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn read_methods_send_form_arguments() {
    let server = MockServer::start().await;
    Mock::given(path("/users.info"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(wiremock::matchers::body_string("user=U1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"ok": true, "user": {"tz": "Europe/Lisbon", "tz_offset": 0,
                    "profile": {"real_name": " Ana Lima "}}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let c = SlackClient::new(&server.uri(), "t", fast());
    let info = c.user_info(&UserId::new("U1")).await.unwrap();
    assert_eq!(info.tz.as_deref(), Some("Europe/Lisbon"));
    assert_eq!(info.real_name.as_deref(), Some("Ana Lima"));
}

#[tokio::test]
async fn channel_members_follows_cursors() {
    let server = MockServer::start().await;
    Mock::given(path("/conversations.members"))
        .and(wiremock::matchers::body_string_contains("cursor=next"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"ok": true, "members": ["U3"]})),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/conversations.members"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"ok": true, "members": ["U1", "U2"], "response_metadata": {"next_cursor": "next"}}),
        ))
        .mount(&server)
        .await;
    let c = SlackClient::new(&server.uri(), "t", fast());
    let ms = c.channel_members(&ChannelId::new("C1")).await.unwrap();
    assert_eq!(
        ms,
        vec![UserId::new("U1"), UserId::new("U2"), UserId::new("U3")]
    );
}

fn seconds_from_now(s: f64) -> Instant {
    Instant::now() + Duration::from_secs_f64(s)
}

#[tokio::test]
async fn a_429_is_waited_in_full_when_it_fits_before_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let c = SlackClient::new(&server.uri(), "t", fast());
    let started = Instant::now();
    deadline::within(
        seconds_from_now(5.0),
        c.post(&ChannelId::new("D1"), &Message::plain("x")),
    )
    .await
    .unwrap();
    // The policy's 50 ms backoff cap does not shorten Slack's Retry-After.
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_429_whose_retry_after_does_not_fit_is_handed_back_at_once_as_retryable() {
    let server = MockServer::start().await;
    Mock::given(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "30"))
        .mount(&server)
        .await;
    let c = SlackClient::new(&server.uri(), "t", fast());
    let started = Instant::now();
    let e = deadline::within(
        seconds_from_now(2.0),
        c.post(&ChannelId::new("D1"), &Message::plain("x")),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "deadline_exceeded");
    assert!(!e.permanent);
    assert!(started.elapsed() < Duration::from_secs(1), "no waiting");
    // Slack asked for 30 s of quiet: it is not asked again meanwhile.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_hanging_call_is_cut_off_at_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(path("/chat.postMessage"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": true}))
                .set_delay(Duration::from_secs(20)),
        )
        .mount(&server)
        .await;
    let c = SlackClient::new(&server.uri(), "t", fast());
    let started = Instant::now();
    let e = deadline::within(
        seconds_from_now(1.0),
        c.post(&ChannelId::new("D1"), &Message::plain("x")),
    )
    .await
    .unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1500), "took {took:?}");
    assert_eq!(e.code, "deadline_exceeded");
    assert!(!e.permanent);
}

#[tokio::test]
async fn no_call_is_started_once_the_deadline_has_passed() {
    let server = MockServer::start().await;
    let c = SlackClient::new(&server.uri(), "t", fast());
    let e = deadline::within(Instant::now(), c.user_info(&UserId::new("U1")))
        .await
        .unwrap_err();
    assert_eq!(e.code, "deadline_exceeded");
    assert!(server.received_requests().await.unwrap().is_empty());
}
