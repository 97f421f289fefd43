//! Renders every message builder in `messages/` and the App Home in its
//! fullest state (a moderator who is an active member with a long profile,
//! a trio partner and every button), and checks each against Slack's Block
//! Kit limits. A new builder belongs here too.

use chrono::{DateTime, TimeZone, Utc};
use mentor_matching::{Experience, Frequency, Mode, Reason, RoundPlan};
use serde_json::json;

use super::{Surface, check_block_kit_limits};
use crate::commands::Command;
use crate::config::ProgrammeConfig;
use crate::ids::{ChannelId, RoundId, UserId};
use crate::messages::{
    self, StatusView, agenda, goal, history, moderator, never_pair, privacy, rounds,
};
use crate::model::{
    CheckinAnswer, Confirmation, Goal, GoalOutcome, Group, Member, MemberStatus, Profile, Round,
    UnmatchedWhy,
};
use crate::profile_form;
use crate::surface::{Block, Home};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap()
}

fn round() -> RoundId {
    "2026-12".parse().unwrap()
}

fn u(n: usize) -> UserId {
    UserId::new(format!("U0MEMBER{n:03}"))
}

/// Every topic of the configured list in every answer: the longest profile.
fn profile(cfg: &ProgrammeConfig) -> Profile {
    Profile {
        timezone: "America/Argentina/ComodRivadavia".into(),
        interests: cfg.topics.clone(),
        offers: cfg.topics.clone(),
        wants: cfg.topics.clone(),
        experience: Experience::SevenPlus,
        mode: Mode::Mixed,
        frequency: Frequency::Fortnightly,
    }
}

fn member(cfg: &ProgrammeConfig, id: UserId) -> Member {
    let mut m = Member::new_onboarding(id, now());
    m.status = MemberStatus::Active;
    m.profile = Some(profile(cfg));
    m.profile_saved_at = Some(now());
    m.confirmations.insert(round(), Confirmation::Yes);
    m
}

/// A member with every private list full.
fn full_member(cfg: &ProgrammeConfig) -> Member {
    let mut m = member(cfg, u(1));
    m.blocked = (100..100 + never_pair::MAX_BLOCKED).map(u).collect();
    m.happy_again = (200..224).map(u).collect();
    m.excluded_with = (300..310).map(u).collect();
    m.goal = Some(longest_goal());
    let mut r = round();
    for _ in 0..24 {
        m.feedback.insert(r, longest_feedback());
        r = r.prev();
    }
    m
}

/// A rating with a note at the length limit, all characters that mrkdwn
/// escaping lengthens.
fn longest_feedback() -> crate::feedback::Feedback {
    crate::feedback::Feedback {
        rating: crate::feedback::Rating::new(5),
        note: Some("<&>".repeat(crate::feedback_form::MAX_CHARS / 3)),
        at: now(),
    }
}

/// A goal at the length limit, all characters that mrkdwn escaping lengthens.
fn longest_goal() -> Goal {
    Goal {
        round: round(),
        text: "<&>".repeat(crate::goal_form::MAX_CHARS / 3),
        outcome: Some(GoalOutcome::Partly),
    }
}

/// Every reason the engine gives, with every topic.
fn reasons(cfg: &ProgrammeConfig, a: &UserId, b: &UserId) -> Vec<Reason> {
    serde_json::from_value(json!([
        {"can_help": {"from": a.as_str(), "to": b.as_str(), "topics": cfg.topics}},
        {"can_help": {"from": b.as_str(), "to": a.as_str(), "topics": cfg.topics}},
        {"shared_interests": cfg.topics},
        {"experience_mix": {"senior": a.as_str(), "senior_level": "seven_plus",
                            "junior": b.as_str(), "junior_level": "new"}},
        {"daytime_overlap": {"hours": 6}},
        {"same_mode": "video"},
        {"same_frequency": "weekly"},
        {"met_before": {"rounds_ago": 3}},
    ]))
    .expect("reasons")
}

/// A trio with reasons, check-ins, a report and a late joiner.
fn group(cfg: &ProgrammeConfig) -> Group {
    let (a, b, c) = (u(1), u(2), u(3));
    let mut all = reasons(cfg, &a, &b);
    all.extend(reasons(cfg, &a, &c));
    all.extend(reasons(cfg, &b, &c));
    serde_json::from_value(json!({
        "round": round().to_string(),
        "number": 7,
        "members": [a.as_str(), b.as_str(), c.as_str()],
        "score": 93,
        "reasons": all,
        "origin": "late_join",
        "checkins": {"7": {a.as_str(): "met", b.as_str(): "unresponsive"}},
        "unresponsive_reported": {b.as_str(): now()},
        "joined_late": c.as_str(),
    }))
    .expect("group")
}

/// A round of 10,000 members with long unmatched and not-confirmed lists.
/// Every reason someone is left unmatched (their words differ in length).
const WHY: [&str; 3] = [
    "only_eligible_member",
    "no_allowed_partner",
    "no_compatible_group",
];

fn big_round() -> Round {
    serde_json::from_value(json!({
        "id": round().to_string(),
        "state": "paired",
        "seed": 42,
        "created_at": now(),
        "paired_at": now(),
        "plan_stored": true,
        "stats": {"eligible": 10000, "groups": 4999, "trios": 1, "unmatched": 40,
                  "not_confirmed": 400, "repeats": 3},
        "unmatched": (0..120).map(|n| json!([u(n).as_str(), WHY[n % 3]])).collect::<Vec<_>>(),
        "not_confirmed": (100..500).map(|n| u(n).as_str().to_string()).collect::<Vec<_>>(),
    }))
    .expect("round")
}

fn big_plan(cfg: &ProgrammeConfig) -> RoundPlan {
    let groups: Vec<_> = (0..200)
        .map(|n| {
            let (a, b) = (u(2 * n), u(2 * n + 1));
            json!({"members": [a.as_str(), b.as_str()], "score": 80,
                   "reasons": reasons(cfg, &a, &b)})
        })
        .collect();
    // Every reason, each for many people (the words are long).
    let unmatched: Vec<_> = (500..620)
        .map(|n| json!({"member": u(n).as_str(), "reason": WHY[n % 3]}))
        .collect();
    serde_json::from_value(json!({"groups": groups, "unmatched": unmatched})).expect("plan")
}

fn ok(name: &str, s: &dyn Surface) {
    if let Err(p) = check_block_kit_limits(s) {
        panic!("{name} breaks Slack's limits: {p:?}");
    }
}

#[test]
fn every_member_message_fits_slacks_limits() {
    let cfg = ProgrammeConfig::example();
    let me = member(&cfg, u(1));
    let p = profile(&cfg);
    let r = round();
    for moderator in [false, true] {
        ok("help", &messages::help(&cfg, moderator));
    }
    ok("unknown_command", &messages::unknown_command(&cfg));
    ok("welcome", &messages::welcome(&cfg, now()));
    for first in [false, true] {
        ok(
            "profile_saved",
            &messages::profile_saved(&cfg, &p, first, now()),
        );
    }
    for status in MemberStatus::ALL {
        for answer in [None, Some(Confirmation::Yes), Some(Confirmation::Skip)] {
            let mut m = me.clone();
            m.status = status;
            let view = StatusView {
                member: &m,
                partners: vec![u(2), u(3)],
                current_round: r,
                next_round: r.next(),
                answer_next: answer,
                pair_now: Some(r),
            };
            ok("status", &messages::status(&cfg, &view));
        }
    }
    ok("not_signed_up", &messages::not_signed_up(&cfg, now()));
    for c in [
        Command::Unknown,
        Command::OptOut,
        Command::Status,
        Command::Help,
    ] {
        ok("answered_in_dm", &messages::answered_in_dm(&c));
    }
    ok("profile_view", &messages::profile_view(&p));
    ok(
        "opt_out_confirm_request",
        &messages::opt_out_confirm_request(),
    );
    ok("kept_in", &messages::kept_in());
    ok("still_paused", &messages::still_paused(&cfg, r));
    ok("paused", &messages::paused(&cfg, now()));
    ok("resumed", &messages::resumed(&cfg, now()));
    for had in [false, true] {
        ok("opted_out", &messages::opted_out(had));
    }
    ok("opted_in", &messages::opted_in(&cfg, now()));
    for already in messages::Already::ALL {
        ok("no_change", &messages::no_change(already));
    }
    ok(
        "delete_confirm_request",
        &messages::delete_confirm_request(),
    );
    ok("deleted", &messages::deleted());
    ok("delete_cancelled", &messages::delete_cancelled());
    ok("nothing_to_delete", &messages::nothing_to_delete());
    ok("channel_invite", &messages::channel_invite(&cfg, now()));
    ok("left_channel", &messages::left_channel(&cfg, &[u(2), u(3)]));
    ok("join_channel_first", &messages::join_channel_first(&cfg));
    ok(
        "rejoin_channel_first",
        &messages::rejoin_channel_first(&cfg),
    );
    for old in [false, true] {
        ok("rejoined", &messages::rejoined(&cfg, now(), old));
    }
}

#[test]
fn every_round_message_fits_slacks_limits() {
    let cfg = ProgrammeConfig::example();
    let r = round();
    let g = group(&cfg);
    let (a, b, c) = (member(&cfg, u(1)), member(&cfg, u(2)), member(&cfg, u(3)));
    ok("reconfirm", &rounds::reconfirm(&cfg, r));
    for answer in [Confirmation::Yes, Confirmation::Skip] {
        for paired in [false, true] {
            ok(
                "reconfirm_answered",
                &rounds::reconfirm_answered(&cfg, r, answer, paired),
            );
        }
    }
    ok("reminder", &rounds::reminder(&cfg, r));
    ok(
        "unresponsive_noted",
        &rounds::unresponsive_noted(24, &[u(2), u(3)]),
    );
    ok("no_partner_to_report", &rounds::no_partner_to_report());
    for told in [false, true] {
        ok(
            "unresponsive_withdrawn",
            &rounds::unresponsive_withdrawn(told),
        );
    }
    ok("nothing_to_withdraw", &rounds::nothing_to_withdraw());
    ok("reconfirm_too_late", &rounds::reconfirm_too_late(r));
    let dm = ChannelId::new("G0GROUPDM");
    for channel in [None, Some(&dm)] {
        ok(
            "pairing_dm",
            &rounds::pairing_dm(&cfg, &g, &a, &[&b, &c], channel, now()),
        );
    }
    ok("group_intro", &rounds::group_intro(&cfg, &g));
    for why in [
        UnmatchedWhy::OnlyEligibleMember,
        UnmatchedWhy::NoAllowedPartner,
        UnmatchedWhy::NoCompatibleGroup,
    ] {
        ok("unmatched", &rounds::unmatched(&cfg, r, why, now()));
    }
    ok("not_confirmed", &rounds::not_confirmed(&cfg, r, now()));
    for day in cfg.checkin_days.clone() {
        ok("checkin", &rounds::checkin(&cfg, r, 7, day, &[u(2), u(3)]));
    }
    for answer in [
        CheckinAnswer::Met,
        CheckinAnswer::NotYet,
        CheckinAnswer::Unresponsive,
        CheckinAnswer::WantOut,
    ] {
        ok("checkin_thanks", &rounds::checkin_thanks(&cfg, answer, 24));
    }
    ok(
        "member_unreachable",
        &rounds::member_unreachable(&u(2), "user_not_found"),
    );
}

#[test]
fn every_moderator_message_fits_slacks_limits_at_10000_members() {
    let cfg = ProgrammeConfig::example();
    let r = round();
    let g = group(&cfg);
    let members: Vec<Member> = (0..10_000).map(|n| member(&cfg, u(n))).collect();
    let groups = vec![g.clone(); 50];
    let big = big_round();
    ok("not_a_moderator", &moderator::not_a_moderator(&cfg));
    ok("help", &moderator::help());
    ok("unknown", &moderator::unknown(&"x".repeat(500)));
    ok(
        "stats",
        &moderator::stats(&cfg, &members, r, Some(&big), &groups, r.next()),
    );
    ok("preview", &moderator::preview(&cfg, r, &big_plan(&cfg)));
    ok("run_done", &moderator::run_done(&big));
    ok("round_summary", &moderator::round_summary(&big));
    ok("wants_out", &moderator::wants_out(&u(1), &g));
    ok(
        "unresponsive_alert",
        &moderator::unresponsive_alert(&u(1), Some(&long_name()), &g),
    );
    ok(
        "alert_already_handled",
        &moderator::alert_already_handled(&u(1), &u(2)),
    );
    ok(
        "alert_from_old_round",
        &moderator::alert_from_old_round(&u(1), r),
    );
    ok(
        "already_has_partner",
        &moderator::already_has_partner(&u(1)),
    );
    ok("repair_raced", &moderator::repair_raced(&u(1), &u(2)));
    ok(
        "unresponsive_withdrawn",
        &moderator::unresponsive_withdrawn(&u(1), &g),
    );
    ok("unpaired_member", &moderator::unpaired_member());
    for still in [false, true] {
        ok("partner_left", &moderator::partner_left(&cfg, still));
    }
    ok(
        "partner_left_alert",
        &moderator::partner_left_alert(&u(1), &u(2), Some(&long_name()), &g),
    );
    ok("late_wait", &moderator::late_wait(&cfg, now()));
    ok("late_paired", &moderator::late_paired(&u(1), &u(2), 7));
    ok("late_trio", &moderator::late_trio(&u(1), &g));
    ok("late_unpaired", &moderator::late_unpaired(&u(1)));
    let csv = moderator::export_csv(&members, r, &groups);
    let parts = moderator::export_messages(r, &csv);
    assert!(parts.len() > 1, "10,000 members take several messages");
    for part in &parts {
        ok("export_messages", part);
    }
    let joined: String = parts.iter().map(|m| m.readable()).collect();
    assert!(
        joined.contains(u(9_999).as_str()),
        "the last member is exported"
    );
    ok(
        "slack_back",
        &moderator::slack_back("invalid_auth", now(), 10_000),
    );
    ok("working_on_it", &moderator::working_on_it());
}

/// A real name longer than a button label may be.
fn long_name() -> String {
    "Maria Fernanda de los Ángeles Rodríguez-Villanueva y Castellanos".repeat(3)
}

#[test]
fn every_moderator_confirmation_fits_slacks_limits_with_a_very_long_name() {
    use crate::messages::moderator_confirm as confirm;
    let cfg = ProgrammeConfig::example();
    let g = group(&cfg);
    let name = long_name();
    ok("confirm_run", &confirm::confirm_run(&cfg, round(), 10_000));
    ok(
        "already_paired",
        &confirm::already_paired(&cfg, round(), round().next()),
    );
    ok("run_not_needed", &confirm::run_not_needed(round()));
    for n in [None, Some(name.as_str())] {
        ok("confirm_unpair", &confirm::confirm_unpair(&u(1), &g, n));
        ok("confirm_remove", &confirm::confirm_remove(&u(1), n));
    }
    ok("not_paired_now", &confirm::not_paired_now(&u(1), round()));
    ok("unpair_not_needed", &confirm::unpair_not_needed(&u(1)));
    ok("unpaired", &confirm::unpaired(&g));
    ok("removed", &confirm::removed(&u(1)));
    ok("already_out", &confirm::already_out(&u(1)));
    ok("removed_member", &confirm::removed_member(&cfg));
}

#[test]
fn every_never_pair_message_fits_slacks_limits() {
    for now in [false, true] {
        ok("blocked", &never_pair::blocked(&u(2), now));
    }
    ok("already_blocked", &never_pair::already_blocked(&u(2)));
    ok("unblocked", &never_pair::unblocked(&u(2)));
    ok("not_blocked", &never_pair::not_blocked(&u(2)));
    for unblock in [false, true] {
        ok("name_someone", &never_pair::name_someone(unblock));
    }
    ok("not_yourself", &never_pair::not_yourself());
    ok("too_many", &never_pair::too_many());
    ok("not_your_partner", &history::not_your_partner());
}

#[test]
fn every_goal_message_and_the_goal_modal_fit_slacks_limits() {
    let cfg = ProgrammeConfig::example();
    let g = longest_goal();
    ok("goal modal (new)", &crate::goal_form::modal(round(), None));
    ok(
        "goal modal (filled)",
        &crate::goal_form::modal(round(), Some(&g.text)),
    );
    ok("goal saved", &goal::saved(&g));
    ok("goal cleared", &goal::cleared(round()));
    ok("goal too late", &goal::too_late(round()));
    for o in [
        GoalOutcome::Reached,
        GoalOutcome::Partly,
        GoalOutcome::NotThisTime,
    ] {
        ok("goal outcome", &goal::outcome_noted(o));
    }
    ok("no goal to rate", &goal::no_goal_to_rate());
    // The last check-in with the goal question, and a trio's pairing DM with
    // both partners' goals and the agenda.
    let mut checkin = rounds::checkin(&cfg, round(), 1, 21, &[u(2), u(3)]);
    checkin.blocks.extend(goal::checkin_blocks(&g));
    ok("last check-in with goal", &checkin);
    let at = checkin.blocks.len() - 1;
    for (i, b) in messages::feedback::checkin_blocks(round(), 1)
        .into_iter()
        .enumerate()
    {
        checkin.blocks.insert(at + i, b);
    }
    ok("last check-in with goal and rating", &checkin);
    let me = full_member(&cfg);
    let (p2, p3) = (full_member(&cfg), full_member(&cfg));
    let dm = rounds::pairing_dm(&cfg, &group(&cfg), &me, &[&p2, &p3], None, now());
    ok("pairing dm with goals", &dm);
    assert!(dm.readable().contains("goal this month"));
    assert!(!agenda::agenda_text(&group(&cfg).reasons, &u(1)).is_empty());
    let mut saved = messages::profile_saved(&cfg, &profile(&cfg), true, now());
    saved.blocks.insert(2, goal::signup_line(&g));
    ok("profile saved with goal", &saved);
}

#[test]
fn my_data_fits_slacks_limits_after_24_months_of_groups() {
    let cfg = ProgrammeConfig::example();
    let me = full_member(&cfg);
    let groups = vec![group(&cfg); 24];
    ok("my data (none)", &privacy::my_data_none());
    ok("my data", &privacy::my_data(&me, &groups, 24));
}

#[test]
fn the_profile_form_fits_slacks_limits_new_and_filled_in() {
    let cfg = ProgrammeConfig::example();
    let p = profile(&cfg);
    ok(
        "profile modal",
        &profile_form::modal(&cfg, None, Some("Europe/Lisbon")),
    );
    ok(
        "profile modal (edit)",
        &profile_form::modal(&cfg, Some(&p), None),
    );
    let mut many = cfg.clone();
    many.topics = (0..100).map(|n| format!("Topic number {n}")).collect();
    ok(
        "profile modal (100 topics)",
        &profile_form::modal(&many, Some(&profile(&many)), None),
    );
}

#[test]
fn the_app_home_fits_slacks_limits_in_its_fullest_state() {
    let cfg = ProgrammeConfig::example();
    let me = full_member(&cfg);
    let view = StatusView {
        member: &me,
        partners: vec![u(2), u(3)],
        current_round: round(),
        next_round: round().next(),
        answer_next: None,
        pair_now: Some(round()),
    };
    // The moderator section: a header, the stats at 10,000 members, the buttons.
    let members: Vec<Member> = (0..10_000).map(|n| member(&cfg, u(n))).collect();
    let stats = moderator::stats(
        &cfg,
        &members,
        round(),
        Some(&big_round()),
        &vec![group(&cfg); 50],
        round().next(),
    );
    let mut tools = vec![Block::Header("Moderator tools".into())];
    tools.extend(stats.blocks);
    tools.extend(messages::feedback::outcome_lines(&six_round_outcomes()));
    let mut full: Home = messages::home(&cfg, Some(&view), Some(tools));
    // 24 months of history (a trio each month), then the never-pair list.
    let months: Vec<Group> = (0..24)
        .map(|n| {
            let mut g = group(&cfg);
            g.round = RoundId::new(2025 + n / 12, (n % 12 + 1) as u32).unwrap();
            g
        })
        .collect();
    let mut mine = history::home_blocks(&me, &months);
    mine.extend(never_pair::home_blocks(&me.blocked));
    let mut with_highlights = cfg.clone();
    with_highlights.round_highlights = true;
    mine.push(Block::Divider);
    mine.extend(messages::highlights::home_blocks(&with_highlights, true));
    never_pair::insert_into_home(&mut full, mine);
    ok("home (member and moderator)", &full);
    ok("home (newcomer)", &messages::home(&cfg, None, None));
}

/// `/mentoring stats`' six rounds at 10,000 members.
fn six_round_outcomes() -> Vec<crate::feedback::RoundOutcome> {
    (0..6)
        .map(|_| crate::feedback::RoundOutcome {
            round: Some(round()),
            pairs: 5000,
            met: 4999,
            ratings: 10_000,
            rating_sum: 44_444,
            notes: 10_000,
        })
        .collect()
}

#[test]
fn every_feedback_message_and_the_stats_with_notes_fit_slacks_limits() {
    use crate::feedback::Rating;
    use messages::feedback as fb;
    let cfg = ProgrammeConfig::example();
    let five = Rating::new(5).unwrap();
    ok("rated", &fb::rated(round(), five, None, false));
    ok("re-rated", &fb::rated(round(), five, Rating::new(1), true));
    ok("note saved", &fb::note_saved(round()));
    ok("note cleared", &fb::note_cleared(round()));
    ok("not yours", &fb::not_yours(round()));
    ok("note modal", &crate::feedback_form::modal(round(), None));
    let note = longest_feedback().note.unwrap();
    ok(
        "note modal (filled)",
        &crate::feedback_form::modal(round(), Some(&note)),
    );
    // `/mentoring stats` at 10,000 members with six rounds and 30 notes.
    let members: Vec<Member> = (0..10_000).map(|n| member(&cfg, u(n))).collect();
    let big = big_round();
    let groups = vec![group(&cfg); 50];
    let mut stats = moderator::stats(&cfg, &members, round(), Some(&big), &groups, round().next());
    stats
        .blocks
        .extend(fb::outcome_lines(&six_round_outcomes()));
    let by: Vec<UserId> = (0..30).map(|n| u(n + 400)).collect();
    let notes: Vec<fb::NoteView> = by
        .iter()
        .map(|by| fb::NoteView {
            round: round(),
            by,
            rating: Some(five),
            note: &note,
        })
        .collect();
    stats.blocks.extend(fb::note_blocks(&notes));
    ok("stats with outcomes and notes", &stats);
}
