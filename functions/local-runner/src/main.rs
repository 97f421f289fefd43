//! `local-runner`: mentor-pairing on your machine.
//!
//! - `serve` (default): the events and interactions handlers on localhost, the
//!   same code as on Lambda, with an embedded store (or DynamoDB by flag), a
//!   console Slack (or a real/mock Slack API by token + URL), and the bus
//!   looped back into the scheduler handler.
//! - `sign FILE`: prints a curl command that sends FILE as a signed Slack request.
//! - `simulate`: drives the real scheduler code through months of rounds.
//! - `bench-round`: one round at scale on moto with a rate-limited mock Slack.
//! - `bench-handlers`: latency of the three HTTP handlers on in-memory ports.

mod args;
mod bench_handlers;
mod bench_round;
mod server;
mod simulate;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args = match args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    let quiet = matches!(
        args.command,
        args::Command::Simulate { .. }
            | args::Command::BenchRound(_)
            | args::Command::BenchHandlers(_)
    );
    mentor_aws::logging::init_with_default(if quiet { "warn" } else { "info" });
    let result = match &args.command {
        args::Command::Help => {
            println!("{}", args::USAGE);
            Ok(())
        }
        args::Command::Serve => server::serve(&args).await,
        args::Command::Sign { file, form } => server::print_signed(&args, file, *form),
        args::Command::Simulate {
            members,
            months,
            seed,
        } => simulate::run(*members, *months, *seed).await,
        args::Command::BenchRound(opts) => bench_round::run(opts).await,
        args::Command::BenchHandlers(opts) => bench_handlers::run(opts).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
