//! The profile form: the modal the bot opens, and the validation of what
//! comes back. Field keys are the modal's block ids.

use std::collections::BTreeMap;

use serde::{Serialize, de::DeserializeOwned};

use crate::config::ProgrammeConfig;
use crate::messages::forms as text;
use crate::model::Profile;
use crate::surface::{Block, Choice, InputElement, Modal};
use mentor_matching::{Experience, Frequency, Mode};

pub const CALLBACK_ID: &str = "profile_form";
pub const TIMEZONE: &str = "timezone";
pub const INTERESTS: &str = "interests";
pub const OFFERS: &str = "offers";
pub const WANTS: &str = "wants";
pub const EXPERIENCE: &str = "experience";
pub const MODE: &str = "mode";
pub const FREQUENCY: &str = "frequency";

/// A submitted field's value, as Slack's view state gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Text(Option<String>),
    One(Option<String>),
    Many(Vec<String>),
}

pub type FormValues = BTreeMap<String, FieldValue>;
/// Field key → message shown under that field.
pub type FieldErrors = BTreeMap<String, String>;

/// The serialized name of an enum value (`one_to_three`).
pub fn enum_value<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn parse_enum<T: DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

fn choices<T: Serialize>(all: &[T], label: impl Fn(&T) -> &'static str) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: enum_value(v),
            label: label(v).to_string(),
        })
        .collect()
}

fn topic_choices(cfg: &ProgrammeConfig) -> Vec<Choice> {
    cfg.topics
        .iter()
        .map(|t| Choice {
            value: t.clone(),
            label: t.clone(),
        })
        .collect()
}

/// The profile modal, prefilled from `current` or, for a new member, with the
/// time zone Slack knows for them.
pub fn modal(cfg: &ProgrammeConfig, current: Option<&Profile>, slack_tz: Option<&str>) -> Modal {
    let tz = current
        .map(|p| p.timezone.clone())
        .or_else(|| slack_tz.map(str::to_string));
    let mut blocks = vec![intro(), timezone_input(tz)];
    blocks.extend(topic_inputs(cfg, current));
    blocks.extend(choice_inputs(current));
    Modal {
        callback_id: CALLBACK_ID.into(),
        title: text::PROFILE_TITLE.into(),
        submit: text::SAVE.into(),
        private_metadata: if current.is_some() { "edit" } else { "new" }.into(),
        blocks,
    }
}

fn intro() -> Block {
    Block::Section(text::PROFILE_INTRO.into())
}

fn timezone_input(tz: Option<String>) -> Block {
    Block::Input {
        block_id: TIMEZONE.into(),
        label: text::TIMEZONE.label.into(),
        hint: text::TIMEZONE.hint.map(str::to_string),
        optional: false,
        element: InputElement::Text {
            initial: tz,
            placeholder: text::TIMEZONE_PLACEHOLDER.into(),
        },
    }
}

/// Interests, offers and wants: up to five of the programme's topics each.
fn topic_inputs(cfg: &ProgrammeConfig, current: Option<&Profile>) -> [Block; 3] {
    let multi = |key: &str, field: &text::TopicsText, initial: Option<&Vec<String>>| Block::Input {
        block_id: key.into(),
        label: field.label.into(),
        hint: Some(field.hint.into()),
        optional: false,
        element: InputElement::MultiSelect {
            options: topic_choices(cfg),
            initial: initial
                .into_iter()
                .flatten()
                .filter(|t| cfg.topics.contains(t))
                .cloned()
                .collect(),
            max: Some(5),
        },
    };
    [
        multi(INTERESTS, &text::INTERESTS, current.map(|p| &p.interests)),
        multi(OFFERS, &text::OFFERS, current.map(|p| &p.offers)),
        multi(WANTS, &text::WANTS, current.map(|p| &p.wants)),
    ]
}

/// Experience, mode and frequency: one choice each.
fn choice_inputs(current: Option<&Profile>) -> [Block; 3] {
    let single = |key: &str,
                  field: &text::FieldText,
                  options: Vec<Choice>,
                  initial: Option<String>| Block::Input {
        block_id: key.into(),
        label: field.label.into(),
        hint: field.hint.map(str::to_string),
        optional: false,
        element: InputElement::Select { options, initial },
    };
    [
        single(
            EXPERIENCE,
            &text::EXPERIENCE,
            choices(Experience::ALL, |e| e.label()),
            current.map(|p| enum_value(&p.experience)),
        ),
        single(
            MODE,
            &text::MODE,
            choices(Mode::ALL, |m| m.label()),
            current.map(|p| enum_value(&p.mode)),
        ),
        single(
            FREQUENCY,
            &text::FREQUENCY,
            choices(Frequency::ALL, |f| f.label()),
            current.map(|p| enum_value(&p.frequency)),
        ),
    ]
}

fn text(values: &FormValues, key: &str) -> Option<String> {
    match values.get(key) {
        Some(FieldValue::Text(t)) | Some(FieldValue::One(t)) => t
            .as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        _ => None,
    }
}

fn many(values: &FormValues, key: &str) -> Vec<String> {
    match values.get(key) {
        Some(FieldValue::Many(v)) => v.clone(),
        _ => Vec::new(),
    }
}

/// Validates a submitted form into a profile, or says what to fix per field.
pub fn validate(cfg: &ProgrammeConfig, values: &FormValues) -> Result<Profile, FieldErrors> {
    let mut errors = FieldErrors::new();
    let timezone = match text(values, TIMEZONE) {
        None => {
            errors.insert(TIMEZONE.into(), text::timezone_missing());
            String::new()
        }
        Some(tz) => match tz.parse::<chrono_tz::Tz>() {
            Ok(parsed) => parsed.name().to_string(),
            Err(_) => {
                errors.insert(TIMEZONE.into(), text::timezone_unknown(&tz));
                String::new()
            }
        },
    };
    let mut topics = |key: &str, field: &text::TopicsText| {
        let picked = many(values, key);
        if picked.is_empty() {
            errors.insert(key.into(), text::pick_at_least_one(field));
        } else if picked.len() > 5 {
            errors.insert(key.into(), text::pick_at_most_five());
        } else if let Some(bad) = picked.iter().find(|t| !cfg.topics.contains(t)) {
            errors.insert(key.into(), text::not_a_topic(bad));
        }
        picked
    };
    let interests = topics(INTERESTS, &text::INTERESTS);
    let offers = topics(OFFERS, &text::OFFERS);
    let wants = topics(WANTS, &text::WANTS);
    let mut pick = |key: &str| -> Option<String> {
        let v = text(values, key);
        if v.is_none() {
            errors.insert(key.into(), text::choose_one());
        }
        v
    };
    let experience = pick(EXPERIENCE).and_then(|s| parse_enum::<Experience>(&s));
    let mode = pick(MODE).and_then(|s| parse_enum::<Mode>(&s));
    let frequency = pick(FREQUENCY).and_then(|s| parse_enum::<Frequency>(&s));
    for (key, ok) in [
        (EXPERIENCE, experience.is_some()),
        (MODE, mode.is_some()),
        (FREQUENCY, frequency.is_some()),
    ] {
        if !ok {
            errors.entry(key.into()).or_insert_with(text::not_a_choice);
        }
    }
    match (experience, mode, frequency) {
        (Some(experience), Some(mode), Some(frequency)) if errors.is_empty() => Ok(Profile {
            timezone,
            interests,
            offers,
            wants,
            experience,
            mode,
            frequency,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn good_values() -> FormValues {
        let mut v = FormValues::new();
        v.insert(
            TIMEZONE.into(),
            FieldValue::Text(Some("Europe/Lisbon".into())),
        );
        v.insert(INTERESTS.into(), FieldValue::Many(vec!["Research".into()]));
        v.insert(OFFERS.into(), FieldValue::Many(vec!["Writing".into()]));
        v.insert(WANTS.into(), FieldValue::Many(vec!["Accessibility".into()]));
        v.insert(EXPERIENCE.into(), FieldValue::One(Some("new".into())));
        v.insert(MODE.into(), FieldValue::One(Some("video".into())));
        v.insert(FREQUENCY.into(), FieldValue::One(Some("weekly".into())));
        v
    }

    #[test]
    fn a_complete_form_becomes_a_profile() {
        let p = validate(&ProgrammeConfig::example(), &good_values()).unwrap();
        assert_eq!(p.timezone, "Europe/Lisbon");
        assert_eq!(p.experience, Experience::New);
        assert_eq!(p.mode, Mode::Video);
    }

    #[test]
    fn an_unknown_time_zone_is_reported_on_its_field() {
        let mut v = good_values();
        v.insert(
            TIMEZONE.into(),
            FieldValue::Text(Some("Mars/Olympus".into())),
        );
        let e = validate(&ProgrammeConfig::example(), &v).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[TIMEZONE].contains("Mars/Olympus"));
    }

    #[test]
    fn missing_and_forged_choices_are_reported() {
        let mut v = good_values();
        v.remove(WANTS);
        v.insert(MODE.into(), FieldValue::One(Some("telepathy".into())));
        v.insert(OFFERS.into(), FieldValue::Many(vec!["Knitting".into()]));
        let e = validate(&ProgrammeConfig::example(), &v).unwrap_err();
        assert_eq!(
            e.keys().cloned().collect::<Vec<_>>(),
            vec![MODE.to_string(), OFFERS.to_string(), WANTS.to_string()]
        );
    }

    #[test]
    fn the_modal_is_prefilled_when_editing() {
        let cfg = ProgrammeConfig::example();
        let p = validate(&cfg, &good_values()).unwrap();
        let m = modal(&cfg, Some(&p), Some("America/Chicago"));
        assert_eq!(m.private_metadata, "edit");
        let tz = m.blocks.iter().find_map(|b| match b {
            Block::Input {
                block_id,
                element: InputElement::Text { initial, .. },
                ..
            } if block_id == TIMEZONE => initial.clone(),
            _ => None,
        });
        assert_eq!(tz.as_deref(), Some("Europe/Lisbon"));
        let new = modal(&cfg, None, Some("America/Chicago"));
        assert_eq!(new.private_metadata, "new");
    }
}
