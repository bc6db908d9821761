//! Comprehensive governance (综合治理): rental houses by risk class, their inspections and rules;
//! disputes with their mediation, screening rounds and tally; petitions; notices; the registers;
//! the settings an administrator edits.
pub mod dispute_sheet;
pub mod disputes;
mod form;
pub mod governance_map;
pub mod notices;
pub mod petitions;
pub mod registers;
pub mod rental;
pub mod settings;
pub mod stability;
