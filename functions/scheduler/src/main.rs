#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    mentor_aws::logging::init();
    let app = mentor_app::from_env().await?;
    let app = &app;
    lambda_runtime::run(lambda_runtime::service_fn(
        |event: lambda_runtime::LambdaEvent<serde_json::Value>| async move {
            // Every Slack call ends before the invocation's own deadline.
            let deadline = mentor_app::deadline::from_epoch_millis(
                event.context.deadline,
                scheduler::DEADLINE_MARGIN,
            );
            scheduler::handle_until(app, event.payload, deadline)
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
        },
    ))
    .await
}
