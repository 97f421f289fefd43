//! Planning a round: candidate graph (hard rules, sparsification, seeded
//! tie-breaks), exact maximum-cardinality maximum-weight matching, trios for
//! members the matching cannot pair, and explanations.

use crate::blossom::solve_unique;
use crate::model::{Candidate, MemberId, PastPair};
use crate::score::{MatchConfig, PairRules, PairScore, PairStatus, Reason, Weights, score_pair};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

mod edges;
mod fast;

use edges::{candidate_edges, explain, solver_weights};
use fast::{Fast, RowEntry};

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
    if let Some(plan) = too_few_to_match(&sorted) {
        return plan;
    }
    let n = sorted.len();
    let rules = PairRules::new(history, exclusions, config).with_happy_again(happy_again);
    let fast = Fast::new(sorted, history, exclusions, happy_again, config, seed);
    let k = config.candidates_per_member.filter(|&k| k < n - 1);
    let mate = maximum_matching(&fast, k);
    let mut groups = matched_pairs(&fast, &mate, &rules, &config.weights);
    let unmatched = add_thirds(&fast, &mate, &mut groups, &rules, &config.weights);
    into_plan(&fast, groups, unmatched)
}

/// Nobody, or one member alone: no matching to run.
fn too_few_to_match(sorted: &[&Candidate]) -> Option<RoundPlan> {
    match sorted {
        [] => Some(RoundPlan {
            groups: Vec::new(),
            unmatched: Vec::new(),
        }),
        [only] => Some(RoundPlan {
            groups: Vec::new(),
            unmatched: vec![Unmatched {
                member: only.id.clone(),
                reason: UnmatchedReason::OnlyEligibleMember,
            }],
        }),
        _ => None,
    }
}

/// The maximum-cardinality maximum-weight matching on the candidate graph
/// (each member's best `k`, or all edges with `None`), widened until
/// nobody who has an allowed partner is left over: each member's mate.
fn maximum_matching(fast: &Fast, mut k: Option<usize>) -> Vec<Option<u32>> {
    let n = fast.len();
    let mut widenings = 0;
    loop {
        let (mate, left) = matching_with_full_rows_for_leftovers(fast, k);
        // Still someone left over who has an allowed partner: the augmenting
        // path may need an edge the sparse graph dropped between two matched
        // members. Widen k (and, for rounds small enough, use the full graph,
        // which is exact by definition) and solve again.
        let Some(k_now) = k else { return mate };
        let helpable = left.len() > n % 2 && {
            let (mut mark, mut keys, mut row) = (vec![0u32; n], Vec::new(), Vec::new());
            left.iter().any(|&v| {
                fast.row(v as usize, &mut mark, &mut keys, &mut row);
                !row.is_empty()
            })
        };
        if !helpable {
            return mate;
        }
        k = if widenings < MAX_WIDENINGS && k_now.saturating_mul(4) < n - 1 {
            Some(k_now * 4)
        } else if n <= FULL_GRAPH_FALLBACK_MAX {
            None
        } else {
            return mate;
        };
        widenings += 1;
    }
}

/// One sparse solve, repeated while it leaves out members whose rows were
/// cut: sparsification must not cost anyone their partner, so the members
/// left over get all their allowed edges and it is solved again. The
/// mates, and who is still left over.
fn matching_with_full_rows_for_leftovers(
    fast: &Fast,
    k: Option<usize>,
) -> (Vec<Option<u32>>, Vec<u32>) {
    let n = fast.len();
    let mut full_rows: Vec<u32> = Vec::new();
    loop {
        let edges = candidate_edges(fast, k, &full_rows);
        let mate = solve_unique(n, &solver_weights(&edges, n), true);
        let left: Vec<u32> = (0..n as u32)
            .filter(|&v| mate[v as usize].is_none())
            .collect();
        let fresh: Vec<u32> = left
            .iter()
            .copied()
            .filter(|v| !full_rows.contains(v))
            .collect();
        if k.is_none() || left.len() <= n % 2 || fresh.is_empty() {
            return (mate, left);
        }
        full_rows.extend(fresh);
    }
}

/// A group being built: member indices, score, reasons.
type Draft = (Vec<u32>, i64, Vec<Reason>);

/// The matched pairs, explained, in the order of their lower index.
fn matched_pairs(
    fast: &Fast,
    mate: &[Option<u32>],
    rules: &PairRules,
    weights: &Weights,
) -> Vec<Draft> {
    let mut groups = Vec::new();
    for (v, m) in mate.iter().enumerate() {
        if let Some(u) = *m {
            let u = u as usize;
            if v < u {
                let s = explain(fast.members[v], fast.members[u], rules, weights);
                groups.push((vec![v as u32, u as u32], s.score, s.reasons));
            }
        }
    }
    groups
}

/// Members the matching could not pair join the pair they fit best (new
/// pairs before repeats, then score, then the seeded hash); those who fit
/// none are returned with why.
fn add_thirds(
    fast: &Fast,
    mate: &[Option<u32>],
    groups: &mut [Draft],
    rules: &PairRules,
    weights: &Weights,
) -> Vec<Unmatched> {
    let mut unmatched = Vec::new();
    let (mut mark, mut keys, mut row) = (vec![0u32; fast.len()], Vec::new(), Vec::new());
    for x in (0..fast.len()).filter(|&x| mate[x].is_none()) {
        fast.row(x, &mut mark, &mut keys, &mut row);
        match best_pair_for(&row, groups) {
            Some(g) => {
                let (m, score, reasons) = &mut groups[g];
                for &y in m.iter() {
                    let s = explain(fast.members[y as usize], fast.members[x], rules, weights);
                    *score += s.score;
                    reasons.extend(s.reasons);
                }
                m.push(x as u32);
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
    unmatched
}

/// The pair (index into `groups`) a leftover member with candidate `row`
/// fits best, if any pair allows them with both its members.
fn best_pair_for(row: &[RowEntry], groups: &[Draft]) -> Option<usize> {
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
    best.map(|(_, g)| g)
}

/// The drafts with member ids, sorted by members: the plan.
fn into_plan(fast: &Fast, groups: Vec<Draft>, unmatched: Vec<Unmatched>) -> RoundPlan {
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
