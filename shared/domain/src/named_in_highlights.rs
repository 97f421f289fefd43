//! The profile choice "name me in the round highlights": a field of the
//! profile modal when the community posts highlights, stored on the member
//! (default no, listed first). The same choice as `name me` / `don't name
//! me` and the App Home button.

use crate::messages::highlights as text;
use crate::profile_form::FormValues;
use crate::surface::Block;
use crate::yes_no_field::YesNo;

/// The field's key (the modal block id).
pub const KEY: &str = "named_in_highlights";

const CHOICE: YesNo = YesNo {
    key: KEY,
    text: text::FIELD,
    yes: text::FIELD_YES,
    no: text::FIELD_NO,
    yes_first: false,
};

/// The modal field, showing the member's current choice.
pub fn field(current: bool) -> Block {
    CHOICE.field(current)
}

/// The submitted choice; `None` when the field was absent or left empty.
pub fn read(values: &FormValues) -> Option<bool> {
    CHOICE.read(values)
}
