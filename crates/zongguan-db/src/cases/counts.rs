//! Every case's counted fields in memory, so a district's counts are one scan of a flat array.
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::case_flow::{CaseState, OPEN_STATES};

use super::access::{Area, Visible, now};
use crate::entity::case_record;
use crate::{Db, DbResult};

/// The evaluation figures (DOMAIN.md) of one department, or of everything.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Figures {
    pub reported: u64,
    pub dispatched: u64,
    /// Open cases past their deadline now.
    pub overdue: u64,
    pub reworked: u64,
    /// Closed, plus open cases already past their deadline.
    pub due_for_closure: u64,
    pub closed: u64,
    /// Closed without any step finished after its deadline.
    pub closed_on_time: u64,
    /// closed / due_for_closure, in percent with two decimals.
    pub closure_rate: f64,
    /// closed_on_time / due_for_closure, in percent.
    pub on_time_closure_rate: f64,
    /// reworked / due_for_closure, in percent.
    pub rework_rate: f64,
}

impl Figures {
    pub(super) fn rates(&mut self) {
        let pct = |n: u64| {
            if self.due_for_closure == 0 {
                0.0
            } else {
                (n as f64 * 10000.0 / self.due_for_closure as f64).round() / 100.0
            }
        };
        self.closure_rate = pct(self.closed);
        self.on_time_closure_rate = pct(self.closed_on_time);
        self.rework_rate = pct(self.reworked);
    }
}

/// Counts before names are attached: what both the SQL and the in-memory path produce.
#[derive(Debug, Default)]
pub(super) struct Tally {
    pub(super) by_state: BTreeMap<String, u64>,
    pub(super) by_item: BTreeMap<String, u64>,
    /// Per lead department (none: not routed): cases and figures.
    pub(super) by_dept: BTreeMap<Option<i64>, (u64, Figures)>,
    pub(super) all: Figures,
}

/// How long after stamping `updated_at` a transaction may still commit and be seen.
const OVERLAP: TimeDelta = TimeDelta::seconds(10);
/// Rows read per query on the first load, so a million cases never sit in memory as models.
const CHUNK: u64 = 20_000;
/// Case ids index the array directly; an id beyond this turns the copy off (counts use SQL).
const MAX_ID: i64 = 1 << 28;
/// States a case reaches only after dispatch, for the figure of dispatched cases.
pub(super) const DISPATCHED_STATES: [CaseState; 5] = [
    CaseState::Dispatched,
    CaseState::Handling,
    CaseState::Feedback,
    CaseState::Verified,
    CaseState::Closed,
];

const LATE: u8 = 1;
const REWORKED: u8 = 2;
const PAUSED: u8 = 4;

/// One case as the counts see it. Ids of units, departments, users, items and states are
/// interned: 0 means none (and, for the state, no case with this id).
#[derive(Clone, Copy, Default)]
struct Row {
    /// Microseconds since the epoch; `i64::MAX` when no deadline runs.
    deadline: i64,
    /// China date of the report, days from the common era.
    day: i32,
    grid: u32,
    community: u32,
    subdistrict: u32,
    department: u32,
    reporter: u32,
    created_by: u32,
    item: u16,
    state: u8,
    flags: u8,
}

/// Values to small numbers, index 0 left for "none".
struct Interner<K> {
    list: Vec<Option<K>>,
    by: HashMap<K, u32>,
}

impl<K> Default for Interner<K> {
    fn default() -> Self {
        Self {
            list: vec![None],
            by: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq + Clone> Interner<K> {
    fn put(&mut self, k: &K) -> u32 {
        if let Some(i) = self.by.get(k) {
            return *i;
        }
        let i = self.list.len() as u32;
        self.list.push(Some(k.clone()));
        self.by.insert(k.clone(), i);
        i
    }
    fn put_opt(&mut self, k: Option<&K>) -> u32 {
        k.map(|k| self.put(k)).unwrap_or(0)
    }
    /// The index of a value; `None` when no case holds it.
    fn get(&self, k: &K) -> Option<u32> {
        self.by.get(k).copied()
    }
    fn value(&self, i: usize) -> Option<&K> {
        self.list.get(i).and_then(|k| k.as_ref())
    }
}

#[derive(Default)]
struct State {
    rows: Vec<Row>,
    loaded: bool,
    /// An id or a value did not fit: counts go to SQL until the process restarts.
    off: bool,
    max_id: i64,
    since: Option<DateTime<Utc>>,
    units: Interner<i64>,
    departments: Interner<i64>,
    users: Interner<i64>,
    items: Interner<String>,
    states: Interner<String>,
}

/// What to count: the caller's cases, in a place, reported in a range of China dates.
#[derive(Debug, Clone)]
pub(super) struct Counted {
    pub(super) visible: Option<Visible>,
    pub(super) area: Area,
    pub(super) day_from: Option<i32>,
    pub(super) day_to: Option<i32>,
}

/// A place with interned ids.
enum Test {
    All,
    None,
    Grid(u32),
    Community(u32),
    Subdistrict(u32),
    Grids(Vec<bool>),
    CreatedBy(u32),
}

impl Test {
    fn of(p: &Area, st: &State) -> Self {
        let unit = |id: &i64, f: fn(u32) -> Test| st.units.get(id).map(f).unwrap_or(Test::None);
        match p {
            Area::Everywhere => Self::All,
            Area::Grid(id) => unit(id, Self::Grid),
            Area::Community(id) => unit(id, Self::Community),
            Area::Subdistrict(id) => unit(id, Self::Subdistrict),
            Area::Grids(ids) => {
                let mut set = vec![false; st.units.list.len()];
                for i in ids.iter().filter_map(|id| st.units.get(id)) {
                    set[i as usize] = true;
                }
                Self::Grids(set)
            }
            Area::CreatedBy(id) => st.users.get(id).map(Self::CreatedBy).unwrap_or(Self::None),
        }
    }
    #[inline]
    fn holds(&self, r: &Row) -> bool {
        match self {
            Self::All => true,
            Self::None => false,
            Self::Grid(g) => r.grid == *g,
            Self::Community(c) => r.community == *c,
            Self::Subdistrict(s) => r.subdistrict == *s,
            Self::Grids(set) => set[r.grid as usize],
            Self::CreatedBy(u) => r.created_by == *u,
        }
    }
}

/// Every case's counted fields, 40 bytes a case: the counts by state, item and department of a
/// whole district are one scan instead of a GROUP BY over a million rows. Kept current like the
/// map's case layer: on each use, the rows stamped since the last look (`updated_at`, with an
/// overlap, as a transaction commits a little after the time it stamped) and the rows inserted
/// since (by id: bulk loads stamp history with older times). Shared by all clones of [`Db`]
/// (through the case caches).
#[derive(Default)]
pub struct CaseCounts {
    state: tokio::sync::Mutex<State>,
}

/// The columns read per case.
#[derive(sea_orm::FromQueryResult)]
struct Fields {
    id: i64,
    item_code: String,
    grid_id: i64,
    community_id: i64,
    subdistrict_id: i64,
    department_id: Option<i64>,
    state: String,
    paused: bool,
    deadline_at: Option<DateTime<Utc>>,
    late: bool,
    rework_count: i32,
    reporter_user_id: Option<i64>,
    created_by: Option<i64>,
    reported_at: DateTime<Utc>,
}

fn select() -> sea_orm::Select<case_record::Entity> {
    use case_record::Column as C;
    case_record::Entity::find().select_only().columns([
        C::Id,
        C::ItemCode,
        C::GridId,
        C::CommunityId,
        C::SubdistrictId,
        C::DepartmentId,
        C::State,
        C::Paused,
        C::DeadlineAt,
        C::Late,
        C::ReworkCount,
        C::ReporterUserId,
        C::CreatedBy,
        C::ReportedAt,
    ])
}

impl State {
    fn put(&mut self, f: Fields) {
        let Fields {
            id,
            item_code: item,
            grid_id: grid,
            community_id: community,
            subdistrict_id: subdistrict,
            department_id: department,
            state,
            paused,
            deadline_at: deadline,
            late,
            rework_count: rework,
            reporter_user_id: reporter,
            created_by,
            reported_at: reported,
        } = f;
        if id <= 0 || id > MAX_ID {
            self.off = true;
            return;
        }
        let item = self.items.put(&item);
        let state = self.states.put(&state);
        if item > u32::from(u16::MAX) || state > u32::from(u8::MAX) {
            self.off = true;
            return;
        }
        let row = Row {
            deadline: deadline.map(|d| d.timestamp_micros()).unwrap_or(i64::MAX),
            day: crate::stats::day_number(zongguan_core::time::cst_date(reported)),
            grid: self.units.put(&grid),
            community: self.units.put(&community),
            subdistrict: self.units.put(&subdistrict),
            department: self.departments.put_opt(department.as_ref()),
            reporter: self.users.put_opt(reporter.as_ref()),
            created_by: self.users.put_opt(created_by.as_ref()),
            item: item as u16,
            state: state as u8,
            flags: if late { LATE } else { 0 }
                | if rework > 0 { REWORKED } else { 0 }
                | if paused { PAUSED } else { 0 },
        };
        let i = id as usize;
        if self.rows.len() <= i {
            self.rows.resize(i + 1, Row::default());
        }
        self.rows[i] = row;
        self.max_id = self.max_id.max(id);
    }
}

async fn refresh(db: &Db, st: &mut State) -> DbResult<()> {
    let c = &db.conn;
    let started = now();
    if !st.loaded {
        let max: Option<Option<i64>> = case_record::Entity::find()
            .select_only()
            .column_as(case_record::Column::Id.max(), "m")
            .into_tuple()
            .one(c)
            .await?;
        if let Some(m) = max.flatten().filter(|m| (1..=MAX_ID).contains(m)) {
            st.rows.reserve_exact(m as usize + 1 + 4096);
        }
        // One read transaction: one snapshot, and one connection, whose reader thread reuses the
        // memory of each chunk for the next (spread over the pool's threads, the allocator kept a
        // chunk's worth per thread: 1.3 GB more at a million cases).
        let txn = c.begin().await?;
        let mut last = 0;
        loop {
            let rows: Vec<Fields> = select()
                .filter(case_record::Column::Id.gt(last))
                .order_by_asc(case_record::Column::Id)
                .limit(CHUNK)
                .into_model()
                .all(&txn)
                .await?;
            let Some(l) = rows.last().map(|r| r.id) else { break };
            last = l;
            for r in rows {
                st.put(r);
            }
        }
        txn.commit().await?;
        st.loaded = true;
    } else {
        let since = st.since.unwrap_or(started) - OVERLAP;
        let changed: Vec<Fields> = select()
            .filter(
                sea_orm::Condition::any()
                    .add(case_record::Column::UpdatedAt.gte(since))
                    .add(case_record::Column::Id.gt(st.max_id)),
            )
            .into_model()
            .all(c)
            .await?;
        for r in changed {
            st.put(r);
        }
    }
    st.since = Some(started);
    Ok(())
}

impl CaseCounts {
    /// Reads every case once (at `serve` start, in the background).
    pub async fn warm(&self, db: &Db) -> DbResult<()> {
        let mut st = self.state.lock().await;
        refresh(db, &mut st).await
    }

    /// Brings the copy up to date and counts; `None` when the copy is off.
    pub(super) async fn tally(&self, db: &Db, q: &Counted, now: DateTime<Utc>) -> DbResult<Option<Tally>> {
        let mut st = self.state.lock().await;
        if st.off {
            return Ok(None);
        }
        refresh(db, &mut st).await?;
        if st.off {
            return Ok(None);
        }
        Ok(Some(scan(&st, q, now)))
    }
}

/// Per department: cases, dispatched, reworked, closed, closed on time, overdue.
type DeptTally = [u64; 6];

/// Counts the cases `q` asks for in one pass over the rows.
fn scan(st: &State, q: &Counted, now: DateTime<Utc>) -> Tally {
    let now = now.timestamp_micros();
    let area = Test::of(&q.area, st);
    let visible = q.visible.as_ref().map(|v| {
        (
            Test::of(&v.area, st),
            v.reporter.and_then(|u| st.users.get(&u)),
            v.department.and_then(|d| st.departments.get(&d)),
            &v.assisted,
        )
    });
    let (from, to) = (q.day_from.unwrap_or(i32::MIN), q.day_to.unwrap_or(i32::MAX));
    let state_is = |set: &[CaseState]| -> Vec<bool> {
        (0..st.states.list.len())
            .map(|i| {
                st.states
                    .value(i)
                    .and_then(|s| CaseState::parse(s))
                    .is_some_and(|s| set.contains(&s))
            })
            .collect()
    };
    let (open, dispatched, closed) = (
        state_is(&OPEN_STATES),
        state_is(&DISPATCHED_STATES),
        state_is(&[CaseState::Closed]),
    );

    let mut by_state = vec![0u64; st.states.list.len()];
    let mut by_item = vec![0u64; st.items.list.len()];
    let mut by_dept: Vec<DeptTally> = vec![[0; 6]; st.departments.list.len()];
    for (id, r) in st.rows.iter().enumerate() {
        if r.state == 0 || r.day < from || r.day > to || !area.holds(r) {
            continue;
        }
        if let Some((p, reporter, department, assisted)) = &visible
            && !(p.holds(r)
                || reporter.is_some_and(|u| r.reporter == u)
                || department.is_some_and(|d| r.department == d)
                || assisted.contains(&(id as i64)))
        {
            continue;
        }
        let s = r.state as usize;
        by_state[s] += 1;
        by_item[r.item as usize] += 1;
        let d = &mut by_dept[r.department as usize];
        d[0] += 1;
        d[1] += u64::from(dispatched[s]);
        d[2] += u64::from(r.flags & REWORKED != 0);
        if closed[s] {
            d[3] += 1;
            d[4] += u64::from(r.flags & LATE == 0);
        }
        d[5] += u64::from(open[s] && r.flags & PAUSED == 0 && r.deadline < now);
    }
    tally_of(st, by_state, by_item, by_dept)
}

/// The scan's counts by interned index, keyed by what the indexes stand for, with the figures.
fn tally_of(st: &State, by_state: Vec<u64>, by_item: Vec<u64>, by_dept: Vec<DeptTally>) -> Tally {
    let mut t = Tally::default();
    for (i, n) in by_state.into_iter().enumerate().filter(|(_, n)| *n > 0) {
        if let Some(s) = st.states.value(i) {
            t.by_state.insert(s.clone(), n);
        }
    }
    for (i, n) in by_item.into_iter().enumerate().filter(|(_, n)| *n > 0) {
        if let Some(s) = st.items.value(i) {
            t.by_item.insert(s.clone(), n);
        }
    }
    let mut depts: BTreeMap<Option<i64>, (u64, Figures)> = BTreeMap::new();
    for (i, d) in by_dept.into_iter().enumerate().filter(|(_, d)| d[0] > 0) {
        let f = Figures {
            reported: d[0],
            dispatched: d[1],
            reworked: d[2],
            closed: d[3],
            closed_on_time: d[4],
            overdue: d[5],
            due_for_closure: d[3] + d[5],
            ..Default::default()
        };
        for (a, b) in [
            (&mut t.all.reported, f.reported),
            (&mut t.all.dispatched, f.dispatched),
            (&mut t.all.reworked, f.reworked),
            (&mut t.all.closed, f.closed),
            (&mut t.all.closed_on_time, f.closed_on_time),
            (&mut t.all.overdue, f.overdue),
            (&mut t.all.due_for_closure, f.due_for_closure),
        ] {
            *a += b;
        }
        depts.insert(st.departments.value(i).copied(), (d[0], f));
    }
    t.by_dept = depts;
    t
}
