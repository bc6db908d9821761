//! HTTP handlers, one module per area of the product.
pub mod audit;
pub mod auth;
pub mod cases;
pub mod governance;
pub mod imports;
pub mod item_suggest;
pub mod map;
pub mod meta;
pub mod notifications;
pub mod open311;
pub mod org;
pub mod paging;
pub mod places;
pub mod registry;
pub mod system;

pub use paging::Paging;
pub(crate) use paging::list_type;
