//! Texts for "pause until a date": the confirmation, the friendly refusals,
//! the welcome back, and the App Home date picker.

use chrono::NaiveDate;

use super::round_start_text;
use crate::action::Action;
use crate::config::ProgrammeConfig;
use crate::ids::RoundId;
use crate::snooze::{MAX_MONTHS, SnoozeProblem};
use crate::surface::{Block, Button, Message};

const EXAMPLES: &str = "`pause until 2027-03-01`, `pause until March` or `pause for 2 months`";

/// "Monday 1 March 2027".
pub fn day(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}

/// The confirmation of `pause until …`.
pub fn paused_until(cfg: &ProgrammeConfig, until: NaiveDate, back: RoundId) -> Message {
    let text = format!("Paused until {}. ⏸️", day(until));
    Message {
        blocks: vec![
            Block::Section(format!(
                "Paused until *{}* ⏸️ I won't pair you before then. That day I'll bring you back \
                 automatically, and you'll be in the next round after that: *{}* (pairing {}). \
                 Your current partner (if any) stays your partner this month.",
                day(until),
                back.label(),
                round_start_text(cfg, back)
            )),
            Block::Buttons(vec![Button::new(Action::Resume, "Resume now")]),
            Block::Context(
                "Changed your mind? Say `resume`, or pick another date in my App Home.".into(),
            ),
        ],
        text,
    }
}

/// "Stay in?" time for a member paused until `until`: either they are back
/// in time for `round` (and in automatically) or they sit it out.
pub fn still_snoozed(
    cfg: &ProgrammeConfig,
    until: NaiveDate,
    round: RoundId,
    back_for_it: bool,
) -> Message {
    if back_for_it {
        return Message::plain(format!(
            "Your pause ends on *{}*, so you'll be back in time for *{}* (pairing {}) and              you're in automatically. Want a longer break? Say `skip` or `pause until …`.",
            day(until),
            round.label(),
            round_start_text(cfg, round)
        ));
    }
    Message {
        text: format!("You're paused until {}.", day(until)),
        blocks: vec![
            Block::Section(format!(
                "You're paused until *{}* ⏸️, so I won't pair you for *{}* (pairing {}). Back                  sooner? Resume and you're in.",
                day(until),
                round.label(),
                round_start_text(cfg, round)
            )),
            Block::Buttons(vec![Button::new(Action::Resume, "Resume").primary()]),
        ],
    }
}

/// A snooze that can't be taken as asked.
pub fn problem(p: SnoozeProblem) -> Message {
    Message::plain(match p {
        SnoozeProblem::Past(d) => format!(
            "{} isn't in the future, so there's nothing to pause until. Try a later date, \
             like {EXAMPLES}.",
            day(d)
        ),
        SnoozeProblem::TooFar(d) => format!(
            "{} is more than {MAX_MONTHS} months away. For a break that long, `opt out` suits \
             better: your profile stays, and `opt in` brings you back any time. Or pick a nearer \
             date, like {EXAMPLES}.",
            day(d)
        ),
        SnoozeProblem::Unreadable => format!(
            "I couldn't read that date. Try {EXAMPLES}. (`pause` on its own pauses until you say \
             `resume`.)"
        ),
    })
}

/// The date picker was cleared: nothing changes.
pub fn no_date_picked() -> Message {
    Message::plain(format!(
        "No date picked, so nothing changed. Pick a day in my App Home, or say {EXAMPLES}."
    ))
}

/// The automatic resume at the end of a snooze.
pub fn ended(cfg: &ProgrammeConfig, round: RoundId) -> Message {
    Message::plain(format!(
        "Welcome back! ▶️ Your pause ended today, so you're in again and confirmed for *{}* \
         (pairing {}). Say `skip` if this round doesn't suit after all, or `pause until …` for a \
         longer break.",
        round.label(),
        round_start_text(cfg, round)
    ))
}

/// What `my data` shows of the choices this module stores on the member.
pub fn my_data_lines(member: &crate::model::Member) -> String {
    let mut out = String::new();
    if let Some(until) = member.paused_until {
        out.push_str(&format!("\n• Paused until: {}", day(until)));
    }
    out.push_str(&format!(
        "\n• Open to a third person joining your pair: {}",
        if member.open_to_third { "yes" } else { "no" }
    ));
    out
}

/// The status line of a snoozed member.
pub fn status_line(until: NaiveDate) -> String {
    format!(
        "Paused until *{}*: I'll bring you back automatically that day.",
        day(until)
    )
}

/// The App Home's "pause until" picker, for active and paused members.
pub fn picker(until: Option<NaiveDate>) -> Vec<Block> {
    vec![
        Block::Context(match until {
            Some(d) => format!("Paused until {}. Pick another day to change it:", day(d)),
            None => "Taking a break? Pick the day you'd like to be back:".into(),
        }),
        Block::DatePicker {
            action_id: Action::PauseUntil { date: None }.encode().0.to_string(),
            placeholder: "Pause until…".into(),
            initial: until,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_confirmation_names_the_day_and_the_round_they_come_back_for() {
        let cfg = ProgrammeConfig::example();
        let m = paused_until(&cfg, d("2027-03-01"), RoundId::new(2027, 3).unwrap());
        let text = m.readable();
        assert!(
            text.contains("Paused until *Monday 1 March 2027*"),
            "{text}"
        );
        assert!(text.contains("*March 2027*"), "{text}");
        assert_eq!(m.actions(), vec![Action::Resume]);
    }

    #[test]
    fn my_data_shows_the_pause_date_and_the_trio_choice() {
        let now = "2026-12-01T09:00:00Z".parse().unwrap();
        let mut m = crate::model::Member::new_onboarding(crate::ids::UserId::new("U0ANA"), now);
        assert!(my_data_lines(&m).contains("Open to a third person joining your pair: yes"));
        m.paused_until = Some(d("2027-03-01"));
        m.open_to_third = false;
        let lines = my_data_lines(&m);
        assert!(
            lines.contains("Paused until: Monday 1 March 2027"),
            "{lines}"
        );
        assert!(lines.contains("joining your pair: no"), "{lines}");
    }

    #[test]
    fn refusals_say_why_and_how_to_say_it() {
        let past = problem(SnoozeProblem::Past(d("2027-01-01"))).readable();
        assert!(
            past.contains("Friday 1 January 2027 isn't in the future"),
            "{past}"
        );
        assert!(past.contains("pause for 2 months"), "{past}");
        let far = problem(SnoozeProblem::TooFar(d("2029-01-01"))).readable();
        assert!(
            far.contains("more than 12 months") && far.contains("`opt out`"),
            "{far}"
        );
        let bad = problem(SnoozeProblem::Unreadable).readable();
        assert!(bad.contains("couldn't read that date"), "{bad}");
    }

    #[test]
    fn the_picker_shows_the_current_date_and_acts_as_pause_until() {
        let blocks = picker(Some(d("2027-03-01")));
        let home = crate::surface::Home { blocks };
        assert!(home.readable().contains("Paused until Monday 1 March 2027"));
        assert_eq!(home.date_pickers(), vec![Action::PauseUntil { date: None }]);
    }

    #[test]
    fn every_snooze_text_fits_slacks_limits() {
        use crate::surface::check_block_kit_limits as ok;
        let cfg = ProgrammeConfig::example();
        let r = RoundId::new(2027, 3).unwrap();
        ok(&paused_until(&cfg, d("2027-03-01"), r)).unwrap();
        for p in [
            SnoozeProblem::Past(d("2027-01-01")),
            SnoozeProblem::TooFar(d("2029-01-01")),
            SnoozeProblem::Unreadable,
        ] {
            ok(&problem(p)).unwrap();
        }
        ok(&no_date_picked()).unwrap();
        for back in [false, true] {
            ok(&still_snoozed(&cfg, d("2027-03-01"), r, back)).unwrap();
        }
        ok(&ended(&cfg, r)).unwrap();
        for until in [None, Some(d("2027-03-01"))] {
            ok(&crate::surface::Home {
                blocks: picker(until),
            })
            .unwrap();
        }
    }
}
