//! What a member can say to the bot by DM or mention, parsed tolerantly:
//! case, punctuation, the bot's mention and filler words don't matter.

use crate::ids::UserId;

mod highlights;
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
    /// "name me in highlights" (`true`) / "don't name me" (`false`).
    NameInHighlights(bool),
    /// Mention or DM without a recognisable command ("hi", "hello").
    Hello,
    Unknown,
}

impl Command {
    /// Parses a DM or mention text. The phases run in order and the first
    /// that recognises the text wins: "my data" and "(do not) name me"
    /// before a question, a question (help) before any action, dated
    /// pauses before `pause`.
    pub fn parse(text: &str) -> Command {
        let said = Said::new(text);
        said.my_data()
            .or_else(|| highlights::parse(&said.words))
            .or_else(|| said.question())
            .or_else(|| never_pair::parse(text, &said.words))
            .or_else(|| crate::snooze::parse(text).map(Command::PauseUntil))
            .or_else(|| said.greeting())
            .or_else(|| said.membership())
            .or_else(|| said.information())
            .or_else(|| said.about_partner())
            .or_else(|| said.about_rounds())
            .unwrap_or(Command::Unknown)
    }
}

/// A DM or mention, normalised once for every parsing phase.
struct Said<'a> {
    text: &'a str,
    words: Vec<String>,
    /// The normalised words joined by single spaces.
    joined: String,
}

impl<'a> Said<'a> {
    fn new(text: &'a str) -> Self {
        let words = normalise(text);
        let joined = words.join(" ");
        Said {
            text,
            words,
            joined,
        }
    }

    fn has(&self, word: &str) -> bool {
        self.words.iter().any(|x| x == word)
    }

    fn contains(&self, phrase: &str) -> bool {
        self.joined.contains(phrase)
    }

    fn is(&self, phrase: &str) -> bool {
        self.joined == phrase
    }

    /// Asking what is stored *is* the request for it ("what do you store
    /// about me?"; `normalise` has dropped the "you").
    fn my_data(&self) -> Option<Command> {
        let about_my_data = self.contains("my data")
            || self.contains("store about me")
            || self.contains("know about me");
        (about_my_data && !self.contains("delete") && !self.has("forget"))
            .then_some(Command::MyData)
    }

    /// A question about a command ("how do I opt out?") gets help, not the command.
    fn question(&self) -> Option<Command> {
        let asks = self.words.len() > 1
            && (self.text.trim_end().ends_with('?')
                || matches!(
                    self.words[0].as_str(),
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
        asks.then_some(Command::Help)
    }

    fn greeting(&self) -> Option<Command> {
        matches!(
            self.joined.as_str(),
            "" | "hi"
                | "hello"
                | "hey"
                | "hiya"
                | "yo"
                | "start"
                | "join"
                | "sign up"
                | "signup"
                | "hi there"
                | "hello there"
        )
        .then_some(Command::Hello)
    }

    /// Leaving, coming back, deleting.
    fn membership(&self) -> Option<Command> {
        if self.contains("delete my data") || self.is("delete") || self.contains("forget me") {
            return Some(Command::DeleteMyData);
        }
        if self.contains("opt out")
            || self.is("optout")
            || self.is("leave")
            || self.is("unsubscribe")
        {
            return Some(Command::OptOut);
        }
        if self.contains("opt in") || self.is("optin") || self.is("rejoin") {
            return Some(Command::OptIn);
        }
        None
    }

    fn information(&self) -> Option<Command> {
        if self.has("help") || self.is("commands") || self.is("?") {
            return Some(Command::Help);
        }
        if self.has("status") {
            return Some(Command::Status);
        }
        if self.has("profile") || self.is("edit") {
            return Some(Command::Profile);
        }
        None
    }

    /// "My partner isn't responding" and "we're talking now".
    fn about_partner(&self) -> Option<Command> {
        let partner = self.has("partner") || self.has("they") || self.has("buddy");
        let silent = [
            "not responding",
            "isnt responding",
            "not replying",
            "isnt replying",
            "hasnt replied",
            "havent heard",
            "no response",
        ]
        .iter()
        .any(|p| self.contains(p))
            || ["unresponsive", "ghosted", "ghosting"]
                .iter()
                .any(|w| self.has(w));
        if partner && silent || self.is("unresponsive") {
            return Some(Command::PartnerUnresponsive);
        }
        let talking = [
            "talking now",
            "were talking",
            "we are talking",
            "they replied",
            "they responded",
        ]
        .iter()
        .any(|p| self.contains(p))
            || (partner && (self.has("replied") || self.has("responded")))
            || self.contains("weve met")
            || self.contains("we met");
        talking.then_some(Command::PartnerResponding)
    }

    /// Skipping one round, pausing, resuming.
    fn about_rounds(&self) -> Option<Command> {
        if self.has("skip") {
            return Some(Command::Skip);
        }
        if self.has("pause") {
            return Some(Command::Pause);
        }
        if self.has("resume") || self.is("unpause") {
            return Some(Command::Resume);
        }
        None
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
