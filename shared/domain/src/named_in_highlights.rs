//! The profile choice "name me in the round highlights": a field of the
//! profile modal when the community posts highlights, stored on the member
//! (default no). The same choice as `name me` / `don't name me` and the App
//! Home button.

use crate::messages::highlights as text;
use crate::profile_form::{FieldValue, FormValues};
use crate::surface::{Block, Choice, InputElement};

/// The field's key (the modal block id).
pub const KEY: &str = "named_in_highlights";
const YES: &str = "yes";
const NO: &str = "no";

/// The modal field, showing the member's current choice.
pub fn field(current: bool) -> Block {
    let choice = |value: &str, label: &str| Choice {
        value: value.into(),
        label: label.into(),
    };
    Block::Input {
        block_id: KEY.into(),
        label: text::FIELD.label.into(),
        hint: text::FIELD.hint.map(str::to_string),
        optional: true,
        element: InputElement::Select {
            options: vec![choice(NO, text::FIELD_NO), choice(YES, text::FIELD_YES)],
            initial: Some(if current { YES } else { NO }.into()),
        },
    }
}

/// The submitted choice; `None` when the field was absent or left empty.
pub fn read(values: &FormValues) -> Option<bool> {
    match values.get(KEY) {
        Some(FieldValue::One(Some(v))) | Some(FieldValue::Text(Some(v))) => match v.as_str() {
            YES => Some(true),
            NO => Some(false),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_reads_back_and_an_absent_field_changes_nothing() {
        let mut v = FormValues::new();
        assert_eq!(read(&v), None);
        v.insert(KEY.into(), FieldValue::One(Some("yes".into())));
        assert_eq!(read(&v), Some(true));
        v.insert(KEY.into(), FieldValue::One(Some("no".into())));
        assert_eq!(read(&v), Some(false));
        v.insert(KEY.into(), FieldValue::One(Some("loudly".into())));
        assert_eq!(read(&v), None);
    }
}
