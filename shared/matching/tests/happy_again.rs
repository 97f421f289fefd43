//! "Happy to be paired again": a pair who both marked each other pays a
//! lower repeat penalty and is no longer a last resort, so the engine pairs
//! them again when that is otherwise the better plan, and only then.

mod common;

use common::{id, member, partner_of, topics};
use mentor_matching::{
    Candidate, Experience, MatchConfig, MemberId, PairRules, PastPair, Reason, plan_round,
    plan_round_with_happy_again, score_pair,
};

/// Ana wants accessibility, which Ben offers, and they share two interests:
/// the best pair by far, but they met last round. Cat and Dan are plain.
fn ana_ben_cat_dan() -> Vec<Candidate> {
    let mut ana = member("ana");
    ana.wants = topics(&["accessibility"]);
    ana.interests = topics(&["research", "writing"]);
    ana.experience = Experience::New;
    let mut ben = member("ben");
    ben.offers = topics(&["accessibility"]);
    ben.interests = topics(&["research", "writing"]);
    ben.experience = Experience::SevenPlus;
    vec![ana, ben, member("cat"), member("dan")]
}

fn met_last_round() -> Vec<PastPair> {
    vec![PastPair {
        a: id("ana"),
        b: id("ben"),
        rounds_ago: 1,
    }]
}

fn both_marked() -> Vec<(MemberId, MemberId)> {
    vec![(id("ben"), id("ana"))]
}

#[test]
fn with_both_marks_a_pair_that_met_last_round_is_chosen_again_when_otherwise_better() {
    let plan = plan_round_with_happy_again(
        &ana_ben_cat_dan(),
        &met_last_round(),
        &[],
        &both_marked(),
        &MatchConfig::default(),
        3,
    );
    assert_eq!(partner_of(&plan, "ana"), vec!["ben".to_string()]);
    let group = plan
        .groups
        .iter()
        .find(|g| g.members.contains(&id("ana")))
        .unwrap();
    assert!(
        group
            .reasons
            .contains(&Reason::HappyAgain { rounds_ago: 1 }),
        "{:?}",
        group.reasons
    );
}

#[test]
fn without_both_marks_the_same_pair_is_not_repeated() {
    // One mark never reaches the engine as a pair (the domain passes only
    // mutual marks), so this is the one-mark case.
    let plan = plan_round(
        &ana_ben_cat_dan(),
        &met_last_round(),
        &[],
        &MatchConfig::default(),
        3,
    );
    assert_ne!(partner_of(&plan, "ana"), vec!["ben".to_string()]);
}

#[test]
fn both_marks_lower_the_penalty_but_a_better_new_pair_still_wins() {
    // Now Cat offers accessibility too and is as good for Ana as Ben: the
    // fresh pair beats the marked repeat, which still pays some penalty.
    let mut members = ana_ben_cat_dan();
    members[2] = members[1].clone();
    members[2].id = id("cat");
    let plan = plan_round_with_happy_again(
        &members,
        &met_last_round(),
        &[],
        &both_marked(),
        &MatchConfig::default(),
        3,
    );
    assert_eq!(partner_of(&plan, "ana"), vec!["cat".to_string()]);
}

#[test]
fn the_marked_repeat_costs_a_quarter_of_the_penalty_and_says_why() {
    let m = ana_ben_cat_dan();
    let cfg = MatchConfig::default();
    let plain = PairRules::new(&met_last_round(), &[], &cfg);
    let happy = PairRules::new(&met_last_round(), &[], &cfg).with_happy_again(&both_marked());
    let a = score_pair(&m[0], &m[1], &plain, &cfg.weights).unwrap();
    let b = score_pair(&m[0], &m[1], &happy, &cfg.weights).unwrap();
    assert_eq!(b.score - a.score, 60 - 15);
    assert!(a.reasons.contains(&Reason::MetBefore { rounds_ago: 1 }));
    assert!(b.reasons.contains(&Reason::HappyAgain { rounds_ago: 1 }));
}
