//! The texts of the forms: the profile modal (with its "open to a third"
//! choice) and the goal of the month, their labels, hints, placeholders and
//! what each field error says. The form modules build the modals from these.

use crate::ids::RoundId;

/// A form field's label and hint.
pub struct FieldText {
    pub label: &'static str,
    pub hint: Option<&'static str>,
}

/// A topics field: label, hint, and what one pick is called in its error.
pub struct TopicsText {
    pub label: &'static str,
    pub hint: &'static str,
    pub one: &'static str,
}

pub const SAVE: &str = "Save";

pub const PROFILE_TITLE: &str = "Mentoring profile";
pub const PROFILE_INTRO: &str = "Tell us a little about yourself so we can find you a good partner. \
     You can change these answers any time with `profile`.";
pub const TIMEZONE: FieldText = FieldText {
    label: "Your time zone",
    hint: Some("An IANA name such as Europe/Lisbon or America/Chicago."),
};
pub const TIMEZONE_PLACEHOLDER: &str = "Europe/Lisbon";
pub const INTERESTS: TopicsText = TopicsText {
    label: "Topics you care about",
    hint: "Pick up to five.",
    one: "topic",
};
pub const OFFERS: TopicsText = TopicsText {
    label: "What you can offer",
    hint: "Where you could help someone else.",
    one: "thing you can offer",
};
pub const WANTS: TopicsText = TopicsText {
    label: "What you want to grow in",
    hint: "Where a partner could help you.",
    one: "thing you want to grow in",
};
pub const EXPERIENCE: FieldText = FieldText {
    label: "Your experience",
    hint: None,
};
pub const MODE: FieldText = FieldText {
    label: "How you like to meet",
    hint: None,
};
pub const FREQUENCY: FieldText = FieldText {
    label: "How often",
    hint: None,
};
pub const OPEN_TO_THIRD: FieldText = FieldText {
    label: "Open to a third person joining your pair?",
    hint: Some("Someone who joins mid-month may be added to a pair whose members both said yes."),
};
pub const OPEN_TO_THIRD_YES: &str = "Yes, a trio is fine";
pub const OPEN_TO_THIRD_NO: &str = "No, just the two of us";

pub fn timezone_missing() -> String {
    "Please enter your time zone.".into()
}

pub fn timezone_unknown(tz: &str) -> String {
    format!("\"{tz}\" isn't a time zone we know. Try a name like Europe/Lisbon.")
}

pub fn pick_at_least_one(field: &TopicsText) -> String {
    format!("Please pick at least one {}.", field.one)
}

pub fn pick_at_most_five() -> String {
    "Please pick at most five.".into()
}

pub fn not_a_topic(topic: &str) -> String {
    format!("\"{topic}\" is not one of the topics.")
}

pub fn choose_one() -> String {
    "Please choose one.".into()
}

pub fn not_a_choice() -> String {
    "That isn't one of the choices.".into()
}

pub const GOAL_TITLE: &str = "Goal of the month";
pub const GOAL_PLACEHOLDER: &str = "e.g. give my first conference talk";

/// The goal field's label, for `round`.
pub fn goal_label(round: RoundId) -> String {
    format!("Your goal for {} (optional)", round.label())
}

pub fn goal_hint(max_chars: usize) -> String {
    format!(
        "One line, up to {max_chars} characters. Only your partner sees it, in the pairing \
         message; I'll ask how it went at the last check-in."
    )
}

/// The goal modal's question.
pub fn goal_question(round: RoundId) -> String {
    format!(
        "What would make {} a good month of peer mentoring for you? Leave it empty to \
         have no goal.",
        round.label()
    )
}

pub fn goal_too_long(max_chars: usize, n: usize) -> String {
    format!("Please keep it to one line of {max_chars} characters (this one has {n}).")
}

pub const NOTE_TITLE: &str = "Note to the moderators";
pub const SEND: &str = "Send";
pub const NOTE_LABEL: &str = "Your note (optional)";
pub const NOTE_PLACEHOLDER: &str = "e.g. We met twice; my partner's tips on writing helped a lot.";

/// The note modal's question.
pub fn note_question(round: RoundId) -> String {
    format!(
        "Anything the moderators should know about your pairing in {}? What worked, \
         what didn't, anything that made you uncomfortable.",
        round.label()
    )
}

pub fn note_hint(max_chars: usize) -> String {
    format!(
        "Up to {max_chars} characters. Only the moderators read it, never your \
         partner; `delete my data` deletes it. Send it empty to take it back."
    )
}

pub fn note_too_long(max_chars: usize, n: usize) -> String {
    format!("Please keep it to {max_chars} characters (this one has {n}).")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_say_what_to_fix() {
        assert_eq!(
            pick_at_least_one(&OFFERS),
            "Please pick at least one thing you can offer."
        );
        assert_eq!(
            timezone_unknown("Mars/Base"),
            "\"Mars/Base\" isn't a time zone we know. Try a name like Europe/Lisbon."
        );
        assert_eq!(
            not_a_topic("Knitting"),
            "\"Knitting\" is not one of the topics."
        );
        assert_eq!(
            goal_too_long(150, 151),
            "Please keep it to one line of 150 characters (this one has 151)."
        );
        for e in [
            timezone_missing(),
            pick_at_most_five(),
            choose_one(),
            not_a_choice(),
        ] {
            assert!(e.ends_with('.') && e.len() < 100, "{e}");
        }
    }

    #[test]
    fn the_goal_texts_name_the_round() {
        let r = RoundId::new(2027, 1).unwrap();
        assert_eq!(goal_label(r), "Your goal for January 2027 (optional)");
        assert!(goal_question(r).starts_with("What would make January 2027 a good month"));
        assert!(goal_hint(150).starts_with("One line, up to 150 characters."));
    }

    #[test]
    fn the_note_texts_say_who_reads_it_and_name_the_round() {
        let r = RoundId::new(2027, 1).unwrap();
        assert!(note_question(r).contains("your pairing in January 2027?"));
        assert!(note_hint(1000).contains("Only the moderators read it, never your partner"));
        assert_eq!(
            note_too_long(1000, 1001),
            "Please keep it to 1000 characters (this one has 1001)."
        );
    }
}
