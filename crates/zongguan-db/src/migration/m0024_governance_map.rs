//! Migration 24: inspection tasks assigned from the map, and cameras (电子防控) as a map layer.
use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, idx, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0024_governance_map"
    }
}

/// - `inspection_task`: one rental house given to one grid worker (a user) to inspect by a day;
///   `done` once an inspection of the house is recorded after the assignment. It carries the
///   house's grid, community and subdistrict (set in Rust from the house) so it is scoped like
///   every placed row.
/// - `camera`: a camera with its point, the grid its point lies in and that grid's keys.
#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("inspection_task")
                .col(big_pk_auto("id"))
                .col(big_integer("house_id"))
                .col(big_integer("grid_id"))
                .col(big_integer_null("subdistrict_id"))
                .col(big_integer_null("community_id"))
                .col(big_integer("assignee_id"))
                .col(big_integer_null("assigned_by"))
                .col(date("due_on"))
                .col(string_len("state", 10).default("open"))
                .col(big_integer_null("done_by_inspection_id"))
                .col(ts_null("done_at"))
                .col(big_integer_null("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("inspection_task", "house_id", "house"))
                .to_owned(),
        )
        .await?;
        m.create_index(idx("inspection_task", &["assignee_id", "state", "id"]))
            .await?;
        m.create_index(idx("inspection_task", &["house_id", "state"])).await?;
        for key in ["community_id", "subdistrict_id", "grid_id"] {
            m.create_index(idx("inspection_task", &[key, "id"])).await?;
        }
        m.create_table(
            Table::create()
                .table("camera")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("code", 40))
                .col(string_len("name", 100))
                .col(string_len("kind", 20))
                .col(string_len("status", 10).default("online"))
                .col(double("lon"))
                .col(double("lat"))
                .col(big_integer("grid_id"))
                .col(big_integer_null("subdistrict_id"))
                .col(big_integer_null("community_id"))
                .col(date_null("installed_on"))
                .col(text("note").default(""))
                .col(big_integer_null("created_by"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        for key in ["community_id", "subdistrict_id", "grid_id"] {
            m.create_index(idx("camera", &[key, "id"])).await?;
        }
        Ok(())
    }
}
