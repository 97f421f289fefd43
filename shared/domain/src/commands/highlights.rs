//! `name me` / `don't name me`: whether the round highlights post in the
//! programme channel names the member (default: only counted).

use super::Command;

/// The command, when the (normalised) words start with one of its forms.
pub(super) fn parse(words: &[String]) -> Option<Command> {
    let joined = words.join(" ");
    let starts = |forms: &[&str]| {
        forms
            .iter()
            .any(|f| joined == *f || joined.starts_with(&format!("{f} ")))
    };
    if starts(&[
        "dont name me",
        "do not name me",
        "stop naming me",
        "unname me",
        "hide my name",
    ]) {
        Some(Command::NameInHighlights(false))
    } else if starts(&["name me", "show my name"]) {
        Some(Command::NameInHighlights(true))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_me_and_dont_name_me_in_their_usual_forms() {
        let on = Command::NameInHighlights(true);
        let off = Command::NameInHighlights(false);
        assert_eq!(Command::parse("name me"), on);
        assert_eq!(Command::parse("<@U0BOT> Name me in the highlights"), on);
        assert_eq!(Command::parse("don't name me"), off);
        assert_eq!(Command::parse("Do not name me in highlights, please"), off);
        assert_eq!(Command::parse("unname me"), off);
        assert_ne!(Command::parse("named"), on);
        assert_ne!(Command::parse("what's my name?"), on);
    }
}
