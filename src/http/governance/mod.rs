//! Comprehensive governance (综合治理): rental houses by risk class, their inspections and rules; notices.
pub mod notices;
pub mod registers;
pub mod rental;
