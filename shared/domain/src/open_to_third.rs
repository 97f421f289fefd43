//! The profile choice "open to a third": whether a member's pair may be
//! joined mid-month by someone waiting ("Find me a partner now", late
//! joiners). A field of the profile modal, stored on the member (default
//! yes, listed first).

use crate::messages::forms as text;
use crate::profile_form::FormValues;
use crate::surface::Block;
use crate::yes_no_field::YesNo;

/// The field's key (the modal block id).
pub const KEY: &str = "open_to_third";

const CHOICE: YesNo = YesNo {
    key: KEY,
    text: text::OPEN_TO_THIRD,
    yes: text::OPEN_TO_THIRD_YES,
    no: text::OPEN_TO_THIRD_NO,
    yes_first: true,
};

/// The modal field, showing the member's current choice.
pub fn field(current: bool) -> Block {
    CHOICE.field(current)
}

/// The submitted choice; `None` when the field was absent or left empty.
pub fn read(values: &FormValues) -> Option<bool> {
    CHOICE.read(values)
}
