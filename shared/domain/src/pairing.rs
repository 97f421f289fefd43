//! Glue between members and the pairing engine (`mentor-matching`): who is
//! eligible, what history counts, and turning a plan into stored groups.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use mentor_matching::{Candidate, MemberId, PastPair, RoundPlan};

use crate::config::ProgrammeConfig;
use crate::ids::{RoundId, UserId};
use crate::model::{Group, GroupOrigin, Member, Profile};

/// How many past rounds of history the engine sees.
pub const HISTORY_ROUNDS: usize = 24;

/// A member's profile as the engine sees it.
pub fn candidate(id: &UserId, p: &Profile, now: DateTime<Utc>) -> Candidate {
    let tz_offset_minutes = p
        .timezone
        .parse::<chrono_tz::Tz>()
        .ok()
        .map(|tz| {
            use chrono::Offset;
            use chrono::TimeZone;
            tz.offset_from_utc_datetime(&now.naive_utc())
                .fix()
                .local_minus_utc()
                / 60
        })
        .unwrap_or(0);
    Candidate {
        id: MemberId::from(id),
        tz_offset_minutes,
        interests: p.interests.clone(),
        offers: p.offers.clone(),
        wants: p.wants.clone(),
        experience: p.experience,
        mode: p.mode,
        frequency: p.frequency,
    }
}

/// Past pairs from stored groups, as seen from `round`.
pub fn history(round: RoundId, past: &[Group]) -> Vec<PastPair> {
    let mut out = Vec::new();
    for g in past {
        let ago = round.months_since(g.round);
        if ago <= 0 {
            continue;
        }
        for (i, a) in g.members.iter().enumerate() {
            for b in &g.members[i + 1..] {
                out.push(PastPair {
                    a: MemberId::from(a),
                    b: MemberId::from(b),
                    rounds_ago: ago as u32,
                });
            }
        }
    }
    out
}

/// Exclusion pairs (never pair these two) from members' settings: moderator
/// `exclude` and each member's private `block` list.
pub fn exclusions(members: &[Member]) -> Vec<(MemberId, MemberId)> {
    let mut set = BTreeSet::new();
    for m in members {
        for other in m.kept_apart() {
            let (a, b) = if m.id < *other {
                (&m.id, other)
            } else {
                (other, &m.id)
            };
            set.insert((MemberId::from(a), MemberId::from(b)));
        }
    }
    set.into_iter().collect()
}

/// Pairs who both marked each other "happy to be paired again": only
/// mutual marks count, so one member's mark alone changes nothing.
pub fn happy_again_pairs(members: &[Member]) -> Vec<(MemberId, MemberId)> {
    let marks: BTreeSet<(&UserId, &UserId)> = members
        .iter()
        .flat_map(|m| m.happy_again.iter().map(move |p| (&m.id, p)))
        .collect();
    marks
        .iter()
        .filter(|(a, b)| a < b && marks.contains(&(*b, *a)))
        .map(|(a, b)| (MemberId::from(*a), MemberId::from(*b)))
        .collect()
}

/// Runs the engine for `round` over the eligible members.
pub fn plan(
    cfg: &ProgrammeConfig,
    round: RoundId,
    eligible: &[&Member],
    all_members: &[Member],
    past: &[Group],
    seed: u64,
    now: DateTime<Utc>,
) -> RoundPlan {
    let candidates: Vec<Candidate> = eligible
        .iter()
        .filter_map(|m| m.profile.as_ref().map(|p| candidate(&m.id, p, now)))
        .collect();
    mentor_matching::plan_round_with_happy_again(
        &candidates,
        &history(round, past),
        &exclusions(all_members),
        &happy_again_pairs(all_members),
        &cfg.matching,
        seed,
    )
}

/// The plan's groups as stored groups, numbered from 1.
pub fn groups_of(round: RoundId, plan: &RoundPlan, first_number: u32) -> Vec<Group> {
    plan.groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            Group::new(
                round,
                first_number + i as u32,
                g.members.iter().map(UserId::from).collect(),
                g.score,
                g.reasons.clone(),
                GroupOrigin::Round,
            )
        })
        .collect()
}

/// A seed derived from the round id, so the same round always has the same
/// seed even if its item is recreated (FNV-1a).
pub fn seed_for(round: RoundId) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in round.to_string().bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn member(id: &str, happy: &[&str]) -> Member {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
        let mut m = Member::new_onboarding(UserId::new(id), now);
        m.happy_again = happy.iter().map(|u| UserId::new(*u)).collect();
        m
    }

    #[test]
    fn only_mutual_happy_again_marks_reach_the_engine() {
        let one_sided = [member("U0ANA", &["U0BEN"]), member("U0BEN", &[])];
        assert!(happy_again_pairs(&one_sided).is_empty());
        let mutual = [
            member("U0ANA", &["U0BEN", "U0CAT"]),
            member("U0BEN", &["U0ANA"]),
            member("U0CAT", &[]),
        ];
        assert_eq!(
            happy_again_pairs(&mutual),
            vec![(MemberId::from("U0ANA"), MemberId::from("U0BEN"))]
        );
    }
}
