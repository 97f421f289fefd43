//! Command-line parsing (small enough not to need a parser crate).

pub const USAGE: &str = "\
usage: local-runner [serve] [options]       serve the bot on localhost
       local-runner sign FILE [--form]      print a curl command sending FILE signed
       local-runner simulate [--members N] [--months M] [--seed S]
       local-runner bench-round --members N [--dynamodb-endpoint URL] [--seed S]
                    [--slack-ms MS] [--dynamodb-ms MS] [--duplicate-every K]
                                            one round at scale on moto, mock Slack with
                                            Slack's rate limits, simulated clock
       local-runner bench-handlers [--requests N] [--slack-delay-ms MS]
                                            p50/p99 of the three HTTP handlers on in-memory
                                            ports, and their answer time with a slow Slack

options:
  --port N                 port to listen on (default 3000)
  --dynamodb-endpoint URL  use DynamoDB at URL (moto or real) instead of the embedded store
  --table NAME             DynamoDB table (default mentor-pairing-local; created if missing)
  --slack-api-url URL      Slack Web API base URL (env SLACK_API_BASE_URL)
  --secret S               signing secret (env SLACK_SIGNING_SECRET, default local-signing-secret)

environment: SLACK_BOT_TOKEN (without it, Slack calls are printed), PROGRAMME_CHANNEL_ID,
MODERATOR_IDS, COMMUNITY_TIMEZONE, TOPICS, RESOURCES_URL … (see README).";

pub enum Command {
    Help,
    Serve,
    Sign {
        file: String,
        form: bool,
    },
    Simulate {
        members: usize,
        months: u32,
        seed: u64,
    },
    BenchRound(crate::bench_round::Options),
    BenchHandlers(crate::bench_handlers::Options),
}

pub struct Args {
    pub command: Command,
    pub port: u16,
    pub dynamodb_endpoint: Option<String>,
    pub table: String,
    pub slack_api_url: Option<String>,
    pub secret: String,
}

fn value(it: &mut impl Iterator<Item = String>, flag: &str) -> Result<String, String> {
    it.next().ok_or_else(|| format!("{flag} needs a value"))
}

fn number<T: std::str::FromStr>(s: String, flag: &str) -> Result<T, String> {
    s.parse()
        .map_err(|_| format!("{flag} needs a number, got {s:?}"))
}

pub fn parse(argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut it = argv.peekable();
    let mut args = Args {
        command: Command::Serve,
        port: 3000,
        dynamodb_endpoint: None,
        table: "mentor-pairing-local".into(),
        slack_api_url: std::env::var("SLACK_API_BASE_URL").ok(),
        secret: std::env::var("SLACK_SIGNING_SECRET")
            .unwrap_or_else(|_| "local-signing-secret".into()),
    };
    let mut sim = (200usize, 6u32, 1u64);
    let mut bench = (100i64, 10i64, 10usize);
    let mut handlers = crate::bench_handlers::Options::default();
    let mut sign_file: Option<String> = None;
    let mut form = false;
    let mut mode = "serve".to_string();
    if it.peek().is_some_and(|first| !first.starts_with("--")) {
        mode = it.next().unwrap_or_default();
        if mode == "sign" {
            sign_file = Some(value(&mut it, "sign")?);
        }
    }
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--port" => args.port = number(value(&mut it, "--port")?, "--port")?,
            "--dynamodb-endpoint" => args.dynamodb_endpoint = Some(value(&mut it, &flag)?),
            "--table" => args.table = value(&mut it, &flag)?,
            "--slack-api-url" => args.slack_api_url = Some(value(&mut it, &flag)?),
            "--secret" => args.secret = value(&mut it, &flag)?,
            "--form" => form = true,
            "--members" => sim.0 = number(value(&mut it, &flag)?, &flag)?,
            "--months" => sim.1 = number(value(&mut it, &flag)?, &flag)?,
            "--seed" => sim.2 = number(value(&mut it, &flag)?, &flag)?,
            "--slack-ms" => bench.0 = number(value(&mut it, &flag)?, &flag)?,
            "--dynamodb-ms" => bench.1 = number(value(&mut it, &flag)?, &flag)?,
            "--duplicate-every" => bench.2 = number(value(&mut it, &flag)?, &flag)?,
            "--requests" => handlers.requests = number(value(&mut it, &flag)?, &flag)?,
            "--slack-delay-ms" => {
                handlers.slack_delay =
                    std::time::Duration::from_millis(number(value(&mut it, &flag)?, &flag)?)
            }
            "-h" | "--help" => mode = "help".into(),
            other => return Err(format!("unknown option {other}")),
        }
    }
    args.command = match mode.as_str() {
        "serve" => Command::Serve,
        "help" => Command::Help,
        "sign" => Command::Sign {
            file: sign_file.unwrap_or_default(),
            form,
        },
        "simulate" => Command::Simulate {
            members: sim.0,
            months: sim.1,
            seed: sim.2,
        },
        "bench-round" => Command::BenchRound(crate::bench_round::Options {
            members: sim.0,
            seed: sim.2,
            endpoint: args
                .dynamodb_endpoint
                .clone()
                .or_else(|| std::env::var("MOTO_ENDPOINT").ok())
                .ok_or("bench-round needs --dynamodb-endpoint URL (moto) or MOTO_ENDPOINT")?,
            slack_ms: bench.0,
            dynamodb_ms: bench.1,
            duplicate_every: bench.2,
        }),
        "bench-handlers" => Command::BenchHandlers(handlers),
        other => return Err(format!("unknown command {other}")),
    };
    Ok(args)
}
