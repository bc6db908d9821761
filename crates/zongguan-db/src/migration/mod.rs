//! Schema migrations, shared by SQLite and PostgreSQL: the `Migrator`, and one file per migration.
//!
//! A migration's `name()` is what migrated databases record: it never changes once released.
use sea_orm_migration::{prelude::*, schema::*};

mod m0001_foundation;
mod m0002_registry;
mod m0003_stats;
mod m0004_search;
mod m0005_cases;
mod m0006_map;
mod m0007_case_turn;
mod m0008_import_speed;
mod m0009_name_by_unit;
mod m0010_id_key;
mod m0011_permission_codes;
mod m0012_audit_keyed;
mod m0013_open311;
mod m0014_login_hardening;
pub(crate) mod m0015_unit_keys;
mod m0016_auth_epoch;
pub(crate) mod m0017_governance_rental;
pub(crate) mod m0018_name_bigrams;
pub(crate) mod m0019_governance_disputes;
pub(crate) mod m0020_governance_petitions;
mod m0021_governance_notices;
mod m0022_notifications;
pub(crate) mod m0023_governance_stability;
mod m0024_governance_map;
mod m0025_item_keywords;
mod m0026_rectification_index;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_registry::Migration),
            Box::new(m0003_stats::Migration),
            Box::new(m0004_search::Migration),
            Box::new(m0005_cases::Migration),
            Box::new(m0006_map::Migration),
            Box::new(m0007_case_turn::Migration),
            Box::new(m0008_import_speed::Migration),
            Box::new(m0009_name_by_unit::Migration),
            Box::new(m0010_id_key::Migration),
            Box::new(m0011_permission_codes::Migration),
            Box::new(m0012_audit_keyed::Migration),
            Box::new(m0013_open311::Migration),
            Box::new(m0014_login_hardening::Migration),
            Box::new(m0015_unit_keys::Migration),
            Box::new(m0016_auth_epoch::Migration),
            Box::new(m0017_governance_rental::Migration),
            Box::new(m0018_name_bigrams::Migration),
            Box::new(m0019_governance_disputes::Migration),
            Box::new(m0020_governance_petitions::Migration),
            Box::new(m0021_governance_notices::Migration),
            Box::new(m0022_notifications::Migration),
            Box::new(m0023_governance_stability::Migration),
            Box::new(m0024_governance_map::Migration),
            Box::new(m0025_item_keywords::Migration),
            Box::new(m0026_rectification_index::Migration),
        ]
    }
}

fn ts(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(name)
}
fn ts_null(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(name)
}
fn fk(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(to, "id").to_owned()
}
fn idx(table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(format!("idx_{table}_{}", cols.join("_"))).table(table);
    for c in cols {
        i.col(*c);
    }
    i.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_names_stay_as_released() {
        let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
        assert_eq!(
            names,
            [
                "m0001_foundation",
                "m0002_registry",
                "m0003_stats",
                "m0004_search",
                "m0005_cases",
                "m0006_map",
                "m0007_case_turn",
                "m0008_import_speed",
                "m0009_name_by_unit",
                "m0010_id_key",
                "m0011_permission_codes",
                "m0012_audit_keyed",
                "m0013_open311",
                "m0014_login_hardening",
                "m0015_unit_keys",
                "m0016_auth_epoch",
                "m0017_governance_rental",
                "m0018_name_bigrams",
                "m0019_governance_disputes",
                "m0020_governance_petitions",
                "m0021_governance_notices",
                "m0022_notifications",
                "m0023_governance_stability",
                "m0024_governance_map",
                "m0025_item_keywords",
                "m0026_rectification_index",
            ]
        );
    }
}
