//! The private note to the moderators about a round (a modal opened from
//! the rating's thanks) and its validation. Free text: only ever stored on
//! the member's own item and never logged.

use crate::ids::RoundId;
use crate::messages::forms as text;
use crate::profile_form::{FieldErrors, FieldValue, FormValues};
use crate::surface::{Block, InputElement, Modal};

pub const CALLBACK_ID: &str = "feedback_note";
/// The field's key (block id).
pub const NOTE: &str = "note";
/// Longest note kept.
pub const MAX_CHARS: usize = 1000;

/// The note modal for `round`, prefilled with the note already left.
pub fn modal(round: RoundId, initial: Option<&str>) -> Modal {
    Modal {
        callback_id: CALLBACK_ID.into(),
        title: text::NOTE_TITLE.into(),
        submit: text::SEND.into(),
        private_metadata: round.to_string(),
        blocks: vec![
            Block::Section(text::note_question(round)),
            Block::Input {
                block_id: NOTE.into(),
                label: text::NOTE_LABEL.into(),
                hint: Some(text::note_hint(MAX_CHARS)),
                optional: true,
                element: InputElement::Paragraph {
                    initial: initial.map(str::to_string),
                    placeholder: text::NOTE_PLACEHOLDER.into(),
                    max_chars: MAX_CHARS as u32,
                },
            },
        ],
    }
}

/// The submitted note, trimmed (`None` when left empty), or a field error
/// when it is too long (Slack enforces the limit too; this is the backstop).
pub fn parse(values: &FormValues) -> Result<Option<String>, FieldErrors> {
    let raw = match values.get(NOTE) {
        Some(FieldValue::Text(Some(t))) => t.trim(),
        _ => "",
    };
    if raw.is_empty() {
        return Ok(None);
    }
    let n = raw.chars().count();
    if n > MAX_CHARS {
        let mut errors = FieldErrors::new();
        errors.insert(NOTE.into(), text::note_too_long(MAX_CHARS, n));
        return Err(errors);
    }
    Ok(Some(raw.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::check_block_kit_limits;

    fn values(t: &str) -> FormValues {
        [(NOTE.to_string(), FieldValue::Text(Some(t.to_string())))]
            .into_iter()
            .collect()
    }

    #[test]
    fn a_note_keeps_its_lines_and_empty_means_none() {
        assert_eq!(
            parse(&values("  We met twice.\nThanks!  ")),
            Ok(Some("We met twice.\nThanks!".into()))
        );
        assert_eq!(parse(&values(" \n ")), Ok(None));
        assert_eq!(parse(&FormValues::new()), Ok(None));
    }

    #[test]
    fn a_note_over_the_limit_is_refused_with_a_field_error() {
        let errors = parse(&values(&"a".repeat(MAX_CHARS + 1))).unwrap_err();
        assert!(errors[NOTE].contains("1001"), "{errors:?}");
    }

    #[test]
    fn the_note_modal_fits_slack_new_and_prefilled() {
        let round = "2026-12".parse().unwrap();
        check_block_kit_limits(&modal(round, None)).unwrap();
        let full = "<&>".repeat(MAX_CHARS / 3);
        let m = modal(round, Some(&full));
        check_block_kit_limits(&m).unwrap();
        assert_eq!(m.private_metadata, "2026-12");
    }
}
