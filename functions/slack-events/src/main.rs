#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    mentor_aws::logging::init();
    let app = mentor_app::from_env().await?;
    lambda_http::run(lambda_http::service_fn(|req| async {
        Ok::<_, std::convert::Infallible>(slack_events::handle(&app, req).await)
    }))
    .await
}
