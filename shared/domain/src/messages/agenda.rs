//! A suggested agenda from the match reasons: "why you two" turned into a
//! skill swap, call by call ("first call: <@Ana> → you on Accessibility;
//! next: you → <@Ana> on Writing"), for pairs and trios, with a graceful
//! fallback when nobody offers what another wants.
//!
//! The order comes from the stored reasons, not from the reader, so every
//! member of a group reads the same plan (each from their own point of view).

use mentor_matching::{MemberId, Reason};

use crate::ids::UserId;

/// One call of the swap: `from` helps `to` with `topic`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub from: MemberId,
    pub to: MemberId,
    pub topic: String,
}

/// At most this many calls are suggested (a trio's round of three).
const MAX_CALLS: usize = 3;

/// The calls of the swap. Groups are at most three people, so every order
/// of up to three directions is tried: the most people giving and receiving
/// wins (a pair goes one way then back, a trio goes round), then the most
/// calls that start with the previous call's receiver, then the reasons'
/// order. No topic is suggested twice.
pub fn calls(reasons: &[Reason]) -> Vec<Call> {
    let offers: Vec<(&MemberId, &MemberId, &[String])> = reasons
        .iter()
        .filter_map(|r| match r {
            Reason::CanHelp { from, to, topics } if from != to && !topics.is_empty() => {
                Some((from, to, topics.as_slice()))
            }
            _ => None,
        })
        .take(MAX_DIRECTIONS)
        .collect();
    let mut best: (Key, Vec<Call>) = ((0, 0, Vec::new()), Vec::new());
    let mut seq = Vec::new();
    search(&offers, &mut seq, &mut Vec::new(), &mut best);
    best.1
}

/// Directions looked at (a trio has six).
const MAX_DIRECTIONS: usize = 8;

/// People covered, chained calls, and the reasons' indices (lower first).
type Key = (usize, usize, Vec<std::cmp::Reverse<usize>>);

fn key(calls: &[Call], order: &[usize]) -> Key {
    let mut givers: Vec<&MemberId> = calls.iter().map(|c| &c.from).collect();
    let mut takers: Vec<&MemberId> = calls.iter().map(|c| &c.to).collect();
    givers.sort();
    givers.dedup();
    takers.sort();
    takers.dedup();
    let chained = calls.windows(2).filter(|w| w[0].to == w[1].from).count();
    let order = order.iter().map(|&i| std::cmp::Reverse(i)).collect();
    (givers.len() + takers.len(), chained, order)
}

fn search(
    offers: &[(&MemberId, &MemberId, &[String])],
    seq: &mut Vec<Call>,
    order: &mut Vec<usize>,
    best: &mut (Key, Vec<Call>),
) {
    if !seq.is_empty() {
        let k = key(seq, order);
        if k > best.0 {
            *best = (k, seq.clone());
        }
    }
    if seq.len() == MAX_CALLS {
        return;
    }
    for (i, (from, to, topics)) in offers.iter().enumerate() {
        if order.contains(&i) {
            continue;
        }
        let Some(topic) = topics.iter().find(|t| !seq.iter().any(|c| &c.topic == *t)) else {
            continue;
        };
        seq.push(Call {
            from: (*from).clone(),
            to: (*to).clone(),
            topic: topic.clone(),
        });
        order.push(i);
        search(offers, seq, order, best);
        seq.pop();
        order.pop();
    }
}

fn name(id: &MemberId, me: &UserId) -> String {
    if id.0 == me.0 {
        "you".into()
    } else {
        format!("<@{}>", id.0)
    }
}

/// The agenda line as `me` reads it (an empty `me` names everyone, for the
/// group DM). Always says something useful: without complementary skills it
/// suggests trading notes on a shared interest, or each bringing one
/// question and one strength.
pub fn agenda_text(reasons: &[Reason], me: &UserId) -> String {
    let calls = calls(reasons);
    if calls.is_empty() {
        let shared = reasons.iter().find_map(|r| match r {
            Reason::SharedInterests(t) if !t.is_empty() => Some(t[0].clone()),
            _ => None,
        });
        return match shared {
            Some(topic) => format!(
                "first call: trade what you each know about {topic}; next: each bring one \
                 question you'd like help with"
            ),
            None => "first call: each bring one thing you'd like to learn and one you could \
                     help with, and pick a topic for next time"
                .into(),
        };
    }
    let labels = ["first call", "next", "then"];
    let mut parts: Vec<String> = calls
        .iter()
        .zip(labels)
        .map(|(c, label)| {
            format!(
                "{label}: {} → {} on {}",
                name(&c.from, me),
                name(&c.to, me),
                c.topic
            )
        })
        .collect();
    if calls.len() == 1 {
        // One direction only: the other side still gets a turn.
        let back = name(&calls[0].to, me);
        let back = if back == "you" {
            "your turn: share something you're good at".to_string()
        } else {
            format!("{back}'s turn: share something they're good at")
        };
        parts.push(format!("next: {back}"));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> MemberId {
        MemberId(s.into())
    }

    fn help(from: &str, to: &str, topics: &[&str]) -> Reason {
        Reason::CanHelp {
            from: id(from),
            to: id(to),
            topics: topics.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn a_pair_swaps_skills_one_way_then_the_other() {
        let reasons = vec![
            help("U0ANA", "U0BEN", &["Accessibility"]),
            help("U0BEN", "U0ANA", &["Writing", "Research"]),
            Reason::SharedInterests(vec!["Data".into()]),
        ];
        assert_eq!(
            agenda_text(&reasons, &UserId::new("U0BEN")),
            "first call: <@U0ANA> → you on Accessibility; next: you → <@U0ANA> on Writing"
        );
        assert_eq!(
            agenda_text(&reasons, &UserId::new("U0ANA")),
            "first call: you → <@U0BEN> on Accessibility; next: <@U0BEN> → you on Writing"
        );
    }

    #[test]
    fn a_trio_goes_round_so_everyone_gives_and_receives_once() {
        let reasons = vec![
            help("U0ANA", "U0BEN", &["Accessibility"]),
            help("U0BEN", "U0ANA", &["Writing"]),
            help("U0ANA", "U0CAT", &["Accessibility"]),
            help("U0CAT", "U0ANA", &["Data"]),
            help("U0BEN", "U0CAT", &["Backend"]),
        ];
        let c = calls(&reasons);
        assert_eq!(c.len(), 3, "{c:?}");
        for m in ["U0ANA", "U0BEN", "U0CAT"] {
            assert_eq!(c.iter().filter(|x| x.from.0 == m).count(), 1, "{c:?}");
            assert_eq!(c.iter().filter(|x| x.to.0 == m).count(), 1, "{c:?}");
        }
        let topics: std::collections::BTreeSet<_> = c.iter().map(|x| &x.topic).collect();
        assert_eq!(topics.len(), 3, "no topic twice: {c:?}");
        let text = agenda_text(&reasons, &UserId::new("U0CAT"));
        assert!(text.starts_with("first call: "), "{text}");
        assert!(
            text.contains("; next: ") && text.contains("; then: "),
            "{text}"
        );
    }

    #[test]
    fn one_way_help_still_gives_the_other_a_turn() {
        let reasons = vec![help("U0ANA", "U0BEN", &["Accessibility"])];
        assert_eq!(
            agenda_text(&reasons, &UserId::new("U0BEN")),
            "first call: <@U0ANA> → you on Accessibility; next: your turn: share something \
             you're good at"
        );
    }

    #[test]
    fn without_complementary_skills_it_falls_back_to_shared_interests_or_a_plain_start() {
        let shared = vec![Reason::SharedInterests(vec!["Research".into()])];
        assert!(
            agenda_text(&shared, &UserId::new("U0ANA"))
                .contains("trade what you each know about Research")
        );
        let nothing = agenda_text(&[], &UserId::new("U0ANA"));
        assert!(
            nothing.contains("one thing you'd like to learn"),
            "{nothing}"
        );
    }

    #[test]
    fn the_group_dm_names_everyone() {
        let reasons = vec![
            help("U0ANA", "U0BEN", &["Accessibility"]),
            help("U0BEN", "U0ANA", &["Writing"]),
        ];
        assert_eq!(
            agenda_text(&reasons, &UserId::new("")),
            "first call: <@U0ANA> → <@U0BEN> on Accessibility; next: <@U0BEN> → <@U0ANA> on Writing"
        );
    }
}
