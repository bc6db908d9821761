//! The monthly dispute tally (矛盾纠纷排查调处情况): disputes screened (registered) and mediated
//! (ended in an agreement) in a month by type and size band, major ones counted apart, per
//! community with each subdistrict's subtotal and the total, and the year to date.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::dict;
use zongguan_core::rbac::Scope;
use zongguan_core::time::{cst_date, cst_midnight};

use super::disputes::PLACED;
use crate::entity::{dispute, org_unit};
use crate::{Actor, Db, DbError, DbResult, scope};

/// One block of figures: a total, by type (in `types` order), by size band (in `size_bands`
/// order), and how many of them are major.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TallyFigures {
    pub total: u32,
    pub by_type: Vec<u32>,
    pub by_band: Vec<u32>,
    pub major: u32,
}

impl TallyFigures {
    fn empty() -> Self {
        TallyFigures {
            total: 0,
            by_type: vec![0; dict::DISPUTE_TYPES.len()],
            by_band: vec![0; dict::DISPUTE_SIZE_BANDS.len()],
            major: 0,
        }
    }

    fn count(&mut self, t: &str, band: &str, major: bool) {
        self.total += 1;
        if let Some(i) = dict::DISPUTE_TYPES.iter().position(|(c, _)| *c == t) {
            self.by_type[i] += 1;
        }
        if let Some(i) = dict::DISPUTE_SIZE_BANDS.iter().position(|(c, _)| *c == band) {
            self.by_band[i] += 1;
        }
        if major {
            self.major += 1;
        }
    }

    fn add(&mut self, o: &TallyFigures) {
        self.total += o.total;
        self.major += o.major;
        for (a, b) in self.by_type.iter_mut().zip(&o.by_type) {
            *a += b;
        }
        for (a, b) in self.by_band.iter_mut().zip(&o.by_band) {
            *a += b;
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TallyRow {
    /// `community` | `subdistrict_own` (disputes placed at the subdistrict itself) | `subtotal` | `total`.
    pub kind: String,
    pub org_unit_id: Option<i64>,
    pub name: String,
    pub screened: TallyFigures,
    pub mediated: TallyFigures,
    pub ytd_screened: u32,
    pub ytd_mediated: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisputeTally {
    /// `2026-11`.
    pub month: String,
    /// The unit the table is for (the filter, or the caller's own).
    pub unit_name: String,
    /// The `dispute_types` codes and words, the columns of `by_type`.
    pub types: Vec<DictWord>,
    /// The `dispute_size_bands` codes and words, the columns of `by_band`.
    pub size_bands: Vec<DictWord>,
    pub rows: Vec<TallyRow>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DictWord {
    pub code: String,
    pub name: String,
}

fn words(d: dict::Dict) -> Vec<DictWord> {
    d.iter()
        .map(|(c, n)| DictWord {
            code: (*c).into(),
            name: (*n).into(),
        })
        .collect()
}

/// `2026-11` as the month's first day.
pub fn parse_month(s: &str) -> Option<NaiveDate> {
    let d = NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d").ok()?;
    (d.format("%Y-%m").to_string() == s.trim()).then_some(d)
}

fn next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MAX)
}

struct Acc {
    screened: TallyFigures,
    mediated: TallyFigures,
    ytd_screened: u32,
    ytd_mediated: u32,
}

impl Default for Acc {
    fn default() -> Self {
        Acc {
            screened: TallyFigures::empty(),
            mediated: TallyFigures::empty(),
            ytd_screened: 0,
            ytd_mediated: 0,
        }
    }
}

impl Acc {
    fn add(&mut self, o: &Acc) {
        self.screened.add(&o.screened);
        self.mediated.add(&o.mediated);
        self.ytd_screened += o.ytd_screened;
        self.ytd_mediated += o.ytd_mediated;
    }
    fn row(&self, kind: &str, id: Option<i64>, name: String) -> TallyRow {
        TallyRow {
            kind: kind.into(),
            org_unit_id: id,
            name,
            screened: self.screened.clone(),
            mediated: self.mediated.clone(),
            ytd_screened: self.ytd_screened,
            ytd_mediated: self.ytd_mediated,
        }
    }
}

type Row = (
    Option<i64>,
    Option<i64>,
    String,
    String,
    bool,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<bool>,
);

/// The tally for `month` (its first day) under the scope and the filter unit.
pub async fn dispute_tally(
    db: &Db,
    actor: &Actor,
    org_unit_id: Option<i64>,
    month: NaiveDate,
) -> DbResult<DisputeTally> {
    let scope: &Scope = &actor.scope;
    // A unit outside the scope is not found, as a record would be.
    if let Some(id) = org_unit_id {
        org_unit::Entity::find_by_id(id)
            .filter(scope::org_units(scope))
            .one(&db.conn)
            .await?
            .ok_or(DbError::NotFound)?;
    }
    let year_start = NaiveDate::from_ymd_opt(month.year(), 1, 1).unwrap_or(month);
    let month_end = next_month(month);
    let (from, to) = (cst_midnight(year_start), cst_midnight(month_end));
    let rows: Vec<Row> = dispute::Entity::find()
        .select_only()
        .columns([
            dispute::Column::SubdistrictId,
            dispute::Column::CommunityId,
            dispute::Column::DisputeType,
            dispute::Column::SizeBand,
            dispute::Column::Major,
            dispute::Column::RegisteredAt,
            dispute::Column::EndedAt,
            dispute::Column::AgreementSigned,
        ])
        .filter(scope::placed_under(&db.conn, scope, org_unit_id, &PLACED).await?)
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(dispute::Column::RegisteredAt.gte(from))
                        .add(dispute::Column::RegisteredAt.lt(to)),
                )
                .add(
                    Condition::all()
                        .add(dispute::Column::EndedAt.gte(from))
                        .add(dispute::Column::EndedAt.lt(to)),
                ),
        )
        .into_tuple()
        .all(&db.conn)
        .await?;
    let in_month = |t: DateTime<Utc>| {
        let d = cst_date(t);
        d >= month && d < month_end
    };
    let in_year = |t: DateTime<Utc>| {
        let d = cst_date(t);
        d >= year_start && d < month_end
    };
    // (subdistrict, community or none for the subdistrict itself)
    let mut acc: BTreeMap<(i64, Option<i64>), Acc> = BTreeMap::new();
    for (sd, cm, t, band, major, reg, ended, agreement) in rows {
        let Some(sd) = sd else { continue };
        let a = acc.entry((sd, cm)).or_default();
        if in_year(reg) {
            a.ytd_screened += 1;
            if in_month(reg) {
                a.screened.count(&t, &band, major);
            }
        }
        if let (Some(e), Some(_)) = (ended, agreement)
            && in_year(e)
        {
            a.ytd_mediated += 1;
            if in_month(e) {
                a.mediated.count(&t, &band, major);
            }
        }
    }
    // Every community in view gets a row, with nothing to count or not.
    let mut q = org_unit::Entity::find()
        .filter(scope::org_units(scope))
        .filter(org_unit::Column::Level.eq("community"));
    let head = match org_unit_id.or(actor.org_unit_id) {
        Some(id) => org_unit::Entity::find_by_id(id).one(&db.conn).await?,
        None => None,
    };
    if org_unit_id.is_some() {
        let u = head
            .clone()
            .ok_or_else(|| DbError::invalid("org_unit_id", "机构不存在"))?;
        q = q.filter(org_unit::Column::Path.starts_with(u.path.as_str()));
    }
    let communities = q.order_by_asc(org_unit::Column::Path).all(&db.conn).await?;
    for c in &communities {
        if let Some(sd) = c.subdistrict_id {
            acc.entry((sd, Some(c.id))).or_default();
        }
    }
    let mut ids: Vec<i64> = acc.keys().map(|(s, _)| *s).collect();
    ids.extend(acc.keys().filter_map(|(_, c)| *c));
    let units: HashMap<i64, org_unit::Model> = org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in(ids))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let path = |id: i64| units.get(&id).map(|u| (u.path.clone(), u.sort)).unwrap_or_default();
    let name = |id: i64| units.get(&id).map(|u| u.name.clone()).unwrap_or_default();
    let mut keys: Vec<(i64, Option<i64>)> = acc.keys().copied().collect();
    keys.sort_by_key(|(s, c)| (path(*s), c.is_some(), c.map(path)));
    let mut out = Vec::new();
    let mut total = Acc::default();
    let mut i = 0;
    while i < keys.len() {
        let sd = keys[i].0;
        let mut sub = Acc::default();
        while i < keys.len() && keys[i].0 == sd {
            let a = &acc[&keys[i]];
            match keys[i].1 {
                Some(c) => out.push(a.row("community", Some(c), name(c))),
                None => out.push(a.row("subdistrict_own", Some(sd), format!("{}（街道本级）", name(sd)))),
            }
            sub.add(a);
            i += 1;
        }
        out.push(sub.row("subtotal", Some(sd), format!("{}小计", name(sd))));
        total.add(&sub);
    }
    out.push(total.row("total", None, "合计".into()));
    Ok(DisputeTally {
        month: month.format("%Y-%m").to_string(),
        unit_name: head.map(|u| u.name).unwrap_or_default(),
        types: words(dict::DISPUTE_TYPES),
        size_bands: words(dict::DISPUTE_SIZE_BANDS),
        rows: out,
    })
}
