//! Profile vocabulary shared with the domain crate: member ids, experience,
//! mode and frequency, the per-round candidate, past pairs and eligibility.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A member's Slack user id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MemberId(pub String);

impl MemberId {
    /// Wraps an id.
    pub fn new(id: impl Into<String>) -> Self {
        MemberId(id.into())
    }

    /// The raw id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for MemberId {
    fn from(s: &str) -> Self {
        MemberId(s.to_owned())
    }
}

macro_rules! labeled_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Human text for profile forms and pairing messages.
            #[must_use]
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

labeled_enum! {
    /// Years of experience in the field, as asked in the profile form.
    Experience {
        /// Just starting out.
        New => "new",
        /// One to three years.
        OneToThree => "1–3 years",
        /// Three to seven years.
        ThreeToSeven => "3–7 years",
        /// More than seven years.
        SevenPlus => "7+ years",
    }
}

labeled_enum! {
    /// Preferred way of meeting.
    Mode {
        /// Text chat.
        Text => "text chat",
        /// Voice call.
        Voice => "voice call",
        /// Video call.
        Video => "video call",
        /// Async or a mix; compatible with every other mode.
        Mixed => "async / mixed",
    }
}

labeled_enum! {
    /// How often a member wants to meet.
    Frequency {
        /// Every week.
        Weekly => "weekly",
        /// Every two weeks.
        Fortnightly => "fortnightly",
        /// Once a month.
        Monthly => "monthly",
    }
}

impl Experience {
    /// 0 for `New` up to 3 for `SevenPlus`.
    #[must_use]
    pub fn rank(self) -> u32 {
        match self {
            Experience::New => 0,
            Experience::OneToThree => 1,
            Experience::ThreeToSeven => 2,
            Experience::SevenPlus => 3,
        }
    }
}

/// One eligible member of a round, with the profile answers that matter for
/// pairing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Who.
    pub id: MemberId,
    /// Offset from UTC in minutes (e.g. `-300` for New York in winter).
    pub tz_offset_minutes: i32,
    /// Topics they care about.
    pub interests: Vec<String>,
    /// Topics they can help others with.
    pub offers: Vec<String>,
    /// Topics they want to grow in.
    pub wants: Vec<String>,
    /// Experience level.
    pub experience: Experience,
    /// Preferred mode of contact.
    pub mode: Mode,
    /// Preferred meeting frequency.
    pub frequency: Frequency,
}

/// Two members who were paired (or in the same trio) in an earlier round.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PastPair {
    /// One member.
    pub a: MemberId,
    /// The other member.
    pub b: MemberId,
    /// How many rounds ago: 1 means the previous round. 0 is read as 1.
    pub rounds_ago: u32,
}

/// The facts that decide whether a member takes part in a round. The caller
/// decides eligibility; this is the rule in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Eligibility {
    /// Answered "yes" to this round's reconfirmation.
    pub confirmed: bool,
    /// Opted in (not opted out, not removed).
    pub active: bool,
    /// Currently a member of the mentoring channel.
    pub in_channel: bool,
    /// Paused until they resume.
    pub paused: bool,
}

impl Eligibility {
    /// Opted in, confirmed, in the channel and not paused.
    #[must_use]
    pub fn is_eligible(&self) -> bool {
        self.confirmed && self.active && self.in_channel && !self.paused
    }
}
