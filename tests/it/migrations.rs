//! Migrations run over data already stored, on both databases.
use zongguan_db::entity::role;
use zongguan_db::sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};

use crate::common::TestApp;

on_both!(
    custom_roles_get_the_renamed_permission_codes,
    |app: TestApp| async move {
        // A custom role as an earlier release stored it, then m0011 run again over it.
        role::ActiveModel {
            code: Set("street_statistician".into()),
            name: Set("街道统计员".into()),
            description: Set(String::new()),
            data_scope: Set("unit_and_below".into()),
            permissions: Set("org:read,report:read,resident:read,resident:read".into()),
            builtin: Set(false),
        }
        .insert(&app.db.conn)
        .await
        .expect("old role");
        app.db
            .conn
            .execute_unprepared("DELETE FROM seaql_migrations WHERE version = 'm0011_permission_codes'")
            .await
            .expect("forget m0011");
        app.db.migrate().await.expect("migrate again");
        let r = role::Entity::find_by_id("street_statistician")
            .one(&app.db.conn)
            .await
            .expect("read")
            .expect("role kept");
        assert_eq!(r.permissions, "org:read,stats:read,resident:read,registry:read");
        // The role list answers the new codes only.
        let admin = app.login("secadmin").await;
        let (_, roles) = admin.get("/api/v1/roles").await;
        let mine = roles["items"]
            .as_array()
            .and_then(|a| a.iter().find(|r| r["code"] == "street_statistician"))
            .cloned()
            .unwrap_or_default();
        let codes: Vec<&str> = mine["permissions"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            codes,
            ["org:read", "stats:read", "resident:read", "registry:read"],
            "{mine}"
        );
    }
);
