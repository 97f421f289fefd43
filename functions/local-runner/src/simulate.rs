//! `local-runner simulate`: N synthetic members with varied profiles, driven
//! hour by hour through M months by the real scheduler code with an injected
//! clock. Members confirm, skip, pause, opt out, leave and join late. Prints a
//! line per round and a closing line the tests and README quote.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use mentor_domain::action::{Action, ReconfirmAnswer};
use mentor_domain::memory::{FixedClock, RecordingMessenger, SlackCall};
use mentor_domain::model::CheckinAnswer;
use mentor_domain::ports::{Members, Rounds};
use mentor_domain::profile_form::{self, FieldValue, FormValues, enum_value};
use mentor_domain::usecases::{Click, Deps, Origin, ProfileOutcome};
use mentor_domain::{Bot, Experience, Frequency, Mode, ProgrammeConfig, RoundId, UserId};

/// A tiny deterministic generator (SplitMix64), so a seed reproduces a run.
pub(crate) struct Rng(u64);

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
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
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

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Figures of one simulation, also used by tests.
#[derive(Debug, Default)]
pub struct Outcome {
    pub members: usize,
    pub rounds: usize,
    pub repeats: usize,
    pub unnotified: usize,
    pub duplicate_dms: usize,
}

pub async fn simulate(
    members: usize,
    months: u32,
    seed: u64,
    print: bool,
) -> Result<Outcome, String> {
    let mut rng = Rng(seed);
    let cfg = ProgrammeConfig::example();
    let start = Utc
        .with_ymd_and_hms(2026, 12, 20, 0, 0, 0)
        .single()
        .ok_or("bad start")?;
    let clock = Arc::new(FixedClock::at(start));
    let slack = Arc::new(RecordingMessenger::new());
    let (deps, store, bus) = Deps::in_memory(slack.clone(), clock.clone());
    let bot = Bot::new(deps, cfg.clone());
    let channel = cfg.channel.clone();
    let mut next_id = 0usize;
    let mut new_member = |rng: &mut Rng| {
        next_id += 1;
        (UserId(format!("U{next_id:06}")), profile_values(&cfg, rng))
    };
    // Everyone signs up the real way: a mention, then the profile form.
    let mut all: Vec<UserId> = Vec::new();
    for _ in 0..members {
        let (id, form) = new_member(&mut rng);
        bot.on_message(&id, Origin::Channel(channel.clone()), "hi")
            .await
            .map_err(err)?;
        let r = bot
            .save_profile(&id, &form, &format!("signup-{id}"))
            .await
            .map_err(err)?;
        if let ProfileOutcome::Rejected(e) = r {
            return Err(format!("profile rejected: {e:?}"));
        }
        all.push(id);
    }
    let end = start + Duration::days(31 * months as i64 - 19);
    // (round label, member) → partner line → how many times it was sent.
    let mut pairing_dms: BTreeMap<(String, UserId), BTreeMap<String, usize>> = BTreeMap::new();
    let mut clicks = 0u64;
    let mut hour = 0u64;
    while clock.now_utc() < end {
        hour += 1;
        clock.advance(Duration::hours(1));
        bot.tick().await.map_err(err)?;
        // The bus delivers hand-off work back to the scheduler, as the rule does.
        loop {
            let events = bus.drain();
            if events.is_empty() {
                break;
            }
            for e in events {
                bot.on_bus_event(&e).await.map_err(err)?;
            }
        }
        // Members read their DMs and answer.
        for call in slack.take() {
            let SlackCall::Post(ch, msg) = call else {
                continue;
            };
            let Some(user) = ch.0.strip_prefix('D').map(|u| UserId(u.to_string())) else {
                continue;
            };
            if let Some(rest) = msg.text.strip_prefix("Your partner for ") {
                let label = rest.split(" is ").next().unwrap_or_default().to_string();
                *pairing_dms
                    .entry((label, user.clone()))
                    .or_default()
                    .entry(msg.text.clone())
                    .or_default() += 1;
            }
            let actions = msg.actions();
            let reminder = actions.iter().find_map(|a| match a {
                Action::Reconfirm { round, .. } => Some(*round),
                _ => None,
            });
            let checkin = actions.iter().find_map(|a| match a {
                Action::Checkin {
                    round, group, day, ..
                } => Some((*round, *group, *day)),
                _ => None,
            });
            let answer = if let Some(round) = reminder {
                let roll = rng.below(100);
                let answer = match roll {
                    0..=79 => Some(ReconfirmAnswer::Yes),
                    80..=89 => Some(ReconfirmAnswer::Skip),
                    90..=92 => Some(ReconfirmAnswer::OptOut),
                    _ => None, // ignores the reminder
                };
                answer.map(|answer| Action::Reconfirm { answer, round })
            } else if let Some((round, group, day)) = checkin {
                let answer = *rng.pick(&[
                    CheckinAnswer::Met,
                    CheckinAnswer::Met,
                    CheckinAnswer::NotYet,
                    CheckinAnswer::Unresponsive,
                ]);
                Some(Action::Checkin {
                    answer,
                    round,
                    group,
                    day,
                })
            } else {
                None
            };
            if let Some(action) = answer {
                clicks += 1;
                let a = Click {
                    user: user.clone(),
                    action,
                    trigger_id: None,
                    dedupe_key: format!("click-{clicks}"),
                    response_url: None,
                };
                bot.on_action(&a).await.map_err(err)?;
                // Now and then Slack delivers a click twice.
                if rng.chance(5) {
                    bot.on_action(&a).await.map_err(err)?;
                }
            }
        }
        // Once a day: life happens.
        if hour % 24 == 12 {
            if rng.chance(30) && !all.is_empty() {
                let who = all[rng.below(all.len())].clone();
                let text = *rng.pick(&["pause", "resume", "opt out", "opt in", "status"]);
                bot.on_message(&who, Origin::Dm, text).await.map_err(err)?;
            }
            if rng.chance(10) && !all.is_empty() {
                let who = all[rng.below(all.len())].clone();
                bot.on_member_left(&who, &channel).await.map_err(err)?;
            }
            if rng.chance(10) && !all.is_empty() {
                let who = all[rng.below(all.len())].clone();
                bot.on_member_joined(&who, &channel).await.map_err(err)?;
            }
            if rng.chance(20) {
                // A late joiner signs up mid-month.
                let (id, form) = new_member(&mut rng);
                bot.on_message(&id, Origin::Dm, "hello")
                    .await
                    .map_err(err)?;
                let _ = bot
                    .save_profile(&id, &form, &format!("signup-{id}"))
                    .await
                    .map_err(err)?;
                all.push(id);
            }
        }
    }
    // Tally per round.
    let mut out = Outcome {
        members: all.len(),
        ..Outcome::default()
    };
    let mut seen: HashMap<(UserId, UserId), RoundId> = HashMap::new();
    let mut round = RoundId::of_date(start.date_naive()).next();
    while mentor_domain::calendar::round_start(&cfg, round) <= end {
        let r = Rounds::get(&*store, round).await.map_err(err)?;
        let groups = store.groups(round).await.map_err(err)?;
        let mut repeats = 0;
        for g in &groups {
            for (i, a) in g.members.iter().enumerate() {
                for b in &g.members[i + 1..] {
                    let key = if a < b {
                        (a.clone(), b.clone())
                    } else {
                        (b.clone(), a.clone())
                    };
                    if seen.insert(key, round).is_some_and(|prev| prev != round) {
                        repeats += 1;
                    }
                }
            }
            for m in &g.members {
                // A member re-paired mid-round (partner left) rightly gets a
                // second, different DM; the same DM twice is a duplicate.
                let sent = pairing_dms.get(&(round.label(), m.clone()));
                let n = sent.map(|s| s.len()).unwrap_or(0);
                let dups: usize = sent
                    .map(|s| s.values().map(|c| c.saturating_sub(1)).sum())
                    .unwrap_or(0);
                let unreachable = Members::get(&*store, m)
                    .await
                    .map_err(err)?
                    .is_some_and(|m| m.status == mentor_domain::model::MemberStatus::Unreachable);
                if n == 0 && !unreachable {
                    out.unnotified += 1;
                }
                out.duplicate_dms += dups;
            }
        }
        let scores: Vec<i64> = groups.iter().map(|g| g.score).collect();
        let avg = if scores.is_empty() {
            0.0
        } else {
            scores.iter().sum::<i64>() as f64 / scores.len() as f64
        };
        if print {
            let s = r.map(|r| r.stats).unwrap_or_default();
            println!(
                "round={round} eligible={} paired={} trios={} unmatched={} late_or_manual={} repeats={repeats} avg_score={avg:.1}",
                s.eligible,
                groups.iter().map(|g| g.members.len()).sum::<usize>(),
                s.trios,
                s.unmatched,
                groups.len().saturating_sub(s.groups as usize),
            );
        }
        out.repeats += repeats;
        out.rounds += 1;
        round = round.next();
    }
    Ok(out)
}

pub async fn run(members: usize, months: u32, seed: u64) -> Result<(), String> {
    let o = simulate(members, months, seed, true).await?;
    println!(
        "members={} rounds={} repeats={} unnotified={} duplicate_dms={}",
        o.members, o.rounds, o.repeats, o.unnotified, o.duplicate_dms
    );
    Ok(())
}

trait NowUtc {
    fn now_utc(&self) -> chrono::DateTime<Utc>;
}

impl NowUtc for FixedClock {
    fn now_utc(&self) -> chrono::DateTime<Utc> {
        use mentor_domain::ports::Clock;
        self.now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_small_simulation_never_repeats_or_double_messages() {
        let o = simulate(30, 3, 7, false).await.unwrap();
        assert_eq!(o.rounds, 3);
        assert_eq!(o.duplicate_dms, 0);
        assert_eq!(o.unnotified, 0);
        assert_eq!(o.repeats, 0);
        assert!(o.members >= 30);
    }

    #[tokio::test]
    async fn two_hundred_members_over_six_months_is_clean() {
        // The acceptance run of the rounds issue (also in the README).
        let o = simulate(200, 6, 1, false).await.unwrap();
        assert_eq!(
            (o.rounds, o.repeats, o.unnotified, o.duplicate_dms),
            (6, 0, 0, 0)
        );
        assert!(o.members > 200, "late joiners arrived");
    }
}
