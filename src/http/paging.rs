//! The one list shape: `page`/`page_size` (or a cursor) in, `{"items":[…],"total":N,
//! "total_exact":b,"next":c,"prev":c}` out.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Deserialize;
use utoipa::IntoParams;
use zongguan_db::PageReq;

use crate::error::{ApiQuery, AppError};

/// `page` (from 1) and `page_size` (1–500), or `after` / `before` a cursor an answer gave as
/// `next` / `prev` (the same cost at any depth), read from the query beside the list's own
/// filters (`params(XQuery, Paging)`) and checked before the handler runs.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    pub page: Option<u64>,
    pub page_size: Option<u64>,
    /// The `next` of the page before: the rows after it (`page` is then only shown).
    pub after: Option<String>,
    /// The `prev` of the page after: the rows before it.
    pub before: Option<String>,
}

impl Paging {
    /// The checked page request (the bounds were checked at extraction).
    pub fn req(&self) -> PageReq {
        PageReq {
            page: self.page.unwrap_or(1),
            page_size: self.page_size.unwrap_or(20),
            ..Default::default()
        }
        .with_cursors(self.after.clone(), self.before.clone())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiQuery(p) = ApiQuery::<Paging>::from_request_parts(parts, state).await?;
        PageReq::new(p.page, p.page_size)?;
        Ok(p)
    }
}

/// `{"items":[…],"total":N}` with a schema name per item type.
macro_rules! list_type {
    ($name:ident, $item:ty) => {
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub total: u64,
            /// False when a text search counted up to its cap: there are at least `total`.
            pub total_exact: bool,
            /// Cursor of the following page (`after=`), none at the end.
            pub next: Option<String>,
            /// Cursor of the previous page (`before=`), none at the start.
            pub prev: Option<String>,
        }
        impl From<zongguan_db::Page<$item>> for $name {
            fn from(p: zongguan_db::Page<$item>) -> Self {
                Self {
                    items: p.items,
                    total: p.total,
                    total_exact: p.total_exact,
                    next: p.next,
                    prev: p.prev,
                }
            }
        }
        impl From<Vec<$item>> for $name {
            /// A whole list in one answer: the total is its length.
            fn from(items: Vec<$item>) -> Self {
                let total = items.len() as u64;
                zongguan_db::Page::new(items, total).into()
            }
        }
    };
}
pub(crate) use list_type;
