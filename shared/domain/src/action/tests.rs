//! Every button decodes to the action it was built from.

use super::*;
use proptest::prelude::*;

fn round() -> impl Strategy<Value = RoundId> {
    (2000i32..2100, 1u32..=12).prop_map(|(y, m)| RoundId::new(y, m).unwrap())
}

fn action() -> impl Strategy<Value = Action> {
    use Action::*;
    let reconfirm = prop_oneof![
        Just(ReconfirmAnswer::Yes),
        Just(ReconfirmAnswer::Skip),
        Just(ReconfirmAnswer::OptOut)
    ];
    let checkin = prop_oneof![
        Just(CheckinAnswer::Met),
        Just(CheckinAnswer::NotYet),
        Just(CheckinAnswer::Unresponsive),
        Just(CheckinAnswer::WantOut)
    ];
    prop_oneof![
        prop_oneof![
            Just(OpenProfile),
            Just(Pause),
            Just(Resume),
            Just(OptOut),
            Just(OptIn),
            Just(DeleteConfirm),
            Just(DeleteCancel),
            Just(MyData),
            Just(KeepMeIn),
            Just(OpenGroupDm),
            Just(Resources),
            Just(Moderator(ModeratorAction::Preview)),
            Just(Moderator(ModeratorAction::Run)),
            Just(Moderator(ModeratorAction::Stats)),
        ],
        ("[UW][A-Z0-9]{2,11}", round(), any::<u32>()).prop_map(|(u, round, group)| {
            Moderator(ModeratorAction::Repair {
                round,
                group,
                user: UserId(u),
            })
        }),
        ("[UW][A-Z0-9]{2,11}", round(), any::<u32>()).prop_map(|(u, round, group)| {
            Moderator(ModeratorAction::Unpair {
                round,
                group,
                user: UserId(u),
            })
        }),
        round().prop_map(|round| Moderator(ModeratorAction::ConfirmRun { round })),
        "[UW][A-Z0-9]{2,11}".prop_map(|u| Moderator(ModeratorAction::Remove { user: UserId(u) })),
        (reconfirm, round()).prop_map(|(answer, round)| Reconfirm { answer, round }),
        "[UW][A-Z0-9]{2,11}".prop_map(|u| Unblock { user: UserId(u) }),
        round().prop_map(|round| OpenGoal { round }),
        (
            prop_oneof![
                Just(GoalOutcome::Reached),
                Just(GoalOutcome::Partly),
                Just(GoalOutcome::NotThisTime)
            ],
            round()
        )
            .prop_map(|(outcome, round)| Action::GoalAnswer { round, outcome }),
        ("[UW][A-Z0-9]{2,11}", any::<bool>()).prop_map(|(u, on)| HappyAgain {
            partner: UserId(u),
            on
        }),
        round().prop_map(|round| PairMeNow { round }),
        round().prop_map(|round| OpenFeedbackNote { round }),
        (round(), any::<u32>(), 1u8..=5).prop_map(|(round, group, n)| Rate {
            round,
            group,
            rating: crate::feedback::Rating::new(n).unwrap(),
        }),
        any::<bool>().prop_map(|on| NameInHighlights { on }),
        proptest::option::of(0i32..3_000_000).prop_map(|days| PauseUntil {
            date: days.and_then(|d| chrono::NaiveDate::from_num_days_from_ce_opt(d + 1))
        }),
        (
            prop_oneof![Just(MomentumAnswer::Scheduled), Just(MomentumAnswer::Met)],
            round(),
            any::<u32>()
        )
            .prop_map(|(answer, round, group)| Momentum {
                answer,
                round,
                group
            }),
        (checkin, round(), any::<u32>(), any::<u32>()).prop_map(|(answer, round, group, day)| {
            Checkin {
                answer,
                round,
                group,
                day,
            }
        }),
    ]
}

proptest! {
    #[test]
    fn every_button_decodes_to_the_action_it_was_built_from(a in action()) {
        let (id, value) = a.encode();
        prop_assert_eq!(Action::decode(&id, &value), a);
    }

    #[test]
    fn distinct_actions_make_distinct_buttons(a in action(), b in action()) {
        prop_assume!(a != b);
        prop_assert_ne!(a.encode(), b.encode());
    }
}

#[test]
fn buttons_keep_the_ids_and_values_slack_already_holds() {
    let r = RoundId::new(2026, 12).unwrap();
    let checkin = Action::Checkin {
        answer: CheckinAnswer::Unresponsive,
        round: r,
        group: 3,
        day: 7,
    };
    assert_eq!(
        checkin.encode(),
        (
            Cow::Borrowed("checkin_unresponsive"),
            "2026-12:3:7".to_string()
        )
    );
    let reconfirm = Action::Reconfirm {
        answer: ReconfirmAnswer::Skip,
        round: r,
    };
    assert_eq!(
        reconfirm.encode(),
        (Cow::Borrowed("reconfirm_skip"), "2026-12".to_string())
    );
    let repair = Action::Moderator(ModeratorAction::Repair {
        round: r,
        group: 3,
        user: UserId::from("U0ANA"),
    });
    assert_eq!(
        repair.encode(),
        (Cow::Borrowed("mod_repair"), "2026-12:3:U0ANA".to_string())
    );
}

#[test]
fn the_five_rating_buttons_have_different_action_ids_and_carry_round_and_group() {
    let r = RoundId::new(2026, 12).unwrap();
    let rate = |n| Action::Rate {
        round: r,
        group: 3,
        rating: crate::feedback::Rating::new(n).unwrap(),
    };
    assert_eq!(
        rate(4).encode(),
        (Cow::Owned("rate.4".into()), "2026-12:3:4".to_string())
    );
    let ids: std::collections::BTreeSet<_> =
        (1..=5).map(|n| rate(n).encode().0.into_owned()).collect();
    assert_eq!(ids.len(), 5);
}

#[test]
fn unblock_buttons_for_different_people_have_different_action_ids() {
    let ben = Action::Unblock {
        user: UserId::from("U0BEN"),
    };
    let cy = Action::Unblock {
        user: UserId::from("U0CY"),
    };
    assert_ne!(ben.encode().0, cy.encode().0);
    // A button sent before ids carried the person still works.
    assert_eq!(Action::decode("unblock", "U0BEN"), ben);
    let (id, value) = cy.encode();
    assert_eq!(Action::decode(&id, &value), cy);
}

#[test]
fn clicks_we_did_not_build_are_unknown() {
    for (id, value) in [
        ("mod_something_new", ""),
        ("reconfirm_yes", "not a round"),
        ("checkin_met", "2026-12:1"),
        ("checkin_met", "2026-12:1:7:9"),
        ("mod_repair", "<@U1>"),
        ("mod_repair", "U0ANA"),
        ("mod_repair", "2026-12:3:<@U1>"),
        ("unblock", "<@U0BEN>"),
        ("unblock", ""),
        ("happy_again", "deleted-1a2b"),
        ("pause_until", "next tuesday"),
        ("pause_until", "2027-02-30"),
        ("pair_me_now", ""),
        ("momentum_met", "2027-03"),
        ("momentum_scheduled", "2027-03:x"),
        ("rate.6", "2026-12:3:6"),
        ("rate.0", "2026-12:3:0"),
        ("rate.4", "2026-12:3"),
        ("rate.4", "2026-12:3:4:1"),
        ("open_feedback_note", "soon"),
        ("", ""),
    ] {
        assert_eq!(
            Action::decode(id, value),
            Action::Unknown {
                action_id: id.to_string()
            },
            "{id} {value}"
        );
    }
}
