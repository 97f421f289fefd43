//! Structured logs: JSON on Lambda (CloudWatch), compact text locally.
//! Log fields carry Slack ids at most: never answers, message text or tokens.

use tracing_subscriber::EnvFilter;

pub fn init() {
    init_with_default("info");
}

/// Like [`init`], with `default` as the level when `RUST_LOG` is unset.
pub fn init_with_default(default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let on_lambda = std::env::var("AWS_LAMBDA_FUNCTION_NAME").is_ok();
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let result = if on_lambda {
        builder
            .json()
            .with_current_span(false)
            .with_ansi(false)
            .without_time() // CloudWatch stamps each line
            .try_init()
    } else {
        builder.compact().with_writer(std::io::stderr).try_init()
    };
    // Already initialised (tests): keep the first subscriber.
    let _ = result;
}
