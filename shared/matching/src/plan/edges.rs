//! The sparse candidate graph: which pairs the solver considers, and their weights.

use super::fast::{Fast, pair_hash};
use crate::model::Candidate;
use crate::score::{PairRules, PairScore, Weights, score_pair};

/// Key of a forbidden pair in [`Fast::row_keys`].
pub(super) const DISALLOWED: i64 = i64::MIN;

/// Offset that sorts last-resort repeats below every other pair; scores
/// stay far below it in magnitude.
pub(super) const LAST_RESORT: i64 = 1 << 44;

#[derive(Clone, Copy)]
pub(super) struct Edge {
    a: u32,
    b: u32,
    pub(super) score: i64,
    pub(super) last_resort: bool,
    pub(super) hash: u64,
}

/// Candidate edges: each member's best `k` allowed partners (all of them
/// when `k` is `None`), union of both sides, plus every allowed edge of the
/// members in `full_rows`.
pub(super) fn candidate_edges(fast: &Fast, k: Option<usize>, full_rows: &[u32]) -> Vec<Edge> {
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
pub(super) fn solver_weights(edges: &[Edge], n: usize) -> Vec<(u32, u32, i64)> {
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

pub(super) fn explain(
    a: &Candidate,
    b: &Candidate,
    rules: &PairRules,
    weights: &Weights,
) -> PairScore {
    score_pair(a, b, rules, weights).unwrap_or(PairScore {
        score: 0,
        reasons: Vec::new(),
    })
}
