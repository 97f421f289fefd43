//! `local-runner simulate`: communities of synthetic members with varied
//! profiles, driven hour by hour through M rounds by the real scheduler code
//! with an injected clock. One community launches before a round starts and
//! three mid-month (the 12th, the 27th with a moderator's `run`, the last
//! day). Members confirm, skip, pause, opt out, leave and join late. Prints a
//! line per community and per round, and a closing line the tests and README
//! quote.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use mentor_domain::action::{Action, ModeratorAction, ReconfirmAnswer};
use mentor_domain::calendar;
use mentor_domain::memory::{FixedClock, RecordingMessenger, SlackCall};
use mentor_domain::model::CheckinAnswer;

use mentor_domain::surface::{Block, Message};
use mentor_domain::usecases::{Click, ClickedMessage, Deps, Origin, ProfileOutcome};
use mentor_domain::{Bot, ChannelId, ProgrammeConfig, RoundId, UserId};

mod behaviours;
mod feedback;
mod inbox;
mod people;
mod tally;

pub(crate) use people::{Rng, profile_values};

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
    /// "You're not paired … didn't confirm" DMs for a round the member was
    /// never asked about (must stay 0: signing up counts as a Yes).
    pub told_unasked_not_confirmed: usize,
    /// Full months of paired members (neither a community's first round
    /// nor its last, cut short), and the bot messages they got in them:
    /// new ones, and clicked messages answered in place.
    pub member_months: usize,
    pub messages: usize,
    pub updated_in_place: usize,
    /// Full rounds' pairs, how many met, the ratings and notes (as
    /// `/mentoring stats` counts them; `round` unused).
    pub feedback: mentor_domain::feedback::RoundOutcome,
    /// Members asked for a rating (the last check-ins they read).
    pub rating_asked: usize,
    /// Snoozes, pair-me-now clicks, blocks, momentum answers, and blocks
    /// the engine broke.
    pub acts: behaviours::Counts,
}

impl Outcome {
    fn add(&mut self, o: Outcome) {
        self.members += o.members;
        self.rounds += o.rounds;
        self.repeats += o.repeats;
        self.unnotified += o.unnotified;
        self.duplicate_dms += o.duplicate_dms;
        self.told_unasked_not_confirmed += o.told_unasked_not_confirmed;
        self.member_months += o.member_months;
        self.messages += o.messages;
        self.updated_in_place += o.updated_in_place;
        self.feedback.pairs += o.feedback.pairs;
        self.feedback.met += o.feedback.met;
        self.feedback.ratings += o.feedback.ratings;
        self.feedback.rating_sum += o.feedback.rating_sum;
        self.feedback.notes += o.feedback.notes;
        self.rating_asked += o.rating_asked;
        self.acts.add(&o.acts);
    }

    /// New bot messages per member in a typical (full, paired) month.
    pub fn messages_per_member_month(&self) -> f64 {
        self.messages as f64 / self.member_months.max(1) as f64
    }

    /// Clicked messages answered in place per member and month.
    pub fn updates_per_member_month(&self) -> f64 {
        self.updated_in_place as f64 / self.member_months.max(1) as f64
    }
}

/// One community: the day it deploys the bot (everyone signs up then) and
/// whether a moderator types `/mentoring run` right after the sign-ups.
#[derive(Debug, Clone, Copy)]
pub struct Launch {
    pub date: NaiveDate,
    pub members: usize,
    pub moderator_runs: bool,
}

impl Launch {
    /// Sign-ups happen at 10:00 UTC on the launch day.
    fn at(&self) -> DateTime<Utc> {
        Utc.from_utc_datetime(&self.date.and_hms_opt(10, 0, 0).unwrap_or_default())
    }

    /// The first round this community pairs: the launch month's when the tick
    /// pairs it (more than half left) or a moderator runs it, else the next.
    fn first_round(&self, cfg: &ProgrammeConfig) -> RoundId {
        let at = self.at();
        let live = calendar::current_round(cfg, at);
        if self.moderator_runs || calendar::more_than_half_left(cfg, live, at) {
            live
        } else {
            live.next()
        }
    }
}

/// The communities one `simulate` run drives: one launched before a round
/// starts, and three launched mid-month (the 12th: the tick still pairs the
/// month; the 27th: a moderator runs a short round at once; the last day of
/// February: the first pairing is the next morning's round).
pub fn launches(members: usize) -> Vec<Launch> {
    let small = (members / 4).max(4);
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    vec![
        Launch {
            date: day(2026, 12, 20),
            members,
            moderator_runs: false,
        },
        Launch {
            date: day(2027, 1, 12),
            members: small,
            moderator_runs: false,
        },
        Launch {
            date: day(2027, 1, 27),
            members: small,
            moderator_runs: true,
        },
        Launch {
            date: day(2027, 2, 28),
            members: small,
            moderator_runs: false,
        },
    ]
}

/// Every community of [`launches`], each paired for `months` rounds, summed.
pub async fn simulate(
    members: usize,
    months: u32,
    seed: u64,
    print: bool,
) -> Result<Outcome, String> {
    simulate_with(members, months, seed, print, true).await
}

/// [`simulate`], with clicks that carry their message (`true`, as Slack
/// sends them: answered in place) or not (every answer a new DM).
pub async fn simulate_with(
    members: usize,
    months: u32,
    seed: u64,
    print: bool,
    clicks_carry_message: bool,
) -> Result<Outcome, String> {
    let mut total = Outcome::default();
    for (i, launch) in launches(members).into_iter().enumerate() {
        let seed = seed.wrapping_add(i as u64 * 1_000_003);
        let mut c = Community::new(launch.at(), seed);
        c.clicks_carry_message = clicks_carry_message;
        total.add(c.run(launch, months, print).await?);
    }
    Ok(total)
}

/// One in-memory deployment driven hour by hour.
struct Community {
    cfg: ProgrammeConfig,
    rng: Rng,
    clock: Arc<FixedClock>,
    slack: Arc<RecordingMessenger>,
    store: Arc<mentor_domain::memory::MemoryStore>,
    bus: Arc<mentor_domain::memory::MemoryBus>,
    bot: Bot,
    all: Vec<UserId>,
    next_id: usize,
    clicks: u64,
    /// (round label, member) → pairing DM text → how many times it was sent.
    pairing_dms: BTreeMap<(String, UserId), BTreeMap<String, usize>>,
    /// Rounds each member was asked "stay in?" about (question, reminder, status).
    asked: HashSet<(UserId, RoundId)>,
    /// "Didn't confirm" DMs: (round label, member).
    not_confirmed: Vec<(String, UserId)>,
    /// What each member received, per month.
    inbox: inbox::Inbox,
    /// Clicks carry the message they were on, as Slack sends them, so the
    /// bot answers in place; without it every answer is a new DM (how the
    /// bot answered before it could update messages).
    clicks_carry_message: bool,
    /// Stands in for the `ts` Slack gives each posted message.
    posted: u64,
    /// Rating questions members read (the last check-ins).
    rating_asked: usize,
    /// What members did beyond answering, and who blocked whom.
    acts: behaviours::Counts,
    blocks: behaviours::Blocks,
    /// Round highlights posts in the channel, by round label.
    highlights: BTreeMap<String, usize>,
}

/// One community launched on `launch.date`, paired for `months` rounds.
#[cfg(test)]
pub async fn simulate_community(
    launch: Launch,
    months: u32,
    seed: u64,
    print: bool,
) -> Result<Outcome, String> {
    Community::new(launch.at(), seed)
        .run(launch, months, print)
        .await
}

impl Community {
    async fn run(mut self, launch: Launch, months: u32, print: bool) -> Result<Outcome, String> {
        let c = &mut self;
        let first = launch.first_round(&c.cfg);
        let last = (1..months).fold(first, |r, _| r.next());
        let end = calendar::round_start(&c.cfg, last) + Duration::days(4);
        for _ in 0..launch.members {
            c.sign_up(Origin::Channel(c.cfg.channel.clone()), "hi")
                .await?;
        }
        if launch.moderator_runs {
            c.moderator_runs().await?;
        }
        let mut hour = 0u64;
        while c.clock.now_utc() < end {
            hour += 1;
            c.clock.advance(Duration::hours(1));
            c.bot.tick().await.map_err(err)?;
            c.deliver_bus().await?;
            c.read_and_answer_dms().await?;
            if hour % 24 == 12 {
                c.life_happens().await?;
            }
            // What the clicks and messages handed to the bus is delivered
            // within seconds, as EventBridge does, not at the next tick.
            c.deliver_bus().await?;
        }
        if print {
            println!(
                "community launch={} signups={} moderator_run={}",
                launch.date,
                launch.members,
                if launch.moderator_runs { "yes" } else { "no" }
            );
        }
        c.tally(first, last, print).await
    }
}

impl Community {
    fn new(start: DateTime<Utc>, seed: u64) -> Self {
        let mut cfg = ProgrammeConfig::example();
        cfg.round_highlights = true;
        let clock = Arc::new(FixedClock::at(start));
        let slack = Arc::new(RecordingMessenger::new());
        let (deps, store, bus) = Deps::in_memory(slack.clone(), clock.clone());
        let bot = Bot::new(deps, cfg.clone());
        Self {
            cfg,
            rng: Rng(seed),
            clock,
            slack,
            store,
            bus,
            bot,
            all: Vec::new(),
            next_id: 0,
            clicks: 0,
            pairing_dms: BTreeMap::new(),
            asked: HashSet::new(),
            not_confirmed: Vec::new(),
            inbox: inbox::Inbox::default(),
            clicks_carry_message: true,
            posted: 0,
            rating_asked: 0,
            acts: behaviours::Counts::default(),
            blocks: behaviours::Blocks::default(),
            highlights: BTreeMap::new(),
        }
    }

    /// Someone signs up the real way: a message, then the profile form.
    async fn sign_up(&mut self, origin: Origin, text: &str) -> Result<(), String> {
        self.next_id += 1;
        let id = UserId(format!("U{:06}", self.next_id));
        let form = profile_values(&self.cfg, &mut self.rng);
        self.bot.on_message(&id, origin, text).await.map_err(err)?;
        let r = self
            .bot
            .save_profile(&id, &form, &format!("signup-{id}"))
            .await
            .map_err(err)?;
        if let ProfileOutcome::Rejected(e) = r {
            return Err(format!("profile rejected: {e:?}"));
        }
        self.all.push(id);
        self.deliver_bus().await
    }

    /// A moderator runs the live round now, as in the launch story: `run`
    /// asks first, and the moderator clicks "Yes, pair …".
    async fn moderator_runs(&mut self) -> Result<(), String> {
        let moderator = self.cfg.moderators.first().cloned().ok_or("no moderator")?;
        let reply = self
            .bot
            .slash_command(&moderator, "run", None)
            .await
            .map_err(err)?;
        let confirm = reply
            .message
            .actions()
            .into_iter()
            .find(|a| matches!(a, Action::Moderator(ModeratorAction::ConfirmRun { .. })))
            .ok_or("run did not ask to confirm")?;
        self.click(&moderator, confirm).await?;
        self.deliver_bus().await
    }

    /// The bus delivers hand-off work back to the scheduler, as the rule does.
    async fn deliver_bus(&self) -> Result<(), String> {
        loop {
            let events = self.bus.drain();
            if events.is_empty() {
                return Ok(());
            }
            for e in events {
                self.bot.on_bus_event(&e).await.map_err(err)?;
            }
        }
    }

    /// Members read their DMs and answer. A message answered in place is
    /// read again (it may now say who the new partner is), not re-answered.
    async fn read_and_answer_dms(&mut self) -> Result<(), String> {
        let month = calendar::current_round(&self.cfg, self.clock.now_utc());
        for call in self.slack.take() {
            self.inbox.note(&call, month);
            let (SlackCall::Post(ch, msg) | SlackCall::Update(ch, _, msg)) = &call else {
                continue;
            };
            if matches!(call, SlackCall::Post(..)) {
                self.note_channel_post(ch, msg);
            }
            if ch.0.starts_with('G') && matches!(call, SlackCall::Post(..)) {
                self.posted += 1;
                self.answer_group(ch, msg).await?;
            }
            let Some(user) = ch.0.strip_prefix('D').map(|u| UserId(u.to_string())) else {
                continue;
            };
            self.note_dm(&user, msg);
            if !matches!(call, SlackCall::Post(..)) {
                continue;
            }
            self.posted += 1;
            if let Some(action) = self.answer(msg) {
                let on = self.clicked(ch, msg, &action);
                self.click_on(&user, action, on).await?;
            }
            if let Some(rating) = self.rate(msg) {
                let on = self.clicked(ch, msg, &rating);
                self.click_on(&user, rating.clone(), on).await?;
                self.maybe_leave_a_note(&user, &rating).await?;
            }
        }
        Ok(())
    }

    /// The clicked message as Slack's payload describes it.
    fn clicked(&self, ch: &ChannelId, msg: &Message, action: &Action) -> Option<ClickedMessage> {
        let (action_id, value) = action.encode();
        let button = msg
            .blocks
            .iter()
            .flat_map(|b| match b {
                Block::Buttons(bs) => bs.as_slice(),
                _ => &[],
            })
            .find(|b| b.action_id == action_id && b.value == value)?;
        self.clicks_carry_message.then(|| ClickedMessage {
            channel: ch.clone(),
            ts: format!("{}.000100", self.posted),
            blocks: msg.blocks.clone(),
            choice: button.text.clone(),
            action_id: button.action_id.clone(),
        })
    }

    fn note_dm(&mut self, user: &UserId, msg: &Message) {
        if let Some(rest) = msg.text.strip_prefix("Your partner for ") {
            let label = rest.split(" is ").next().unwrap_or_default().to_string();
            *self
                .pairing_dms
                .entry((label, user.clone()))
                .or_default()
                .entry(msg.text.clone())
                .or_default() += 1;
        }
        for a in msg.actions() {
            if let Action::Reconfirm { round, .. } = a {
                self.asked.insert((user.clone(), round));
            }
        }
        let not_paired = msg.text.strip_prefix("You're not paired for ");
        if let Some(label) = not_paired.filter(|_| msg.readable().contains("didn't confirm")) {
            self.not_confirmed.push((label.to_string(), user.clone()));
        }
    }

    /// What a member clicks in a DM, if anything.
    fn answer(&mut self, msg: &Message) -> Option<Action> {
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
        if let Some(round) = reminder {
            let answer = match self.rng.below(100) {
                0..=79 => Some(ReconfirmAnswer::Yes),
                80..=89 => Some(ReconfirmAnswer::Skip),
                90..=92 => Some(ReconfirmAnswer::OptOut),
                _ => None, // ignores the reminder
            };
            answer.map(|answer| Action::Reconfirm { answer, round })
        } else if let Some((round, group, day)) = checkin {
            let answer = *self.rng.pick(&[
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
            self.pair_me_now(&actions)
        }
    }

    async fn click(&mut self, user: &UserId, action: Action) -> Result<(), String> {
        self.click_on(user, action, None).await
    }

    async fn click_on(
        &mut self,
        user: &UserId,
        action: Action,
        message: Option<ClickedMessage>,
    ) -> Result<(), String> {
        self.clicks += 1;
        let a = Click {
            user: user.clone(),
            action,
            trigger_id: None,
            dedupe_key: format!("click-{}", self.clicks),
            response_url: None,
            message,
        };
        self.bot.on_action(&a).await.map_err(err)?;
        // Now and then Slack delivers a click twice.
        if self.rng.chance(5) {
            self.bot.on_action(&a).await.map_err(err)?;
        }
        Ok(())
    }

    fn someone(&mut self) -> Option<UserId> {
        (!self.all.is_empty()).then(|| self.all[self.rng.below(self.all.len())].clone())
    }

    /// Once a day: members pause, resume, leave, rejoin; late joiners sign up.
    async fn life_happens(&mut self) -> Result<(), String> {
        let channel = self.cfg.channel.clone();
        if self.rng.chance(30)
            && let Some(who) = self.someone()
        {
            let text = *self
                .rng
                .pick(&["pause", "resume", "opt out", "opt in", "status"]);
            let dm = Origin::Dm;
            self.bot.on_message(&who, dm, text).await.map_err(err)?;
        }
        if self.rng.chance(10)
            && let Some(who) = self.someone()
        {
            self.bot.on_member_left(&who, &channel).await.map_err(err)?;
        }
        if self.rng.chance(10)
            && let Some(who) = self.someone()
        {
            self.bot
                .on_member_joined(&who, &channel)
                .await
                .map_err(err)?;
        }
        if self.rng.chance(20) {
            // A late joiner signs up mid-month.
            self.sign_up(Origin::Dm, "hello").await?;
        }
        self.more_life().await
    }
}

pub async fn run(members: usize, months: u32, seed: u64) -> Result<(), String> {
    let o = simulate(members, months, seed, true).await?;
    println!(
        "messages per member per month={:.1} (new bot messages in a full paired month) answered_in_place={:.1}",
        o.messages_per_member_month(),
        o.updates_per_member_month()
    );
    println!(
        "feedback: pairs={}{} (full rounds; {} of {} asked rated)",
        o.feedback.pairs,
        feedback::fields(&o.feedback),
        o.feedback.ratings,
        o.rating_asked
    );
    println!("behaviours: {}", o.acts);
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
mod tests;
