//! HTTP handlers, one module per area of the product.
pub mod audit;
pub mod auth;
pub mod cases;
pub mod imports;
pub mod map;
pub mod meta;
pub mod open311;
pub mod org;
pub mod places;
pub mod registry;
pub mod system;

/// `{"items":[…],"total":N}` with a schema name per item type.
macro_rules! list_type {
    ($name:ident, $item:ty) => {
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub total: u64,
        }
        impl From<zongguan_db::Page<$item>> for $name {
            fn from(p: zongguan_db::Page<$item>) -> Self {
                Self {
                    items: p.items,
                    total: p.total,
                }
            }
        }
    };
}
pub(crate) use list_type;

/// `page` (from 1) and `page_size` (1–500).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

impl Paging {
    pub fn req(&self) -> Result<zongguan_db::PageReq, crate::error::AppError> {
        Ok(zongguan_db::PageReq::new(self.page, self.page_size)?)
    }
}
