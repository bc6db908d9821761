//! The demo district's geography, registries and cases: deterministic for a seed.
mod bulk;
mod cameras;
mod disputes;
mod geography;
mod history;
mod live;
mod people;
mod petitions;
mod phrasing;
mod registries;
mod rental;
mod stability;

pub use cameras::cameras;
pub use disputes::{DisputeDemoTally, disputes};
pub use geography::geography;
pub use history::case_history;
pub use live::cases;
pub use people::person_name;
pub use petitions::{PetitionTally, petition_communities, petitions};
pub use registries::registries;
pub use rental::{RentalTally, rental};
pub use stability::{StabilityTally, stability};

/// How much registry data to make.
#[derive(Debug, Clone, Copy)]
pub struct Volume {
    /// Only the first N subdistricts get buildings and people (None: all).
    pub subdistricts: Option<usize>,
    pub buildings_per_grid: u64,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub buildings: u64,
    pub houses: u64,
    pub residents: u64,
}

/// How many cases the demo makes.
#[derive(Debug, Clone, Copy)]
pub struct CaseVolume {
    /// Only the grids of the first N subdistricts, as in [`Volume`] (None: all).
    pub subdistricts: Option<usize>,
    /// Closed and open cases of the last year per grid (Longgang: about 500 a grid a year).
    pub history_per_grid: u64,
    /// Communities that get today's cases walked through the workflow (None: every one chosen).
    pub communities: Option<usize>,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct CaseTally {
    pub history: u64,
    pub live: u64,
}

/// Where each community's live demo cases are left, one case per stage.
pub const LIVE_STAGES: &[&str] = &[
    "reported",
    "accepted",
    "dispatched",
    "handling",
    "supervised",
    "paused",
    "feedback",
    "verified",
    "closed",
    "rejected",
    "returned",
];
