//! What the programme stores: members, rounds, groups and audit entries,
//! one file each; `crate::model::X` names them all.

mod audit;
mod group;
mod member;
mod round;

pub use audit::AuditEntry;
pub use group::{CheckinAnswer, Group, GroupOrigin};
pub use member::{Confirmation, Goal, GoalOutcome, Ineligible, Member, MemberStatus, Profile};
pub use round::{Round, RoundState, RoundStats, UnmatchedWhy};

use crate::ids::UserId;

/// Replaces `user` by `replacement` in one id slot (data deletion).
fn swap(id: &mut UserId, user: &UserId, replacement: &UserId) {
    if id == user {
        *id = replacement.clone();
    }
}
