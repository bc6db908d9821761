//! Migration 2: the base registries (property companies, buildings, houses, residents, residences, special groups) and import jobs.
use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, idx, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_registry"
    }
}

fn audit_cols(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(big_integer_null("created_by"))
        .col(ts("created_at"))
        .col(ts("updated_at"))
}

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait (async_trait) declares `up(&self, &SchemaManager)`; naming the lifetime breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        property_company(m).await?;
        resident(m).await?;
        special_group_record(m).await?;
        Ok(())
    }
}

/// `property_company`, `building`, `house`, `house`
async fn property_company(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        audit_cols(
            Table::create()
                .table("property_company")
                .col(big_pk_auto("id"))
                .col(string_len("name", 100))
                .col(string_len("credit_code", 18).default(""))
                .col(string_len("contact", 50).default(""))
                .col(text_null("phone_enc"))
                .col(string_len("phone_masked", 20).default(""))
                .col(string_len("address", 200).default(""))
                .col(big_integer("org_unit_id"))
                .foreign_key(&mut fk("property_company", "org_unit_id", "org_unit")),
        )
        .to_owned(),
    )
    .await?;
    m.create_index(idx("property_company", &["org_unit_id"])).await?;

    m.create_table(
        audit_cols(
            Table::create()
                .table("building")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("code", 32))
                .col(string_len("name", 100))
                .col(string_len("address", 200).default(""))
                .col(big_integer("grid_id"))
                .col(double("lon"))
                .col(double("lat"))
                .col(text_null("footprint"))
                .col(integer("floors").default(1))
                .col(string_len("structure", 20).default(""))
                .col(string_len("use_type", 20))
                .col(big_integer_null("property_company_id"))
                .col(string_len("manager", 50).default(""))
                .foreign_key(&mut fk("building", "grid_id", "org_unit"))
                .foreign_key(&mut fk("building", "property_company_id", "property_company")),
        )
        .to_owned(),
    )
    .await?;
    m.create_index(idx("building", &["grid_id"])).await?;

    m.create_table(
        audit_cols(
            Table::create()
                .table("house")
                .col(big_pk_auto("id"))
                .col(big_integer("building_id"))
                .col(big_integer("grid_id"))
                .col(string_len("room", 20))
                .col(double_null("area"))
                .col(string_len("use_type", 20))
                .col(big_integer_null("owner_resident_id"))
                .col(string_len("owner_org", 100).default(""))
                .col(boolean("is_rental").default(false))
                .col(string_len("rental_use", 20).default(""))
                .col(string_len_null("rental_risk_class", 10))
                .foreign_key(&mut fk("house", "building_id", "building"))
                .foreign_key(&mut fk("house", "grid_id", "org_unit")),
        )
        .to_owned(),
    )
    .await?;
    m.create_index(
        Index::create()
            .name("uq_house_building_room")
            .table("house")
            .col("building_id")
            .col("room")
            .unique()
            .to_owned(),
    )
    .await?;
    m.create_index(idx("house", &["grid_id", "is_rental"])).await?;
    Ok(())
}

/// `resident`, `residence`
async fn resident(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        audit_cols(
            Table::create()
                .table("resident")
                .col(big_pk_auto("id"))
                .col(string_len("name", 50))
                .col(string_len("id_type", 20))
                .col(text("id_number_enc"))
                .col(string_len_uniq("id_number_hash", 64))
                .col(string_len("id_number_masked", 40))
                .col(string_len("gender", 8))
                .col(date_null("birth_date"))
                .col(string_len("former_name", 50).default(""))
                .col(string_len("ethnicity", 10).default(""))
                .col(string_len("registration_type", 20))
                .col(string_len("native_place_code", 12).default(""))
                .col(string_len("registered_address_code", 12).default(""))
                .col(string_len("registered_address", 200).default(""))
                .col(string_len("current_address", 200).default(""))
                .col(text_null("phone_enc"))
                .col(string_len_null("phone_hash", 64))
                .col(string_len("phone_masked", 20).default(""))
                .col(string_len("education", 20).default(""))
                .col(string_len("marital_status", 20).default(""))
                .col(string_len("political_status", 20).default(""))
                .col(string_len("occupation", 50).default(""))
                .col(string_len("employer", 100).default(""))
                .col(string_len("nationality", 3).default(""))
                .col(string_len("special_groups", 200).default(""))
                .col(big_integer("org_unit_id"))
                .foreign_key(&mut fk("resident", "org_unit_id", "org_unit")),
        )
        .to_owned(),
    )
    .await?;
    // Covers the summary counts and the usual list filters without touching the rows.
    m.create_index(idx(
        "resident",
        &["org_unit_id", "registration_type", "gender", "birth_date"],
    ))
    .await?;
    m.create_index(idx("resident", &["name"])).await?;
    m.create_index(idx("resident", &["birth_date"])).await?;

    m.create_table(
        Table::create()
            .table("residence")
            .col(big_pk_auto("id"))
            .col(big_integer("resident_id"))
            .col(big_integer("house_id"))
            .col(string_len("relation", 20).default(""))
            .col(date("since"))
            .col(date_null("until"))
            .col(big_integer_null("created_by"))
            .col(ts("created_at"))
            .foreign_key(&mut fk("residence", "resident_id", "resident"))
            .foreign_key(&mut fk("residence", "house_id", "house"))
            .to_owned(),
    )
    .await?;
    m.create_index(idx("residence", &["resident_id"])).await?;
    m.create_index(idx("residence", &["house_id"])).await?;
    Ok(())
}

/// `special_group_record`, `import_job`
async fn special_group_record(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        audit_cols(
            Table::create()
                .table("special_group_record")
                .col(big_pk_auto("id"))
                .col(big_integer("resident_id"))
                .col(string_len("kind", 30))
                .col(string_len("attention_level", 10).default(""))
                .col(string_len("youth_type", 30).default(""))
                .col(text("detail").default(""))
                .col(date_null("since"))
                .col(date_null("until"))
                .foreign_key(&mut fk("special_group_record", "resident_id", "resident")),
        )
        .to_owned(),
    )
    .await?;
    m.create_index(idx("special_group_record", &["resident_id"])).await?;

    for (t, extra) in [("key_place", true), ("key_enterprise", false)] {
        let mut tc = Table::create();
        tc.table(t)
            .col(big_pk_auto("id"))
            .col(string_len("name", 100))
            .col(string_len("address", 200).default(""))
            .col(double_null("lon"))
            .col(double_null("lat"))
            .col(big_integer("org_unit_id"))
            .col(string_len("person_in_charge", 50).default(""))
            .col(text_null("phone_enc"))
            .col(string_len("phone_masked", 20).default(""));
        if extra {
            tc.col(string_len("place_type", 30))
                .col(string_len("owner", 100).default(""));
        } else {
            tc.col(string_len("credit_code", 18).default(""))
                .col(string_len("industry", 30))
                .col(string_len("hazard_class", 10).default(""))
                .col(integer("staff_count").default(0))
                .col(string_len("licence_numbers", 200).default(""));
        }
        tc.foreign_key(&mut fk(t, "org_unit_id", "org_unit"));
        m.create_table(audit_cols(&mut tc).to_owned()).await?;
        m.create_index(idx(t, &["org_unit_id"])).await?;
    }

    m.create_table(
        Table::create()
            .table("import_job")
            .col(big_pk_auto("id"))
            .col(string_len("kind", 20))
            .col(string_len("mode", 20))
            .col(string_len("status", 10))
            .col(string_len("file_name", 200).default(""))
            .col(big_integer("total").default(0))
            .col(big_integer("processed").default(0))
            .col(big_integer("accepted").default(0))
            .col(text("rejected").default("[]"))
            .col(text("header").default("[]"))
            .col(text("rejected_rows").default("[]"))
            .col(text_null("error"))
            .col(big_integer_null("created_by"))
            .col(big_integer_null("org_unit_id"))
            .col(ts("created_at"))
            .col(ts_null("finished_at"))
            .to_owned(),
    )
    .await?;
    Ok(())
}
