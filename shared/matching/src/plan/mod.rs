//! Planning a round: candidate graph (hard rules, sparsification, seeded
//! tie-breaks), exact maximum-cardinality maximum-weight matching, trios for
//! members the matching cannot pair, and explanations.

use crate::blossom::solve_unique;
use crate::model::{Candidate, Experience, Frequency, MemberId, Mode, PastPair};
use crate::score::{
    MatchConfig, PairRules, PairScore, PairStatus, Reason, Weights, daytime_overlap_minutes,
    recency_penalty, repeat_penalty, score_pair,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The outcome of [`plan_round`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundPlan {
    /// Pairs, and trios where a member could not be paired otherwise.
    pub groups: Vec<Group>,
    /// Members left out, each with the reason.
    pub unmatched: Vec<Unmatched>,
}

/// A pair or trio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Two or three members. In a trio the first two are the matched pair
    /// and the third is the member who joined them.
    pub members: Vec<MemberId>,
    /// Sum of the scores of every pair inside the group.
    pub score: i64,
    /// Reasons of every pair inside the group, pair by pair.
    pub reasons: Vec<Reason>,
}

/// A member who is not in any group this round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmatched {
    /// Who.
    pub member: MemberId,
    /// Why.
    pub reason: UnmatchedReason,
}

/// Why a member is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnmatchedReason {
    /// Nobody else is eligible this round.
    OnlyEligibleMember,
    /// Every other eligible member is excluded for them (block list,
    /// moderator exclusion, or the no-repeat window).
    NoAllowedPartner,
    /// Their allowed partners are all in groups with someone they may not
    /// be paired with, so they cannot join as a third member either.
    NoCompatibleGroup,
}

/// How well a member fits an existing group, from [`best_group_for`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFit {
    /// Index of the group in the slice passed in.
    pub index: usize,
    /// Sum of the scores of the member with each group member.
    pub score: i64,
    /// Reasons of those pairs.
    pub reasons: Vec<Reason>,
}

/// A candidate with only the fields the category table looks at.
fn probe(experience: Experience, mode: Mode, frequency: Frequency) -> Candidate {
    Candidate {
        id: MemberId(String::new()),
        tz_offset_minutes: 0,
        interests: Vec::new(),
        offers: Vec::new(),
        wants: Vec::new(),
        experience,
        mode,
        frequency,
    }
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn id_hash(id: &MemberId) -> u64 {
    // FNV-1a, then mixed: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.as_str().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    splitmix64(h)
}

/// Seeded, symmetric tie-break value of a pair.
fn pair_hash(seed: u64, ha: u64, hb: u64) -> u64 {
    splitmix64(seed ^ splitmix64(ha.wrapping_add(hb)) ^ (ha ^ hb).rotate_left(17))
}

/// Profiles as bitsets and small integers, for scoring millions of pairs.
struct Fast<'a> {
    members: Vec<&'a Candidate>,
    words: usize,
    /// Per member: interests, offers, wants, each `words` long.
    bits: Vec<u64>,
    hash: Vec<u64>,
    /// Per member: index of (experience, mode, frequency), and of the time
    /// zone offset, into the precomputed score tables below.
    cat: Vec<u16>,
    tz: Vec<u16>,
    cat_table: Vec<i64>,
    tz_table: Vec<i64>,
    tz_count: usize,
    /// Per member: (other, rounds ago) of past meetings, and exclusions.
    met: Vec<Vec<(u32, u32)>>,
    excluded: Vec<Vec<u32>>,
    /// Per member: past partners who both marked "happy to be paired again".
    happy: Vec<Vec<u32>>,
    weights: &'a Weights,
    no_repeat_rounds: Option<u32>,
    seed: u64,
}

#[derive(Clone, Copy)]
struct RowEntry {
    j: u32,
    score: i64,
    last_resort: bool,
    hash: u64,
}

impl<'a> Fast<'a> {
    fn new(
        members: Vec<&'a Candidate>,
        history: &[PastPair],
        exclusions: &[(MemberId, MemberId)],
        happy_again: &[(MemberId, MemberId)],
        config: &'a MatchConfig,
        seed: u64,
    ) -> Self {
        let n = members.len();
        let index: HashMap<&MemberId, u32> = members
            .iter()
            .enumerate()
            .map(|(i, c)| (&c.id, i as u32))
            .collect();
        let mut topics: HashMap<&str, usize> = HashMap::new();
        for c in &members {
            for t in c.interests.iter().chain(&c.offers).chain(&c.wants) {
                let next = topics.len();
                topics.entry(t.as_str()).or_insert(next);
            }
        }
        let words = topics.len().div_ceil(64).max(1);
        let mut bits = vec![0u64; n * 3 * words];
        for (i, c) in members.iter().enumerate() {
            for (slot, list) in [&c.interests, &c.offers, &c.wants].into_iter().enumerate() {
                for t in list {
                    let id = topics[t.as_str()];
                    bits[(i * 3 + slot) * words + id / 64] |= 1 << (id % 64);
                }
            }
        }
        let mut met = vec![Vec::new(); n];
        for p in history {
            if let (Some(&a), Some(&b)) = (index.get(&p.a), index.get(&p.b)) {
                if a != b {
                    met[a as usize].push((b, p.rounds_ago.max(1)));
                    met[b as usize].push((a, p.rounds_ago.max(1)));
                }
            }
        }
        let mut excluded = vec![Vec::new(); n];
        for (x, y) in exclusions {
            if let (Some(&a), Some(&b)) = (index.get(x), index.get(y)) {
                excluded[a as usize].push(b);
                excluded[b as usize].push(a);
            }
        }
        let mut happy = vec![Vec::new(); n];
        for (x, y) in happy_again {
            if let (Some(&a), Some(&b)) = (index.get(x), index.get(y)) {
                happy[a as usize].push(b);
                happy[b as usize].push(a);
            }
        }
        let hash = members.iter().map(|c| id_hash(&c.id)).collect();
        let w = &config.weights;
        let cat_of = |c: &Candidate| {
            let m = Mode::ALL.iter().position(|x| *x == c.mode).unwrap_or(0);
            let f = Frequency::ALL
                .iter()
                .position(|x| *x == c.frequency)
                .unwrap_or(0);
            (c.experience.rank() as usize * Mode::ALL.len() + m) * Frequency::ALL.len() + f
        };
        let cats = 4 * Mode::ALL.len() * Frequency::ALL.len();
        let mut cat_table = vec![0i64; cats * cats];
        for a in Experience::ALL {
            for am in Mode::ALL {
                for af in Frequency::ALL {
                    for b in Experience::ALL {
                        for bm in Mode::ALL {
                            for bf in Frequency::ALL {
                                let (x, y) = (probe(*a, *am, *af), probe(*b, *bm, *bf));
                                let mut s =
                                    w.experience_per_level * i64::from(a.rank().abs_diff(b.rank()));
                                if am == bm {
                                    s += w.same_mode;
                                } else if *am == Mode::Mixed || *bm == Mode::Mixed {
                                    s += w.compatible_mode;
                                }
                                if af == bf {
                                    s += w.same_frequency;
                                }
                                cat_table[cat_of(&x) * cats + cat_of(&y)] = s;
                            }
                        }
                    }
                }
            }
        }
        let mut offsets: Vec<i32> = members.iter().map(|c| c.tz_offset_minutes).collect();
        offsets.sort_unstable();
        offsets.dedup();
        let tz_count = offsets.len();
        let mut tz_table = vec![0i64; tz_count * tz_count];
        for (x, &a) in offsets.iter().enumerate() {
            for (y, &b) in offsets.iter().enumerate() {
                tz_table[x * tz_count + y] =
                    w.daytime_per_hour * i64::from(daytime_overlap_minutes(a, b, w) / 60);
            }
        }
        let cat = members.iter().map(|c| cat_of(c) as u16).collect();
        let tz = members
            .iter()
            .map(|c| offsets.binary_search(&c.tz_offset_minutes).unwrap_or(0) as u16)
            .collect();
        Fast {
            cat,
            tz,
            cat_table,
            tz_table,
            tz_count,
            members,
            words,
            bits,
            hash,
            met,
            excluded,
            happy,
            weights: &config.weights,
            no_repeat_rounds: config.no_repeat_rounds,
            seed,
        }
    }

    fn len(&self) -> usize {
        self.members.len()
    }

    fn set(&self, i: usize, slot: usize) -> &[u64] {
        let s = (i * 3 + slot) * self.words;
        &self.bits[s..s + self.words]
    }

    #[inline]
    fn common(&self, i: usize, si: usize, j: usize, sj: usize) -> i64 {
        let cap = i64::from(self.weights.max_topics_counted);
        if self.words == 1 {
            let c = (self.bits[i * 3 + si] & self.bits[j * 3 + sj]).count_ones();
            return i64::from(c).min(cap);
        }
        let c: u32 = self
            .set(i, si)
            .iter()
            .zip(self.set(j, sj))
            .map(|(a, b)| (a & b).count_ones())
            .sum();
        i64::from(c).min(cap)
    }

    /// Same number as `score_pair(..).score`, without the reasons or the
    /// hard rules.
    /// Sort keys of every pair `(i, j)`: `DISALLOWED` for forbidden pairs
    /// (and `j == i`), `score - LAST_RESORT` for last-resort repeats, the
    /// score otherwise. `mark` is zeroed scratch of length n.
    fn row_keys(&self, i: usize, mark: &mut [u32], keys: &mut Vec<i64>) {
        let n = self.len();
        keys.clear();
        keys.resize(n, 0);
        let cats = self.cat_table.len().isqrt();
        let cat_row = &self.cat_table[self.cat[i] as usize * cats..][..cats];
        let tz_row = &self.tz_table[self.tz[i] as usize * self.tz_count..][..self.tz_count];
        let w = self.weights;
        if self.words == 1 {
            let cap = w.max_topics_counted;
            let (ii, io, iw) = (self.bits[i * 3], self.bits[i * 3 + 1], self.bits[i * 3 + 2]);
            let bits = &self.bits[..n * 3];
            for (j, key) in keys.iter_mut().enumerate() {
                let bj = &bits[j * 3..j * 3 + 3];
                let help = (io & bj[2]).count_ones().min(cap) + (bj[1] & iw).count_ones().min(cap);
                let shared = (ii & bj[0]).count_ones().min(cap);
                *key = w.can_help_per_topic * i64::from(help)
                    + w.shared_interest_per_topic * i64::from(shared)
                    + cat_row[self.cat[j] as usize]
                    + tz_row[self.tz[j] as usize];
            }
        } else {
            for (j, key) in keys.iter_mut().enumerate() {
                *key = w.can_help_per_topic * (self.common(i, 1, j, 2) + self.common(j, 1, i, 2))
                    + w.shared_interest_per_topic * self.common(i, 0, j, 0)
                    + cat_row[self.cat[j] as usize]
                    + tz_row[self.tz[j] as usize];
            }
        }
        keys[i] = DISALLOWED;
        // mark[j]: 0 nothing, 1 excluded, 2 + rounds_ago met.
        for &j in &self.excluded[i] {
            mark[j as usize] = 1;
        }
        for &(j, r) in &self.met[i] {
            let m = &mut mark[j as usize];
            if *m != 1 && (*m == 0 || r + 2 < *m) {
                *m = r + 2;
            }
        }
        for &j in &self.excluded[i] {
            keys[j as usize] = DISALLOWED;
            mark[j as usize] = 0;
        }
        for &(j, _) in &self.met[i] {
            let m = mark[j as usize];
            mark[j as usize] = 0;
            if m < 2 {
                continue;
            }
            let r = m - 2;
            let happy = self.happy[i].contains(&j);
            let key = &mut keys[j as usize];
            match self.no_repeat_rounds {
                Some(window) if r <= window => *key = DISALLOWED,
                Some(_) => *key -= repeat_penalty(r, happy, w),
                None if happy => *key -= repeat_penalty(r, true, w),
                None => *key -= recency_penalty(r, w) + LAST_RESORT,
            }
        }
    }

    fn entry(&self, i: usize, j: usize, key: i64) -> RowEntry {
        let last_resort = key < -LAST_RESORT / 2;
        RowEntry {
            j: j as u32,
            score: if last_resort { key + LAST_RESORT } else { key },
            last_resort,
            hash: pair_hash(self.seed, self.hash[i], self.hash[j]),
        }
    }

    /// Every allowed partner of `i` with score and tie-break.
    fn row(&self, i: usize, mark: &mut [u32], keys: &mut Vec<i64>, out: &mut Vec<RowEntry>) {
        self.row_keys(i, mark, keys);
        out.clear();
        for (j, &key) in keys.iter().enumerate() {
            if key != DISALLOWED {
                out.push(self.entry(i, j, key));
            }
        }
    }
}

/// Key of a forbidden pair in [`Fast::row_keys`].
const DISALLOWED: i64 = i64::MIN;
/// Offset that sorts last-resort repeats below every other pair; scores
/// stay far below it in magnitude.
const LAST_RESORT: i64 = 1 << 44;

#[derive(Clone, Copy)]
struct Edge {
    a: u32,
    b: u32,
    score: i64,
    last_resort: bool,
    hash: u64,
}

/// Candidate edges: each member's best `k` allowed partners (all of them
/// when `k` is `None`), union of both sides, plus every allowed edge of the
/// members in `full_rows`.
fn candidate_edges(fast: &Fast, k: Option<usize>, full_rows: &[u32]) -> Vec<Edge> {
    let n = fast.len();
    let mut full = vec![false; n];
    for &i in full_rows {
        full[i as usize] = true;
    }
    // Rows are independent: score them on all available cores.
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .clamp(1, 8);
    let threads = if n < 2048 { 1 } else { threads };
    let chunk = n.div_ceil(threads);
    let full = &full;
    let mut edges: Vec<Edge> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let rows = t * chunk..((t + 1) * chunk).min(n);
                scope.spawn(move || candidate_rows(fast, k, full, rows))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    edges.sort_unstable_by_key(|e| (e.a, e.b));
    edges.dedup_by_key(|e| (e.a, e.b));
    edges
}

fn candidate_rows(
    fast: &Fast,
    k: Option<usize>,
    full: &[bool],
    rows: std::ops::Range<usize>,
) -> Vec<Edge> {
    let n = fast.len();
    let mut mark = vec![0u32; n];
    let mut keys = Vec::new();
    let mut scratch: Vec<i64> = Vec::new();
    let mut ties: Vec<(u64, u32)> = Vec::new();
    let mut edges: Vec<Edge> = Vec::new();
    let push = |edges: &mut Vec<Edge>, i: usize, j: usize, key: i64| {
        let e = fast.entry(i, j, key);
        let (a, b) = if i < j {
            (i as u32, j as u32)
        } else {
            (j as u32, i as u32)
        };
        edges.push(Edge {
            a,
            b,
            score: e.score,
            last_resort: e.last_resort,
            hash: e.hash,
        });
    };
    for i in rows {
        fast.row_keys(i, &mut mark, &mut keys);
        let allowed = keys.iter().filter(|&&x| x != DISALLOWED).count();
        match k {
            Some(k) if !full[i] && k < allowed => {
                if k == 0 {
                    continue;
                }
                // The k-th best key, then everything above it and the best
                // of the ties at it by the seeded hash.
                scratch.clear();
                scratch.extend(keys.iter().copied().filter(|&x| x != DISALLOWED));
                let (_, kth, _) = scratch.select_nth_unstable_by(k - 1, |x, y| y.cmp(x));
                let kth = *kth;
                ties.clear();
                let mut taken = 0;
                for (j, &key) in keys.iter().enumerate() {
                    if key > kth {
                        push(&mut edges, i, j, key);
                        taken += 1;
                    } else if key == kth {
                        ties.push((pair_hash(fast.seed, fast.hash[i], fast.hash[j]), j as u32));
                    }
                }
                ties.sort_unstable_by(|x, y| y.cmp(x));
                for &(_, j) in ties.iter().take(k - taken) {
                    push(&mut edges, i, j as usize, kth);
                }
            }
            _ => {
                for (j, &key) in keys.iter().enumerate() {
                    // Without sparsification each edge is seen from both sides.
                    if key != DISALLOWED && (k.is_some() || j > i) {
                        push(&mut edges, i, j, key);
                    }
                }
            }
        }
    }
    edges
}

/// Integer weights for the solver: repeats (last resort) cost more than any
/// score difference among matchings of equal size; the seeded hash breaks
/// ties below one score point.
fn solver_weights(edges: &[Edge], n: usize) -> Vec<(u32, u32, i64)> {
    let half = (n / 2 + 1) as i128;
    let smax = edges
        .iter()
        .map(|e| i128::from(e.score).abs())
        .max()
        .unwrap_or(0);
    let repeat_cost = half * (2 * smax + 1);
    let bmax = smax + repeat_cost;
    // Keep n · |weight| well inside the solver's i64 range.
    let limit: i128 = 1 << 56;
    let mut tie: i128 = 16;
    while tie > 1 && (bmax * tie * half + tie) * n as i128 > limit {
        tie /= 2;
    }
    let scale = if tie > 1 { tie * half } else { 1 };
    assert!(
        (bmax * scale + tie) * n as i128 <= limit,
        "pair scores are too large to plan with"
    );
    edges
        .iter()
        .map(|e| {
            let base = i128::from(e.score) - if e.last_resort { repeat_cost } else { 0 };
            let w = base * scale
                + if tie > 1 {
                    i128::from(e.hash % tie as u64)
                } else {
                    0
                };
            (e.a, e.b, w as i64)
        })
        .collect()
}

fn explain(a: &Candidate, b: &Candidate, rules: &PairRules, weights: &Weights) -> PairScore {
    score_pair(a, b, rules, weights).unwrap_or(PairScore {
        score: 0,
        reasons: Vec::new(),
    })
}

/// How many times a sparse plan that leaves someone out is retried with 4×k.
const MAX_WIDENINGS: u32 = 2;
/// Up to this many members, a sparse plan that still leaves someone out falls
/// back to the full candidate graph (about n²/2 edges).
const FULL_GRAPH_FALLBACK_MAX: usize = 2500;

/// Plans one round: every eligible member in exactly one pair (or a trio
/// where the maximum matching cannot pair them), maximising first the number
/// of people paired, then (with `no_repeat_rounds: None`) the number of new
/// pairs, then the total score. Exact on the candidate graph (see
/// [`MatchConfig::candidates_per_member`]); ties are broken by `seed`, so
/// the same inputs and seed always give the same plan (a preview equals the
/// run).
///
/// Members with the same id are taken once (the first occurrence).
#[must_use]
pub fn plan_round(
    members: &[Candidate],
    history: &[PastPair],
    exclusions: &[(MemberId, MemberId)],
    config: &MatchConfig,
    seed: u64,
) -> RoundPlan {
    plan_round_with_happy_again(members, history, exclusions, &[], config, seed)
}

/// [`plan_round`] where the pairs in `happy_again` (both members marked
/// each other "happy to be paired again") may meet again: their repeat is
/// not a last resort and costs a quarter of the recency penalty
/// ([`crate::score::HAPPY_AGAIN_DIVISOR`]), so they are paired again only
/// when that is otherwise the better plan.
#[must_use]
pub fn plan_round_with_happy_again(
    members: &[Candidate],
    history: &[PastPair],
    exclusions: &[(MemberId, MemberId)],
    happy_again: &[(MemberId, MemberId)],
    config: &MatchConfig,
    seed: u64,
) -> RoundPlan {
    let mut sorted: Vec<&Candidate> = members.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    sorted.dedup_by(|a, b| a.id == b.id);
    let n = sorted.len();
    if n == 0 {
        return RoundPlan {
            groups: Vec::new(),
            unmatched: Vec::new(),
        };
    }
    if n == 1 {
        return RoundPlan {
            groups: Vec::new(),
            unmatched: vec![Unmatched {
                member: sorted[0].id.clone(),
                reason: UnmatchedReason::OnlyEligibleMember,
            }],
        };
    }
    let rules = PairRules::new(history, exclusions, config).with_happy_again(happy_again);
    let fast = Fast::new(sorted, history, exclusions, happy_again, config, seed);
    let mut k = config.candidates_per_member.filter(|&k| k < n - 1);

    let mut mate;
    let mut widenings = 0;
    loop {
        let mut full_rows: Vec<u32> = Vec::new();
        let left = loop {
            let edges = candidate_edges(&fast, k, &full_rows);
            mate = solve_unique(n, &solver_weights(&edges, n), true);
            let left: Vec<u32> = (0..n as u32)
                .filter(|&v| mate[v as usize].is_none())
                .collect();
            // Sparsification must not cost anyone their partner: give the
            // members left over all their allowed edges and solve again.
            let fresh: Vec<u32> = left
                .iter()
                .copied()
                .filter(|v| !full_rows.contains(v))
                .collect();
            if k.is_none() || left.len() <= n % 2 || fresh.is_empty() {
                break left;
            }
            full_rows.extend(fresh);
        };
        // Still someone left over who has an allowed partner: the augmenting
        // path may need an edge the sparse graph dropped between two matched
        // members. Widen k (and, for rounds small enough, use the full graph,
        // which is exact by definition) and solve again.
        let Some(k_now) = k else { break };
        let helpable = left.len() > n % 2 && {
            let (mut mark, mut keys, mut row) = (vec![0u32; n], Vec::new(), Vec::new());
            left.iter().any(|&v| {
                fast.row(v as usize, &mut mark, &mut keys, &mut row);
                !row.is_empty()
            })
        };
        if !helpable {
            break;
        }
        k = if widenings < MAX_WIDENINGS && k_now.saturating_mul(4) < n - 1 {
            Some(k_now * 4)
        } else if n <= FULL_GRAPH_FALLBACK_MAX {
            None
        } else {
            break;
        };
        widenings += 1;
    }

    let weights = &config.weights;
    let mut groups: Vec<(Vec<u32>, i64, Vec<Reason>)> = Vec::new();
    let mut group_of = vec![usize::MAX; n];
    for v in 0..n {
        if let Some(u) = mate[v] {
            let u = u as usize;
            if v < u {
                let s = explain(fast.members[v], fast.members[u], &rules, weights);
                group_of[v] = groups.len();
                group_of[u] = groups.len();
                groups.push((vec![v as u32, u as u32], s.score, s.reasons));
            }
        }
    }

    // Members the matching could not pair join the pair they fit best.
    let mut unmatched = Vec::new();
    let mut mark = vec![0u32; n];
    let mut keys = Vec::new();
    let mut row = Vec::new();
    for x in 0..n {
        if mate[x].is_some() {
            continue;
        }
        fast.row(x, &mut mark, &mut keys, &mut row);
        let by_j: HashMap<u32, RowEntry> = row.iter().map(|e| (e.j, *e)).collect();
        let mut best: Option<((i32, i64, u64), usize)> = None;
        for (g, (m, _, _)) in groups.iter().enumerate() {
            if m.len() != 2 {
                continue;
            }
            if let (Some(ea), Some(eb)) = (by_j.get(&m[0]), by_j.get(&m[1])) {
                let key = (
                    -(i32::from(ea.last_resort) + i32::from(eb.last_resort)),
                    ea.score + eb.score,
                    ea.hash ^ eb.hash,
                );
                if best.is_none_or(|(bk, _)| key > bk) {
                    best = Some((key, g));
                }
            }
        }
        match best {
            Some((_, g)) => {
                let (m, score, reasons) = &mut groups[g];
                for &y in m.iter() {
                    let s = explain(fast.members[y as usize], fast.members[x], &rules, weights);
                    *score += s.score;
                    reasons.extend(s.reasons);
                }
                m.push(x as u32);
                group_of[x] = g;
            }
            None => unmatched.push(Unmatched {
                member: fast.members[x].id.clone(),
                reason: if row.is_empty() {
                    UnmatchedReason::NoAllowedPartner
                } else {
                    UnmatchedReason::NoCompatibleGroup
                },
            }),
        }
    }
    let mut groups: Vec<Group> = groups
        .into_iter()
        .map(|(m, score, reasons)| Group {
            members: m
                .iter()
                .map(|&v| fast.members[v as usize].id.clone())
                .collect(),
            score,
            reasons,
        })
        .collect();
    groups.sort_by(|a, b| a.members.cmp(&b.members));
    RoundPlan { groups, unmatched }
}

/// The best available partner for `member` in `pool` (for a moderator's
/// "repair @a"): allowed pairs only, new pairs before repeats, then highest
/// score, then lowest id. `None` if nobody in the pool is allowed.
#[must_use]
pub fn best_partner_for(
    member: &Candidate,
    pool: &[Candidate],
    history: &[PastPair],
    exclusions: &[(MemberId, MemberId)],
    config: &MatchConfig,
) -> Option<(MemberId, PairScore)> {
    let rules = PairRules::new(history, exclusions, config);
    pool.iter()
        .filter_map(|c| {
            let s = score_pair(member, c, &rules, &config.weights)?;
            let fresh = rules.status(&member.id, &c.id) == PairStatus::Allowed;
            Some((
                (fresh, s.score, std::cmp::Reverse(c.id.clone())),
                (c.id.clone(), s),
            ))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, best)| best)
}

/// The existing group a late joiner fits best (to make a pair a trio): the
/// member must be allowed with everyone in it. Prefers groups without
/// repeats, then smaller groups, then the highest added score, then the
/// lowest index. `None` if no group is allowed.
#[must_use]
pub fn best_group_for(
    member: &Candidate,
    groups: &[Vec<Candidate>],
    history: &[PastPair],
    exclusions: &[(MemberId, MemberId)],
    config: &MatchConfig,
) -> Option<GroupFit> {
    let rules = PairRules::new(history, exclusions, config);
    type Key = (i64, i64, i64, std::cmp::Reverse<usize>);
    let mut best: Option<(Key, GroupFit)> = None;
    'groups: for (index, group) in groups.iter().enumerate() {
        let mut score = 0;
        let mut reasons = Vec::new();
        let mut repeats = 0;
        for c in group {
            let Some(s) = score_pair(c, member, &rules, &config.weights) else {
                continue 'groups;
            };
            if rules.status(&c.id, &member.id) == PairStatus::LastResort {
                repeats += 1;
            }
            score += s.score;
            reasons.extend(s.reasons);
        }
        let key = (
            -repeats,
            -(group.len() as i64),
            score,
            std::cmp::Reverse(index),
        );
        if best.as_ref().is_none_or(|(k, _)| key > *k) {
            best = Some((
                key,
                GroupFit {
                    index,
                    score,
                    reasons,
                },
            ));
        }
    }
    best.map(|(_, fit)| fit)
}

/// Scores of every allowed pair as the planner's fast path computes them
/// (`(a, b, score, last_resort)` with ids), for tests that compare them with
/// [`score_pair`].
#[doc(hidden)]
#[must_use]
pub fn fast_scores_for_tests(
    members: &[Candidate],
    history: &[PastPair],
    exclusions: &[(MemberId, MemberId)],
    config: &MatchConfig,
) -> Vec<(MemberId, MemberId, i64, bool)> {
    let fast = Fast::new(
        members.iter().collect(),
        history,
        exclusions,
        &[],
        config,
        0,
    );
    let mut mark = vec![0u32; fast.len()];
    let mut keys = Vec::new();
    let mut row = Vec::new();
    let mut out = Vec::new();
    for i in 0..fast.len() {
        fast.row(i, &mut mark, &mut keys, &mut row);
        for e in &row {
            out.push((
                fast.members[i].id.clone(),
                fast.members[e.j as usize].id.clone(),
                e.score,
                e.last_resort,
            ));
        }
    }
    out
}
