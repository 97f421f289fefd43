//! Every button the bot shows, as one type.
//!
//! A button carries an `action_id` and a `value` to Slack and back. This
//! module is the only place that knows those strings: messages build buttons
//! from an [`Action`] and the interaction handler decodes a click into one.
//! Anything that is not a button of ours, or carries a value we did not
//! write, decodes to [`Action::Unknown`], which does nothing.

use std::borrow::Cow;

use crate::feedback::Rating;
use crate::ids::{RoundId, UserId};
use crate::model::{CheckinAnswer, GoalOutcome};

/// The answers to "Stay in for next month?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReconfirmAnswer {
    Yes,
    Skip,
    OptOut,
}

/// The answers to the momentum nudge in a pair's group DM.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum MomentumAnswer {
    Scheduled,
    Met,
}

/// A moderator's button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModeratorAction {
    Preview,
    Run,
    Stats,
    /// Re-pair `user`, from an alert about group `group` of `round` (the
    /// alert acts once, whoever clicks it and whenever).
    Repair {
        round: RoundId,
        group: u32,
        user: UserId,
    },
    /// Confirms `/mentoring run` for `round` (an old confirmation pairs
    /// nothing in a later month).
    ConfirmRun {
        round: RoundId,
    },
    /// Confirms `/mentoring unpair @user`: dissolves group `group` of
    /// `round` if `user` is still in it (acts once, whoever clicks).
    Unpair {
        round: RoundId,
        group: u32,
        user: UserId,
    },
    /// Confirms `/mentoring remove @user` (acts once: a second click finds
    /// them already out).
    Remove {
        user: UserId,
    },
}

/// What a button does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    OpenProfile,
    Pause,
    Resume,
    OptOut,
    OptIn,
    DeleteConfirm,
    DeleteCancel,
    /// "My data": DM me what is stored about me.
    MyData,
    /// "Stay in" on the typed `opt out`'s confirmation: nothing changes.
    KeepMeIn,
    /// An answer to the reminder for `round`.
    Reconfirm {
        answer: ReconfirmAnswer,
        round: RoundId,
    },
    /// A check-in answer for group `group` of `round`, `day` days in.
    Checkin {
        answer: CheckinAnswer,
        round: RoundId,
        group: u32,
        day: u32,
    },
    /// Link buttons: Slack opens the URL and still calls back.
    OpenGroupDm,
    Resources,
    Moderator(ModeratorAction),
    /// The App Home's "never pair me with" person picker: `user` picked.
    Block {
        user: UserId,
    },
    /// "Unblock" on the App Home list or the block confirmation.
    Unblock {
        user: UserId,
    },
    /// "Happy to be paired again" with a past partner (`on`), or undo it.
    HappyAgain {
        partner: UserId,
        on: bool,
    },
    /// The App Home date picker "Pause until": the picked day (Slack sends
    /// it as `selected_date`); `None` when the picker was cleared.
    PauseUntil {
        date: Option<chrono::NaiveDate>,
    },
    /// "Find me a partner now", for a member waiting in `round`.
    PairMeNow {
        round: RoundId,
    },
    /// "We've scheduled" / "We've met" on the momentum nudge of a group.
    Momentum {
        answer: MomentumAnswer,
        round: RoundId,
        group: u32,
    },
    /// "Add a goal" on the "stay in?" question: opens the goal modal.
    OpenGoal {
        round: RoundId,
    },
    /// "How did your goal go?" at the last check-in.
    GoalAnswer {
        round: RoundId,
        outcome: GoalOutcome,
    },
    /// A rating of the pairing in group `group` of `round` (the last
    /// check-in); a later rating replaces it.
    Rate {
        round: RoundId,
        group: u32,
        rating: Rating,
    },
    /// "Add a private note" about `round`: opens the note modal.
    OpenFeedbackNote {
        round: RoundId,
    },
    /// The App Home's round highlights choice: be named in the post
    /// (`on`) or not.
    NameInHighlights {
        on: bool,
    },
    /// Not a button of ours (or a value we did not write): ignored.
    Unknown {
        action_id: String,
    },
}

const OPEN_PROFILE: &str = "open_profile";
const PAUSE: &str = "pause";
const RESUME: &str = "resume";
const OPT_OUT: &str = "opt_out";
const OPT_IN: &str = "opt_in";
const DELETE_CONFIRM: &str = "delete_confirm";
const DELETE_CANCEL: &str = "delete_cancel";
const MY_DATA: &str = "my_data";
const KEEP_ME_IN: &str = "keep_me_in";
const RECONFIRM_YES: &str = "reconfirm_yes";
const RECONFIRM_SKIP: &str = "reconfirm_skip";
const RECONFIRM_OPT_OUT: &str = "reconfirm_opt_out";
const CHECKIN_MET: &str = "checkin_met";
const CHECKIN_NOT_YET: &str = "checkin_not_yet";
const CHECKIN_UNRESPONSIVE: &str = "checkin_unresponsive";
const CHECKIN_WANT_OUT: &str = "checkin_want_out";
const OPEN_GROUP_DM: &str = "open_group_dm";
const RESOURCES: &str = "resources";
const MOD_PREVIEW: &str = "mod_preview";
const MOD_RUN: &str = "mod_run";
const MOD_REPAIR: &str = "mod_repair";
const MOD_STATS: &str = "mod_stats";
const MOD_RUN_CONFIRM: &str = "mod_run_confirm";
const MOD_UNPAIR: &str = "mod_unpair";
const MOD_REMOVE: &str = "mod_remove";
const UNBLOCK: &str = "unblock";
const BLOCK_PICK: &str = "block_pick";
const HAPPY_AGAIN: &str = "happy_again";
const HAPPY_AGAIN_UNDO: &str = "happy_again_undo";
/// Between an action id and the target that makes it unique in a view.
const UNIQUE_SEPARATOR: char = '.';
const PAUSE_UNTIL: &str = "pause_until";
const PAIR_ME_NOW: &str = "pair_me_now";
const MOMENTUM_SCHEDULED: &str = "momentum_scheduled";
const MOMENTUM_MET: &str = "momentum_met";
const OPEN_GOAL: &str = "open_goal";
const GOAL_REACHED: &str = "goal_reached";
const GOAL_PARTLY: &str = "goal_partly";
const GOAL_NOT_THIS_TIME: &str = "goal_not_this_time";
/// `rate.4`: one id per rating, so the five buttons differ.
const RATE: &str = "rate";
const OPEN_FEEDBACK_NOTE: &str = "open_feedback_note";
const HIGHLIGHTS_NAME_ME: &str = "highlights_name_me";
const HIGHLIGHTS_DONT_NAME_ME: &str = "highlights_dont_name_me";

impl Action {
    /// The button's `action_id` and `value`. Buttons that can appear
    /// several times in one view (one *Unblock* per person) carry their
    /// target in the `action_id` too, since Slack wants action ids unique.
    pub fn encode(&self) -> (Cow<'_, str>, String) {
        use Action::*;
        let plain = |id: &'static str| (Cow::Borrowed(id), String::new());
        match self {
            OpenProfile => plain(OPEN_PROFILE),
            Pause => plain(PAUSE),
            Resume => plain(RESUME),
            OptOut => plain(OPT_OUT),
            OptIn => plain(OPT_IN),
            DeleteConfirm => plain(DELETE_CONFIRM),
            DeleteCancel => plain(DELETE_CANCEL),
            MyData => plain(MY_DATA),
            KeepMeIn => plain(KEEP_ME_IN),
            NameInHighlights { on } => plain(highlights_id(*on)),
            Reconfirm { answer, round } => {
                (Cow::Borrowed(reconfirm_id(*answer)), round.to_string())
            }
            Checkin {
                answer,
                round,
                group,
                day,
            } => (
                Cow::Borrowed(checkin_id(*answer)),
                format!("{round}:{group}:{day}"),
            ),
            OpenGroupDm => plain(OPEN_GROUP_DM),
            Resources => plain(RESOURCES),
            Moderator(ModeratorAction::Preview) => plain(MOD_PREVIEW),
            Moderator(ModeratorAction::Run) => plain(MOD_RUN),
            Moderator(ModeratorAction::Stats) => plain(MOD_STATS),
            Moderator(ModeratorAction::Repair { round, group, user }) => {
                (Cow::Borrowed(MOD_REPAIR), format!("{round}:{group}:{user}"))
            }
            OpenGoal { round } => (Cow::Borrowed(OPEN_GOAL), round.to_string()),
            GoalAnswer { round, outcome } => (Cow::Borrowed(goal_id(*outcome)), round.to_string()),
            Block { user } => (Cow::Borrowed(BLOCK_PICK), user.to_string()),
            Unblock { user } => (
                Cow::Owned(format!("{UNBLOCK}{UNIQUE_SEPARATOR}{user}")),
                user.to_string(),
            ),
            HappyAgain { partner, on } => {
                let id = if *on { HAPPY_AGAIN } else { HAPPY_AGAIN_UNDO };
                (
                    Cow::Owned(format!("{id}{UNIQUE_SEPARATOR}{partner}")),
                    partner.to_string(),
                )
            }
            PauseUntil { date } => (
                Cow::Borrowed(PAUSE_UNTIL),
                date.map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            ),
            PairMeNow { round } => (Cow::Borrowed(PAIR_ME_NOW), round.to_string()),
            Momentum {
                answer,
                round,
                group,
            } => (
                Cow::Borrowed(momentum_id(*answer)),
                format!("{round}:{group}"),
            ),
            Moderator(ModeratorAction::ConfirmRun { round }) => {
                (Cow::Borrowed(MOD_RUN_CONFIRM), round.to_string())
            }
            Moderator(ModeratorAction::Unpair { round, group, user }) => {
                (Cow::Borrowed(MOD_UNPAIR), format!("{round}:{group}:{user}"))
            }
            Moderator(ModeratorAction::Remove { user }) => {
                (Cow::Borrowed(MOD_REMOVE), user.to_string())
            }
            Rate {
                round,
                group,
                rating,
            } => encode_rate(*round, *group, *rating),
            OpenFeedbackNote { round } => (Cow::Borrowed(OPEN_FEEDBACK_NOTE), round.to_string()),
            Unknown { action_id } => (Cow::Borrowed(action_id.as_str()), String::new()),
        }
    }

    /// Reads a click back; anything we did not write is `Unknown`.
    pub fn decode(action_id: &str, value: &str) -> Action {
        Self::decode_known(action_id, value).unwrap_or_else(|| Action::Unknown {
            action_id: action_id.to_string(),
        })
    }

    fn decode_known(action_id: &str, value: &str) -> Option<Action> {
        use Action::*;
        // `unblock.U123`, `happy_again.U123` (or the older plain ids): the value says who.
        let action_id = match action_id.split_once(UNIQUE_SEPARATOR) {
            Some((id, _)) if [UNBLOCK, HAPPY_AGAIN, HAPPY_AGAIN_UNDO, RATE].contains(&id) => id,
            _ => action_id,
        };
        let reconfirm = |answer| value.parse().ok().map(|round| Reconfirm { answer, round });
        let goal = |outcome| {
            value
                .parse()
                .ok()
                .map(|round| Action::GoalAnswer { round, outcome })
        };
        if let Some(plain) = Self::decode_plain(action_id) {
            return Some(plain);
        }
        Some(match action_id {
            PAUSE_UNTIL if value.is_empty() => PauseUntil { date: None },
            PAUSE_UNTIL => PauseUntil {
                date: Some(chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?),
            },
            PAIR_ME_NOW => PairMeNow {
                round: value.parse().ok()?,
            },
            MOMENTUM_SCHEDULED => decode_momentum(value, MomentumAnswer::Scheduled)?,
            MOMENTUM_MET => decode_momentum(value, MomentumAnswer::Met)?,
            RECONFIRM_YES => reconfirm(ReconfirmAnswer::Yes)?,
            RECONFIRM_SKIP => reconfirm(ReconfirmAnswer::Skip)?,
            RECONFIRM_OPT_OUT => reconfirm(ReconfirmAnswer::OptOut)?,
            CHECKIN_MET => decode_checkin(value, CheckinAnswer::Met)?,
            CHECKIN_NOT_YET => decode_checkin(value, CheckinAnswer::NotYet)?,
            CHECKIN_UNRESPONSIVE => decode_checkin(value, CheckinAnswer::Unresponsive)?,
            CHECKIN_WANT_OUT => decode_checkin(value, CheckinAnswer::WantOut)?,
            MOD_REPAIR | MOD_UNPAIR | MOD_RUN_CONFIRM | MOD_REMOVE => {
                decode_moderator(action_id, value)?
            }
            OPEN_GOAL => OpenGoal {
                round: value.parse().ok()?,
            },
            GOAL_REACHED => goal(GoalOutcome::Reached)?,
            GOAL_PARTLY => goal(GoalOutcome::Partly)?,
            GOAL_NOT_THIS_TIME => goal(GoalOutcome::NotThisTime)?,
            BLOCK_PICK if UserId::is_valid(value) => Block {
                user: UserId::from(value),
            },
            RATE => decode_rate(value)?,
            OPEN_FEEDBACK_NOTE => OpenFeedbackNote {
                round: value.parse().ok()?,
            },
            UNBLOCK if UserId::is_valid(value) => Unblock {
                user: UserId::from(value),
            },
            HAPPY_AGAIN | HAPPY_AGAIN_UNDO if UserId::is_valid(value) => HappyAgain {
                partner: UserId::from(value),
                on: action_id == HAPPY_AGAIN,
            },
            _ => return None,
        })
    }

    /// The buttons that carry no value.
    fn decode_plain(action_id: &str) -> Option<Action> {
        use Action::*;
        Some(match action_id {
            OPEN_PROFILE => OpenProfile,
            PAUSE => Pause,
            RESUME => Resume,
            OPT_OUT => OptOut,
            OPT_IN => OptIn,
            DELETE_CONFIRM => DeleteConfirm,
            DELETE_CANCEL => DeleteCancel,
            MY_DATA => MyData,
            KEEP_ME_IN => KeepMeIn,
            HIGHLIGHTS_NAME_ME => NameInHighlights { on: true },
            HIGHLIGHTS_DONT_NAME_ME => NameInHighlights { on: false },
            OPEN_GROUP_DM => OpenGroupDm,
            RESOURCES => Resources,
            MOD_PREVIEW => Moderator(ModeratorAction::Preview),
            MOD_RUN => Moderator(ModeratorAction::Run),
            MOD_STATS => Moderator(ModeratorAction::Stats),
            _ => return None,
        })
    }

    /// Moderator buttons change nothing in the clicker's own App Home.
    pub fn is_moderator(&self) -> bool {
        matches!(self, Action::Moderator(_))
    }
}

fn reconfirm_id(answer: ReconfirmAnswer) -> &'static str {
    match answer {
        ReconfirmAnswer::Yes => RECONFIRM_YES,
        ReconfirmAnswer::Skip => RECONFIRM_SKIP,
        ReconfirmAnswer::OptOut => RECONFIRM_OPT_OUT,
    }
}

fn checkin_id(answer: CheckinAnswer) -> &'static str {
    match answer {
        CheckinAnswer::Met => CHECKIN_MET,
        CheckinAnswer::NotYet => CHECKIN_NOT_YET,
        CheckinAnswer::Unresponsive => CHECKIN_UNRESPONSIVE,
        CheckinAnswer::WantOut => CHECKIN_WANT_OUT,
    }
}

fn goal_id(outcome: GoalOutcome) -> &'static str {
    match outcome {
        GoalOutcome::Reached => GOAL_REACHED,
        GoalOutcome::Partly => GOAL_PARTLY,
        GoalOutcome::NotThisTime => GOAL_NOT_THIS_TIME,
    }
}

fn highlights_id(on: bool) -> &'static str {
    if on {
        HIGHLIGHTS_NAME_ME
    } else {
        HIGHLIGHTS_DONT_NAME_ME
    }
}

fn momentum_id(answer: MomentumAnswer) -> &'static str {
    match answer {
        MomentumAnswer::Scheduled => MOMENTUM_SCHEDULED,
        MomentumAnswer::Met => MOMENTUM_MET,
    }
}

/// A check-in value: `round:group:day`.
fn decode_checkin(value: &str, answer: CheckinAnswer) -> Option<Action> {
    let mut parts = value.split(':');
    let (r, g, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some(Action::Checkin {
        answer,
        round: r.parse().ok()?,
        group: g.parse().ok()?,
        day: d.parse().ok()?,
    })
}

/// `rate.4` with the value `round:group:4`.
fn encode_rate(round: RoundId, group: u32, rating: Rating) -> (Cow<'static, str>, String) {
    let stars = rating.stars();
    (
        Cow::Owned(format!("{RATE}{UNIQUE_SEPARATOR}{stars}")),
        format!("{round}:{group}:{stars}"),
    )
}

/// A rating value: `round:group:stars`.
fn decode_rate(value: &str) -> Option<Action> {
    let mut parts = value.split(':');
    let (r, g, n) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some(Action::Rate {
        round: r.parse().ok()?,
        group: g.parse().ok()?,
        rating: Rating::new(n.parse().ok()?)?,
    })
}

/// A momentum value: `round:group`.
fn decode_momentum(value: &str, answer: MomentumAnswer) -> Option<Action> {
    let (r, g) = value.split_once(':')?;
    Some(Action::Momentum {
        answer,
        round: r.parse().ok()?,
        group: g.parse().ok()?,
    })
}

/// A moderator button with a value: a Re-pair alert or an unpair
/// confirmation (`round:group:user`), a run confirmation (`round`), a
/// remove confirmation (`user`).
fn decode_moderator(action_id: &str, value: &str) -> Option<Action> {
    let action = match action_id {
        MOD_REPAIR => {
            let (round, group, user) = round_group_user(value)?;
            ModeratorAction::Repair { round, group, user }
        }
        MOD_UNPAIR => {
            let (round, group, user) = round_group_user(value)?;
            ModeratorAction::Unpair { round, group, user }
        }
        MOD_RUN_CONFIRM => ModeratorAction::ConfirmRun {
            round: value.parse().ok()?,
        },
        MOD_REMOVE if UserId::is_valid(value) => ModeratorAction::Remove {
            user: UserId::from(value),
        },
        _ => return None,
    };
    Some(Action::Moderator(action))
}

/// A `round:group:user` value.
fn round_group_user(value: &str) -> Option<(RoundId, u32, UserId)> {
    let mut parts = value.split(':');
    let (r, g, u) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !UserId::is_valid(u) {
        return None;
    }
    Some((r.parse().ok()?, g.parse().ok()?, UserId::from(u)))
}

#[cfg(test)]
mod tests;
