//! Benchmarks for the matching engine (see `bench/README.md`).
//!
//! ```text
//! matching-bench gen --nodes N --edges M --seed S --out FILE
//! matching-bench file FILE [--max-cardinality]
//! matching-bench realistic --members 10000 --k 50 --seed S
//! matching-bench sparsify --members 2000 --k 50 [--seed S]
//! ```

use mentor_matching::{
    Candidate, Experience, Frequency, MAX_ABS_WEIGHT, MatchConfig, MemberId, Mode, PastPair,
    max_weight_matching, plan_round,
};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::time::Instant;

type Result<T> = std::result::Result<T, String>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        eprintln!("usage: matching-bench gen --nodes N --edges M --seed S --out FILE");
        eprintln!("       matching-bench file FILE [--max-cardinality]");
        eprintln!("       matching-bench realistic --members N --k K [--seed S]");
        eprintln!("       matching-bench sparsify --members N --k K [--seed S]");
        std::process::exit(2);
    }
}

fn run(args: &[String]) -> Result<()> {
    let Some(cmd) = args.first() else {
        return Err("missing command".into());
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "gen" => generate(
            flag(rest, "--nodes")?.ok_or("--nodes is required")?,
            flag(rest, "--edges")?.ok_or("--edges is required")?,
            flag(rest, "--seed")?.unwrap_or(1),
            &text_flag(rest, "--out").ok_or("--out is required")?,
        ),
        "file" => {
            let path = rest
                .iter()
                .find(|a| !a.starts_with("--"))
                .ok_or("missing FILE")?;
            solve_file(path, rest.iter().any(|a| a == "--max-cardinality"))
        }
        "realistic" => realistic(
            flag(rest, "--members")?.unwrap_or(10_000),
            flag(rest, "--k")?.unwrap_or(50),
            flag(rest, "--seed")?.unwrap_or(1),
        ),
        "sparsify" => sparsify(
            flag(rest, "--members")?.unwrap_or(2_000),
            flag(rest, "--k")?.unwrap_or(50),
            flag(rest, "--seed")?.unwrap_or(1),
        ),
        other => Err(format!("unknown command {other:?}")),
    }
}

fn text_flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn flag<T: std::str::FromStr>(args: &[String], name: &str) -> Result<Option<T>> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => {
            let v = args
                .get(i + 1)
                .ok_or_else(|| format!("{name} needs a value"))?;
            v.parse()
                .map(Some)
                .map_err(|_| format!("{name}: cannot parse {v:?}"))
        }
    }
}

/// splitmix64 stream: deterministic, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn generate(nodes: u64, edges: u64, seed: u64, out: &str) -> Result<()> {
    if nodes < 2 {
        return Err("--nodes must be at least 2".into());
    }
    let max_edges = nodes * (nodes - 1) / 2;
    if edges > max_edges {
        return Err(format!("{nodes} nodes have at most {max_edges} edges"));
    }
    let mut rng = Rng(seed);
    let mut seen = HashSet::new();
    let mut text = String::with_capacity(edges as usize * 16);
    while (seen.len() as u64) < edges {
        let (a, b) = (rng.below(nodes), rng.below(nodes));
        if a == b || !seen.insert((a.min(b), a.max(b))) {
            continue;
        }
        let w = 1 + rng.below(100_000);
        let _ = writeln!(text, "{} {} {w}", a.min(b), a.max(b));
    }
    std::fs::write(out, text).map_err(|e| format!("cannot write {out}: {e}"))?;
    println!("nodes={nodes} edges={edges} out={out}");
    Ok(())
}

/// Vertex count and `(u, v, weight)` edges.
type Graph = (usize, Vec<(u32, u32, i64)>);

fn read_graph(path: &str) -> Result<Graph> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let mut edges = Vec::new();
    let mut n = 0usize;
    for (no, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |what: &str| format!("{path}:{}: {what}: {line:?}", no + 1);
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [u, v, w] = parts[..] else {
            return Err(bad("expected `u v weight`"));
        };
        let u: u32 = u.parse().map_err(|_| bad("bad vertex id"))?;
        let v: u32 = v.parse().map_err(|_| bad("bad vertex id"))?;
        let w: i64 = w.parse().map_err(|_| bad("bad integer weight"))?;
        if u >= (1 << 30) || v >= (1 << 30) {
            return Err(bad("vertex id too large"));
        }
        if w.abs() > MAX_ABS_WEIGHT / 1024 {
            return Err(bad("weight too large"));
        }
        n = n.max(u as usize + 1).max(v as usize + 1);
        edges.push((u, v, w));
    }
    Ok((n, edges))
}

fn solve_file(path: &str, max_cardinality: bool) -> Result<()> {
    let (n, edges) = read_graph(path)?;
    let mut best: std::collections::HashMap<(u32, u32), i64> = std::collections::HashMap::new();
    for &(u, v, w) in &edges {
        let e = best.entry((u.min(v), u.max(v))).or_insert(w);
        *e = (*e).max(w);
    }
    let start = Instant::now();
    let mate = max_weight_matching(n, &edges, max_cardinality);
    let seconds = start.elapsed().as_secs_f64();
    let mut weight: i128 = 0;
    let mut pairs = 0;
    for (v, m) in mate.iter().enumerate() {
        if let Some(u) = *m {
            if (v as u32) < u {
                pairs += 1;
                weight += i128::from(best.get(&(v as u32, u)).copied().unwrap_or(0));
            }
        }
    }
    println!("weight={weight} pairs={pairs} seconds={seconds:.6}");
    Ok(())
}

const TOPICS: [&str; 32] = [
    "research",
    "accessibility",
    "portfolio reviews",
    "career change",
    "leadership",
    "design systems",
    "frontend",
    "backend",
    "data",
    "ml",
    "public speaking",
    "writing",
    "interviewing",
    "negotiation",
    "management",
    "open source",
    "security",
    "devops",
    "testing",
    "product",
    "ux writing",
    "mobile",
    "freelancing",
    "mentoring",
    "burnout",
    "side projects",
    "startups",
    "hiring",
    "architecture",
    "performance",
    "community",
    "teaching",
];
const OFFSETS: [i32; 16] = [
    -480, -420, -360, -300, -240, -180, 0, 0, 60, 60, 120, 180, 330, 480, 540, 600,
];

fn pick(rng: &mut Rng, count: u64) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    while (out.len() as u64) < count {
        let t = TOPICS[rng.below(TOPICS.len() as u64) as usize];
        if !out.iter().any(|x| x == t) {
            out.push(t.to_string());
        }
    }
    out
}

/// Random but plausible profiles and a few rounds of history.
fn realistic_members(n: usize, seed: u64) -> (Vec<Candidate>, Vec<PastPair>) {
    let mut rng = Rng(seed ^ 0x5eed);
    let members: Vec<Candidate> = (0..n)
        .map(|i| {
            let experience = Experience::ALL[rng.below(4) as usize];
            let offers = rng.below(2) + 1 + u64::from(experience.rank());
            Candidate {
                id: MemberId(format!("U{i:07}")),
                tz_offset_minutes: OFFSETS[rng.below(OFFSETS.len() as u64) as usize],
                interests: {
                    let c = 2 + rng.below(4);
                    pick(&mut rng, c)
                },
                offers: pick(&mut rng, offers),
                wants: {
                    let c = 1 + rng.below(3);
                    pick(&mut rng, c)
                },
                experience,
                mode: Mode::ALL[rng.below(4) as usize],
                frequency: Frequency::ALL[rng.below(3) as usize],
            }
        })
        .collect();
    let mut history = Vec::new();
    for rounds_ago in 1..=6u32 {
        for _ in 0..n / 2 {
            let (a, b) = (rng.below(n as u64) as usize, rng.below(n as u64) as usize);
            if a != b {
                history.push(PastPair {
                    a: members[a].id.clone(),
                    b: members[b].id.clone(),
                    rounds_ago,
                });
            }
        }
    }
    (members, history)
}

fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn realistic(n: usize, k: usize, seed: u64) -> Result<()> {
    let (members, history) = realistic_members(n, seed);
    let config = MatchConfig {
        candidates_per_member: Some(k),
        ..MatchConfig::default()
    };
    let start = Instant::now();
    let plan = plan_round(&members, &history, &[], &config, seed);
    let seconds = start.elapsed().as_secs_f64();
    let total: i64 = plan.groups.iter().map(|g| g.score).sum();
    let trios = plan.groups.iter().filter(|g| g.members.len() == 3).count();
    println!(
        "members={n} k={k} groups={} trios={trios} unmatched={} total_score={total} seconds={seconds:.3} peak_mb={:.1}",
        plan.groups.len(),
        plan.unmatched.len(),
        peak_mb()
    );
    Ok(())
}

fn sparsify(n: usize, k: usize, seed: u64) -> Result<()> {
    let (members, history) = realistic_members(n, seed);
    let sparse_cfg = MatchConfig {
        candidates_per_member: Some(k),
        ..MatchConfig::default()
    };
    let dense_cfg = MatchConfig {
        candidates_per_member: None,
        ..MatchConfig::default()
    };
    let t = Instant::now();
    let sparse = plan_round(&members, &history, &[], &sparse_cfg, seed);
    let ts = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let dense = plan_round(&members, &history, &[], &dense_cfg, seed);
    let td = t.elapsed().as_secs_f64();
    let total = |p: &mentor_matching::RoundPlan| p.groups.iter().map(|g| g.score).sum::<i64>();
    let (s, d) = (total(&sparse), total(&dense));
    println!(
        "members={n} k={k} sparse_weight={s} exact_weight={d} ratio={:.6} sparse_seconds={ts:.3} exact_seconds={td:.3}",
        s as f64 / d as f64
    );
    Ok(())
}
