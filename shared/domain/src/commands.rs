//! What a member can say to the bot by DM or mention, parsed tolerantly:
//! case, punctuation, the bot's mention and filler words don't matter.

use crate::ids::UserId;

mod never_pair;

/// A member command.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Help,
    Status,
    Profile,
    Pause,
    /// `pause until 2027-03-01`, `pause until March`, `pause for 2 months`.
    PauseUntil(crate::snooze::Snooze),
    Resume,
    OptOut,
    OptIn,
    DeleteMyData,
    /// "What do you store about me?"
    MyData,
    /// Skip the next round (like the "Skip" button); `pause` is open-ended.
    Skip,
    /// "My partner isn't responding", at any time during a round.
    PartnerUnresponsive,
    /// "We're talking now": withdraws a "not responding" report.
    PartnerResponding,
    /// `block @x` / "never pair me with @x": `None` when nobody was named.
    Block(Option<UserId>),
    /// `unblock @x`: `None` when nobody was named.
    Unblock(Option<UserId>),
    /// Mention or DM without a recognisable command ("hi", "hello").
    Hello,
    Unknown,
}

impl Command {
    /// Parses a DM or mention text.
    pub fn parse(text: &str) -> Command {
        let words = normalise(text);
        let joined = words.join(" ");
        let s = joined.as_str();
        let has = |w: &str| words.iter().any(|x| x == w);
        // A question about a command ("how do I opt out?") gets help, not the command.
        let question = words.len() > 1
            && (text.trim_end().ends_with('?')
                || matches!(
                    words[0].as_str(),
                    "how"
                        | "what"
                        | "can"
                        | "could"
                        | "where"
                        | "why"
                        | "when"
                        | "should"
                        | "do"
                        | "does"
                        | "is"
                        | "which"
                        | "who"
                ));
        // Asking what is stored *is* the request for it ("what do you store
        // about me?"; `normalise` has dropped the "you").
        let about_my_data =
            s.contains("my data") || s.contains("store about me") || s.contains("know about me");
        if about_my_data && !s.contains("delete") && !has("forget") {
            return Command::MyData;
        }
        if question {
            return Command::Help;
        }
        if let Some(c) = never_pair::parse(text, &words) {
            return c;
        }
        if let Some(snooze) = crate::snooze::parse(text) {
            return Command::PauseUntil(snooze);
        }
        match s {
            "" | "hi" | "hello" | "hey" | "hiya" | "yo" | "start" | "join" | "sign up"
            | "signup" | "hi there" | "hello there" => return Command::Hello,
            _ => {}
        }
        if s.contains("delete my data") || s == "delete" || s.contains("forget me") {
            return Command::DeleteMyData;
        }
        if s.contains("opt out") || s == "optout" || s == "leave" || s == "unsubscribe" {
            return Command::OptOut;
        }
        if s.contains("opt in") || s == "optin" || s == "rejoin" {
            return Command::OptIn;
        }
        if has("help") || s == "commands" || s == "?" {
            return Command::Help;
        }
        if has("status") {
            return Command::Status;
        }
        if has("profile") || s == "edit" {
            return Command::Profile;
        }
        let partner = has("partner") || has("they") || has("buddy");
        let silent = s.contains("not responding")
            || s.contains("isnt responding")
            || s.contains("not replying")
            || s.contains("isnt replying")
            || s.contains("hasnt replied")
            || s.contains("havent heard")
            || s.contains("no response")
            || has("unresponsive")
            || has("ghosted")
            || has("ghosting");
        if partner && silent || s == "unresponsive" {
            return Command::PartnerUnresponsive;
        }
        if s.contains("talking now")
            || s.contains("were talking")
            || s.contains("we are talking")
            || s.contains("they replied")
            || s.contains("they responded")
            || (partner && (has("replied") || has("responded")))
            || s.contains("weve met")
            || s.contains("we met")
        {
            return Command::PartnerResponding;
        }
        if has("skip") {
            return Command::Skip;
        }
        if has("pause") {
            return Command::Pause;
        }
        if has("resume") || s == "unpause" {
            return Command::Resume;
        }
        Command::Unknown
    }
}

/// Lower-case words without mentions, punctuation or politeness.
fn normalise(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split_whitespace() {
        if raw.starts_with("<@") || raw.starts_with("<!") {
            continue;
        }
        let w: String = raw
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '?')
            .flat_map(|c| c.to_lowercase())
            .collect();
        let w = if w.len() > 1 {
            w.trim_end_matches('?').to_string()
        } else {
            w
        };
        if w.is_empty() || matches!(w.as_str(), "please" | "pls" | "thanks" | "thank" | "you") {
            continue;
        }
        // "opt-out" and "opt_out" lose their hyphen above; split them back.
        match w.as_str() {
            "optout" => out.extend(["opt".to_string(), "out".to_string()]),
            "optin" => out.extend(["opt".to_string(), "in".to_string()]),
            _ => out.push(w),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_ignore_case_punctuation_and_the_mention() {
        assert_eq!(Command::parse("<@U0BOT> HELP!"), Command::Help);
        assert_eq!(Command::parse("status?"), Command::Status);
        assert_eq!(Command::parse("  Pause, please "), Command::Pause);
        assert_eq!(Command::parse("resume."), Command::Resume);
        assert_eq!(Command::parse("opt-out"), Command::OptOut);
        assert_eq!(Command::parse("Opt out"), Command::OptOut);
        assert_eq!(Command::parse("opt in"), Command::OptIn);
        assert_eq!(Command::parse("optin"), Command::OptIn);
        assert_eq!(Command::parse("Delete my data."), Command::DeleteMyData);
        assert_eq!(Command::parse("my data"), Command::MyData);
        assert_eq!(Command::parse("Show me my data, please"), Command::MyData);
        assert_eq!(
            Command::parse("What do you store about me?"),
            Command::MyData
        );
        assert_eq!(Command::parse("how do I delete my data?"), Command::Help);
        assert_eq!(Command::parse("edit my profile"), Command::Profile);
        assert_eq!(Command::parse("<@U0BOT>"), Command::Hello);
        assert_eq!(Command::parse("hi!"), Command::Hello);
        assert_eq!(Command::parse("tell me a joke"), Command::Unknown);
    }

    #[test]
    fn a_question_about_a_command_asks_for_help_and_does_not_act() {
        assert_eq!(Command::parse("how do I opt out?"), Command::Help);
        assert_eq!(Command::parse("can I pause"), Command::Help);
        assert_eq!(Command::parse("delete my data?"), Command::Help);
        assert_eq!(Command::parse("opt out"), Command::OptOut);
    }

    #[test]
    fn skip_skips_one_round_and_pause_is_separate() {
        assert_eq!(Command::parse("skip"), Command::Skip);
        assert_eq!(Command::parse("skip next month"), Command::Skip);
        assert_eq!(Command::parse("pause"), Command::Pause);
    }

    #[test]
    fn an_unresponsive_partner_can_be_reported_and_withdrawn_in_plain_words() {
        for t in [
            "My partner isn't responding",
            "my partner is not responding",
            "partner hasn't replied",
            "I think my partner ghosted me",
            "unresponsive",
        ] {
            assert_eq!(Command::parse(t), Command::PartnerUnresponsive, "{t}");
        }
        for t in [
            "we're talking now",
            "They replied!",
            "my partner responded",
            "we've met",
        ] {
            assert_eq!(Command::parse(t), Command::PartnerResponding, "{t}");
        }
    }

    #[test]
    fn pause_with_a_date_or_a_duration_is_a_snooze_and_alone_is_open_ended() {
        use crate::snooze::{Snooze, Unit};
        assert_eq!(
            Command::parse("pause until 2027-03-01"),
            Command::PauseUntil(Snooze::Date("2027-03-01".parse().unwrap()))
        );
        assert_eq!(
            Command::parse("<@U0BOT> pause for 2 months"),
            Command::PauseUntil(Snooze::For {
                amount: 2,
                unit: Unit::Months
            })
        );
        assert_eq!(
            Command::parse("pause until whenever"),
            Command::PauseUntil(Snooze::Unreadable)
        );
        assert_eq!(Command::parse("pause"), Command::Pause);
        assert_eq!(Command::parse("can I pause until March?"), Command::Help);
    }

    #[test]
    fn a_question_mark_alone_asks_for_help() {
        assert_eq!(Command::parse("?"), Command::Help);
    }
}
