//! Scoring of one candidate pair: the weights, the structured reasons, and
//! the hard rules (self pair, exclusions, no-repeat window). This is the one
//! place where "how good is this pair" is decided; the planner's fast path
//! computes exactly the same numbers (checked by tests).

use crate::model::{Candidate, Experience, Frequency, MemberId, Mode, PastPair};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Integer weights of the pair score. Totals are exact and comparable.
///
/// The defaults make "someone can help you with what you want to grow in"
/// the strongest signal, then shared interests and a mix of experience,
/// then practicalities (overlapping daytime, mode, frequency), and subtract
/// a recency penalty for pairs that met before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    /// Per topic that one offers and the other wants (each direction
    /// counted separately). Default 12.
    pub can_help_per_topic: i64,
    /// Per shared interest. Default 6.
    pub shared_interest_per_topic: i64,
    /// At most this many topics count per direction of help and for shared
    /// interests, so one long list does not dominate. Default 3.
    pub max_topics_counted: u32,
    /// Per level of experience difference (0..=3 levels). Default 5.
    pub experience_per_level: i64,
    /// Per whole hour of overlapping daytime. Default 2 (12 h → 24).
    pub daytime_per_hour: i64,
    /// Local daytime window start, minutes after midnight. Default 08:00.
    pub daytime_start_minute: u32,
    /// Local daytime window end, minutes after midnight. Default 20:00.
    pub daytime_end_minute: u32,
    /// Both prefer the same mode. Default 4.
    pub same_mode: i64,
    /// One prefers "mixed", which works with any mode. Default 2.
    pub compatible_mode: i64,
    /// Both want the same frequency. Default 3.
    pub same_frequency: i64,
    /// Penalty for having met `r` rounds ago is `recent_meeting_penalty / r`:
    /// 60 last round, 30 two rounds ago, 20, 15, … Default 60.
    pub recent_meeting_penalty: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            can_help_per_topic: 12,
            shared_interest_per_topic: 6,
            max_topics_counted: 3,
            experience_per_level: 5,
            daytime_per_hour: 2,
            daytime_start_minute: 8 * 60,
            daytime_end_minute: 20 * 60,
            same_mode: 4,
            compatible_mode: 2,
            same_frequency: 3,
            recent_meeting_penalty: 60,
        }
    }
}

/// Why a pair scored what it did, for the pairing message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// `from` offers what `to` wants to grow in.
    CanHelp {
        /// Who offers.
        from: MemberId,
        /// Who wants.
        to: MemberId,
        /// The topics, in the order of `to`'s wishes.
        topics: Vec<String>,
    },
    /// Interests both listed.
    SharedInterests(Vec<String>),
    /// Different experience levels.
    ExperienceMix {
        /// The more experienced member.
        senior: MemberId,
        /// Their level.
        senior_level: Experience,
        /// The less experienced member.
        junior: MemberId,
        /// Their level.
        junior_level: Experience,
    },
    /// Whole hours in which both are within their local daytime.
    DaytimeOverlap {
        /// Hours.
        hours: u32,
    },
    /// Both prefer this mode.
    SameMode(Mode),
    /// Different modes, but one of them is "mixed".
    CompatibleMode {
        /// First member's mode.
        a: Mode,
        /// Second member's mode.
        b: Mode,
    },
    /// Both want this frequency.
    SameFrequency(Frequency),
    /// They were paired before.
    MetBefore {
        /// 1 = last round.
        rounds_ago: u32,
    },
    /// They were paired before and both said they'd happily be paired
    /// again: a lower penalty, and not a last resort.
    HappyAgain {
        /// 1 = last round.
        rounds_ago: u32,
    },
}

/// The score of a pair and its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairScore {
    /// Total (may be negative after the recency penalty).
    pub score: i64,
    /// The parts, positive ones first, `MetBefore` last.
    pub reasons: Vec<Reason>,
}

/// Knobs of a round's matching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchConfig {
    /// Score weights.
    pub weights: Weights,
    /// `Some(n)`: a pair that met within the last `n` rounds
    /// (`rounds_ago <= n`) is never formed; older meetings only cost the
    /// recency penalty.
    ///
    /// `None` (default): any pair that met before is a last resort. Such
    /// edges stay in the graph with a penalty larger than any possible
    /// score difference, so the planner first maximises the number of
    /// people paired, then minimises the number of repeated pairs, and only
    /// then maximises the score. A repeat therefore happens only when
    /// someone would otherwise be left out.
    pub no_repeat_rounds: Option<u32>,
    /// Keep only each member's best `k` partners (the union of both sides'
    /// lists) before matching. `None` or `k >= members - 1` is exact on the
    /// full graph. Default `Some(50)`: within 1% of the dense optimum in our
    /// measurements and fast at 10,000 members.
    pub candidates_per_member: Option<usize>,
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig {
            weights: Weights::default(),
            no_repeat_rounds: None,
            candidates_per_member: Some(50),
        }
    }
}

/// The hard rules and pair history of a round, indexed for look-ups.
#[derive(Debug, Clone, Default)]
pub struct PairRules {
    last_met: HashMap<(MemberId, MemberId), u32>,
    excluded: HashSet<(MemberId, MemberId)>,
    happy_again: HashSet<(MemberId, MemberId)>,
    no_repeat_rounds: Option<u32>,
}

/// A pair who both marked each other "happy to be paired again" pays the
/// recency penalty divided by this, and is no longer a last resort.
pub const HAPPY_AGAIN_DIVISOR: i64 = 4;

fn ordered(a: &MemberId, b: &MemberId) -> (MemberId, MemberId) {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

/// Whether a pair may be formed, per [`PairRules::status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairStatus {
    /// Self pair, excluded, or met within the no-repeat window.
    Forbidden,
    /// Met before with `no_repeat_rounds: None`: a last resort.
    LastResort,
    /// Allowed.
    Allowed,
}

impl PairRules {
    /// Indexes history (keeping the most recent meeting of each pair) and
    /// exclusions (either order).
    #[must_use]
    pub fn new(
        history: &[PastPair],
        exclusions: &[(MemberId, MemberId)],
        config: &MatchConfig,
    ) -> Self {
        let mut last_met: HashMap<(MemberId, MemberId), u32> = HashMap::new();
        for p in history {
            if p.a == p.b {
                continue;
            }
            let r = p.rounds_ago.max(1);
            last_met
                .entry(ordered(&p.a, &p.b))
                .and_modify(|x| *x = (*x).min(r))
                .or_insert(r);
        }
        let excluded = exclusions.iter().map(|(a, b)| ordered(a, b)).collect();
        PairRules {
            last_met,
            excluded,
            happy_again: HashSet::new(),
            no_repeat_rounds: config.no_repeat_rounds,
        }
    }

    /// Pairs who both marked each other "happy to be paired again" (either
    /// order): a lower repeat penalty, and not a last resort. A configured
    /// no-repeat window still holds.
    #[must_use]
    pub fn with_happy_again(mut self, pairs: &[(MemberId, MemberId)]) -> Self {
        self.happy_again = pairs.iter().map(|(a, b)| ordered(a, b)).collect();
        self
    }

    /// Whether both marked each other "happy to be paired again".
    #[must_use]
    pub fn is_happy_again(&self, a: &MemberId, b: &MemberId) -> bool {
        self.happy_again.contains(&ordered(a, b))
    }

    /// Rounds since `a` and `b` last met, if ever.
    #[must_use]
    pub fn last_met(&self, a: &MemberId, b: &MemberId) -> Option<u32> {
        self.last_met.get(&ordered(a, b)).copied()
    }

    /// Whether the pair is on the block/exclusion list.
    #[must_use]
    pub fn is_excluded(&self, a: &MemberId, b: &MemberId) -> bool {
        self.excluded.contains(&ordered(a, b))
    }

    /// The hard-rule status of a pair.
    #[must_use]
    pub fn status(&self, a: &MemberId, b: &MemberId) -> PairStatus {
        if a == b || self.is_excluded(a, b) {
            return PairStatus::Forbidden;
        }
        match (self.last_met(a, b), self.no_repeat_rounds) {
            (None, _) => PairStatus::Allowed,
            (Some(r), Some(window)) if r <= window => PairStatus::Forbidden,
            (Some(_), Some(_)) => PairStatus::Allowed,
            (Some(_), None) if self.is_happy_again(a, b) => PairStatus::Allowed,
            (Some(_), None) => PairStatus::LastResort,
        }
    }
}

/// Minutes of overlap between two members' local daytime windows, given
/// their UTC offsets.
#[must_use]
pub fn daytime_overlap_minutes(a_offset: i32, b_offset: i32, weights: &Weights) -> u32 {
    let (start, end) = (
        i64::from(weights.daytime_start_minute.min(1440)),
        i64::from(weights.daytime_end_minute.min(1440)),
    );
    if end <= start {
        return 0;
    }
    // Both windows in UTC minutes; b's window shifted by whole days.
    let (a0, a1) = (start - i64::from(a_offset), end - i64::from(a_offset));
    let (b0, b1) = (start - i64::from(b_offset), end - i64::from(b_offset));
    let mut total = 0;
    for day in -2..=2 {
        let shift = day * 1440;
        total += (a1.min(b1 + shift) - a0.max(b0 + shift)).max(0);
    }
    total.min(end - start) as u32
}

fn topics_in(list_a: &[String], list_b: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in list_b {
        if list_a.contains(t) && !out.contains(t) {
            out.push(t.clone());
        }
    }
    out
}

/// Scores a pair. Returns `None` when the pair is forbidden (self pair,
/// excluded, or within the no-repeat window). Last-resort repeats (see
/// [`MatchConfig::no_repeat_rounds`]) are scored normally, with a
/// `MetBefore` reason and the recency penalty.
#[must_use]
pub fn score_pair(
    a: &Candidate,
    b: &Candidate,
    rules: &PairRules,
    weights: &Weights,
) -> Option<PairScore> {
    if rules.status(&a.id, &b.id) == PairStatus::Forbidden {
        return None;
    }
    let cap = weights.max_topics_counted as usize;
    let mut score = 0i64;
    let mut reasons = Vec::new();
    for (from, to) in [(a, b), (b, a)] {
        let topics = topics_in(&from.offers, &to.wants);
        if !topics.is_empty() {
            score += weights.can_help_per_topic * topics.len().min(cap) as i64;
            reasons.push(Reason::CanHelp {
                from: from.id.clone(),
                to: to.id.clone(),
                topics,
            });
        }
    }
    let shared = topics_in(&a.interests, &b.interests);
    if !shared.is_empty() {
        score += weights.shared_interest_per_topic * shared.len().min(cap) as i64;
        reasons.push(Reason::SharedInterests(shared));
    }
    let (ra, rb) = (a.experience.rank(), b.experience.rank());
    if ra != rb {
        score += weights.experience_per_level * i64::from(ra.abs_diff(rb));
        let (senior, junior) = if ra > rb { (a, b) } else { (b, a) };
        reasons.push(Reason::ExperienceMix {
            senior: senior.id.clone(),
            senior_level: senior.experience,
            junior: junior.id.clone(),
            junior_level: junior.experience,
        });
    }
    let hours = daytime_overlap_minutes(a.tz_offset_minutes, b.tz_offset_minutes, weights) / 60;
    if hours > 0 {
        score += weights.daytime_per_hour * i64::from(hours);
        reasons.push(Reason::DaytimeOverlap { hours });
    }
    if a.mode == b.mode {
        score += weights.same_mode;
        reasons.push(Reason::SameMode(a.mode));
    } else if a.mode == Mode::Mixed || b.mode == Mode::Mixed {
        score += weights.compatible_mode;
        reasons.push(Reason::CompatibleMode {
            a: a.mode,
            b: b.mode,
        });
    }
    if a.frequency == b.frequency {
        score += weights.same_frequency;
        reasons.push(Reason::SameFrequency(a.frequency));
    }
    if let Some(r) = rules.last_met(&a.id, &b.id) {
        let happy = rules.is_happy_again(&a.id, &b.id);
        score -= repeat_penalty(r, happy, weights);
        reasons.push(if happy {
            Reason::HappyAgain { rounds_ago: r }
        } else {
            Reason::MetBefore { rounds_ago: r }
        });
    }
    Some(PairScore { score, reasons })
}

pub(crate) fn recency_penalty(rounds_ago: u32, weights: &Weights) -> i64 {
    weights.recent_meeting_penalty / i64::from(rounds_ago.max(1))
}

/// The recency penalty, lowered for a pair who both marked each other.
pub(crate) fn repeat_penalty(rounds_ago: u32, happy_again: bool, weights: &Weights) -> i64 {
    let p = recency_penalty(rounds_ago, weights);
    if happy_again {
        p / HAPPY_AGAIN_DIVISOR
    } else {
        p
    }
}
