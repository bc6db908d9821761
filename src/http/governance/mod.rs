//! Comprehensive governance (综合治理): rental houses by risk class, their inspections and rules;
//! petitions; notices; the registers.
pub mod notices;
pub mod petitions;
pub mod registers;
pub mod rental;
pub mod stability;
