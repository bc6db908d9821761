//! Comprehensive governance (综合治理): rental houses by risk class, their inspections and rules;
//! disputes with their mediation, screening rounds and tally.
pub mod dispute_sheet;
pub mod disputes;
pub mod rental;
