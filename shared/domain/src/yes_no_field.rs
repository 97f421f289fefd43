//! A yes/no choice in the profile modal (a select with two options, stored
//! on the member as a bool): "open to a third", "name me in the round
//! highlights". One place builds the field and reads it back.

use crate::messages::forms::FieldText;
use crate::profile_form::{FieldValue, FormValues};
use crate::surface::{Block, Choice, InputElement};

const YES: &str = "yes";
const NO: &str = "no";

/// One yes/no choice: its block id, its words, and which option is listed
/// first (the community's default comes first).
pub struct YesNo {
    pub key: &'static str,
    pub text: FieldText,
    pub yes: &'static str,
    pub no: &'static str,
    pub yes_first: bool,
}

impl YesNo {
    /// The modal field, showing the member's current choice.
    pub fn field(&self, current: bool) -> Block {
        let choice = |value: &str, label: &str| Choice {
            value: value.into(),
            label: label.into(),
        };
        let (yes, no) = (choice(YES, self.yes), choice(NO, self.no));
        Block::Input {
            block_id: self.key.into(),
            label: self.text.label.into(),
            hint: self.text.hint.map(str::to_string),
            optional: true,
            element: InputElement::Select {
                options: if self.yes_first {
                    vec![yes, no]
                } else {
                    vec![no, yes]
                },
                initial: Some(if current { YES } else { NO }.into()),
            },
        }
    }

    /// The submitted choice; `None` when the field was absent, left empty or
    /// holds anything but yes/no.
    pub fn read(&self, values: &FormValues) -> Option<bool> {
        match values.get(self.key) {
            Some(FieldValue::One(Some(v))) | Some(FieldValue::Text(Some(v))) => match v.as_str() {
                YES => Some(true),
                NO => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHOICE: YesNo = YesNo {
        key: "k",
        text: FieldText {
            label: "Label",
            hint: None,
        },
        yes: "Yes",
        no: "No",
        yes_first: false,
    };

    #[test]
    fn the_choice_reads_back_and_an_absent_or_odd_value_changes_nothing() {
        let mut v = FormValues::new();
        assert_eq!(CHOICE.read(&v), None);
        v.insert("k".into(), FieldValue::One(Some("yes".into())));
        assert_eq!(CHOICE.read(&v), Some(true));
        v.insert("k".into(), FieldValue::One(Some("no".into())));
        assert_eq!(CHOICE.read(&v), Some(false));
        v.insert("k".into(), FieldValue::One(Some("maybe".into())));
        assert_eq!(CHOICE.read(&v), None);
    }

    #[test]
    fn the_field_lists_the_default_first_and_shows_the_current_choice() {
        let Block::Input { element, .. } = CHOICE.field(true) else {
            panic!("not an input")
        };
        let InputElement::Select { options, initial } = element else {
            panic!("not a select")
        };
        let values: Vec<&str> = options.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["no", "yes"]);
        assert_eq!(initial.as_deref(), Some("yes"));
    }
}
