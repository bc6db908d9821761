//! The list path: a page of ids read from an index in the list's order — by keyset cursor
//! (`after` / `before`) at any depth, by `OFFSET` for shallow pages, from the end for deep
//! ones — then the rows by key; and totals counted up to a cap.
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Select,
};

use crate::{DbError, DbResult, Page, PageReq};

/// A text filter counts this many rows at most; past it the total is `COUNT_CAP` and not exact.
pub const COUNT_CAP: u64 = 10_000;

/// A position in a list: the sort key's value (none when the list is sorted by id) and the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: Option<String>,
    pub id: i64,
}

impl Cursor {
    /// Opaque and URL-safe: `i<id>` or `k<hex of the key>.<id>`.
    pub fn encode(&self) -> String {
        match &self.key {
            None => format!("i{}", self.id),
            Some(k) => format!("k{}.{}", hex::encode(k.as_bytes()), self.id),
        }
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        if let Some(id) = s.strip_prefix('i') {
            return Some(Cursor {
                key: None,
                id: id.parse().ok()?,
            });
        }
        let (k, id) = s.strip_prefix('k')?.split_once('.')?;
        Some(Cursor {
            key: Some(String::from_utf8(hex::decode(k).ok()?).ok()?),
            id: id.parse().ok()?,
        })
    }
}

/// A list's order: an optional text column before the id, ascending or descending.
pub struct SortKey<C> {
    pub key: Option<C>,
    pub id: C,
    pub desc: bool,
}

/// A page of ids with the cursors of its neighbours.
#[derive(Debug, Default)]
pub struct IdPage {
    pub ids: Vec<i64>,
    pub next: Option<String>,
    pub prev: Option<String>,
}

fn cursor_of(field: &str, s: &str, keyed: bool) -> DbResult<Cursor> {
    Cursor::decode(s)
        .filter(|c| c.key.is_some() == keyed)
        .ok_or_else(|| DbError::invalid(field, "翻页位置无效，请从第一页重新查询"))
}

/// Rows past `c` when reading forward (`ascending`), or before it reading backward.
fn beyond<C: ColumnTrait>(s: &SortKey<C>, c: &Cursor, ascending: bool) -> Condition {
    let id = if ascending { s.id.gt(c.id) } else { s.id.lt(c.id) };
    match (&s.key, &c.key) {
        (Some(k), Some(v)) => {
            let past = if ascending { k.gt(v.as_str()) } else { k.lt(v.as_str()) };
            Condition::any()
                .add(past)
                .add(Condition::all().add(k.eq(v.as_str())).add(id))
        }
        _ => Condition::all().add(id),
    }
}

/// One page of the ids `q` selects, in `sort`'s order. `total`, when known, lets a page in the
/// second half be read from the end.
pub async fn page_ids<C, E>(
    c: &C,
    q: Select<E>,
    sort: &SortKey<E::Column>,
    p: &PageReq,
    total: Option<u64>,
) -> DbResult<IdPage>
where
    C: ConnectionTrait,
    E: EntityTrait,
{
    let n = p.page_size;
    let keyed = sort.key.is_some();
    // (condition, read backwards, offset, limit, the read knows what lies beyond its end)
    let mut offset = 0;
    let mut limit = n + 1;
    let mut backward = false;
    let mut q = q;
    let mode;
    if let Some(a) = &p.after {
        q = q.filter(beyond(sort, &cursor_of("after", a, keyed)?, !sort.desc));
        mode = Mode::After;
    } else if let Some(b) = &p.before {
        q = q.filter(beyond(sort, &cursor_of("before", b, keyed)?, sort.desc));
        backward = true;
        mode = Mode::Before;
    } else {
        offset = p.offset();
        match total {
            Some(t) if offset > t / 2 => {
                let end = (offset + n).min(t);
                if offset >= t {
                    return Ok(IdPage::default());
                }
                backward = true;
                limit = end - offset;
                offset = t - end;
                mode = Mode::FromEnd { more: end < t };
            }
            _ => mode = Mode::Offset,
        }
    }
    let dir = if sort.desc != backward { Order::Desc } else { Order::Asc };
    let mut sel = q.select_only().column(sort.id);
    if let Some(k) = sort.key {
        sel = sel.column(k).order_by(k, dir.clone());
    } else {
        sel = sel.expr(Expr::val(""));
    }
    let mut rows: Vec<(i64, String)> = sel
        .order_by(sort.id, dir)
        .offset(offset)
        .limit(limit)
        .into_tuple()
        .all(c)
        .await?;
    let beyond_end = rows.len() as u64 > n;
    rows.truncate(n as usize);
    if backward {
        rows.reverse();
    }
    let cur = |r: &(i64, String)| {
        Cursor {
            key: keyed.then(|| r.1.clone()),
            id: r.0,
        }
        .encode()
    };
    let (first, last) = (rows.first().map(cur), rows.last().map(cur));
    let (next, prev) = match mode {
        Mode::After => (last.filter(|_| beyond_end), first),
        Mode::Before => (last, first.filter(|_| beyond_end)),
        Mode::Offset => (last.filter(|_| beyond_end), first.filter(|_| offset > 0)),
        Mode::FromEnd { more } => (last.filter(|_| more), first),
    };
    Ok(IdPage {
        ids: rows.into_iter().map(|r| r.0).collect(),
        next,
        prev,
    })
}

enum Mode {
    After,
    Before,
    Offset,
    FromEnd { more: bool },
}

/// Rows `q` selects, counted up to `cap`: `(count, exact)`.
pub async fn capped_count<C: ConnectionTrait, E: EntityTrait>(c: &C, q: Select<E>, cap: u64) -> DbResult<(u64, bool)> {
    let sub = q.select_only().expr(Expr::val(1)).limit(cap + 1).into_query();
    let stmt = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from_subquery(sub, Alias::new("t"))
        .to_owned();
    let row = c.query_one(&stmt).await?.ok_or(DbError::NotFound)?;
    let n = row.try_get::<i64>("", "n")? as u64;
    Ok(if n > cap { (cap, false) } else { (n, true) })
}

/// One page of the rows `q` selects, in `sort`'s order, with the total counted up to
/// [`COUNT_CAP`]: the tail every list shares. `id` reads a row's id.
pub async fn page_rows<C, E>(
    c: &C,
    q: Select<E>,
    sort: &SortKey<E::Column>,
    p: &PageReq,
    id: impl Fn(&E::Model) -> i64,
) -> DbResult<Page<E::Model>>
where
    C: ConnectionTrait,
    E: EntityTrait,
{
    let (total, total_exact) = capped_count(c, q.clone(), COUNT_CAP).await?;
    let page = page_ids(c, q, sort, p, total_exact.then_some(total)).await?;
    let rows = E::find().filter(sort.id.is_in(page.ids.clone())).all(c).await?;
    Ok(Page {
        items: in_order(&page.ids, rows, id),
        total,
        total_exact,
        next: page.next,
        prev: page.prev,
    })
}

/// `rows` in the order of `ids` (a page fetched by key comes back in the index's order).
pub fn in_order<T>(ids: &[i64], rows: Vec<T>, id: impl Fn(&T) -> i64) -> Vec<T> {
    let mut by_id: std::collections::HashMap<i64, T> = rows.into_iter().map(|r| (id(&r), r)).collect();
    ids.iter().filter_map(|i| by_id.remove(i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        for c in [
            Cursor { key: None, id: 42 },
            Cursor {
                key: Some("王小明".into()),
                id: 7,
            },
            Cursor {
                key: Some(String::new()),
                id: -1,
            },
        ] {
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        for bad in ["", "i", "ix", "k", "kzz.1", "k41", "q12"] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }
}
