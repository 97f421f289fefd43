//! Synthetic people for the simulation and the round benchmark: a seeded
//! generator and varied profile answers.

use std::collections::BTreeSet;

use mentor_domain::profile_form::{self, FieldValue, FormValues, enum_value};
use mentor_domain::{Experience, Frequency, Mode, ProgrammeConfig};

/// A tiny deterministic generator (SplitMix64), so a seed reproduces a run.
pub(crate) struct Rng(pub(super) u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub(crate) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const ZONES: &[&str] = &[
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Africa/Lagos",
    "America/Sao_Paulo",
];

pub(crate) fn profile_values(cfg: &ProgrammeConfig, rng: &mut Rng) -> FormValues {
    let mut topics = |n: usize| -> Vec<String> {
        let mut set = BTreeSet::new();
        while set.len() < n {
            set.insert(rng.pick(&cfg.topics).clone());
        }
        set.into_iter().collect()
    };
    let interests = topics(3);
    let offers = topics(2);
    let wants = topics(2);
    let mut v = FormValues::new();
    v.insert(
        profile_form::TIMEZONE.into(),
        FieldValue::Text(Some(rng.pick(ZONES).to_string())),
    );
    v.insert(profile_form::INTERESTS.into(), FieldValue::Many(interests));
    v.insert(profile_form::OFFERS.into(), FieldValue::Many(offers));
    v.insert(profile_form::WANTS.into(), FieldValue::Many(wants));
    v.insert(
        profile_form::EXPERIENCE.into(),
        FieldValue::One(Some(enum_value(rng.pick(Experience::ALL)))),
    );
    v.insert(
        profile_form::MODE.into(),
        FieldValue::One(Some(enum_value(rng.pick(Mode::ALL)))),
    );
    v.insert(
        profile_form::FREQUENCY.into(),
        FieldValue::One(Some(enum_value(rng.pick(Frequency::ALL)))),
    );
    v
}
