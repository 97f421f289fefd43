//! Precomputed member data for fast scoring, and the seeded tie-break hashes.

use super::edges::{DISALLOWED, LAST_RESORT};
use crate::model::{Candidate, Experience, Frequency, MemberId, Mode, PastPair};
use crate::score::{
    MatchConfig, Weights, daytime_overlap_minutes, recency_penalty, repeat_penalty,
};
use std::collections::HashMap;

/// A candidate with only the fields the category table looks at.
fn probe(experience: Experience, mode: Mode, frequency: Frequency) -> Candidate {
    Candidate {
        id: MemberId(String::new()),
        tz_offset_minutes: 0,
        interests: Vec::new(),
        offers: Vec::new(),
        wants: Vec::new(),
        experience,
        mode,
        frequency,
    }
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn id_hash(id: &MemberId) -> u64 {
    // FNV-1a, then mixed: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.as_str().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    splitmix64(h)
}

/// Seeded, symmetric tie-break value of a pair.
pub(super) fn pair_hash(seed: u64, ha: u64, hb: u64) -> u64 {
    splitmix64(seed ^ splitmix64(ha.wrapping_add(hb)) ^ (ha ^ hb).rotate_left(17))
}

/// Interests, offers and wants of every member as bitsets over the topics
/// anyone named: the words per set, and the sets (3 per member).
fn topic_bits(members: &[&Candidate]) -> (usize, Vec<u64>) {
    let mut topics: HashMap<&str, usize> = HashMap::new();
    for c in members {
        for t in c.interests.iter().chain(&c.offers).chain(&c.wants) {
            let next = topics.len();
            topics.entry(t.as_str()).or_insert(next);
        }
    }
    let words = topics.len().div_ceil(64).max(1);
    let mut bits = vec![0u64; members.len() * 3 * words];
    for (i, c) in members.iter().enumerate() {
        for (slot, list) in [&c.interests, &c.offers, &c.wants].into_iter().enumerate() {
            for t in list {
                let id = topics[t.as_str()];
                bits[(i * 3 + slot) * words + id / 64] |= 1 << (id % 64);
            }
        }
    }
    (words, bits)
}

/// Per member: (other, rounds ago) of each past meeting with someone here.
fn met_lists(
    n: usize,
    index: &HashMap<&MemberId, u32>,
    history: &[PastPair],
) -> Vec<Vec<(u32, u32)>> {
    let mut met = vec![Vec::new(); n];
    for p in history {
        if let (Some(&a), Some(&b)) = (index.get(&p.a), index.get(&p.b)) {
            if a != b {
                met[a as usize].push((b, p.rounds_ago.max(1)));
                met[b as usize].push((a, p.rounds_ago.max(1)));
            }
        }
    }
    met
}

/// Per member: the others named with them in `pairs` (both directions).
fn neighbours(
    n: usize,
    index: &HashMap<&MemberId, u32>,
    pairs: &[(MemberId, MemberId)],
) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); n];
    for (x, y) in pairs {
        if let (Some(&a), Some(&b)) = (index.get(x), index.get(y)) {
            out[a as usize].push(b);
            out[b as usize].push(a);
        }
    }
    out
}

/// Index of a member's (experience, mode, frequency) into the category table.
fn category(c: &Candidate) -> usize {
    let m = Mode::ALL.iter().position(|x| *x == c.mode).unwrap_or(0);
    let f = Frequency::ALL
        .iter()
        .position(|x| *x == c.frequency)
        .unwrap_or(0);
    (c.experience.rank() as usize * Mode::ALL.len() + m) * Frequency::ALL.len() + f
}

/// The experience, mode and frequency part of every pair's score, by the
/// two members' categories.
fn category_table(w: &Weights) -> Vec<i64> {
    let cats = 4 * Mode::ALL.len() * Frequency::ALL.len();
    let mut cat_table = vec![0i64; cats * cats];
    for a in Experience::ALL {
        for am in Mode::ALL {
            for af in Frequency::ALL {
                for b in Experience::ALL {
                    for bm in Mode::ALL {
                        for bf in Frequency::ALL {
                            let (x, y) = (probe(*a, *am, *af), probe(*b, *bm, *bf));
                            let mut s =
                                w.experience_per_level * i64::from(a.rank().abs_diff(b.rank()));
                            if am == bm {
                                s += w.same_mode;
                            } else if *am == Mode::Mixed || *bm == Mode::Mixed {
                                s += w.compatible_mode;
                            }
                            if af == bf {
                                s += w.same_frequency;
                            }
                            cat_table[category(&x) * cats + category(&y)] = s;
                        }
                    }
                }
            }
        }
    }
    cat_table
}

/// The daytime-overlap part of the score by the members' distinct time
/// zone offsets: each member's offset index, the table, and its side.
fn timezone_table(members: &[&Candidate], w: &Weights) -> (Vec<u16>, Vec<i64>, usize) {
    let mut offsets: Vec<i32> = members.iter().map(|c| c.tz_offset_minutes).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let tz_count = offsets.len();
    let mut tz_table = vec![0i64; tz_count * tz_count];
    for (x, &a) in offsets.iter().enumerate() {
        for (y, &b) in offsets.iter().enumerate() {
            tz_table[x * tz_count + y] =
                w.daytime_per_hour * i64::from(daytime_overlap_minutes(a, b, w) / 60);
        }
    }
    let tz = members
        .iter()
        .map(|c| offsets.binary_search(&c.tz_offset_minutes).unwrap_or(0) as u16)
        .collect();
    (tz, tz_table, tz_count)
}

/// Profiles as bitsets and small integers, for scoring millions of pairs.
pub(super) struct Fast<'a> {
    pub(super) members: Vec<&'a Candidate>,
    words: usize,
    /// Per member: interests, offers, wants, each `words` long.
    bits: Vec<u64>,
    pub(super) hash: Vec<u64>,
    /// Per member: index of (experience, mode, frequency), and of the time
    /// zone offset, into the precomputed score tables below.
    cat: Vec<u16>,
    tz: Vec<u16>,
    cat_table: Vec<i64>,
    tz_table: Vec<i64>,
    tz_count: usize,
    /// Per member: (other, rounds ago) of past meetings, and exclusions.
    met: Vec<Vec<(u32, u32)>>,
    excluded: Vec<Vec<u32>>,
    /// Per member: past partners who both marked "happy to be paired again".
    happy: Vec<Vec<u32>>,
    weights: &'a Weights,
    no_repeat_rounds: Option<u32>,
    pub(super) seed: u64,
}

#[derive(Clone, Copy)]
pub(super) struct RowEntry {
    pub(super) j: u32,
    pub(super) score: i64,
    pub(super) last_resort: bool,
    pub(super) hash: u64,
}

impl<'a> Fast<'a> {
    pub(super) fn new(
        members: Vec<&'a Candidate>,
        history: &[PastPair],
        exclusions: &[(MemberId, MemberId)],
        happy_again: &[(MemberId, MemberId)],
        config: &'a MatchConfig,
        seed: u64,
    ) -> Self {
        let index: HashMap<&MemberId, u32> = members
            .iter()
            .enumerate()
            .map(|(i, c)| (&c.id, i as u32))
            .collect();
        let (words, bits) = topic_bits(&members);
        let n = members.len();
        let met = met_lists(n, &index, history);
        let excluded = neighbours(n, &index, exclusions);
        let happy = neighbours(n, &index, happy_again);
        let hash = members.iter().map(|c| id_hash(&c.id)).collect();
        let cat_table = category_table(&config.weights);
        let (tz, tz_table, tz_count) = timezone_table(&members, &config.weights);
        let cat = members.iter().map(|c| category(c) as u16).collect();
        Fast {
            cat,
            tz,
            cat_table,
            tz_table,
            tz_count,
            members,
            words,
            bits,
            hash,
            met,
            excluded,
            happy,
            weights: &config.weights,
            no_repeat_rounds: config.no_repeat_rounds,
            seed,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.members.len()
    }

    fn set(&self, i: usize, slot: usize) -> &[u64] {
        let s = (i * 3 + slot) * self.words;
        &self.bits[s..s + self.words]
    }

    #[inline]
    fn common(&self, i: usize, si: usize, j: usize, sj: usize) -> i64 {
        let cap = i64::from(self.weights.max_topics_counted);
        if self.words == 1 {
            let c = (self.bits[i * 3 + si] & self.bits[j * 3 + sj]).count_ones();
            return i64::from(c).min(cap);
        }
        let c: u32 = self
            .set(i, si)
            .iter()
            .zip(self.set(j, sj))
            .map(|(a, b)| (a & b).count_ones())
            .sum();
        i64::from(c).min(cap)
    }

    /// Same number as `score_pair(..).score`, without the reasons or the
    /// hard rules.
    /// Sort keys of every pair `(i, j)`: `DISALLOWED` for forbidden pairs
    /// (and `j == i`), `score - LAST_RESORT` for last-resort repeats, the
    /// score otherwise. `mark` is zeroed scratch of length n.
    pub(super) fn row_keys(&self, i: usize, mark: &mut [u32], keys: &mut Vec<i64>) {
        let n = self.len();
        keys.clear();
        keys.resize(n, 0);
        let cats = self.cat_table.len().isqrt();
        let cat_row = &self.cat_table[self.cat[i] as usize * cats..][..cats];
        let tz_row = &self.tz_table[self.tz[i] as usize * self.tz_count..][..self.tz_count];
        let w = self.weights;
        if self.words == 1 {
            let cap = w.max_topics_counted;
            let (ii, io, iw) = (self.bits[i * 3], self.bits[i * 3 + 1], self.bits[i * 3 + 2]);
            let bits = &self.bits[..n * 3];
            for (j, key) in keys.iter_mut().enumerate() {
                let bj = &bits[j * 3..j * 3 + 3];
                let help = (io & bj[2]).count_ones().min(cap) + (bj[1] & iw).count_ones().min(cap);
                let shared = (ii & bj[0]).count_ones().min(cap);
                *key = w.can_help_per_topic * i64::from(help)
                    + w.shared_interest_per_topic * i64::from(shared)
                    + cat_row[self.cat[j] as usize]
                    + tz_row[self.tz[j] as usize];
            }
        } else {
            for (j, key) in keys.iter_mut().enumerate() {
                *key = w.can_help_per_topic * (self.common(i, 1, j, 2) + self.common(j, 1, i, 2))
                    + w.shared_interest_per_topic * self.common(i, 0, j, 0)
                    + cat_row[self.cat[j] as usize]
                    + tz_row[self.tz[j] as usize];
            }
        }
        keys[i] = DISALLOWED;
        // mark[j]: 0 nothing, 1 excluded, 2 + rounds_ago met.
        for &j in &self.excluded[i] {
            mark[j as usize] = 1;
        }
        for &(j, r) in &self.met[i] {
            let m = &mut mark[j as usize];
            if *m != 1 && (*m == 0 || r + 2 < *m) {
                *m = r + 2;
            }
        }
        for &j in &self.excluded[i] {
            keys[j as usize] = DISALLOWED;
            mark[j as usize] = 0;
        }
        for &(j, _) in &self.met[i] {
            let m = mark[j as usize];
            mark[j as usize] = 0;
            if m < 2 {
                continue;
            }
            let r = m - 2;
            let happy = self.happy[i].contains(&j);
            let key = &mut keys[j as usize];
            match self.no_repeat_rounds {
                Some(window) if r <= window => *key = DISALLOWED,
                Some(_) => *key -= repeat_penalty(r, happy, w),
                None if happy => *key -= repeat_penalty(r, true, w),
                None => *key -= recency_penalty(r, w) + LAST_RESORT,
            }
        }
    }

    pub(super) fn entry(&self, i: usize, j: usize, key: i64) -> RowEntry {
        let last_resort = key < -LAST_RESORT / 2;
        RowEntry {
            j: j as u32,
            score: if last_resort { key + LAST_RESORT } else { key },
            last_resort,
            hash: pair_hash(self.seed, self.hash[i], self.hash[j]),
        }
    }

    /// Every allowed partner of `i` with score and tie-break.
    pub(super) fn row(
        &self,
        i: usize,
        mark: &mut [u32],
        keys: &mut Vec<i64>,
        out: &mut Vec<RowEntry>,
    ) {
        self.row_keys(i, mark, keys);
        out.clear();
        for (j, &key) in keys.iter().enumerate() {
            if key != DISALLOWED {
                out.push(self.entry(i, j, key));
            }
        }
    }
}
