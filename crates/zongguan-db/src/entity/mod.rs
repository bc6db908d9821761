//! SeaORM entities, one module per table.
pub mod api_token;
pub mod app_user;
pub mod audit_log;
pub mod department;
pub mod grid_assignment;
pub mod login_log;
pub mod org_unit;
pub mod role;
pub mod session;
pub mod staff;
pub mod user_role;
pub mod user_scope_unit;
