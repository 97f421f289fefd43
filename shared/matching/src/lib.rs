//! Pairing engine of mentor-pairing: pure code, no I/O.
//!
//! * [`score_pair`] scores a candidate pair from two profiles and the pair
//!   history, with structured [`Reason`]s the domain crate renders as text
//!   ("you both care about research; Ana can help with accessibility; 5 h of
//!   overlapping daytime"). Weights live in [`Weights`].
//! * [`plan_round`] pairs a round's eligible members: hard rules (no self
//!   pair, exclusions never, repeats per [`MatchConfig::no_repeat_rounds`]),
//!   exact maximum-cardinality maximum-weight matching on the candidate
//!   graph, a trio for the member left over, and seeded deterministic
//!   tie-breaks.
//! * [`max_weight_matching`] is the exact sparse solver (Edmonds' blossom
//!   algorithm, primal-dual) underneath, usable on any integer-weighted
//!   graph.
//! * [`best_partner_for`] and [`best_group_for`] serve moderators' repairs
//!   and late joiners.

mod blossom;
mod model;
mod plan;
mod score;

pub use blossom::{MAX_ABS_WEIGHT, max_weight_matching};
pub use model::{Candidate, Eligibility, Experience, Frequency, MemberId, Mode, PastPair};
pub use plan::{
    Group, GroupFit, RoundPlan, Unmatched, UnmatchedReason, best_group_for, best_partner_for,
    plan_round, plan_round_with_happy_again,
};
pub use score::{
    HAPPY_AGAIN_DIVISOR, MatchConfig, PairRules, PairScore, PairStatus, Reason, Weights,
    daytime_overlap_minutes, score_pair,
};

#[doc(hidden)]
pub mod internals {
    //! Exposed for tests and the bench only.
    pub use crate::plan::fast_scores_for_tests;
}
