//! Comprehensive governance (综合治理): rental houses by risk class with their inspections and
//! the inspection tasks assigned from the map, cameras, disputes with their mediation, screening
//! rounds and tally, on the rules and schedules that are settings. Every query takes the caller's
//! scope; every write audits.
mod cameras;
mod checklists;
mod classify;
mod dispute_notice_facts;
mod dispute_settings;
mod dispute_tally;
mod disputes;
mod inspection_tasks;
mod inspections;
mod intake_register;
mod notice_settings;
mod notices;
mod petition_notice_facts;
mod rectification_followup;
mod rectification_register;
mod rental;
mod screenings;
mod settings;
mod stored_setting;

pub use cameras::{
    CAMERA_KINDS, CAMERA_STATUSES, Camera, CameraFilter, CameraInput, create_camera, delete_camera, list_cameras,
    update_camera,
};
pub use checklists::{ChecklistItem, checklists};
pub use classify::{ClassifyInput, ProposeTally, confirm_class, propose_all, propose_one};
pub use dispute_settings::{DisputeSettings, dispute_settings, save_dispute_settings};
pub use dispute_tally::{DictWord, DisputeTally, TallyFigures, TallyRow, dispute_tally, parse_month};
pub use disputes::{
    Dispute, DisputeDetail, DisputeFilter, DisputeStep, DisputeTimelineRow, NewDispute, Party, PartyInput, act,
    get_dispute, list_disputes, register_dispute,
};
pub use inspection_tasks::{InspectionTask, MAX_TASK_HOUSES, TaskFilter, assign_inspections, list_inspection_tasks};
pub use inspections::{
    Inspection, InspectionFilter, InspectionInput, inspections_of, list_inspections, mark_rectified, record_inspection,
};
pub use intake_register::{IntakeFilter, IntakeRow, each_intake_row, intake_register};
pub use notice_settings::{
    NoticePrefix, NoticeTemplate, notice_prefix, notice_templates, save_notice_prefix, save_template,
};
pub(crate) use notices::next_serial;
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
pub use screenings::{
    PeriodStatus, RoundFilter, RoundInput, ScreeningRound, UnitRounds, dispute_type_code, list_rounds, report_round,
    rounds_due,
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
pub use rectification_followup::{case_from_finding, raise_rectification_alerts};

mod followups;
mod incidents;
mod stability_settings;
mod watch;

pub use followups::{
    DueList, DueVisit, Visit, VisitInput, alert_overdue_visits, due_visits, record_visit, visit_history,
};
pub use incidents::{
    Incident, IncidentDetail, IncidentFilter, IncidentFollowUp, IncidentInput, IncidentParty, IncidentReport,
    add_follow_up, close_incident, create_incident, get_incident, list_incidents, report_up,
};
pub use stability_settings::{
    StabilitySettings, incident_settings, save_stability_settings, stability_settings, visit_schedule,
};
pub use watch::{
    TeamInput, WatchLog, WatchMember, WatchRoster, WatchTeam, WatchTeamDetail, add_log, add_member, add_roster,
    create_team, delete_team, get_team, list_teams, remove_member, remove_roster, update_team,
};
