//! Properties of `plan_round` on random small rounds, checked against a
//! brute-force optimum.

mod common;

use common::id;
use mentor_matching::internals::fast_scores_for_tests;
use mentor_matching::{
    Candidate, Experience, Frequency, MatchConfig, MemberId, Mode, PairRules, PairStatus, PastPair,
    RoundPlan, UnmatchedReason, plan_round, score_pair,
};
use proptest::prelude::*;
use std::collections::HashMap;

const TOPICS: [&str; 5] = ["research", "accessibility", "ml", "writing", "career"];

fn topic_list() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(0..TOPICS.len(), 0..3)
        .prop_map(|v| v.into_iter().map(|i| TOPICS[i].to_string()).collect())
}

fn candidate(i: usize) -> impl Strategy<Value = Candidate> {
    (
        prop::sample::select(vec![-600, -300, 0, 60, 330, 720]),
        topic_list(),
        topic_list(),
        topic_list(),
        0..4usize,
        0..4usize,
        0..3usize,
    )
        .prop_map(move |(tz, interests, offers, wants, e, m, f)| Candidate {
            id: MemberId(format!("m{i:02}")),
            tz_offset_minutes: tz,
            interests,
            offers,
            wants,
            experience: Experience::ALL[e],
            mode: Mode::ALL[m],
            frequency: Frequency::ALL[f],
        })
}

#[derive(Debug, Clone)]
struct Round {
    members: Vec<Candidate>,
    history: Vec<PastPair>,
    exclusions: Vec<(MemberId, MemberId)>,
    config: MatchConfig,
    seed: u64,
}

fn round(max: usize, hard_rules: bool) -> impl Strategy<Value = Round> {
    (1..=max).prop_flat_map(move |n| {
        let members = (0..n).map(candidate).collect::<Vec<_>>();
        let pairs = prop::collection::vec((0..n, 0..n, 1..5u32), 0..n * 2);
        let excl = prop::collection::vec((0..n, 0..n), 0..if hard_rules { n } else { 1 });
        let window = if hard_rules {
            prop::option::of(1..3u32).boxed()
        } else {
            Just(None).boxed()
        };
        (members, pairs, excl, window, any::<u64>()).prop_map(
            move |(members, pairs, excl, window, seed)| {
                let name = |i: usize| id(&format!("m{i:02}"));
                Round {
                    history: pairs
                        .iter()
                        .map(|&(a, b, r)| PastPair {
                            a: name(a),
                            b: name(b),
                            rounds_ago: r,
                        })
                        .collect(),
                    exclusions: excl.iter().map(|&(a, b)| (name(a), name(b))).collect(),
                    config: MatchConfig {
                        no_repeat_rounds: window,
                        candidates_per_member: None,
                        ..MatchConfig::default()
                    },
                    members,
                    seed,
                }
            },
        )
    })
}

/// (pairs, -repeats, score) of the best matching, by recursion.
fn brute_force(r: &Round) -> (usize, i64, i64) {
    let rules = PairRules::new(&r.history, &r.exclusions, &r.config);
    let n = r.members.len();
    let mut w: Vec<Vec<Option<(i64, i64)>>> = vec![vec![None; n]; n];
    for (i, row) in w.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            if let Some(s) = score_pair(&r.members[i], &r.members[j], &rules, &r.config.weights) {
                let repeat = i64::from(
                    rules.status(&r.members[i].id, &r.members[j].id) == PairStatus::LastResort,
                );
                *cell = Some((-repeat, s.score));
            }
        }
    }
    fn rec(v: usize, used: &mut [bool], w: &[Vec<Option<(i64, i64)>>]) -> (usize, i64, i64) {
        let n = used.len();
        let mut v = v;
        while v < n && used[v] {
            v += 1;
        }
        if v == n {
            return (0, 0, 0);
        }
        used[v] = true;
        let mut best = rec(v + 1, used, w);
        for u in v + 1..n {
            if let (false, Some((rep, s))) = (used[u], w[v][u]) {
                used[u] = true;
                let (c, r, t) = rec(v + 1, used, w);
                used[u] = false;
                best = best.max((c + 1, r + rep, t + s));
            }
        }
        used[v] = false;
        best
    }
    rec(0, &mut vec![false; n], &w)
}

fn objective(r: &Round, plan: &RoundPlan) -> (usize, i64, i64) {
    let rules = PairRules::new(&r.history, &r.exclusions, &r.config);
    let by_id: HashMap<&MemberId, &Candidate> = r.members.iter().map(|c| (&c.id, c)).collect();
    let mut out = (0, 0, 0);
    for g in &plan.groups {
        // the first two members of a group are the matched pair
        let (a, b) = (by_id[&g.members[0]], by_id[&g.members[1]]);
        let s = score_pair(a, b, &rules, &r.config.weights).expect("matched pair is allowed");
        out.0 += 1;
        out.1 -= i64::from(rules.status(&a.id, &b.id) == PairStatus::LastResort);
        out.2 += s.score;
    }
    out
}

fn check_valid(r: &Round, plan: &RoundPlan) -> Result<(), TestCaseError> {
    let rules = PairRules::new(&r.history, &r.exclusions, &r.config);
    let by_id: HashMap<&MemberId, &Candidate> = r.members.iter().map(|c| (&c.id, c)).collect();
    let mut seen: HashMap<&MemberId, usize> = HashMap::new();
    for g in &plan.groups {
        prop_assert!(
            g.members.len() == 2 || g.members.len() == 3,
            "group size {}",
            g.members.len()
        );
        let mut sum = 0;
        for x in 0..g.members.len() {
            *seen.entry(&g.members[x]).or_default() += 1;
            for y in x + 1..g.members.len() {
                let s = score_pair(
                    by_id[&g.members[x]],
                    by_id[&g.members[y]],
                    &rules,
                    &r.config.weights,
                );
                prop_assert!(
                    s.is_some(),
                    "forbidden pair {:?}",
                    (&g.members[x], &g.members[y])
                );
                sum += s.map_or(0, |s| s.score);
            }
        }
        prop_assert_eq!(g.score, sum);
    }
    for u in &plan.unmatched {
        *seen.entry(&u.member).or_default() += 1;
        let x = by_id[&u.member];
        let allowed: Vec<&Candidate> = r
            .members
            .iter()
            .filter(|c| score_pair(x, c, &rules, &r.config.weights).is_some())
            .collect();
        match u.reason {
            UnmatchedReason::OnlyEligibleMember => prop_assert_eq!(r.members.len(), 1),
            UnmatchedReason::NoAllowedPartner => prop_assert!(allowed.is_empty()),
            UnmatchedReason::NoCompatibleGroup => {
                prop_assert!(!allowed.is_empty());
                for g in plan.groups.iter().filter(|g| g.members.len() == 2) {
                    let fits = g.members.iter().all(|m| allowed.iter().any(|c| &c.id == m));
                    prop_assert!(!fits, "{} could have joined {:?}", u.member, g.members);
                }
            }
        }
    }
    prop_assert_eq!(seen.len(), r.members.len());
    prop_assert!(seen.values().all(|&c| c == 1), "someone appears twice");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn a_plan_is_optimal_valid_and_explains_every_member(r in round(12, true)) {
        let plan = plan_round(&r.members, &r.history, &r.exclusions, &r.config, r.seed);
        check_valid(&r, &plan)?;
        prop_assert_eq!(objective(&r, &plan), brute_force(&r));
    }

    #[test]
    fn without_hard_rules_everyone_is_paired_with_one_trio_for_an_odd_count(r in round(12, false)) {
        let plan = plan_round(&r.members, &r.history, &r.exclusions, &r.config, r.seed);
        check_valid(&r, &plan)?;
        let n = r.members.len();
        let trios = plan.groups.iter().filter(|g| g.members.len() == 3).count();
        if n >= 2 {
            prop_assert!(plan.unmatched.is_empty());
            prop_assert_eq!(trios, n % 2);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_plan(r in round(12, true)) {
        let one = plan_round(&r.members, &r.history, &r.exclusions, &r.config, r.seed);
        let mut shuffled = r.members.clone();
        shuffled.rotate_left(r.members.len() / 2);
        let two = plan_round(&shuffled, &r.history, &r.exclusions, &r.config, r.seed);
        prop_assert_eq!(one, two);
    }

    #[test]
    fn a_sparsified_plan_is_still_valid_and_pairs_as_many(r in round(12, true), k in 1usize..4) {
        let sparse = MatchConfig { candidates_per_member: Some(k), ..r.config.clone() };
        let plan = plan_round(&r.members, &r.history, &r.exclusions, &sparse, r.seed);
        check_valid(&r, &plan)?;
        prop_assert_eq!(objective(&r, &plan).0, brute_force(&r).0);
    }

    #[test]
    fn the_fast_scoring_path_equals_score_pair(r in round(10, true)) {
        let rules = PairRules::new(&r.history, &r.exclusions, &r.config);
        let fast = fast_scores_for_tests(&r.members, &r.history, &r.exclusions, &r.config);
        let mut count = 0;
        for a in &r.members {
            for b in &r.members {
                if let Some(s) = score_pair(a, b, &rules, &r.config.weights) {
                    count += 1;
                    let last_resort = rules.status(&a.id, &b.id) == PairStatus::LastResort;
                    prop_assert!(fast.contains(&(a.id.clone(), b.id.clone(), s.score, last_resort)));
                }
            }
        }
        prop_assert_eq!(fast.len(), count);
    }
}
