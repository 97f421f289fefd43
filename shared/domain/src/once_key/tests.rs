//! Once-keys render and parse back, and no two kinds share a marker.

use super::*;
use proptest::prelude::*;

fn round() -> impl Strategy<Value = RoundId> {
    (2000i32..2100, 1u32..=12).prop_map(|(y, m)| RoundId::new(y, m).unwrap())
}

/// Slack user ids: upper-case letters and digits after U or W.
fn user() -> impl Strategy<Value = UserId> {
    "[UW][A-Z0-9]{2,11}".prop_map(UserId)
}

fn day() -> impl Strategy<Value = chrono::NaiveDate> {
    (2000i32..2100, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

/// Free text from Slack, separators and escapes included.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9.:#%_-]{0,12}"
}

fn key() -> impl Strategy<Value = OnceKey> {
    use OnceKey::*;
    prop_oneof![
        text().prop_map(|event_id| Event { event_id }),
        text().prop_map(|submission| View { submission }),
        (user(), text(), text(), text()).prop_map(|(user, action_id, value, target)| Click {
            user,
            action_id,
            value,
            target
        }),
        (round(), any::<u32>(), user()).prop_map(|(round, group, user)| Notify {
            round,
            group,
            user
        }),
        (round(), any::<u32>(), 0usize..10).prop_map(|(round, group, size)| NotifyGroup {
            round,
            group,
            size
        }),
        (round(), user()).prop_map(|(round, user)| Unpaired { round, user }),
        (round(), user()).prop_map(|(round, user)| Reconfirm { round, user }),
        (round(), user()).prop_map(|(round, user)| Remind { round, user }),
        (round(), any::<u32>(), user()).prop_map(|(round, group, user)| AlertWithdrawn {
            round,
            group,
            user
        }),
        (round(), any::<u32>(), user()).prop_map(|(round, day, user)| Checkin { round, day, user }),
        (round(), user()).prop_map(|(round, moderator)| Summary { round, moderator }),
        (round(), any::<u32>(), user()).prop_map(|(round, group, user)| Alert {
            round,
            group,
            user
        }),
        (round(), user(), any::<bool>()).prop_map(|(round, moderator, paired)| RunReply {
            round,
            moderator,
            paired
        }),
        (round(), any::<u32>(), user())
            .prop_map(|(round, group, user)| { UnpairedByModerator { round, group, user } }),
        (round(), user(), any::<u64>()).prop_map(|(round, user, version)| RemovedByModerator {
            round,
            user,
            version,
        }),
        (round(), any::<u32>(), user(), user()).prop_map(|(round, group, departed, recipient)| {
            PartnerLeft {
                round,
                group,
                departed,
                recipient,
            }
        }),
        (round(), any::<u32>(), user()).prop_map(|(round, group, departed)| {
            PartnerLeftModerators {
                round,
                group,
                departed,
            }
        }),
        (round(), user()).prop_map(|(round, user)| Late { round, user }),
        user().prop_map(|user| Invite { user }),
        (user(), any::<i64>()).prop_map(|(user, requested_at)| Deleted { user, requested_at }),
        any::<i64>().prop_map(|since| SlackBack { since }),
        text().prop_map(|trigger| Slash { trigger }),
        text().prop_map(|accepted| Work { accepted }),
        (round(), any::<u32>()).prop_map(|(round, group)| Momentum { round, group }),
        day().prop_map(|day| SnoozeSweep { day }),
        (user(), day()).prop_map(|(user, until)| SnoozeEnded { user, until }),
        (round(), user()).prop_map(|(round, user)| WaitingList { round, user }),
        round().prop_map(|round| Highlights { round }),
    ]
}

proptest! {
    #[test]
    fn every_key_reads_back_as_itself(k in key()) {
        prop_assert_eq!(OnceKey::parse(&k.render()), Ok(k));
    }

    #[test]
    fn distinct_keys_never_share_a_marker(a in key(), b in key()) {
        prop_assume!(a != b);
        prop_assert_ne!(a.render(), b.render());
    }
}

#[test]
fn keys_read_as_the_markers_already_in_the_ledger() {
    let r = RoundId::new(2027, 1).unwrap();
    let u = UserId::from("U1");
    let cases = [
        (
            OnceKey::Event {
                event_id: "Ev1".into(),
            },
            "EVENT#Ev1",
        ),
        (
            OnceKey::NotifyGroup {
                round: r,
                group: 3,
                size: 2,
            },
            "NOTIFY#2027-01#3#group2",
        ),
        (
            OnceKey::Notify {
                round: r,
                group: 3,
                user: u.clone(),
            },
            "NOTIFY#2027-01#3#U1",
        ),
        (
            OnceKey::RunReply {
                round: r,
                moderator: u.clone(),
                paired: true,
            },
            "RUNREPLY#2027-01#U1#true",
        ),
        (
            OnceKey::Click {
                user: u,
                action_id: "checkin_met".into(),
                value: "2027-01:3:7".into(),
                target: "1.2".into(),
            },
            "ACTION#U1#checkin_met#2027-01:3:7#1.2",
        ),
    ];
    for (k, s) in cases {
        assert_eq!(k.render(), s);
    }
}

#[test]
fn strings_that_are_not_keys_are_refused() {
    for s in [
        "",
        "EVENT",
        "NOTIFY#2027-13#1#U1",
        "LATE#2027-01",
        "X#1",
        "EVENT#a%2",
    ] {
        assert!(OnceKey::parse(s).is_err(), "{s}");
    }
}
