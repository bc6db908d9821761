//! Pure domain of zongguan: validated values, security primitives and rules. No I/O.
pub mod audit;
pub mod calendar;
pub mod case_flow;
pub mod case_taxonomy;
pub mod coords;
pub mod crypto;
pub mod dict;
pub mod geometry;
pub mod id_number;
pub mod mask;
pub mod mvt;
pub mod password;
pub mod rbac;
pub mod registry;
pub mod spatial;
pub mod time;
pub mod totp;
