//! The one-line "goal of the month": its input (in the sign-up form and in
//! its own modal, opened from the "stay in?" question) and its validation.
//! Free text, so it is only ever stored on the member's own item and never
//! logged.

use crate::ids::RoundId;
use crate::messages::forms as text;
use crate::profile_form::{FieldErrors, FieldValue, FormValues};
use crate::surface::{Block, InputElement, Modal};

pub const CALLBACK_ID: &str = "goal_form";
/// The field's key (block id), in both forms.
pub const GOAL: &str = "goal";
/// Longest goal kept: one line.
pub const MAX_CHARS: usize = 150;

/// The optional goal field, prefilled with `initial`.
pub fn input(round: RoundId, initial: Option<&str>) -> Block {
    Block::Input {
        block_id: GOAL.into(),
        label: text::goal_label(round),
        hint: Some(text::goal_hint(MAX_CHARS)),
        optional: true,
        element: InputElement::Text {
            initial: initial.map(str::to_string),
            placeholder: text::GOAL_PLACEHOLDER.into(),
        },
    }
}

/// The goal modal for `round` (from the "stay in?" question).
pub fn modal(round: RoundId, initial: Option<&str>) -> Modal {
    Modal {
        callback_id: CALLBACK_ID.into(),
        title: text::GOAL_TITLE.into(),
        submit: text::SAVE.into(),
        private_metadata: round.to_string(),
        blocks: vec![
            Block::Section(text::goal_question(round)),
            input(round, initial),
        ],
    }
}

/// The submitted goal as one trimmed line (`None` when left empty), or a
/// field error when it is too long.
pub fn parse(values: &FormValues) -> Result<Option<String>, FieldErrors> {
    let raw = match values.get(GOAL) {
        Some(FieldValue::Text(Some(t))) => t.as_str(),
        _ => "",
    };
    let line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        return Ok(None);
    }
    let n = line.chars().count();
    if n > MAX_CHARS {
        let mut errors = FieldErrors::new();
        errors.insert(GOAL.into(), text::goal_too_long(MAX_CHARS, n));
        return Err(errors);
    }
    Ok(Some(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(t: &str) -> FormValues {
        [(GOAL.to_string(), FieldValue::Text(Some(t.to_string())))]
            .into_iter()
            .collect()
    }

    #[test]
    fn a_goal_is_one_trimmed_line_and_empty_means_none() {
        assert_eq!(
            parse(&values("  ship my\nfirst  talk ")),
            Ok(Some("ship my first talk".into()))
        );
        assert_eq!(parse(&values("   ")), Ok(None));
        assert_eq!(parse(&FormValues::new()), Ok(None));
    }

    #[test]
    fn a_goal_longer_than_one_line_is_refused_with_a_field_error() {
        let long = "a".repeat(MAX_CHARS + 1);
        let errors = parse(&values(&long)).unwrap_err();
        assert!(errors[GOAL].contains("151"), "{errors:?}");
    }
}
