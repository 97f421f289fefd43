//! Every text a member or moderator reads, in one place. Warm, short, and
//! always saying what happens next.

use chrono::{DateTime, Utc};

use crate::action::{Action, ReconfirmAnswer};
use crate::calendar;
use crate::commands::Command;
use crate::config::ProgrammeConfig;
use crate::ids::{RoundId, UserId};
use crate::model::{Confirmation, Member, MemberStatus, Profile};
use crate::surface::{Block, Button, Home, Message};

pub mod agenda;
pub mod history;
pub mod moderator;
pub mod momentum;
pub mod never_pair;
pub mod pair_now;
pub mod privacy;
pub mod rounds;
pub mod snooze;

/// Resources as a link button.
pub(crate) fn resources_button(cfg: &ProgrammeConfig) -> Button {
    Button::new(Action::Resources, "Resources").link(&cfg.resources_url)
}

/// A moment in each reader's own time zone: Slack renders
/// `<!date^…>` in the reader's locale and zone; clients that can't show the
/// fallback, the community's time ("Tuesday 1 December 2026, 09:00 (UTC)").
/// Every date or time in a message goes through here.
pub fn when(cfg: &ProgrammeConfig, t: DateTime<Utc>) -> String {
    format!(
        "<!date^{}^{{date_long_pretty}} at {{time}}|{}>",
        t.timestamp(),
        calendar::describe(cfg, t)
    )
}

/// When `round` pairs, in the reader's time.
pub fn round_start_text(cfg: &ProgrammeConfig, round: RoundId) -> String {
    when(cfg, calendar::round_start(cfg, round))
}

pub(crate) fn next_round_line(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> String {
    let next = calendar::next_round(cfg, now);
    format!("The next round starts *{}*.", round_start_text(cfg, next))
}

const COMMANDS: &str = "• `status`: where you stand and who your partner is\n\
• `profile`: see and edit your answers\n\
• `skip`: skip the next round only\n\
• `pause` / `resume`: no pairing at all until you say `resume`\n\
• `my partner isn't responding` (and `we're talking now` to take it back)\n\
• `block @name` / `unblock @name`: never be paired with someone (private: they're never told)\n\
• `opt out` / `opt in`: leave the programme, or come back\n\
• `my data`: everything I store about you, in a DM\n\
• `delete my data`: remove your profile for good\n\
• `help`: this list";

pub fn help(cfg: &ProgrammeConfig, is_moderator: bool) -> Message {
    let mut blocks = vec![Block::Section(format!(
        "*How peer mentoring works*\nEvery month I pair everyone who is in with a new partner from \
         #{channel}: someone whose strengths match what you want to grow in, and the other way \
         round. There are no fixed mentor or mentee roles: you both learn. A week before each \
         round I ask whether you want to stay in.",
        channel = cfg.channel_name
    ))];
    blocks.push(Block::Section(format!(
        "*Things you can say to me* (here or by mentioning me):\n{COMMANDS}"
    )));
    if is_moderator {
        blocks.push(Block::Context(
            "You're a moderator: `/mentoring help` lists the moderator commands.".into(),
        ));
    }
    blocks.push(Block::Buttons(vec![
        Button::new(Action::OpenProfile, "Edit my profile"),
        resources_button(cfg),
    ]));
    Message {
        text: "Here's what I can do.".into(),
        blocks,
    }
}

pub fn unknown_command(cfg: &ProgrammeConfig) -> Message {
    let mut m = help(cfg, false);
    m.text = "Sorry, I didn't catch that. Here's what I understand.".into();
    m.blocks.insert(0, Block::Section(m.text.clone()));
    m
}

pub fn welcome(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    Message {
        text: "Welcome to peer mentoring! Set up your profile to be paired.".into(),
        blocks: vec![
            Block::Header("Welcome to peer mentoring 👋".into()),
            Block::Section(format!(
                "Every month I pair members of #{} with a new partner with complementary skills \
                 and experience. There are no fixed mentor or mentee roles: each of you brings \
                 something and takes something away.",
                cfg.channel_name
            )),
            Block::Section(format!(
                "To join, answer a few questions (two minutes). {}",
                next_round_line(cfg, now)
            )),
            Block::Buttons(vec![
                Button::new(Action::OpenProfile, "Set up my profile").primary(),
                resources_button(cfg),
            ]),
            Block::Context("Say `help` any time to see what I can do.".into()),
        ],
    }
}

pub fn profile_summary(p: &Profile) -> String {
    format!(
        "• Time zone: {}\n• Topics: {}\n• Can offer: {}\n• Wants to grow in: {}\n• Experience: {}\n• Meets by: {}, {}",
        p.timezone,
        p.interests.join(", "),
        p.offers.join(", "),
        p.wants.join(", "),
        p.experience.label(),
        p.mode.label(),
        p.frequency.label(),
    )
}

pub fn profile_saved(
    cfg: &ProgrammeConfig,
    profile: &Profile,
    first_time: bool,
    now: DateTime<Utc>,
) -> Message {
    let headline = if first_time {
        "You're in! 🎉 Your profile is saved and you're confirmed for the next round."
    } else {
        "Your profile is updated."
    };
    Message {
        text: headline.into(),
        blocks: vec![
            Block::Section(headline.into()),
            Block::Section(profile_summary(profile)),
            Block::Section(next_round_line(cfg, now)),
            Block::Buttons(vec![Button::new(Action::OpenProfile, "Edit profile")]),
        ],
    }
}

/// A member's situation, for `status` and the App Home.
pub struct StatusView<'a> {
    pub member: &'a Member,
    pub partners: Vec<UserId>,
    pub current_round: RoundId,
    pub next_round: RoundId,
    /// The member's current answer to "stay in?" for `next_round`.
    pub answer_next: Option<Confirmation>,
    /// The live round, when the member is waiting in it without a partner
    /// after it was paired ("Find me a partner now" is offered).
    pub pair_now: Option<RoundId>,
}

fn status_lines(cfg: &ProgrammeConfig, s: &StatusView<'_>) -> String {
    let mut lines = vec![format!("*Status:* {}", s.member.status.label())];
    if s.partners.is_empty() {
        lines.push(format!(
            "*Partner for {}:* none this round",
            s.current_round.label()
        ));
    } else {
        let names: Vec<String> = s.partners.iter().map(UserId::mention).collect();
        lines.push(format!(
            "*Partner for {}:* {}",
            s.current_round.label(),
            names.join(" and ")
        ));
    }
    if let Some(until) = s.member.paused_until {
        lines.push(snooze::status_line(until));
    }
    let start = round_start_text(cfg, s.next_round);
    let confirmed = match s.member.status {
        MemberStatus::Active => match s.answer_next {
            Some(Confirmation::Yes) => "your answer: *yes, pair me* ✅",
            Some(Confirmation::Skip) => "your answer: *skip this one* ⏭️",
            None => "you haven't answered yet: I'll ask you a week before",
        },
        MemberStatus::Paused => "you're paused: say `resume` to take part",
        MemberStatus::OptedOut => "you've opted out: say `opt in` to come back",
        MemberStatus::Onboarding => "set up your profile to take part",
        MemberStatus::Left => "rejoin the channel to take part",
        MemberStatus::Unreachable => "I couldn't reach you last time",
    };
    lines.push(format!("*Next round:* {start}; {confirmed}"));
    lines.join("\n")
}

/// Buttons to change the answer for the next round (the one not chosen),
/// for active members; the answer can change until the round is paired.
fn answer_buttons(s: &StatusView<'_>) -> Vec<Button> {
    if s.member.status != MemberStatus::Active {
        return Vec::new();
    }
    let mut out = Vec::new();
    if s.answer_next != Some(Confirmation::Yes) {
        out.push(
            Button::new(
                Action::Reconfirm {
                    answer: ReconfirmAnswer::Yes,
                    round: s.next_round,
                },
                "Yes, pair me",
            )
            .primary(),
        );
    }
    if s.answer_next != Some(Confirmation::Skip) {
        out.push(Button::new(
            Action::Reconfirm {
                answer: ReconfirmAnswer::Skip,
                round: s.next_round,
            },
            "Skip next round",
        ));
    }
    out
}

pub fn status(cfg: &ProgrammeConfig, s: &StatusView<'_>) -> Message {
    let mut buttons: Vec<Button> = s.pair_now.map(pair_now::button).into_iter().collect();
    buttons.extend(answer_buttons(s));
    buttons.push(Button::new(Action::OpenProfile, "Edit profile"));
    buttons.extend(status_buttons(s.member.status));
    Message {
        text: format!("Your mentoring status: {}", s.member.status.label()),
        blocks: vec![
            Block::Section(status_lines(cfg, s)),
            Block::Buttons(buttons),
        ],
    }
}

fn status_buttons(status: MemberStatus) -> Vec<Button> {
    match status {
        MemberStatus::Active => vec![
            Button::new(Action::Pause, "Pause"),
            Button::new(Action::OptOut, "Opt out").danger(),
        ],
        MemberStatus::Paused => vec![
            Button::new(Action::Resume, "Resume").primary(),
            Button::new(Action::OptOut, "Opt out").danger(),
        ],
        MemberStatus::OptedOut | MemberStatus::Unreachable => {
            vec![Button::new(Action::OptIn, "Opt in").primary()]
        }
        MemberStatus::Onboarding | MemberStatus::Left => vec![],
    }
}

pub fn not_signed_up(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    let mut m = welcome(cfg, now);
    m.text = "You haven't set up your mentoring profile yet.".into();
    m.blocks[0] = Block::Section(m.text.clone());
    m
}

/// The ephemeral answer to a signed-up member's mention in a channel: says
/// what was actually sent by DM.
pub fn answered_in_dm(command: &Command) -> Message {
    Message::plain(match command {
        Command::Hello | Command::Status => {
            "You're already signed up. I've sent you your status by DM. 👍"
        }
        Command::Help => "I've sent you the list of things I can do by DM. 👍",
        Command::Unknown => {
            "I didn't catch that, so I've sent you the list of things I understand by DM."
        }
        Command::Profile => "I've sent you your profile by DM, with a button to edit it.",
        Command::OptOut => "I've sent you a DM to confirm that you want to opt out.",
        Command::DeleteMyData => "I've sent you a DM to confirm deleting your data.",
        Command::MyData => "I've sent you what I store about you by DM.",
        Command::Block(_) | Command::Unblock(_) => never_pair::answered_in_dm(),
        Command::Pause
        | Command::PauseUntil(_)
        | Command::Resume
        | Command::OptIn
        | Command::Skip
        | Command::PartnerUnresponsive
        | Command::PartnerResponding => "Done: I've sent you the details by DM. 👍",
    })
}

/// `profile`: the answers, with a button to edit them.
pub fn profile_view(p: &Profile) -> Message {
    Message {
        text: "Your mentoring profile".into(),
        blocks: vec![
            Block::Section(format!("*Your profile*\n{}", profile_summary(p))),
            Block::Buttons(vec![
                Button::new(Action::OpenProfile, "Edit profile").primary(),
            ]),
        ],
    }
}

/// `opt out` typed: one click to confirm.
pub fn opt_out_confirm_request() -> Message {
    Message {
        text: "Opt out of peer mentoring?".into(),
        blocks: vec![
            Block::Section(
                "*Opt out of peer mentoring?* You won't be paired again, and a current partner \
                 is told you've left. Your profile is kept so you can come back with `opt in`. \
                 Just want a break? `skip` skips one round, `pause` pauses until `resume`."
                    .into(),
            ),
            Block::Buttons(vec![
                Button::new(Action::OptOut, "Yes, opt me out").danger(),
                Button::new(Action::KeepMeIn, "Stay in"),
            ]),
        ],
    }
}

pub fn kept_in() -> Message {
    Message::plain("OK, you're still in. Nothing changed. 🙂")
}

/// At reconfirmation time, to a paused member: no silence, one click back.
pub fn still_paused(cfg: &ProgrammeConfig, round: RoundId) -> Message {
    Message {
        text: format!("You're still paused: resume for {}?", round.label()),
        blocks: vec![
            Block::Section(format!(
                "You're still paused ⏸️, so I won't pair you for {} (pairing on {}). Want a \
                 partner again? Resume and you're in.",
                round.label(),
                round_start_text(cfg, round)
            )),
            Block::Buttons(vec![Button::new(Action::Resume, "Resume").primary()]),
        ],
    }
}

pub fn paused(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    Message {
        text: "Paused. I won't pair you until you say `resume`.".into(),
        blocks: vec![
            Block::Section(format!(
                "Paused ⏸️ I won't pair you in any round until you say `resume` (to skip just \
                 one round, say `skip`). Your current partner (if any) stays your partner this \
                 month. {}",
                next_round_line(cfg, now)
            )),
            Block::Buttons(vec![Button::new(Action::Resume, "Resume").primary()]),
        ],
    }
}

pub fn resumed(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    Message::plain(format!(
        "Welcome back! ▶️ You'll be paired again from the next round, and you're confirmed for it. {}",
        next_round_line(cfg, now)
    ))
}

pub fn opted_out(had_partner: bool) -> Message {
    let partner = if had_partner {
        " Please let your current partner know, so they aren't left waiting; the moderators can find them someone else."
    } else {
        ""
    };
    Message {
        text: "You've opted out of peer mentoring.".into(),
        blocks: vec![
            Block::Section(format!(
                "You've opted out, and won't be paired again.{partner} Your profile is kept so you \
                 can come back with one click; say `delete my data` to remove it."
            )),
            Block::Buttons(vec![Button::new(Action::OptIn, "Opt back in")]),
        ],
    }
}

pub fn opted_in(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    Message::plain(format!(
        "Welcome back! You're in again and confirmed for the next round. {}",
        next_round_line(cfg, now)
    ))
}

pub fn no_change(what: &str) -> Message {
    Message::plain(format!("You're already {what}. Nothing changed."))
}

pub fn delete_confirm_request() -> Message {
    Message {
        text: "Delete your mentoring data?".into(),
        blocks: vec![
            Block::Section(
                "*Delete your mentoring data?* This removes your profile and answers for good, \
                 takes you out of all future rounds, and anonymises your past pairings. It can't \
                 be undone."
                    .into(),
            ),
            Block::Buttons(vec![
                Button::new(Action::DeleteConfirm, "Yes, delete my data").danger(),
                Button::new(Action::DeleteCancel, "Keep my data"),
            ]),
        ],
    }
}

pub fn deleted() -> Message {
    Message::plain(
        "Done: your profile and answers are deleted and your past pairings anonymised. \
         Thanks for taking part! Mention me any time to start again.",
    )
}

pub fn delete_cancelled() -> Message {
    Message::plain("OK, nothing was deleted.")
}

pub fn nothing_to_delete() -> Message {
    Message::plain("I don't hold any data about you. Nothing to delete.")
}

pub fn channel_invite(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    Message {
        text: format!(
            "Welcome to #{}! Want a mentoring partner?",
            cfg.channel_name
        ),
        blocks: vec![
            Block::Section(format!(
                "Welcome to #{}! 👋 Every month I pair members with a peer partner with \
                 complementary skills. {}",
                cfg.channel_name,
                next_round_line(cfg, now)
            )),
            Block::Buttons(vec![
                Button::new(Action::OpenProfile, "Sign me up").primary(),
                resources_button(cfg),
            ]),
        ],
    }
}

/// A link to the programme channel that opens it in Slack.
fn channel_link(cfg: &ProgrammeConfig) -> String {
    format!("<#{}|{}>", cfg.channel, cfg.channel_name)
}

/// The one DM a member gets on leaving the channel: their current pairing
/// (if any) carries on; only future rounds are affected.
pub fn left_channel(cfg: &ProgrammeConfig, partners: &[UserId]) -> Message {
    let current = if partners.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = partners.iter().map(UserId::mention).collect();
        format!(
            " Your current pairing with {} carries on as before: nobody has been told anything.",
            names.join(" and ")
        )
    };
    Message::plain(format!(
        "You've left #{}, so I won't pair you in future rounds.{current} To take part again, \
         rejoin {}.",
        cfg.channel_name,
        channel_link(cfg)
    ))
}

/// Someone outside the programme channel tried to sign up.
pub fn join_channel_first(cfg: &ProgrammeConfig) -> Message {
    Message {
        text: format!(
            "Join #{} first to take part in peer mentoring.",
            cfg.channel_name
        ),
        blocks: vec![
            Block::Section(format!(
                "Hi! 👋 Peer mentoring is for members of {}. Join the channel first, then say \
                 `hi` to me again and I'll sign you up.",
                channel_link(cfg)
            )),
            Block::Buttons(vec![
                Button::new(Action::Resources, "Open the channel").link(&format!(
                    "https://slack.com/app_redirect?channel={}",
                    cfg.channel
                )),
            ]),
        ],
    }
}

/// `opt in` from someone who left the channel.
pub fn rejoin_channel_first(cfg: &ProgrammeConfig) -> Message {
    Message::plain(format!(
        "You left #{}, so to take part again please rejoin {}: I'll welcome you back and you'll \
         be in the next round.",
        cfg.channel_name,
        channel_link(cfg)
    ))
}

pub fn rejoined(cfg: &ProgrammeConfig, now: DateTime<Utc>, profile_is_old: bool) -> Message {
    let check = if profile_is_old {
        " Your profile is a few months old: have a quick look that it's still right."
    } else {
        ""
    };
    Message {
        text: "Welcome back to the programme!".into(),
        blocks: vec![
            Block::Section(format!(
                "Welcome back to #{}! You're in again and confirmed for the next round.{check} {}",
                cfg.channel_name,
                next_round_line(cfg, now)
            )),
            Block::Buttons(vec![Button::new(Action::OpenProfile, "Review profile")]),
        ],
    }
}

pub fn home(
    cfg: &ProgrammeConfig,
    s: Option<&StatusView<'_>>,
    moderator: Option<Vec<Block>>,
) -> Home {
    let mut blocks = vec![Block::Header("Peer mentoring".into())];
    match s {
        None => {
            blocks.push(Block::Section(format!(
                "Every month I pair members of #{} with a new partner with complementary skills. \
                 No fixed roles: you both learn.",
                cfg.channel_name
            )));
            blocks.push(Block::Buttons(vec![
                Button::new(Action::OpenProfile, "Set up my profile").primary(),
                resources_button(cfg),
            ]));
        }
        Some(s) => {
            blocks.push(Block::Section(status_lines(cfg, s)));
            if let Some(p) = &s.member.profile {
                blocks.push(Block::Section(format!(
                    "*Your profile*\n{}",
                    profile_summary(p)
                )));
            }
            let mut buttons: Vec<Button> = s.pair_now.map(pair_now::button).into_iter().collect();
            buttons.extend(answer_buttons(s));
            buttons.push(Button::new(Action::OpenProfile, "Edit profile"));
            buttons.extend(status_buttons(s.member.status));
            buttons.push(Button::new(Action::MyData, "My data"));
            buttons.push(resources_button(cfg));
            blocks.push(Block::Buttons(buttons));
            if matches!(s.member.status, MemberStatus::Active | MemberStatus::Paused) {
                blocks.extend(snooze::picker(s.member.paused_until));
            }
            blocks.push(Block::Context(
                "Say `help` in a DM to see everything I can do.".into(),
            ));
        }
    }
    if let Some(m) = moderator {
        blocks.push(Block::Divider);
        blocks.extend(m);
    }
    Home { blocks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
    }

    #[test]
    fn the_welcome_says_when_the_next_round_is_and_offers_the_form() {
        let m = welcome(&ProgrammeConfig::example(), now());
        let text = m.readable();
        assert!(
            text.contains("Tuesday 1 December 2026, 09:00 (UTC)"),
            "{text}"
        );
        assert!(text.contains("no fixed mentor or mentee roles"));
        assert_eq!(m.actions(), vec![Action::OpenProfile, Action::Resources]);
    }

    #[test]
    fn dates_are_shown_in_each_readers_time_with_a_plain_fallback() {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        assert_eq!(
            when(&ProgrammeConfig::example(), t),
            "<!date^1796115600^{date_long_pretty} at {time}|Tuesday 1 December 2026, 09:00 (UTC)>"
        );
        let text = welcome(&ProgrammeConfig::example(), now()).readable();
        assert!(text.contains("<!date^1796115600^"), "{text}");
    }

    #[test]
    fn leaving_the_channel_says_the_current_pairing_carries_on() {
        let cfg = ProgrammeConfig::example();
        let t = left_channel(&cfg, &[UserId::new("U0BEA")]).readable();
        assert!(t.contains("won't pair you in future rounds"), "{t}");
        assert!(
            t.contains("current pairing with <@U0BEA> carries on"),
            "{t}"
        );
        assert!(t.contains("<#C0PROGRAM|peer-mentorship>"), "{t}");
        assert!(
            !left_channel(&cfg, &[])
                .readable()
                .contains("current pairing")
        );
    }

    #[test]
    fn someone_outside_the_channel_is_pointed_to_it() {
        let cfg = ProgrammeConfig::example();
        let m = join_channel_first(&cfg);
        assert!(m.readable().contains("Join the channel first"));
        assert!(m.readable().contains("<#C0PROGRAM|peer-mentorship>"));
        assert!(
            rejoin_channel_first(&cfg)
                .readable()
                .contains("rejoin <#C0PROGRAM")
        );
    }

    #[test]
    fn a_channel_mention_says_what_was_sent_by_dm() {
        assert!(
            answered_in_dm(&Command::Unknown)
                .readable()
                .contains("didn't catch that")
        );
        assert!(
            answered_in_dm(&Command::OptOut)
                .readable()
                .contains("confirm")
        );
        assert!(
            answered_in_dm(&Command::Status)
                .readable()
                .contains("status")
        );
    }

    #[test]
    fn typed_opt_out_asks_for_one_click_and_pause_says_until_resume() {
        let m = opt_out_confirm_request();
        assert_eq!(m.actions(), vec![Action::OptOut, Action::KeepMeIn]);
        let cfg = ProgrammeConfig::example();
        assert!(
            paused(&cfg, now())
                .readable()
                .contains("until you say `resume`")
        );
        let p = still_paused(&cfg, "2026-12".parse().unwrap());
        assert!(p.readable().contains("still paused"));
        assert_eq!(p.actions(), vec![Action::Resume]);
        assert!(kept_in().readable().contains("still in"));
    }

    #[test]
    fn opting_out_with_a_partner_asks_to_tell_them() {
        assert!(
            opted_out(true)
                .readable()
                .contains("let your current partner know")
        );
        assert!(!opted_out(false).readable().contains("partner know"));
    }

    #[test]
    fn help_lists_every_command() {
        let t = help(&ProgrammeConfig::example(), false).readable();
        for c in [
            "status",
            "profile",
            "pause",
            "resume",
            "opt out",
            "opt in",
            "delete my data",
            "skip",
            "my partner isn't responding",
        ] {
            assert!(t.contains(&format!("`{c}`")), "missing {c}");
        }
    }
}
