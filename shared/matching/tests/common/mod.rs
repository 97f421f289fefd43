//! Fixtures shared by the integration tests.
#![allow(dead_code)]

use mentor_matching::{Candidate, Experience, Frequency, MemberId, Mode};

pub fn id(s: &str) -> MemberId {
    MemberId::new(s)
}

pub fn topics(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

/// A plain member in UTC, video, monthly, 1–3 years, no topics.
pub fn member(name: &str) -> Candidate {
    Candidate {
        id: id(name),
        tz_offset_minutes: 0,
        interests: Vec::new(),
        offers: Vec::new(),
        wants: Vec::new(),
        experience: Experience::OneToThree,
        mode: Mode::Video,
        frequency: Frequency::Monthly,
    }
}

pub fn partner_of(plan: &mentor_matching::RoundPlan, who: &str) -> Vec<String> {
    plan.groups
        .iter()
        .find(|g| g.members.iter().any(|m| m.as_str() == who))
        .map(|g| {
            g.members
                .iter()
                .filter(|m| m.as_str() != who)
                .map(|m| m.0.clone())
                .collect()
        })
        .unwrap_or_default()
}
