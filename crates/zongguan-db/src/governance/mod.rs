//! Comprehensive governance (综合治理): rental houses by risk class with their inspections, on the
//! rules and schedules that are settings. Every query takes the caller's scope; every write audits.
mod checklists;
mod classify;
mod inspections;
mod intake_register;
mod notice_settings;
mod notices;
mod petition_notice_facts;
mod rectification_register;
mod rental;
mod settings;

pub use checklists::{ChecklistItem, checklists};
pub use classify::{ClassifyInput, ProposeTally, confirm_class, propose_all, propose_one};
pub use inspections::{
    Inspection, InspectionFilter, InspectionInput, inspections_of, list_inspections, mark_rectified, record_inspection,
};
pub use intake_register::{IntakeFilter, IntakeRow, each_intake_row, intake_register};
pub use notice_settings::{
    NoticePrefix, NoticeTemplate, notice_prefix, notice_templates, save_notice_prefix, save_template,
};
pub use notices::{
    Draft, IssueInput, Notice, NoticeFilter, ReturnSlip, SubjectFacts, SubjectKind, date_zh, get_notice, issue,
    list_notices, notice_file, open_file, record_return, void_notice,
};
pub use rectification_register::{
    RectificationFilter, RectificationRow, RectificationStatus, each_rectification_row, rectification_register,
};
pub use rental::{
    ProposalView, ReasonView, RentalFacts, RentalFilter, RentalHouse, RentalHouseDetail, Tenant, get_rental_house,
    list_rental_houses, refuse_if_not_to_let,
};
pub use settings::{RentalRules, rental_rules, save_rental_rules};

mod petition_figures;
mod petition_limits;
mod petition_steps;
mod petitions;

pub use petition_figures::{PetitionFigures, RateFigure, petition_figures};
pub use petition_limits::{petition_limits, save_petition_limits};
pub use petition_steps::{PetitionStep, StepInput, petition_step};
pub use petitions::{
    EarlierPetition, Petition, PetitionDetail, PetitionEvent, PetitionFilter, PetitionInput, Petitioner,
    create_petition, get_petition, list_petitions,
};

mod followups;
mod incidents;
mod watch;

pub use followups::{
    DueList, DueVisit, Visit, VisitInput, alert_overdue_visits, due_visits, record_visit, visit_history,
};
pub use incidents::{
    Incident, IncidentDetail, IncidentFilter, IncidentFollowUp, IncidentInput, IncidentParty, IncidentReport,
    add_follow_up, close_incident, create_incident, get_incident, incident_settings, list_incidents, report_up,
    visit_schedule,
};
pub use watch::{
    TeamInput, WatchLog, WatchMember, WatchRoster, WatchTeam, WatchTeamDetail, add_log, add_member, add_roster,
    create_team, delete_team, get_team, list_teams, remove_member, update_team,
};
