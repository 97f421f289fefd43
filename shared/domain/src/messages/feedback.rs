//! Texts of the end-of-round feedback: the rating question under the last
//! check-in, its thanks (with the private note button), the note's
//! confirmation, the member's own view in `my data`, and the moderators'
//! per-round figures and notes in `/mentoring stats`. Notes are free text:
//! escaped before they reach mrkdwn and cut to fit a block.

use std::collections::BTreeMap;

use super::goal::escape;
use crate::action::Action;
use crate::feedback::{Feedback, Rating, RoundOutcome};
use crate::ids::{RoundId, UserId};
use crate::surface::limits::MAX_SECTION_TEXT;
use crate::surface::{Block, Button, Message};

/// At most this many notes in one stats answer (newest round first).
pub const MAX_NOTES_SHOWN: usize = 10;

/// A rating as stars, the buttons' labels ("⭐⭐⭐⭐").
pub fn stars(r: Rating) -> String {
    "⭐".repeat(usize::from(r.stars()))
}

/// "How was your pairing?" under the round's last check-in: five buttons.
pub fn checkin_blocks(round: RoundId, group: u32) -> Vec<Block> {
    let buttons = Rating::all()
        .map(|rating| {
            Button::new(
                Action::Rate {
                    round,
                    group,
                    rating,
                },
                &stars(rating),
            )
        })
        .collect();
    vec![
        Block::Section(format!(
            "⭐ *How was your pairing in {}?* One click: 1 star (not useful) to 5 (great). \
             Only the moderators see ratings, never your partner.",
            round.label()
        )),
        Block::Buttons(buttons),
    ]
}

/// The "Add a private note" button (or "Change your note").
fn note_button(round: RoundId, has_note: bool) -> Button {
    let label = if has_note {
        "Change your note"
    } else {
        "Add a private note for the moderators"
    };
    Button::new(Action::OpenFeedbackNote { round }, label)
}

/// The thanks for a rating, with the note button.
pub fn rated(round: RoundId, rating: Rating, replaced: Option<Rating>, has_note: bool) -> Message {
    let said = match replaced {
        Some(old) if old != rating => format!(
            "Updated: {} for {} (instead of {}).",
            stars(rating),
            round.label(),
            stars(old)
        ),
        _ => format!("Thanks! You rated {} {}.", round.label(), stars(rating)),
    };
    Message {
        text: format!("You rated {} {} of 5", round.label(), rating.stars()),
        blocks: vec![
            Block::Section(format!(
                "{said} It counts once; click another rating any time to change it."
            )),
            Block::Buttons(vec![note_button(round, has_note)]),
            Block::Context(
                "Only the moderators see ratings and notes (never your partner); \
                 `delete my data` deletes them."
                    .into(),
            ),
        ],
    }
}

/// A rating for a round the member wasn't paired in (an old or foreign button).
pub fn not_yours(round: RoundId) -> Message {
    Message::plain(format!(
        "I don't have a pairing of yours in {} to rate, so nothing changed.",
        round.label()
    ))
}

/// The note form's field error for a round the member wasn't paired in.
pub fn note_not_yours(round: RoundId) -> String {
    format!(
        "You weren't paired in {}, so there's no pairing to write about.",
        round.label()
    )
}

pub fn note_saved(round: RoundId) -> Message {
    Message {
        text: format!("Your note about {} is with the moderators", round.label()),
        blocks: vec![
            Block::Section(format!(
                "Thanks 🙏 Your note about {} is with the moderators. Only they can read it; \
                 your partner never sees it.",
                round.label()
            )),
            Block::Buttons(vec![note_button(round, true)]),
        ],
    }
}

pub fn note_cleared(round: RoundId) -> Message {
    Message::plain(format!(
        "OK, no note about {} any more: the moderators won't see one.",
        round.label()
    ))
}

/// The member's own rating of a month in their App Home history (the note
/// itself only in `my data`: the App Home is a lasting view).
pub fn history_line(f: &Feedback) -> String {
    let rating = f.rating.map_or("No rating".to_string(), |r| {
        format!("Your rating: {}", stars(r))
    });
    match f.note {
        Some(_) => format!("{rating}, and a private note to the moderators"),
        None => rating,
    }
}

/// The member's own feedback in `my data`: one block per round (a note
/// may be long), none when there is no feedback.
pub fn my_data_blocks(feedback: &BTreeMap<RoundId, Feedback>) -> Vec<Block> {
    if feedback.is_empty() {
        return Vec::new();
    }
    let mut blocks = vec![Block::Section(
        "*Your feedback on rounds* (only moderators see it)".into(),
    )];
    for (round, f) in feedback.iter().rev() {
        let rating = f.rating.map_or("no rating".to_string(), |r| {
            format!("rated {} of 5", r.stars())
        });
        let head = format!("• {}: {rating}", round.label());
        let line = match &f.note {
            Some(n) => {
                let room = MAX_SECTION_TEXT - head.chars().count() - 40;
                format!(
                    "{head}; your note to the moderators: “{}”",
                    clip(&escape(n), room)
                )
            }
            None => head,
        };
        blocks.push(Block::Section(line));
    }
    blocks
}

/// "12 pairs, 9 met (75%), average rating 4.2 from 15 ratings, 3 private notes".
fn outcome_text(o: &RoundOutcome) -> String {
    let met = o
        .met_percent()
        .map_or("no pairs".to_string(), |p| format!("{} met ({p}%)", o.met));
    let rating = match o.average_rating() {
        Some(avg) => format!(
            "average rating {avg:.1} from {} rating{}",
            o.ratings,
            plural(o.ratings)
        ),
        None => "no ratings yet".into(),
    };
    let notes = match o.notes {
        0 => String::new(),
        n => format!(", {n} private note{}", plural(n)),
    };
    format!(
        "{} pair{}, {met}, {rating}{notes}",
        o.pairs,
        plural(o.pairs)
    )
}

/// How the round before went, in the moderators' summary of a new round.
pub fn summary_block(o: &RoundOutcome) -> Block {
    let round = o.round.map(|r| r.label()).unwrap_or_default();
    let read = if o.notes > 0 {
        " `/mentoring stats` shows the notes."
    } else {
        ""
    };
    Block::Section(format!("*How {round} went:* {}.{read}", outcome_text(o)))
}

/// One line per round for `/mentoring stats`, newest first.
pub fn outcome_lines(outcomes: &[RoundOutcome]) -> Option<Block> {
    let lines: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.is_empty())
        .filter_map(|o| Some((o.round?, o)))
        .map(|(round, o)| format!("• {}: {}", round.label(), outcome_text(o)))
        .collect();
    (!lines.is_empty()).then(|| {
        Block::Section(format!(
            "*How rounds went* (pairs who said they met; ratings 1–5 from the last check-in)\n{}",
            lines.join("\n")
        ))
    })
}

/// A private note as the moderators see it.
pub struct NoteView<'a> {
    pub round: RoundId,
    pub by: &'a UserId,
    pub rating: Option<Rating>,
    pub note: &'a str,
}

/// The notes (newest round first), at most [`MAX_NOTES_SHOWN`], each cut to
/// fit its block, then how many more there are.
pub fn note_blocks(notes: &[NoteView<'_>]) -> Vec<Block> {
    if notes.is_empty() {
        return Vec::new();
    }
    let mut blocks = vec![Block::Section(
        "*Private notes from members* (only moderators see these)".into(),
    )];
    for n in notes.iter().take(MAX_NOTES_SHOWN) {
        let rating = n
            .rating
            .map_or(String::new(), |r| format!(", rated {} of 5", r.stars()));
        let head = format!("{} on {}{rating}: ", n.by.mention(), n.round.label());
        let room = MAX_SECTION_TEXT - head.chars().count() - 4;
        blocks.push(Block::Section(format!(
            "{head}“{}”",
            clip(&escape(n.note), room)
        )));
    }
    if notes.len() > MAX_NOTES_SHOWN {
        blocks.push(Block::Context(format!(
            "…and {} older note{} not shown here.",
            notes.len() - MAX_NOTES_SHOWN,
            plural(notes.len() - MAX_NOTES_SHOWN)
        )));
    }
    blocks
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `text` cut to at most `max` characters (with an ellipsis), never inside
/// an escaped entity such as `&lt;`.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    if let Some(amp) = cut.rfind('&').filter(|i| !cut[*i..].contains(';')) {
        cut.truncate(amp);
    }
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::check_block_kit_limits;

    fn round() -> RoundId {
        "2026-12".parse().unwrap()
    }

    fn msg(blocks: Vec<Block>) -> Message {
        Message {
            text: "t".into(),
            blocks,
        }
    }

    #[test]
    fn the_rating_question_has_five_buttons_from_one_to_five_stars() {
        let m = msg(checkin_blocks(round(), 3));
        check_block_kit_limits(&m).unwrap();
        assert!(
            m.readable()
                .contains("How was your pairing in December 2026?")
        );
        let actions = m.actions();
        assert_eq!(actions.len(), 5);
        assert_eq!(
            actions[4],
            Action::Rate {
                round: round(),
                group: 3,
                rating: Rating::new(5).unwrap()
            }
        );
    }

    #[test]
    fn the_thanks_says_the_rating_and_offers_the_private_note() {
        let four = Rating::new(4).unwrap();
        let m = rated(round(), four, None, false);
        check_block_kit_limits(&m).unwrap();
        assert!(m.readable().contains("You rated December 2026 ⭐⭐⭐⭐"));
        assert_eq!(m.actions(), [Action::OpenFeedbackNote { round: round() }]);
        let changed = rated(round(), Rating::new(2).unwrap(), Some(four), true);
        assert!(changed.readable().contains("(instead of ⭐⭐⭐⭐)"));
        assert!(changed.readable().contains("Change your note"));
        check_block_kit_limits(&note_saved(round())).unwrap();
        check_block_kit_limits(&note_cleared(round())).unwrap();
        check_block_kit_limits(&not_yours(round())).unwrap();
    }

    #[test]
    fn stats_lines_say_pairs_met_share_and_average_per_round() {
        let o = RoundOutcome {
            round: Some(round()),
            pairs: 4,
            met: 3,
            ratings: 3,
            rating_sum: 13,
            notes: 1,
        };
        let empty = RoundOutcome {
            round: Some(round().prev()),
            ..Default::default()
        };
        let block = outcome_lines(&[o.clone(), empty]).unwrap();
        let text = msg(vec![block]).readable();
        assert!(
            text.contains("December 2026: 4 pairs, 3 met (75%), average rating 4.3 from 3 ratings, 1 private note"),
            "{text}"
        );
        assert!(!text.contains("November"), "{text}");
        assert!(outcome_lines(&[]).is_none());
        let summary = msg(vec![summary_block(&o)]);
        check_block_kit_limits(&summary).unwrap();
        assert!(
            summary.readable().contains("*How December 2026 went:* 4 pairs, 3 met (75%), average rating 4.3 from 3 ratings, 1 private note. `/mentoring stats` shows the notes."),
            "{}",
            summary.readable()
        );
    }

    #[test]
    fn the_longest_notes_fit_slack_and_never_ping_anyone() {
        let by = UserId::new("U0ANA");
        let long = "<!channel> ".repeat(100);
        let notes: Vec<NoteView> = (0..12)
            .map(|_| NoteView {
                round: round(),
                by: &by,
                rating: Rating::new(1),
                note: &long,
            })
            .collect();
        let m = msg(note_blocks(&notes));
        check_block_kit_limits(&m).unwrap();
        let text = m.readable();
        assert!(!text.contains("<!channel>"), "{text}");
        assert!(text.contains("…and 2 older notes not shown here."));
        assert_eq!(m.blocks.len(), 1 + MAX_NOTES_SHOWN + 1);
    }

    #[test]
    fn my_data_shows_each_rounds_rating_and_note_newest_first_within_limits() {
        let at = "2026-12-22T10:00:00Z".parse().unwrap();
        let mut fb = BTreeMap::new();
        fb.insert(
            round(),
            Feedback {
                rating: Rating::new(5),
                note: Some("<@U0BEN> & I ".repeat(90)),
                at,
            },
        );
        fb.insert(
            round().prev(),
            Feedback {
                rating: None,
                note: None,
                at,
            },
        );
        let m = msg(my_data_blocks(&fb));
        check_block_kit_limits(&m).unwrap();
        let text = m.readable();
        assert!(text.contains("• December 2026: rated 5 of 5; your note to the moderators: “&lt;@U0BEN&gt; &amp; I"), "{text}");
        assert!(text.find("December").unwrap() < text.find("November 2026: no rating").unwrap());
        assert!(my_data_blocks(&BTreeMap::new()).is_empty());
    }

    #[test]
    fn clipping_never_leaves_half_an_escaped_character() {
        assert_eq!(clip("ab&lt;cd", 5), "ab…");
        assert_eq!(clip("abc", 5), "abc");
    }
}
