//! Comprehensive governance (综合治理): rental houses by risk class, their inspections and rules.
pub mod petitions;
pub mod rental;
