//! Every text a member or moderator reads, in one place. Warm, short, and
//! always saying what happens next.

use chrono::{DateTime, Utc};

use crate::action::Action;
use crate::calendar;
use crate::config::ProgrammeConfig;
use crate::ids::RoundId;
use crate::surface::Button;

pub mod agenda;
pub mod feedback;
pub mod forms;
pub mod goal;
pub mod highlights;
pub mod history;
pub mod in_place;
pub mod moderator;
pub mod moderator_confirm;
pub mod moderator_replies;
pub mod momentum;
pub mod never_pair;
pub mod pair_now;
pub mod privacy;
pub mod rounds;

mod channel;
mod deletion;
mod membership;
mod onboarding;
mod profile;
mod status;

pub use channel::*;
pub use deletion::*;
pub use membership::*;
pub use onboarding::*;
pub use profile::*;
pub use status::*;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::Command;
    use crate::ids::UserId;
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

    #[test]
    fn a_failed_profile_save_asks_to_try_again_and_fits_a_field_error() {
        let text = profile_save_failed();
        assert!(text.contains("try again"));
        // Slack shows a view_submission field error of up to 150 characters or so.
        assert!(text.chars().count() <= 150);
    }

    #[test]
    fn the_remaining_short_answers_say_what_happened() {
        assert!(
            sign_up_sent_by_dm()
                .readable()
                .contains("sent you a DM with a short form")
        );
        assert!(try_again_later().contains("try again"));
        assert!(
            rounds::checkin_for_old_pairing()
                .readable()
                .contains("no longer in")
        );
    }
}
