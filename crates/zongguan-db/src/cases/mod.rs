//! Cases (事件): reporting, routing, the workflow with its clock and timeline, lists, counts, photos and alerts.
//!
//! Every read and write takes the actor: data scope, permissions and department. The files are
//! floors; each imports only from the floors below it:
//!
//! 1. `access`: who sees which case, and the part (center, department, reporter) a caller plays
//! 2. `contact`: the reporter's contact, sealed and masked
//! 3. `counts`: every case's counted fields in memory, and the figures they add up to
//! 4. `routing`: the grid index, departments, calendar and case items, cached
//! 5. `taxonomy`: the items, categories and calendar years as data, and the items' step limits
//! 6. `timeline`: the row every write adds
//! 7. `views`: a case as lists and the detail show it
//! 8. `list`: the filtered list, the inbox and Open311's public requests
//! 9. `stats`: counts by state, item and department
//! 10. `report`, `workflow`, `photos`, `alerts`: the writes, none of which imports another
//! 11. `suggest`: the item suggestion's training set and the ★ row (reads `access` and `routing`)
mod access;
mod alerts;
mod contact;
mod counts;
mod list;
mod notice_facts;
mod photos;
mod report;
mod routing;
mod stats;
mod suggest;
mod taxonomy;
mod timeline;
mod views;
mod workflow;

pub use zongguan_core::case_flow::OPEN_STATES;

pub use access::now;
pub use alerts::{alert_count, raise_overdue_alerts, refresh_planner_stats};
pub use contact::{reporter_contact, seal_reporter_contacts};
pub use counts::{CaseCounts, Figures};
pub use list::{
    CaseFilter, PUBLIC_SOURCES, PublicFilter, PublicUpdate, code_for_token, inbox, list, public_cases, public_updates,
};
pub use notice_facts::notice_facts;
pub use photos::{NewPhoto, PHOTO_STAGES, add_photo, get_photo, photo_target};
pub use report::{CreatedCase, DuplicateCase, NewCase, SOURCES, create};
pub use routing::{CaseCaches, GridInfo, GridRouting, department_code_for, routing, work_calendar};
pub use stats::{CaseStats, DepartmentCount, ItemCount, StateCount, StatsFilter, stats, stats_sql, warm_counts};
pub use suggest::{
    ItemSuggestion, ItemsStamp, SuggestInput, SuggestReason, TrainOptions, Trained, held_out_cases, items_stamp,
    suggest, train,
};
pub use taxonomy::{
    CalendarInput, CalendarYear, CaseCategory, CaseItem, CaseItemInput, calendar_year, categories, set_calendar_year,
    update_item,
};
pub use views::{Alert, Case, CaseDetail, DepartmentRef, Location, Notice, Photo, TimelineRow, get_case};
pub use workflow::{ActionInput, MergeInput, act, merge};
