#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    mentor_aws::logging::init();
    let app = mentor_app::from_env().await?;
    lambda_runtime::run(lambda_runtime::service_fn(
        |event: lambda_runtime::LambdaEvent<serde_json::Value>| async {
            scheduler::handle(&app, event.payload)
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
        },
    ))
    .await
}
