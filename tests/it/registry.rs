//! Registry API on SQLite and PostgreSQL: buildings, houses, residents, masking and its audit.

use crate::common;
use crate::common::{TestApp, assert_error};
use axum::http::StatusCode;
use serde_json::{Value, json};

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items array")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A valid identity number for a body of 17 digits.
fn id(body: &str) -> String {
    format!(
        "{body}{}",
        zongguan_core::id_number::check_char(body).expect("17 digits")
    )
}

/// Building 良安田-A1 in grid 01 with houses 101 and 102.
async fn seed(app: &TestApp, officer: &common::Client) -> (i64, i64, i64) {
    let grid = app.unit_id("44030700300201").await;
    let (s, b) = officer
        .post("/api/v1/buildings", json!({"code":"LAT-A1","name":"良安田新村1栋","address":"平湖街道良安田新村1栋","grid_id":grid,"lon":114.12,"lat":22.68,"floors":6,"use_type":"住宅"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["use_type"], "residential");
    let bid = b["id"].as_i64().expect("id");
    let (s, h1) = officer
        .post(
            "/api/v1/houses",
            json!({"building_id":bid,"room":"101","area":45.5,"use_type":"residential","is_rental":true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h1}");
    let (_, h2) = officer
        .post(
            "/api/v1/houses",
            json!({"building_id":bid,"room":"102","use_type":"住宅"}),
        )
        .await;
    (bid, h1["id"].as_i64().expect("id"), h2["id"].as_i64().expect("id"))
}

on_both!(residents_one_record_per_id_number, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let (_, h1, _) = seed(&app, &officer).await;
    let number = id("44030719900101123");
    let form = json!({"name":"李小梅","id_number":number.to_lowercase(),"registration_type":"流动人口","ethnicity":"汉族","phone":"13812345678","house_id":h1,"relation":"本人","since":"2024-03-01"});
    let (s, r) = officer.post("/api/v1/residents", form.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["gender"], "male");
    assert_eq!(r["birth_date"], "1990-01-01");
    assert_eq!(r["id_number"], format!("440307********{}", &number[14..]));
    assert_eq!(r["phone"], "138****5678");
    assert_eq!(r["masked"], true);
    assert_eq!(r["residences"][0]["relation"], "01");
    let rid = r["id"].as_i64().expect("id");

    // The same number again opens the existing record instead of a duplicate.
    let (s, v) = officer.post("/api/v1/residents", form).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_error(&v, "duplicate");
    assert_eq!(v["error"]["details"]["existing_id"], rid);
    let (_, v) = officer.get(&format!("/api/v1/residents?id_number={number}")).await;
    assert_eq!(v["total"], 1);
    assert_eq!(items(&v)[0]["id"], rid);

    // Bad numbers name the field and say why.
    let mut bad = number.clone();
    bad.pop();
    bad.push(if number.ends_with('0') { '1' } else { '0' });
    let (s, v) = officer
        .post(
            "/api/v1/residents",
            json!({"name":"王五","id_number":bad,"registration_type":"户籍人口","house_id":h1}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "id_number");
    assert!(v["error"]["message"].as_str().expect("msg").contains("校验位"));

    // Stored encrypted: the database never holds the number or the phone in clear.
    use zongguan_db::sea_orm::ConnectionTrait;
    let row = app
        .db
        .conn
        .query_one_raw(zongguan_db::sea_orm::Statement::from_string(
            app.db.db_backend(),
            format!("SELECT id_number_enc, phone_enc FROM resident WHERE id = {rid}"),
        ))
        .await
        .expect("query")
        .expect("row");
    let enc: String = row.try_get("", "id_number_enc").expect("col");
    assert!(!enc.contains(&number[6..14]) && enc.starts_with("v1:"));
});

on_both!(masked_unmasked_and_audited, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let (_, h1, _) = seed(&app, &officer).await;
    let number = id("11010519491231002");
    let (_, r) = officer.post("/api/v1/residents", json!({"name":"赵大爷","id_number":number,"registration_type":"户籍人口","phone":"13900001111","house_id":h1})).await;
    let rid = r["id"].as_i64().expect("id");

    // The grid worker of this grid reads the record masked; asking for it unmasked is refused and audited.
    let g = app.login("grid_00300201").await;
    let (s, v) = g.get(&format!("/api/v1/residents/{rid}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["id_number"], "110105********002X".replace("002X", &number[14..]));
    let (s, v) = g.get(&format!("/api/v1/residents/{rid}?unmasked=true")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_error(&v, "forbidden");
    // The community officer may see it in full.
    let (s, v) = officer.get(&format!("/api/v1/residents/{rid}?unmasked=true")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["id_number"], number);
    assert_eq!(v["phone"], "13900001111");
    assert_eq!(v["masked"], false);

    let auditor = app.login("auditor").await;
    let (_, log) = auditor.get("/api/v1/audit-logs?page_size=100").await;
    let rid_s = rid.to_string();
    let reads: Vec<(String, String, String)> = items(&log)
        .iter()
        .filter(|r| r["object_type"] == "resident" && r["object_id"] == rid_s.as_str())
        .map(|r| {
            (
                r["username"].as_str().unwrap_or("").into(),
                r["action"].as_str().unwrap_or("").into(),
                r["result"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert!(
        reads.contains(&("grid_00300201".into(), "read".into(), "success".into())),
        "{reads:?}"
    );
    assert!(
        reads.contains(&("grid_00300201".into(), "read_unmasked".into(), "denied".into())),
        "{reads:?}"
    );
    assert!(
        reads.contains(&("community_003002".into(), "read_unmasked".into(), "success".into())),
        "{reads:?}"
    );

    // Out of scope: another community's officer and another grid's worker get 404.
    let other = app.login("community_003004").await;
    let (s, _) = other.get(&format!("/api/v1/residents/{rid}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let g2 = app.login("grid_00300202").await;
    let (s, _) = g2.get(&format!("/api/v1/residents/{rid}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, v) = g2.get("/api/v1/residents").await;
    assert_eq!(v["total"], 0);
    // The system administrator has no access to residents at all.
    let admin = app.login("admin").await;
    let (s, _) = admin.get("/api/v1/residents").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

on_both!(filters_history_and_summary, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let (bid, h1, h2) = seed(&app, &officer).await;
    let people = [
        ("张伟", "44030719850615101", "户籍人口", h1),
        ("张小明", "36012220100301202", "流动人口", h1),
        ("欧阳娜娜", "45010219550720302", "流动人口", h2),
    ];
    let mut ids = vec![];
    for (name, body, reg, h) in people {
        let (s, r) = officer
            .post(
                "/api/v1/residents",
                json!({"name":name,"id_number":id(body),"registration_type":reg,"house_id":h,"since":"2024-03-01"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        ids.push(r["id"].as_i64().expect("id"));
    }
    let (_, v) = officer.get("/api/v1/residents?q=小明").await;
    assert_eq!(v["total"], 1);
    assert_eq!(items(&v)[0]["name"], "张小明");
    // Three characters or more go through the trigram index: part of a name, or the building lived in.
    let (_, v) = officer.get("/api/v1/residents?q=欧阳娜").await;
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(items(&v)[0]["name"], "欧阳娜娜");
    let (_, v) = officer.get("/api/v1/residents?q=良安田新村").await;
    assert_eq!(v["total"], 3, "{v}");
    let (_, v) = officer.get("/api/v1/buildings?q=T-A1").await;
    assert_eq!(v["total"], 1, "{v}");
    let (_, v) = officer.get("/api/v1/houses?q=良安田新村1栋").await;
    assert_eq!(v["total"], 2, "{v}");
    let (_, v) = officer
        .get(&format!("/api/v1/residents?q={}", urlencode("\"新村")))
        .await;
    assert_eq!(v["total"], 0, "a quote in the text is matched literally: {v}");
    let (_, v) = officer
        .get("/api/v1/residents?registration_type=migrant&sort=-birth_date")
        .await;
    let names: Vec<&str> = items(&v).iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(names, vec!["张小明", "欧阳娜娜"]);
    let (_, v) = officer.get("/api/v1/residents?age_min=18&age_max=59").await;
    assert_eq!(v["total"], 1);
    assert_eq!(items(&v)[0]["name"], "张伟");
    let (_, v) = officer.get("/api/v1/residents?age_min=60").await;
    assert_eq!(items(&v)[0]["name"], "欧阳娜娜");
    let (s, v) = officer.get("/api/v1/residents?sort=phone").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "sort");

    // Moving out keeps the history; the house shows past and present occupants.
    let (s, v) = officer
        .post(
            &format!("/api/v1/residents/{}/move-in", ids[0]),
            json!({"house_id":h2,"since":"2024-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "since");
    let (s, v) = officer
        .post(
            &format!("/api/v1/residents/{}/move-in", ids[0]),
            json!({"house_id":h2,"relation":"户主","since":"2025-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["residences"].as_array().expect("r").len(), 2);
    let (_, house) = officer.get(&format!("/api/v1/houses/{h1}")).await;
    assert_eq!(house["building"]["id"], bid);
    let res = house["residences"].as_array().expect("residences");
    assert_eq!(res.len(), 2);
    assert!(
        res.iter()
            .any(|r| r["resident_name"] == "张*" && r["until"] == "2024-12-31")
    );
    assert_eq!(house["house"]["occupants"], 1);
    let (s, v) = officer
        .post(
            &format!("/api/v1/residents/{}/move-out", ids[2]),
            json!({"until":"2020-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // Summary: the community's grids, rolled up.
    let community = app.unit_id("440307003002").await;
    let (s, v) = officer
        .get(&format!("/api/v1/registry/summary?org_unit_id={community}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let grid1 = v
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["code"] == "44030700300201")
        .expect("grid 01");
    assert_eq!(grid1["residents"], 3);
    assert_eq!(grid1["by_registration_type"]["migrant"], 2);
    assert_eq!(grid1["by_age_band"]["0-17"], 1);
    assert_eq!(grid1["houses"], 2);
    assert_eq!(grid1["rental_houses"], 1);
    assert_eq!(grid1["buildings"], 1);
    let (_, top) = app
        .login("district_officer")
        .await
        .get("/api/v1/registry/summary")
        .await;
    assert_eq!(top[0]["code"], "440307000000");
    assert_eq!(top[0]["residents"], 3);
    // The counts are cached per unit; a write shows at once (triggers bump the unit's version).
    let (s, r) = officer.post("/api/v1/residents", json!({"name":"李四","id_number":id("44030719900101303"),"registration_type":"户籍人口","house_id":h2,"since":"2024-03-01"})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, v) = officer
        .get(&format!("/api/v1/registry/summary?org_unit_id={community}"))
        .await;
    let grid1 = v
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["code"] == "44030700300201")
        .expect("grid 01");
    assert_eq!(grid1["residents"], 4);
    assert_eq!(grid1["by_registration_type"]["registered"], 2);
    assert_eq!(grid1["by_age_band"]["18-59"], 2);

    // Buildings: a point outside China and an unknown use are refused with the field named.
    let grid = app.unit_id("44030700300201").await;
    let (s, v) = officer
        .post(
            "/api/v1/buildings",
            json!({"code":"X1","name":"甲","grid_id":grid,"lon":22.6,"lat":114.1,"use_type":"住宅"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "lon");
    let (s, v) = officer
        .post(
            "/api/v1/buildings",
            json!({"code":"X1","name":"甲","grid_id":grid,"lon":114.1,"lat":22.6,"use_type":"别墅"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "use_type");
    let other_grid = app.unit_id("44030700300401").await;
    let (s, v) = officer
        .post(
            "/api/v1/buildings",
            json!({"code":"X1","name":"甲","grid_id":other_grid,"lon":114.1,"lat":22.6,"use_type":"住宅"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "grid_id");
    let (_, v) = officer.get("/api/v1/buildings?q=新村").await;
    assert_eq!(v["total"], 1);
    let (_, v) = officer.get("/api/v1/houses?q=LAT-A1&is_rental=true").await;
    assert_eq!(v["total"], 1);
});

on_both!(
    property_companies_key_places_and_enterprises,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let unit = app.unit_id("440307003002").await;
        let (s, v) = officer
            .post(
                "/api/v1/property-companies",
                json!({"name":"深圳市良安物业管理有限公司","credit_code":"91350100M000100Y44","org_unit_id":unit}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["field"], "credit_code");
        let (s, v) = officer.post("/api/v1/property-companies", json!({"name":"深圳市良安物业管理有限公司","credit_code":"91350100m000100y43","contact":"周经理","phone":"13711112222","org_unit_id":unit})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["credit_code"], "91350100M000100Y43");
        assert_eq!(v["phone"], "137****2222");
        let cid = v["id"].as_i64().expect("id");
        // Sent back masked, the phone stays; the same credit code cannot be registered twice.
        let (s, v) = officer.put(&format!("/api/v1/property-companies/{cid}"), json!({"name":"深圳市良安物业管理有限公司","credit_code":"91350100M000100Y43","phone":"137****2222","org_unit_id":unit})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["phone"], "137****2222");
        let (s, v) = officer
            .post(
                "/api/v1/property-companies",
                json!({"name":"另一家物业","credit_code":"91350100M000100Y43","org_unit_id":unit}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(v["error"]["field"], "credit_code");
        let (s, v) = officer.post("/api/v1/key-places", json!({"name":"良安田小学","place_type":"学校","address":"良安田村","lon":114.12,"lat":22.68,"org_unit_id":unit,"person_in_charge":"刘校长","phone":"0755-28888888"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["place_type"], "school");
        let pid = v["id"].as_i64().expect("id");
        let (s, v) = officer
            .post(
                "/api/v1/key-places",
                json!({"name":"甲","place_type":"机场","org_unit_id":unit}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["field"], "place_type");
        let (s, v) = officer.post("/api/v1/key-enterprises", json!({"name":"良安化工仓库","industry":"危险化学品","hazard_class":"二级","staff_count":35,"org_unit_id":unit})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["industry"], "hazardous_chemicals");
        let (_, v) = officer.get("/api/v1/key-places?place_type=school&q=小学").await;
        assert_eq!(v["total"], 1);
        let (_, v) = officer
            .get("/api/v1/key-enterprises?industry=hazardous_chemicals")
            .await;
        assert_eq!(v["total"], 1);
        // Out of scope: another community cannot see or file into this one.
        let other = app.login("community_003004").await;
        let (s, _) = other.get(&format!("/api/v1/key-places/{pid}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, v) = other.get("/api/v1/property-companies").await;
        assert_eq!(v["total"], 0);
        let (s, v) = other
            .post(
                "/api/v1/key-places",
                json!({"name":"乙","place_type":"school","org_unit_id":unit}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["field"], "org_unit_id");
    }
);

on_both!(editing_keeps_what_the_editor_cannot_see, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let (_, h1, _) = seed(&app, &officer).await;
    let number = id("44030719921212123");
    let (_, r) = officer.post("/api/v1/residents", json!({"name":"孙红","id_number":number,"registration_type":"流动人口","phone":"13612345678","house_id":h1})).await;
    let rid = r["id"].as_i64().expect("id");
    // A grid worker edits with the masked number and without the phone: both stay as stored.
    let g = app.login("grid_00300201").await;
    let (s, v) = g
        .put(
            &format!("/api/v1/residents/{rid}"),
            json!({"name":"孙红梅","id_number":r["id_number"],"registration_type":"migrant","occupation":"服务员"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["name"], "孙红梅");
    assert_eq!(v["occupation"], "服务员");
    assert_eq!(v["phone"], "136****5678");
    let (_, full) = officer.get(&format!("/api/v1/residents/{rid}?unmasked=true")).await;
    assert_eq!(full["id_number"], number);
    assert_eq!(full["phone"], "13612345678");
    // A taken building code names the field.
    let grid = app.unit_id("44030700300201").await;
    let (s, v) = officer
        .post(
            "/api/v1/buildings",
            json!({"code":"LAT-A1","name":"重复","grid_id":grid,"lon":114.1,"lat":22.6,"use_type":"住宅"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["error"]["field"], "code");
});

on_both!(special_group_records, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let (_, h1, _) = seed(&app, &officer).await;
    let (_, r) = officer
        .post(
            "/api/v1/residents",
            json!({"name":"周小军","id_number":id("44030720100505131"),"registration_type":"户籍人口","house_id":h1}),
        )
        .await;
    let rid = r["id"].as_i64().expect("id");
    let (s, v) = officer
        .post(
            &format!("/api/v1/residents/{rid}/special-groups"),
            json!({"kind":"重点青少年"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "youth_type");
    let (s, v) = officer
        .post(
            &format!("/api/v1/residents/{rid}/special-groups"),
            json!({"kind":"重点青少年","youth_type":"留守儿童","attention_level":"中等","since":"2025-03-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["youth_type"], "left_behind_child");
    let (_, v) = officer.get("/api/v1/residents?special_group=at_risk_youth").await;
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["special_groups"], json!(["at_risk_youth"]));
    let (_, v) = officer.get(&format!("/api/v1/residents/{rid}/special-groups")).await;
    assert_eq!(v["items"].as_array().expect("records").len(), 1);
    assert_eq!(v["total"], 1);
    let other = app.login("community_003004").await;
    let (s, _) = other.get(&format!("/api/v1/residents/{rid}/special-groups")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
});

on_both!(sm4_cipher_setting, |app: TestApp| async move {
    // The same database served with the national SM4-GCM cipher: new values are written as SM4,
    // read back in full by those allowed, and a server on the AES setting still reads them.
    use zongguan_core::crypto::Algorithm;
    use zongguan_db::sea_orm::ConnectionTrait;
    let db = zongguan_db::Db::connect(
        &app.url,
        app.schema.as_deref(),
        common::key().with_algorithm(Algorithm::Sm4Gcm),
    )
    .await
    .expect("connect");
    let sm4 = TestApp {
        router: zongguan::router::router(zongguan::app::AppState::new(
            db.clone(),
            zongguan::config::Config::default(),
        )),
        db,
        url: app.url.clone(),
        schema: app.schema.clone(),
        files_dir: app.files_dir.clone(),
    };
    let officer = sm4.login("community_003002").await;
    let (_, h1, _) = seed(&sm4, &officer).await;
    let number = id("44030719800101401");
    let (s, r) = officer.post("/api/v1/residents", json!({"name":"国密","id_number":number,"phone":"13812345678","registration_type":"户籍人口","house_id":h1})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let rid = r["id"].as_i64().expect("id");
    let row = app
        .db
        .conn
        .query_one_raw(zongguan_db::sea_orm::Statement::from_string(
            app.db.db_backend(),
            format!("SELECT id_number_enc, phone_enc FROM resident WHERE id = {rid}"),
        ))
        .await
        .expect("query")
        .expect("row");
    let enc: String = row.try_get("", "id_number_enc").expect("col");
    assert!(enc.starts_with("s1:") && !enc.contains(&number[..6]), "{enc}");
    let (_, full) = officer.get(&format!("/api/v1/residents/{rid}?unmasked=true")).await;
    assert_eq!(full["id_number"], number, "{full}");
    let (_, full) = app
        .login("community_003002")
        .await
        .get(&format!("/api/v1/residents/{rid}?unmasked=true"))
        .await;
    assert_eq!(full["phone"], "13812345678", "{full}");
    let (_, found) = app
        .login("community_003002")
        .await
        .get(&format!("/api/v1/residents?id_number={number}"))
        .await;
    assert_eq!(found["total"], 1);
});

// A number registered in another community: refused without the other record's id or masked
// number (no existence oracle across scope beyond "registered elsewhere"), and the attempt audited.
on_both!(
    a_number_registered_elsewhere_tells_nothing_more,
    |app: TestApp| async move {
        let here = app.login("community_003002").await;
        let (_, h1, _) = seed(&app, &here).await;
        let number = id("44030719880202345");
        let (s, r) = here
            .post(
                "/api/v1/residents",
                json!({"name":"赵一","id_number":number,"registration_type":"流动人口","house_id":h1}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        // The neighbouring community, in a house of its own.
        let there = app.login("community_003004").await;
        let grid = app.unit_id("44030700300401").await;
        let (s, b) = there
            .post(
                "/api/v1/buildings",
                json!({"code":"NB-1","name":"邻村1栋","grid_id":grid,"lon":114.13,"lat":22.69,"use_type":"住宅"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (_, h) = there
            .post(
                "/api/v1/houses",
                json!({"building_id":b["id"],"room":"101","use_type":"住宅"}),
            )
            .await;
        let (s, v) = there
            .post(
                "/api/v1/residents",
                json!({"name":"赵一","id_number":number,"registration_type":"流动人口","house_id":h["id"]}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["error"]["field"], "id_number");
        assert!(
            v["error"].get("details").is_none_or(|d| d.is_null()),
            "no id of the other record: {v}"
        );
        let text = v.to_string();
        assert!(
            !text.contains(&number[14..]) && !text.contains(&r["id"].to_string()),
            "{text}"
        );
        let auditor = app.login("auditor").await;
        let (_, log) = auditor.get("/api/v1/audit-logs?action=create&page_size=50").await;
        assert!(
            items(&log).iter().any(|e| e["object_type"] == "resident"
                && e["result"] == "denied"
                && e["username"] == "community_003004"),
            "the attempt is audited: {log}"
        );
    }
);
