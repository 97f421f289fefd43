//! What a member can say to the bot by DM or mention, parsed tolerantly:
//! case, punctuation, the bot's mention and filler words don't matter.

/// A member command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Help,
    Status,
    Profile,
    Pause,
    Resume,
    OptOut,
    OptIn,
    DeleteMyData,
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
        if has("pause") || s == "skip" {
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
        assert_eq!(Command::parse("edit my profile"), Command::Profile);
        assert_eq!(Command::parse("<@U0BOT>"), Command::Hello);
        assert_eq!(Command::parse("hi!"), Command::Hello);
        assert_eq!(Command::parse("what is the weather"), Command::Unknown);
    }

    #[test]
    fn a_question_mark_alone_asks_for_help() {
        assert_eq!(Command::parse("?"), Command::Help);
    }
}
