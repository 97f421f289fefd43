//! Exact maximum-weight matching in general graphs (Edmonds' blossom
//! algorithm, primal-dual), working on sparse adjacency lists.
//!
//! The structure follows Joris van Rantwijk's `mwmatching.py` (the basis of
//! networkx's `max_weight_matching`), with three changes:
//!
//! * **Sparse bookkeeping.** Adjacency lists in CSR form; the per-blossom
//!   "best edge to each neighbouring S-blossom" table and the allowed-edge
//!   flags are reset through touched lists, never by an O(n) or O(m) sweep.
//! * **Jump start.** Vertex duals start at the heaviest incident edge
//!   instead of the global maximum, and a greedy pass matches tight edges and
//!   lowers the duals of still-free vertices as far as feasibility allows
//!   (the usual Blossom V initialisation). Every edge keeps a non-negative
//!   slack and every matched edge is tight, so the primal-dual invariants
//!   hold from the start.
//! * **Free vertices with different duals.** After the jump start, free
//!   vertices no longer share one dual value, so the classic "stop when the
//!   free vertices reach zero" rule is replaced by the per-vertex rule of
//!   LEMON's `MaxWeightedMatching`: when an S-vertex's dual reaches the floor,
//!   the alternating path from its tree root to it is flipped, which matches
//!   the root and leaves that vertex exposed with a floor dual ("settled").
//!   Settled vertices are never roots again but can still be reached by an
//!   augmenting path. At the end every exposed vertex has the floor dual,
//!   which with dual feasibility and complementary slackness proves
//!   optimality.
//!
//! * **Persistent forest.** The classic algorithm relabels every tree
//!   from scratch after each augmentation (a "stage"). Here only the trees
//!   whose roots got matched are dissolved; every other tree keeps its
//!   labels, duals and tight edges (which stay valid), and just the
//!   bookkeeping that pointed into the dissolved trees is repaired: live
//!   S-blossoms next to them rescan, unreached vertices whose least-slack
//!   edge led into them look for a new one. Least-slack edges from
//!   unlabeled vertices live in a lazily validated heap keyed relative to
//!   the running sum of deltas, so a dual update touches only the forest.
//!
//! Debug builds verify the optimality certificate (dual feasibility,
//! complementary slackness, full blossoms) at the end of every solve on
//! graphs up to 4,096 vertices; the tests run thousands of random graphs
//! through it and compare small ones with brute force.
//!
//! Maximum cardinality is obtained with the classic reduction "add a
//! constant C to every weight", with C larger than any weight difference a
//! lost pair could make up. It is applied implicitly: adding C to every
//! weight is the same as lowering the dual floor from 0 to −2C (in the
//! doubled dual units used here), so weights are never rewritten.
//!
//! All arithmetic is in `i64`; weights are doubled internally so that all
//! duals stay even and every `delta` is an integer.

const NONE: u32 = u32::MAX;

/// Largest absolute edge weight accepted by [`max_weight_matching`].
pub const MAX_ABS_WEIGHT: i64 = 1 << 50;

/// Computes a maximum-weight matching of the undirected graph with vertices
/// `0..n` and the given weighted `edges`.
///
/// With `max_cardinality` the result is a maximum-weight matching among the
/// matchings of maximum cardinality (negative-weight edges may then be
/// used); without it, edges of non-positive weight are never used.
///
/// Returns `mate[v] = Some(u)` if `v` is matched to `u`, `None` otherwise.
///
/// Self-loops are ignored and of parallel edges the heaviest one is kept.
/// Worst-case time is that of the classic algorithm up to a log factor
/// (O(n) augmentations, each with O(n) dual updates); in practice the jump
/// start and the persistent forest make it fast: a round's candidate graph
/// of 10,000 vertices and ~350,000 edges takes about a second.
///
/// # Panics
/// If an edge names a vertex `>= n`, if `n >= 2^31`, if an absolute weight
/// exceeds [`MAX_ABS_WEIGHT`], or, with `max_cardinality`, if
/// `n · (max weight − min weight)` exceeds about 2^59 (these bound every
/// intermediate dual value in `i64`).
#[must_use]
pub fn max_weight_matching(
    n: usize,
    edges: &[(u32, u32, i64)],
    max_cardinality: bool,
) -> Vec<Option<u32>> {
    assert!(n < (1usize << 31), "too many vertices");
    let mut clean: Vec<(u32, u32, i64)> = Vec::with_capacity(edges.len());
    for &(a, b, w) in edges {
        assert!(
            (a as usize) < n && (b as usize) < n,
            "edge ({a}, {b}) names a vertex outside 0..{n}"
        );
        assert!(
            w.abs() <= MAX_ABS_WEIGHT,
            "edge weight {w} exceeds MAX_ABS_WEIGHT"
        );
        if a != b {
            clean.push((a.min(b), a.max(b), w));
        }
    }
    // Keep the heaviest of parallel edges.
    clean.sort_unstable_by(|x, y| (x.0, x.1, y.2).cmp(&(y.0, y.1, x.2)));
    clean.dedup_by(|later, earlier| later.0 == earlier.0 && later.1 == earlier.1);
    solve_unique(n, &clean, max_cardinality)
}

/// Same as [`max_weight_matching`] for edges already known to be unique,
/// loop-free and in range (used by the round planner).
pub(crate) fn solve_unique(
    n: usize,
    edges: &[(u32, u32, i64)],
    max_cardinality: bool,
) -> Vec<Option<u32>> {
    let kept: Vec<(u32, u32, i64)> = if max_cardinality {
        edges.to_vec()
    } else {
        edges.iter().copied().filter(|e| e.2 > 0).collect()
    };
    if kept.is_empty() {
        return vec![None; n];
    }
    let floor = if max_cardinality {
        // C > k·(wmax − wmin) − wmin for every matching size k ≤ n/2 makes one
        // more pair worth more than any weight difference. In doubled dual
        // units (weights are doubled internally) the floor is −2C.
        let wmax = kept.iter().map(|e| i128::from(e.2)).max().unwrap_or(0);
        let wmin = kept.iter().map(|e| i128::from(e.2)).min().unwrap_or(0);
        let c = (n as i128 / 2) * (wmax - wmin) - wmin.min(0) + 1;
        let floor = -2 * c;
        assert!(
            floor > i128::from(i64::MIN / 8),
            "weights too large for maximum-cardinality matching"
        );
        floor as i64
    } else {
        0
    };
    let mut s = Solver::new(n, &kept, floor);
    s.jump_start();
    s.short_augmentations();
    s.run();
    if cfg!(debug_assertions) && n <= 4096 {
        s.verify_optimum();
    }
    (0..n)
        .map(|v| {
            let m = s.mate[v];
            (m != NONE).then(|| s.endpoint[m as usize])
        })
        .collect()
}

struct Solver {
    n: usize,
    /// `endpoint[2k]`, `endpoint[2k+1]`: the two vertices of edge `k`.
    endpoint: Vec<u32>,
    /// Doubled edge weights.
    weight: Vec<i64>,
    adj_start: Vec<u32>,
    /// The edges of each vertex (CSR), with remote vertex and weight inline
    /// so that scanning a vertex reads one contiguous block.
    adj: Vec<Adj>,
    /// Remote endpoint of the matched edge, or NONE.
    mate: Vec<u32>,
    label: Vec<u8>,
    labelend: Vec<u32>,
    inblossom: Vec<u32>,
    blossomparent: Vec<u32>,
    blossomchilds: Vec<Vec<u32>>,
    blossombase: Vec<u32>,
    blossomendps: Vec<Vec<u32>>,
    bestedge: Vec<u32>,
    /// Current slack of `bestedge` (kept up to date by the dual updates, so
    /// comparisons never chase the edge arrays).
    bestslack: Vec<i64>,
    blossombestedges: Vec<Option<Vec<u32>>>,
    unused: Vec<u32>,
    /// Vertex duals (doubled) for `0..n`, blossom duals for `n..2n`.
    dual: Vec<i64>,
    allow: Vec<bool>,
    queue: Vec<u32>,
    floor: i64,
    scratch_best: Vec<u32>,
    scratch_touched: Vec<u32>,
    scratch_path: Vec<u32>,
    /// Stage number, for the stamps below.
    stage: u32,
    /// Vertices labeled during the current stage (the alternating forest),
    /// so dual updates and delta searches touch the forest, not all of `n`.
    forest: Vec<u32>,
    forest_stamp: Vec<u32>,
    /// Non-trivial blossoms labeled during the current stage.
    forest_blossoms: Vec<u32>,
    blossom_stamp: Vec<u32>,
    /// Sum of all deltas so far. The slack of an edge from an S-vertex to an
    /// unlabeled vertex shrinks by exactly each delta, so such slacks are
    /// stored relative to this sum (see `current_best`) and kept in a heap
    /// instead of being updated one by one.
    delta_sum: i64,
    /// For a vertex whose `bestedge` is an edge to an S-vertex: the
    /// `delta_sum` at which `bestslack` was exact, and whether it shrinks
    /// (the vertex's top blossom is unlabeled) or is frozen (inside a
    /// T-blossom, where both ends move in opposite directions).
    best_at: Vec<i64>,
    decaying: Vec<bool>,
    /// Min-heap of (slack + delta_sum, vertex, edge) for delta2; entries are
    /// validated lazily.
    heap2: std::collections::BinaryHeap<std::cmp::Reverse<(i64, u32, u32)>>,
    /// Root vertex of the alternating tree each labeled vertex belongs to.
    tree: Vec<u32>,
    /// Marks for the vertices of trees being dissolved, and for neighbours
    /// already handled, per dissolution.
    dead_stamp: Vec<u32>,
    seen_stamp: Vec<u32>,
    kills: u32,
}

#[derive(Clone, Copy, Default)]
struct Adj {
    /// Remote endpoint (edge `p >> 1`).
    p: u32,
    /// Remote vertex.
    w: u32,
    /// Doubled weight.
    wt: i64,
}

fn wrap(j: isize, len: usize) -> usize {
    j.rem_euclid(len as isize) as usize
}

impl Solver {
    fn new(n: usize, edges: &[(u32, u32, i64)], floor: i64) -> Self {
        let m = edges.len();
        let mut endpoint = Vec::with_capacity(2 * m);
        let mut weight = Vec::with_capacity(m);
        let mut deg = vec![0u32; n + 1];
        for &(a, b, w) in edges {
            endpoint.push(a);
            endpoint.push(b);
            weight.push(2 * w);
            deg[a as usize] += 1;
            deg[b as usize] += 1;
        }
        let mut adj_start = vec![0u32; n + 1];
        for v in 0..n {
            adj_start[v + 1] = adj_start[v] + deg[v];
        }
        let mut fill = adj_start.clone();
        let mut adj = vec![Adj::default(); 2 * m];
        for k in 0..m {
            let (a, b) = (endpoint[2 * k] as usize, endpoint[2 * k + 1] as usize);
            let wt = weight[k];
            adj[fill[a] as usize] = Adj {
                p: (2 * k + 1) as u32,
                w: b as u32,
                wt,
            };
            fill[a] += 1;
            adj[fill[b] as usize] = Adj {
                p: (2 * k) as u32,
                w: a as u32,
                wt,
            };
            fill[b] += 1;
        }
        let two_n = 2 * n;
        let mut blossombase = vec![NONE; two_n];
        for (v, b) in blossombase.iter_mut().enumerate().take(n) {
            *b = v as u32;
        }
        Solver {
            n,
            endpoint,
            weight,
            adj_start,
            adj,
            mate: vec![NONE; n],
            label: vec![0; two_n],
            labelend: vec![NONE; two_n],
            inblossom: (0..n as u32).collect(),
            blossomparent: vec![NONE; two_n],
            blossomchilds: vec![Vec::new(); two_n],
            blossombase,
            blossomendps: vec![Vec::new(); two_n],
            bestedge: vec![NONE; two_n],
            bestslack: vec![0; two_n],
            blossombestedges: vec![None; two_n],
            unused: (n as u32..two_n as u32).rev().collect(),
            dual: vec![0; two_n],
            allow: vec![false; m],
            queue: Vec::new(),
            floor,
            scratch_best: vec![NONE; two_n],
            scratch_touched: Vec::new(),
            scratch_path: Vec::new(),
            stage: 0,
            forest: Vec::new(),
            forest_stamp: vec![0; n],
            forest_blossoms: Vec::new(),
            blossom_stamp: vec![0; two_n],
            delta_sum: 0,
            best_at: vec![0; n],
            decaying: vec![false; n],
            heap2: std::collections::BinaryHeap::new(),
            tree: vec![NONE; n],
            dead_stamp: vec![0; n],
            seen_stamp: vec![0; two_n],
            kills: 0,
        }
    }

    #[inline]
    fn slack(&self, k: u32) -> i64 {
        let k = k as usize;
        self.dual[self.endpoint[2 * k] as usize] + self.dual[self.endpoint[2 * k + 1] as usize]
            - 2 * self.weight[k]
    }

    #[inline]
    fn ep(&self, p: u32) -> u32 {
        self.endpoint[p as usize]
    }

    #[inline]
    fn edges_of(&self, v: u32) -> std::ops::Range<usize> {
        self.adj_start[v as usize] as usize..self.adj_start[v as usize + 1] as usize
    }

    fn leaves(&self, b: u32, out: &mut Vec<u32>) {
        if (b as usize) < self.n {
            out.push(b);
            return;
        }
        let mut stack = vec![b];
        while let Some(x) = stack.pop() {
            if (x as usize) < self.n {
                out.push(x);
            } else {
                for &c in self.blossomchilds[x as usize].iter().rev() {
                    stack.push(c);
                }
            }
        }
    }

    fn set_allowed(&mut self, k: u32) {
        self.allow[k as usize] = true;
    }

    /// Duals start at the heaviest incident edge; a greedy pass then lowers
    /// each free vertex's dual to the least feasible value and matches it
    /// along a tight edge to another free vertex if there is one.
    fn jump_start(&mut self) {
        let n = self.n;
        for v in 0..n {
            let mut d = self.floor;
            for i in self.edges_of(v as u32) {
                d = d.max(self.adj[i].wt);
            }
            self.dual[v] = d;
        }
        for v in 0..n as u32 {
            if self.mate[v as usize] != NONE {
                continue;
            }
            let mut d = self.floor;
            for i in self.edges_of(v) {
                let e = self.adj[i];
                d = d.max(2 * e.wt - self.dual[e.w as usize]);
            }
            self.dual[v as usize] = d;
            for i in self.edges_of(v) {
                let Adj { p, w, .. } = self.adj[i];
                if self.mate[w as usize] == NONE && self.slack(p >> 1) == 0 {
                    self.mate[v as usize] = p;
                    self.mate[w as usize] = p ^ 1;
                    break;
                }
            }
        }
    }

    /// Records top-level blossom `b` (and its vertices) as part of this
    /// stage's forest.
    fn mark_forest(&mut self, b: u32, tree: u32) {
        if (b as usize) < self.n {
            self.tree[b as usize] = tree;
            if self.forest_stamp[b as usize] != self.stage {
                self.forest_stamp[b as usize] = self.stage;
                self.forest.push(b);
            }
            return;
        }
        if self.blossom_stamp[b as usize] != self.stage {
            self.blossom_stamp[b as usize] = self.stage;
            self.forest_blossoms.push(b);
        }
        let mut lv = std::mem::take(&mut self.scratch_path);
        lv.clear();
        self.leaves(b, &mut lv);
        for &v in &lv {
            self.tree[v as usize] = tree;
            if self.forest_stamp[v as usize] != self.stage {
                self.forest_stamp[v as usize] = self.stage;
                self.forest.push(v);
            }
        }
        self.scratch_path = lv;
    }

    /// Augments along tight alternating paths of length three
    /// (free v – u = x – free y): duals are untouched, so every invariant
    /// still holds, and each success saves a whole stage.
    fn short_augmentations(&mut self) {
        for v in 0..self.n as u32 {
            if self.mate[v as usize] != NONE {
                continue;
            }
            'edges: for i in self.edges_of(v) {
                let Adj { p, w: u, .. } = self.adj[i];
                let mu = self.mate[u as usize];
                if mu == NONE || self.slack(p >> 1) != 0 {
                    continue;
                }
                let x = self.ep(mu);
                for i2 in self.edges_of(x) {
                    let Adj { p: q, w: y, .. } = self.adj[i2];
                    if y != v && self.mate[y as usize] == NONE && self.slack(q >> 1) == 0 {
                        // v–u and x–y become matched; u–x is released.
                        self.mate[v as usize] = p;
                        self.mate[u as usize] = p ^ 1;
                        self.mate[x as usize] = q;
                        self.mate[y as usize] = q ^ 1;
                        break 'edges;
                    }
                }
            }
        }
    }

    fn assign_label(&mut self, w: u32, t: u8, p: u32) {
        let b = self.inblossom[w as usize];
        let tree = if p == NONE {
            w
        } else {
            self.tree[self.ep(p) as usize]
        };
        self.mark_forest(b, tree);
        self.label[w as usize] = t;
        self.label[b as usize] = t;
        self.labelend[w as usize] = p;
        self.labelend[b as usize] = p;
        self.bestedge[w as usize] = NONE;
        self.bestedge[b as usize] = NONE;
        if t == 2 {
            // Slacks from inside a T-blossom to S-vertices stop shrinking.
            self.set_decay(b, false);
        }
        if t == 1 {
            let mut q = std::mem::take(&mut self.queue);
            self.leaves(b, &mut q);
            self.queue = q;
        } else {
            let base = self.blossombase[b as usize];
            let mb = self.mate[base as usize];
            debug_assert!(mb != NONE);
            self.assign_label(self.ep(mb), 1, mb ^ 1);
        }
    }

    fn scan_blossom(&mut self, v: u32, w: u32) -> u32 {
        let mut path = std::mem::take(&mut self.scratch_path);
        path.clear();
        let mut base = NONE;
        let (mut v, mut w) = (v, w);
        while v != NONE {
            let mut b = self.inblossom[v as usize];
            if self.label[b as usize] & 4 != 0 {
                base = self.blossombase[b as usize];
                break;
            }
            path.push(b);
            self.label[b as usize] = 5;
            if self.labelend[b as usize] == NONE {
                v = NONE;
            } else {
                v = self.ep(self.labelend[b as usize]);
                b = self.inblossom[v as usize];
                v = self.ep(self.labelend[b as usize]);
            }
            if w != NONE {
                std::mem::swap(&mut v, &mut w);
            }
        }
        for &b in &path {
            self.label[b as usize] = 1;
        }
        self.scratch_path = path;
        base
    }

    fn add_blossom(&mut self, base: u32, k: u32) {
        let n = self.n as u32;
        let (mut v, mut w) = (
            self.endpoint[2 * k as usize],
            self.endpoint[2 * k as usize + 1],
        );
        let bb = self.inblossom[base as usize];
        let mut bv = self.inblossom[v as usize];
        let mut bw = self.inblossom[w as usize];
        let b = self
            .unused
            .pop()
            .expect("a free blossom slot always exists");
        let bu = b as usize;
        self.blossombase[bu] = base;
        self.blossomparent[bu] = NONE;
        self.blossomparent[bb as usize] = b;
        let mut path = Vec::new();
        let mut endps = Vec::new();
        while bv != bb {
            self.blossomparent[bv as usize] = b;
            path.push(bv);
            endps.push(self.labelend[bv as usize]);
            v = self.ep(self.labelend[bv as usize]);
            bv = self.inblossom[v as usize];
        }
        path.push(bb);
        path.reverse();
        endps.reverse();
        endps.push(2 * k);
        while bw != bb {
            self.blossomparent[bw as usize] = b;
            path.push(bw);
            endps.push(self.labelend[bw as usize] ^ 1);
            w = self.ep(self.labelend[bw as usize]);
            bw = self.inblossom[w as usize];
        }
        self.label[bu] = 1;
        self.labelend[bu] = self.labelend[bb as usize];
        self.dual[bu] = 0;
        self.blossomchilds[bu] = path.clone();
        self.blossomendps[bu] = endps;
        self.mark_forest(b, self.tree[base as usize]);
        let mut lv = Vec::new();
        self.leaves(b, &mut lv);
        for &x in &lv {
            if self.label[self.inblossom[x as usize] as usize] == 2 {
                self.queue.push(x);
            }
            self.inblossom[x as usize] = b;
        }
        // Least-slack edges to each neighbouring S-blossom.
        let mut best = std::mem::take(&mut self.scratch_best);
        let mut touched = std::mem::take(&mut self.scratch_touched);
        touched.clear();
        let consider = |s: &Self, k: u32, best: &mut Vec<u32>, touched: &mut Vec<u32>| {
            let (mut i, mut j) = (s.endpoint[2 * k as usize], s.endpoint[2 * k as usize + 1]);
            if s.inblossom[j as usize] == b {
                std::mem::swap(&mut i, &mut j);
            }
            let _ = i;
            let bj = s.inblossom[j as usize];
            if bj != b && s.label[bj as usize] == 1 {
                let cur = best[bj as usize];
                if cur == NONE {
                    touched.push(bj);
                    best[bj as usize] = k;
                } else if s.slack(k) < s.slack(cur) {
                    best[bj as usize] = k;
                }
            }
        };
        for &sub in &path {
            if let Some(list) = self.blossombestedges[sub as usize].take() {
                for &k in &list {
                    consider(self, k, &mut best, &mut touched);
                }
            } else {
                lv.clear();
                self.leaves(sub, &mut lv);
                for &x in &lv {
                    for i in self.edges_of(x) {
                        consider(self, self.adj[i].p >> 1, &mut best, &mut touched);
                    }
                }
            }
            self.bestedge[sub as usize] = NONE;
        }
        let mut list = Vec::with_capacity(touched.len());
        let mut be = NONE;
        let mut be_slack = 0;
        for &bj in &touched {
            let k = best[bj as usize];
            best[bj as usize] = NONE;
            list.push(k);
            let s = self.slack(k);
            if be == NONE || s < be_slack {
                be = k;
                be_slack = s;
            }
        }
        self.bestedge[bu] = be;
        self.bestslack[bu] = be_slack;
        self.blossombestedges[bu] = Some(list);
        self.scratch_best = best;
        self.scratch_touched = touched;
        debug_assert!(b >= n);
    }

    fn expand_blossom(&mut self, b: u32, endstage: bool) {
        let n = self.n as u32;
        let bu = b as usize;
        let childs = std::mem::take(&mut self.blossomchilds[bu]);
        let endps = std::mem::take(&mut self.blossomendps[bu]);
        let mut lv = Vec::new();
        for &s in &childs {
            self.blossomparent[s as usize] = NONE;
            if s < n {
                self.inblossom[s as usize] = s;
            } else if endstage && self.dual[s as usize] == 0 {
                self.expand_blossom(s, endstage);
            } else {
                lv.clear();
                self.leaves(s, &mut lv);
                for &v in &lv {
                    self.inblossom[v as usize] = s;
                }
            }
        }
        let was_t = !endstage && self.label[bu] == 2;
        if was_t {
            let len = childs.len();
            let entrychild = self.inblossom[self.ep(self.labelend[bu] ^ 1) as usize];
            let mut j = childs
                .iter()
                .position(|&c| c == entrychild)
                .expect("entry child is a sub-blossom") as isize;
            let (jstep, endptrick): (isize, u32) = if j & 1 == 1 {
                j -= len as isize;
                (1, 0)
            } else {
                (-1, 1)
            };
            let mut p = self.labelend[bu];
            while j != 0 {
                let q = self.ep(p ^ 1);
                self.label[q as usize] = 0;
                let e = endps[wrap(j - endptrick as isize, len)];
                let r = self.ep(e ^ endptrick ^ 1);
                self.label[r as usize] = 0;
                self.assign_label(q, 2, p);
                self.set_allowed(e >> 1);
                j += jstep;
                p = endps[wrap(j - endptrick as isize, len)] ^ endptrick;
                self.set_allowed(p >> 1);
                j += jstep;
            }
            let bv = childs[wrap(j, len)];
            let q = self.ep(p ^ 1);
            self.label[q as usize] = 2;
            self.label[bv as usize] = 2;
            self.mark_forest(bv, self.tree[q as usize]);
            self.labelend[q as usize] = p;
            self.labelend[bv as usize] = p;
            self.bestedge[bv as usize] = NONE;
            j += jstep;
            while childs[wrap(j, len)] != entrychild {
                let bv = childs[wrap(j, len)];
                if self.label[bv as usize] == 1 {
                    j += jstep;
                    continue;
                }
                lv.clear();
                self.leaves(bv, &mut lv);
                if let Some(&v) = lv.iter().find(|&&v| self.label[v as usize] != 0) {
                    debug_assert_eq!(self.label[v as usize], 2);
                    self.label[v as usize] = 0;
                    let mb = self.mate[self.blossombase[bv as usize] as usize];
                    let r = self.ep(mb);
                    self.label[r as usize] = 0;
                    self.assign_label(v, 2, self.labelend[v as usize]);
                }
                j += jstep;
            }
        }
        if was_t {
            // Sub-blossoms left unlabeled: their slacks to S-vertices shrink
            // again from now on.
            for &c in &childs {
                if self.label[c as usize] == 0 {
                    self.set_decay(c, true);
                }
            }
        }
        self.label[bu] = 0;
        self.labelend[bu] = NONE;
        self.blossombase[bu] = NONE;
        self.blossombestedges[bu] = None;
        self.bestedge[bu] = NONE;
        self.unused.push(b);
    }

    fn augment_blossom(&mut self, b: u32, v: u32) {
        let n = self.n as u32;
        let bu = b as usize;
        let mut t = v;
        while self.blossomparent[t as usize] != b {
            t = self.blossomparent[t as usize];
        }
        if t >= n {
            self.augment_blossom(t, v);
        }
        let len = self.blossomchilds[bu].len();
        let i = self.blossomchilds[bu]
            .iter()
            .position(|&c| c == t)
            .expect("t is a sub-blossom of b");
        let mut j = i as isize;
        let (jstep, endptrick): (isize, u32) = if i & 1 == 1 {
            j -= len as isize;
            (1, 0)
        } else {
            (-1, 1)
        };
        while j != 0 {
            j += jstep;
            let t = self.blossomchilds[bu][wrap(j, len)];
            let p = self.blossomendps[bu][wrap(j - endptrick as isize, len)] ^ endptrick;
            if t >= n {
                self.augment_blossom(t, self.ep(p));
            }
            j += jstep;
            let t = self.blossomchilds[bu][wrap(j, len)];
            if t >= n {
                self.augment_blossom(t, self.ep(p ^ 1));
            }
            let (a, c) = (self.ep(p), self.ep(p ^ 1));
            self.mate[a as usize] = p ^ 1;
            self.mate[c as usize] = p;
        }
        self.blossomchilds[bu].rotate_left(i);
        self.blossomendps[bu].rotate_left(i);
        self.blossombase[bu] = self.blossombase[self.blossomchilds[bu][0] as usize];
        debug_assert_eq!(self.blossombase[bu], v);
    }

    /// Matches `s` to remote endpoint `p` (or leaves it exposed if `p` is
    /// NONE) and flips the alternating path from `s` back to its tree root.
    /// Stops at once for an unlabeled (settled, exposed) blossom.
    fn augment_from(&mut self, s: u32, p: u32) {
        let n = self.n as u32;
        let (mut s, mut p) = (s, p);
        loop {
            let bs = self.inblossom[s as usize];
            if bs >= n {
                self.augment_blossom(bs, s);
            }
            self.mate[s as usize] = p;
            if self.label[bs as usize] == 0 || self.labelend[bs as usize] == NONE {
                break;
            }
            let t = self.ep(self.labelend[bs as usize]);
            let bt = self.inblossom[t as usize];
            let le = self.labelend[bt as usize];
            s = self.ep(le);
            let j = self.ep(le ^ 1);
            if bt >= n {
                self.augment_blossom(bt, j);
            }
            self.mate[j as usize] = le;
            p = le ^ 1;
        }
    }

    /// Dissolves the alternating trees rooted at `roots` after their roots
    /// were matched (augmentation or a floor event), keeping every other
    /// tree: their labels, duals and tight edges are still valid. Only the
    /// bookkeeping that pointed into the dissolved trees is repaired.
    fn dissolve_trees(&mut self, roots: &[u32]) {
        self.kills += 1;
        let kill = self.kills;
        let mut dead = Vec::new();
        for &v in &self.forest {
            if self.label[self.inblossom[v as usize] as usize] != 0
                && roots.contains(&self.tree[v as usize])
            {
                dead.push(v);
                self.dead_stamp[v as usize] = kill;
            }
        }
        // Their S-blossoms with zero dual are expanded, as at the end of a
        // classic stage.
        let n = self.n as u32;
        for &v in &dead {
            let b = self.inblossom[v as usize];
            if b >= n
                && self.blossomparent[b as usize] == NONE
                && self.label[b as usize] == 1
                && self.dual[b as usize] == 0
            {
                self.expand_blossom(b, true);
            }
        }
        // Unlabel them, sub-blossoms included, and forget their edges.
        for &v in &dead {
            self.label[v as usize] = 0;
            self.bestedge[v as usize] = NONE;
            let mut b = self.blossomparent[v as usize];
            while b != NONE {
                self.label[b as usize] = 0;
                self.bestedge[b as usize] = NONE;
                self.blossombestedges[b as usize] = None;
                b = self.blossomparent[b as usize];
            }
            for i in self.edges_of(v) {
                self.allow[(self.adj[i].p >> 1) as usize] = false;
            }
        }
        // Neighbours: live S-blossoms rescan (they may now reach the freed
        // vertices, and their least-slack edges may point into them);
        // unlabeled vertices whose least-slack edge pointed into them look
        // for a new one; T-blossom marks made through them are undone.
        let mut lv = Vec::new();
        for &v in &dead {
            for i in self.edges_of(v) {
                let w = self.adj[i].w;
                if self.dead_stamp[w as usize] == kill {
                    continue;
                }
                let bw = self.inblossom[w as usize];
                match self.label[bw as usize] {
                    1 => {
                        if self.seen_stamp[bw as usize] != kill {
                            self.seen_stamp[bw as usize] = kill;
                            self.bestedge[bw as usize] = NONE;
                            self.blossombestedges[bw as usize] = None;
                            lv.clear();
                            self.leaves(bw, &mut lv);
                            self.queue.extend_from_slice(&lv);
                        }
                    }
                    _ => {
                        if self.seen_stamp[w as usize] == kill {
                            continue;
                        }
                        self.seen_stamp[w as usize] = kill;
                        if self.label[w as usize] == 2 && bw != w {
                            let from = self.ep(self.labelend[w as usize]);
                            if self.dead_stamp[from as usize] == kill {
                                self.label[w as usize] = 0;
                                self.recompute_best(w);
                            }
                        } else if self.label[w as usize] == 0 && self.bestedge[w as usize] != NONE {
                            let k = self.bestedge[w as usize] as usize;
                            let (x, y) = (self.endpoint[2 * k], self.endpoint[2 * k + 1]);
                            let other = if x == w { y } else { x };
                            if self.dead_stamp[other as usize] == kill {
                                self.recompute_best(w);
                            }
                        }
                    }
                }
            }
        }
        // Drop dissolved entries from the per-forest lists.
        let stage = self.stage;
        let mut forest = std::mem::take(&mut self.forest);
        forest.retain(|&v| {
            let keep = self.label[self.inblossom[v as usize] as usize] != 0;
            if !keep {
                self.forest_stamp[v as usize] = stage.wrapping_sub(1);
            }
            keep
        });
        self.forest = forest;
        let mut blossoms = std::mem::take(&mut self.forest_blossoms);
        blossoms.retain(|&b| {
            let b = b as usize;
            let keep =
                self.blossombase[b] != NONE && self.blossomparent[b] == NONE && self.label[b] != 0;
            if !keep {
                self.blossom_stamp[b] = stage.wrapping_sub(1);
            }
            keep
        });
        self.forest_blossoms = blossoms;
    }

    /// Checks the optimality certificate (dual feasibility and
    /// complementary slackness); debug builds only.
    fn verify_optimum(&self) {
        let n = self.n;
        for v in 0..n {
            assert!(self.dual[v] >= self.floor, "vertex dual below floor");
            if self.mate[v] == NONE {
                assert!(
                    self.dual[v] == self.floor,
                    "exposed vertex {v} has dual {} above floor {}",
                    self.dual[v],
                    self.floor
                );
            }
        }
        for b in n..2 * n {
            if self.blossombase[b] != NONE {
                assert!(self.dual[b] >= 0, "negative blossom dual");
                if self.dual[b] > 0 {
                    let endps = &self.blossomendps[b];
                    assert!(endps.len() % 2 == 1);
                    for &p in endps.iter().skip(1).step_by(2) {
                        assert_eq!(
                            self.mate[self.ep(p) as usize],
                            p ^ 1,
                            "blossom with positive dual is not full"
                        );
                    }
                }
            }
        }
        let chain = |mut x: u32| {
            let mut c = vec![x];
            while self.blossomparent[x as usize] != NONE {
                x = self.blossomparent[x as usize];
                c.push(x);
            }
            c.reverse();
            c
        };
        for k in 0..self.weight.len() {
            let (i, j) = (self.endpoint[2 * k], self.endpoint[2 * k + 1]);
            let mut s = self.slack(k as u32);
            for (bi, bj) in chain(i).into_iter().zip(chain(j)) {
                if bi != bj {
                    break;
                }
                s += 2 * self.dual[bi as usize];
            }
            assert!(s >= 0, "edge {k} has negative slack {s}");
            let matched = self.mate[i as usize] != NONE && self.mate[i as usize] >> 1 == k as u32;
            if matched {
                assert_eq!(s, 0, "matched edge {k} is not tight");
            }
        }
    }

    fn check_best(&self, event: u8) {
        for v in 0..self.n {
            let top = self.inblossom[v] as usize;
            if self.label[top] == 1 || self.label[v] != 0 || self.bestedge[v] == NONE {
                continue;
            }
            let k = self.bestedge[v] as usize;
            let (x, y) = (self.endpoint[2 * k], self.endpoint[2 * k + 1]);
            let other = if x as usize == v { y } else { x };
            assert_eq!(
                self.label[self.inblossom[other as usize] as usize], 1,
                "after event {event}: bestedge of {v} (top label {}) leads to a non-S vertex",
                self.label[top]
            );
            assert_eq!(
                self.current_best(v),
                self.slack(k as u32),
                "after event {event}: stale slack at {v}, top label {}, decaying {}",
                self.label[top],
                self.decaying[v]
            );
        }
    }

    /// Current slack of `bestedge[v]` for a vertex that is not an S-vertex.
    #[inline]
    fn current_best(&self, v: usize) -> i64 {
        if self.decaying[v] {
            self.bestslack[v] - (self.delta_sum - self.best_at[v])
        } else {
            self.bestslack[v]
        }
    }

    /// `bestslack[w]` was just set to the exact current slack.
    fn note_best(&mut self, w: u32) {
        let wu = w as usize;
        self.best_at[wu] = self.delta_sum;
        self.decaying[wu] = self.label[self.inblossom[wu] as usize] == 0;
        if self.decaying[wu] {
            self.heap2.push(std::cmp::Reverse((
                self.bestslack[wu] + self.delta_sum,
                w,
                self.bestedge[wu],
            )));
            if self.heap2.len() > 4 * self.n + 1024 {
                // Too many stale entries: keep each vertex's current one.
                let entries = std::mem::take(&mut self.heap2).into_vec();
                let mut fresh = Vec::with_capacity(self.n);
                for std::cmp::Reverse((key, v, k)) in entries {
                    let vu = v as usize;
                    if self.label[vu] == 0
                        && self.label[self.inblossom[vu] as usize] == 0
                        && self.bestedge[vu] == k
                        && self.decaying[vu]
                        && self.current_best(vu) + self.delta_sum == key
                    {
                        fresh.push(std::cmp::Reverse((key, v, k)));
                    }
                }
                fresh.sort_unstable();
                fresh.dedup();
                self.heap2 = fresh.into();
            }
        }
    }

    /// The vertices of top-level blossom `b` changed between unlabeled
    /// (slacks to S-vertices shrink) and T (slacks frozen).
    fn set_decay(&mut self, b: u32, decaying: bool) {
        let mut lv = Vec::new();
        self.leaves(b, &mut lv);
        for v in lv {
            let vu = v as usize;
            if self.bestedge[vu] == NONE || self.decaying[vu] == decaying {
                continue;
            }
            self.bestslack[vu] = self.current_best(vu);
            self.note_best(v);
        }
    }

    /// Least-slack edge from the unreached vertex `w` to an S-vertex.
    fn recompute_best(&mut self, w: u32) {
        let wu = w as usize;
        self.bestedge[wu] = NONE;
        let bw = self.inblossom[wu];
        let dw = self.dual[wu];
        for i in self.edges_of(w) {
            let Adj { p, w: x, wt } = self.adj[i];
            let bx = self.inblossom[x as usize];
            if bx != bw && self.label[bx as usize] == 1 {
                let s = dw + self.dual[x as usize] - 2 * wt;
                if self.bestedge[wu] == NONE || s < self.bestslack[wu] {
                    self.bestedge[wu] = p >> 1;
                    self.bestslack[wu] = s;
                }
            }
        }
        if self.bestedge[wu] != NONE {
            self.note_best(w);
        }
    }

    fn run(&mut self) {
        let n = self.n;
        let n32 = n as u32;
        let mut last_event = 0u8;
        self.stage = 1;
        for v in 0..n32 {
            if self.mate[v as usize] == NONE
                && self.label[self.inblossom[v as usize] as usize] == 0
                && self.dual[v as usize] > self.floor
            {
                self.assign_label(v, 1, NONE);
            }
        }
        loop {
            'scan: while let Some(v) = self.queue.pop() {
                if self.label[self.inblossom[v as usize] as usize] != 1 {
                    continue;
                }
                let dv = self.dual[v as usize];
                for i in self.edges_of(v) {
                    let Adj { p, w, wt } = self.adj[i];
                    let k = p >> 1;
                    let bv = self.inblossom[v as usize];
                    let bw = self.inblossom[w as usize];
                    if bv == bw {
                        continue;
                    }
                    let mut kslack = 0;
                    if !self.allow[k as usize] {
                        kslack = dv + self.dual[w as usize] - 2 * wt;
                        if kslack <= 0 {
                            self.set_allowed(k);
                        }
                    }
                    let lw = self.label[bw as usize];
                    if self.allow[k as usize] {
                        if lw == 0 {
                            if self.mate[self.blossombase[bw as usize] as usize] == NONE {
                                // A settled exposed vertex: augment.
                                let r = self.tree[v as usize];
                                self.augment_from(v, p);
                                self.augment_from(w, p ^ 1);
                                self.dissolve_trees(&[r]);
                                last_event = 10;
                                continue 'scan;
                            }
                            self.assign_label(w, 2, p ^ 1);
                        } else if lw == 1 {
                            let base = self.scan_blossom(v, w);
                            if base != NONE {
                                self.add_blossom(base, k);
                            } else {
                                let roots = [self.tree[v as usize], self.tree[w as usize]];
                                self.augment_from(v, p);
                                self.augment_from(w, p ^ 1);
                                self.dissolve_trees(&roots);
                                last_event = 11;
                                continue 'scan;
                            }
                        } else if self.label[w as usize] == 0 {
                            self.label[w as usize] = 2;
                            self.labelend[w as usize] = p ^ 1;
                        }
                    } else if lw == 1 {
                        let b = self.inblossom[v as usize] as usize;
                        if self.bestedge[b] == NONE || kslack < self.bestslack[b] {
                            self.bestedge[b] = k;
                            self.bestslack[b] = kslack;
                        }
                    } else if self.label[w as usize] == 0
                        && (self.bestedge[w as usize] == NONE
                            || kslack < self.current_best(w as usize))
                    {
                        self.bestedge[w as usize] = k;
                        self.bestslack[w as usize] = kslack;
                        self.note_best(w);
                    }
                }
            }

            // No tight edge left to follow: adjust duals.
            if cfg!(debug_assertions) && n <= 4096 {
                self.check_best(last_event);
            }
            let mut deltatype = 0u8;
            let mut delta = i64::MAX;
            let mut dvertex = NONE;
            let mut dedge = NONE;
            let mut dblossom = NONE;
            for &v in &self.forest {
                let v = v as usize;
                let top = self.inblossom[v] as usize;
                if self.label[top] != 1 {
                    continue;
                }
                let d = self.dual[v] - self.floor;
                if d < delta {
                    delta = d;
                    deltatype = 1;
                    dvertex = v as u32;
                }
                if top == v && self.bestedge[v] != NONE {
                    let s = self.bestslack[v];
                    debug_assert_eq!(s, self.slack(self.bestedge[v]));
                    debug_assert!(s % 2 == 0, "S-S slack must be even");
                    if s / 2 < delta {
                        delta = s / 2;
                        deltatype = 3;
                        dedge = self.bestedge[v];
                    }
                }
            }
            if deltatype == 0 {
                // No S-vertex left: every tree has been resolved.
                break;
            }
            while let Some(&std::cmp::Reverse((key, v, k))) = self.heap2.peek() {
                let vu = v as usize;
                let valid = self.label[vu] == 0
                    && self.label[self.inblossom[vu] as usize] == 0
                    && self.bestedge[vu] == k
                    && self.decaying[vu]
                    && self.current_best(vu) + self.delta_sum == key;
                if !valid {
                    self.heap2.pop();
                    continue;
                }
                let d = key - self.delta_sum;
                debug_assert_eq!(d, self.slack(k));
                if d < delta {
                    delta = d;
                    deltatype = 2;
                    dedge = k;
                }
                break;
            }
            for &b in &self.forest_blossoms {
                let b = b as usize;
                if self.blossombase[b] == NONE || self.blossomparent[b] != NONE {
                    continue;
                }
                if self.label[b] == 1 && self.bestedge[b] != NONE {
                    let s = self.bestslack[b];
                    debug_assert_eq!(s, self.slack(self.bestedge[b]));
                    debug_assert!(s % 2 == 0, "S-S slack must be even");
                    if s / 2 < delta {
                        delta = s / 2;
                        deltatype = 3;
                        dedge = self.bestedge[b];
                    }
                } else if self.label[b] == 2 && self.dual[b] < delta {
                    delta = self.dual[b];
                    deltatype = 4;
                    dblossom = b as u32;
                }
            }
            for &v in &self.forest {
                let v = v as usize;
                match self.label[self.inblossom[v] as usize] {
                    1 => {
                        self.dual[v] -= delta;
                        if self.blossomparent[v] == NONE {
                            self.bestslack[v] -= 2 * delta;
                        }
                    }
                    2 => self.dual[v] += delta,
                    _ => {}
                }
            }
            self.delta_sum += delta;
            for &b in &self.forest_blossoms {
                let b = b as usize;
                if self.blossombase[b] != NONE && self.blossomparent[b] == NONE {
                    match self.label[b] {
                        1 => {
                            self.dual[b] += delta;
                            self.bestslack[b] -= 2 * delta;
                        }
                        2 => self.dual[b] -= delta,
                        _ => {}
                    }
                }
            }
            last_event = deltatype;
            match deltatype {
                1 => {
                    // This S-vertex reached the floor: it becomes the exposed
                    // vertex of its tree, whose root gets matched.
                    let r = self.tree[dvertex as usize];
                    self.augment_from(dvertex, NONE);
                    self.dissolve_trees(&[r]);
                }
                2 => {
                    self.set_allowed(dedge);
                    let (mut i, j) = (
                        self.endpoint[2 * dedge as usize],
                        self.endpoint[2 * dedge as usize + 1],
                    );
                    if self.label[self.inblossom[i as usize] as usize] != 1 {
                        i = j;
                    }
                    self.queue.push(i);
                }
                3 => {
                    self.set_allowed(dedge);
                    self.queue.push(self.endpoint[2 * dedge as usize]);
                }
                _ => self.expand_blossom(dblossom, false),
            }
        }
    }
}
