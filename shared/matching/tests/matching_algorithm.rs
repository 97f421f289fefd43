//! The blossom solver against brute force and the classic mwmatching cases.

use mentor_matching::max_weight_matching;
use proptest::prelude::*;

/// Best (cardinality, weight) or weight over all matchings, by recursion.
fn brute(n: usize, edges: &[(u32, u32, i64)], max_card: bool) -> (usize, i64) {
    let mut w = vec![vec![None; n]; n];
    for &(a, b, x) in edges {
        if a != b {
            let (a, b) = (a as usize, b as usize);
            let best = w[a][b].map_or(x, |y: i64| y.max(x));
            w[a][b] = Some(best);
            w[b][a] = Some(best);
        }
    }
    fn rec(v: usize, used: &mut Vec<bool>, w: &[Vec<Option<i64>>], max_card: bool) -> (usize, i64) {
        let n = used.len();
        let mut v = v;
        while v < n && used[v] {
            v += 1;
        }
        if v == n {
            return (0, 0);
        }
        used[v] = true;
        let mut best = rec(v + 1, used, w, max_card);
        for u in v + 1..n {
            if let (false, Some(x)) = (used[u], w[v][u]) {
                if !max_card && x <= 0 {
                    continue;
                }
                used[u] = true;
                let (c, s) = rec(v + 1, used, w, max_card);
                used[u] = false;
                let cand = (c + 1, s + x);
                let better = if max_card {
                    cand > best
                } else {
                    cand.1 > best.1
                };
                if better {
                    best = cand;
                }
            }
        }
        used[v] = false;
        best
    }
    let r = rec(0, &mut vec![false; n], &w, max_card);
    if max_card { r } else { (0, r.1) }
}

/// Checks validity and returns (pairs, weight).
fn evaluate(n: usize, edges: &[(u32, u32, i64)], mate: &[Option<u32>]) -> (usize, i64) {
    assert_eq!(mate.len(), n);
    let mut pairs = 0;
    let mut weight = 0;
    for (v, m) in mate.iter().enumerate() {
        if let Some(u) = *m {
            assert_eq!(mate[u as usize], Some(v as u32), "mates are symmetric");
            if (v as u32) < u {
                let w = edges
                    .iter()
                    .filter(|e| (e.0 == v as u32 && e.1 == u) || (e.1 == v as u32 && e.0 == u))
                    .map(|e| e.2)
                    .max()
                    .expect("matched pair is an edge");
                pairs += 1;
                weight += w;
            }
        }
    }
    (pairs, weight)
}

fn graph() -> impl Strategy<Value = (usize, Vec<(u32, u32, i64)>)> {
    (1usize..=11).prop_flat_map(|n| {
        let e = (0..n as u32, 0..n as u32, -20i64..60);
        (Just(n), prop::collection::vec(e, 0..(n * 3)))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn max_weight_matching_equals_brute_force((n, edges) in graph()) {
        let mate = max_weight_matching(n, &edges, false);
        let (_, w) = evaluate(n, &edges, &mate);
        prop_assert_eq!(w, brute(n, &edges, false).1);
    }

    #[test]
    fn max_cardinality_matching_equals_brute_force((n, edges) in graph()) {
        let mate = max_weight_matching(n, &edges, true);
        let got = evaluate(n, &edges, &mate);
        prop_assert_eq!(got, brute(n, &edges, true));
    }

    #[test]
    fn dense_small_weights_with_many_ties_are_solved_exactly(n in 2usize..=12, seed in any::<u64>(), maxw in 1i64..4, card in any::<bool>()) {
        let mut x = seed;
        let mut edges = Vec::new();
        for a in 0..n as u32 {
            for b in a + 1..n as u32 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                if (x >> 40) % 3 != 0 {
                    edges.push((a, b, ((x >> 20) % maxw as u64) as i64 + 1));
                }
            }
        }
        let mate = max_weight_matching(n, &edges, card);
        let got = evaluate(n, &edges, &mate);
        let want = brute(n, &edges, card);
        if card { prop_assert_eq!(got, want); } else { prop_assert_eq!(got.1, want.1); }
    }
}

fn mates(n: usize, edges: &[(u32, u32, i64)], card: bool) -> Vec<i64> {
    max_weight_matching(n, edges, card)
        .into_iter()
        .map(|m| m.map_or(-1, i64::from))
        .collect()
}

#[test]
fn classic_mwmatching_cases_give_the_known_answers() {
    type Case = (Vec<(u32, u32, i64)>, bool, Vec<i64>);
    let cases: Vec<Case> = vec![
        (vec![(0, 1, 1)], false, vec![1, 0]),
        (vec![(1, 2, 10), (2, 3, 11)], false, vec![-1, -1, 3, 2]),
        (
            vec![(1, 2, 5), (2, 3, 11), (3, 4, 5)],
            false,
            vec![-1, -1, 3, 2, -1],
        ),
        (
            vec![(1, 2, 5), (2, 3, 11), (3, 4, 5)],
            true,
            vec![-1, 2, 1, 4, 3],
        ),
        (
            vec![(1, 2, 2), (1, 3, -2), (2, 3, 1), (2, 4, -1), (3, 4, -6)],
            false,
            vec![-1, 2, 1, -1, -1],
        ),
        (
            vec![(1, 2, 2), (1, 3, -2), (2, 3, 1), (2, 4, -1), (3, 4, -6)],
            true,
            vec![-1, 3, 4, 1, 2],
        ),
        (
            vec![(1, 2, 8), (1, 3, 9), (2, 3, 10), (3, 4, 7)],
            false,
            vec![-1, 2, 1, 4, 3],
        ),
        (
            vec![
                (1, 2, 8),
                (1, 3, 9),
                (2, 3, 10),
                (3, 4, 7),
                (1, 6, 5),
                (4, 5, 6),
            ],
            false,
            vec![-1, 6, 3, 2, 5, 4, 1],
        ),
        (
            vec![
                (1, 2, 9),
                (1, 3, 8),
                (2, 3, 10),
                (1, 4, 5),
                (4, 5, 4),
                (1, 6, 3),
            ],
            false,
            vec![-1, 6, 3, 2, 5, 4, 1],
        ),
        (
            vec![
                (1, 2, 9),
                (1, 3, 8),
                (2, 3, 10),
                (1, 4, 5),
                (4, 5, 3),
                (1, 6, 4),
            ],
            false,
            vec![-1, 6, 3, 2, 5, 4, 1],
        ),
        (
            vec![
                (1, 2, 9),
                (1, 3, 8),
                (2, 3, 10),
                (1, 4, 5),
                (4, 5, 3),
                (3, 6, 4),
            ],
            false,
            vec![-1, 2, 1, 6, 5, 4, 3],
        ),
        (
            vec![
                (1, 2, 9),
                (1, 3, 9),
                (2, 3, 10),
                (2, 4, 8),
                (3, 5, 8),
                (4, 5, 10),
                (5, 6, 6),
            ],
            false,
            vec![-1, 3, 4, 1, 2, 6, 5],
        ),
        (
            vec![
                (1, 2, 10),
                (1, 7, 10),
                (2, 3, 12),
                (3, 4, 20),
                (3, 5, 20),
                (4, 5, 25),
                (5, 6, 10),
                (6, 7, 10),
                (7, 8, 8),
            ],
            false,
            vec![-1, 2, 1, 4, 3, 6, 5, 8, 7],
        ),
        (
            vec![
                (1, 2, 8),
                (1, 3, 8),
                (2, 3, 10),
                (2, 4, 12),
                (3, 5, 12),
                (4, 5, 14),
                (4, 6, 12),
                (5, 7, 12),
                (6, 7, 14),
                (7, 8, 12),
            ],
            false,
            vec![-1, 2, 1, 5, 6, 3, 4, 8, 7],
        ),
        (
            vec![
                (1, 2, 23),
                (1, 5, 22),
                (1, 6, 15),
                (2, 3, 25),
                (3, 4, 22),
                (4, 5, 25),
                (4, 8, 14),
                (5, 7, 13),
            ],
            false,
            vec![-1, 6, 3, 2, 8, 7, 1, 5, 4],
        ),
        (
            vec![
                (1, 2, 19),
                (1, 3, 20),
                (1, 8, 8),
                (2, 3, 25),
                (2, 4, 18),
                (3, 5, 18),
                (4, 5, 13),
                (4, 7, 7),
                (5, 6, 7),
            ],
            false,
            vec![-1, 8, 3, 2, 7, 6, 5, 4, 1],
        ),
        (
            vec![
                (1, 2, 45),
                (1, 5, 45),
                (2, 3, 50),
                (3, 4, 45),
                (4, 5, 50),
                (1, 6, 30),
                (3, 9, 35),
                (4, 8, 35),
                (5, 7, 26),
                (9, 10, 5),
            ],
            false,
            vec![-1, 6, 3, 2, 8, 7, 1, 5, 4, 10, 9],
        ),
        (
            vec![
                (1, 2, 45),
                (1, 5, 45),
                (2, 3, 50),
                (3, 4, 45),
                (4, 5, 50),
                (1, 6, 30),
                (3, 9, 35),
                (4, 8, 26),
                (5, 7, 40),
                (9, 10, 5),
            ],
            false,
            vec![-1, 6, 3, 2, 8, 7, 1, 5, 4, 10, 9],
        ),
        (
            vec![
                (1, 2, 45),
                (1, 5, 45),
                (2, 3, 50),
                (3, 4, 45),
                (4, 5, 50),
                (1, 6, 30),
                (3, 9, 35),
                (4, 8, 28),
                (5, 7, 26),
                (9, 10, 5),
            ],
            false,
            vec![-1, 6, 3, 2, 8, 7, 1, 5, 4, 10, 9],
        ),
        (
            vec![
                (1, 2, 45),
                (1, 7, 45),
                (2, 3, 50),
                (3, 4, 45),
                (4, 5, 95),
                (4, 6, 94),
                (5, 6, 94),
                (6, 7, 50),
                (1, 8, 30),
                (3, 11, 35),
                (5, 9, 36),
                (7, 10, 26),
                (11, 12, 5),
            ],
            false,
            vec![-1, 8, 3, 2, 6, 9, 4, 10, 1, 5, 7, 12, 11],
        ),
        (
            vec![
                (1, 2, 40),
                (1, 3, 40),
                (2, 3, 60),
                (2, 4, 55),
                (3, 5, 55),
                (4, 5, 50),
                (1, 8, 15),
                (5, 7, 30),
                (7, 6, 10),
                (8, 10, 10),
                (4, 9, 30),
            ],
            false,
            vec![-1, 2, 1, 5, 9, 3, 7, 6, 10, 4, 8],
        ),
    ];
    for (edges, card, want) in cases {
        let n = want.len();
        assert_eq!(mates(n, &edges, card), want, "edges {edges:?} card {card}");
    }
}

#[test]
fn an_empty_graph_leaves_everyone_unmatched() {
    assert_eq!(max_weight_matching(3, &[], true), vec![None, None, None]);
    assert!(max_weight_matching(0, &[], false).is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    /// Larger graphs, beyond brute force: debug builds check the optimality
    /// certificate (dual feasibility, complementary slackness) inside the
    /// solver, and the matching must be valid.
    #[test]
    fn larger_random_graphs_satisfy_the_optimality_certificate(
        n in 20usize..120,
        density in 2usize..12,
        maxw in prop::sample::select(vec![3i64, 50, 100_000]),
        seed in any::<u64>(),
        card in any::<bool>(),
    ) {
        let mut x = seed;
        let mut next = || { x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); x >> 33 };
        let edges: Vec<(u32, u32, i64)> = (0..n * density)
            .map(|_| ((next() % n as u64) as u32, (next() % n as u64) as u32, (next() % maxw as u64) as i64 + 1))
            .collect();
        let mate = max_weight_matching(n, &edges, card);
        evaluate(n, &edges, &mate);
    }
}
