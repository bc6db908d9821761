//! `zongguan bench suggest`: the item suggestion trained from the database it is pointed at (the
//! demo; loaded when it has no cases) and measured on descriptions it never saw — the hand-written
//! held-out set (`crates/zongguan-core/data/suggest_holdout.tsv`) and every tenth demo case left
//! out of a second training — with the training time and the time of one `rank` and of one ★ row.
use std::time::{Duration, Instant};

use zongguan_core::case_keywords;
use zongguan_core::item_suggest::{self, Model};
use zongguan_db::cases::{self, SuggestInput, TrainOptions};
use zongguan_db::entity::case_record;
use zongguan_db::sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};
use zongguan_db::{Db, demo, demo_data};

use super::{Figures, actor, db_err as e, percentile};

/// Every tenth past case is held out of the second training.
const HOLD_OUT_EVERY: i64 = 10;
const HELD_OUT_CASES: u64 = 5_000;
const ROUNDS: usize = 20;

pub async fn suggest(
    db: &Db,
    scale: demo::Scale,
    divisions: &str,
    outline: &serde_json::Value,
) -> anyhow::Result<Figures> {
    let mut f = Figures(Vec::new());
    eprintln!("bench suggest on {} …", db.backend.name());
    if case_record::Entity::find().count(&db.conn).await? == 0 {
        let t = Instant::now();
        let hash = zongguan_core::password::hash("Bench@2026x");
        demo::load(db, divisions, None, scale, &hash).await.map_err(e)?;
        demo_data::geography(db, outline).await.map_err(e)?;
        demo_data::cases(db, 2026, scale.cases()).await.map_err(e)?;
        db.checkpoint().await.map_err(e)?;
        f.add("load_seconds", t.elapsed().as_secs_f64(), "s");
    }
    f.add(
        "past_cases",
        case_record::Entity::find().count(&db.conn).await? as f64,
        "cases",
    );

    // What `serve` trains: names, keywords and each item's latest cases.
    let t = Instant::now();
    let trained = cases::train(db, TrainOptions::default()).await.map_err(e)?;
    f.add("train_seconds", t.elapsed().as_secs_f64(), "s");
    f.add("items", trained.model.len() as f64, "items");
    f.add("cases_trained", trained.model.cases() as f64, "cases");
    f.add("vocabulary", trained.model.vocabulary() as f64, "n-grams");

    let holdout = item_suggest::holdout();
    f.add("holdout_descriptions", holdout.len() as f64, "texts");
    let (top1, top3) = item_suggest::accuracy(&trained.model, &holdout);
    f.add("holdout_top1", top1 * 100.0, "%");
    f.add("holdout_top3", top3 * 100.0, "%");
    // The harder part: descriptions that use none of their item's seeded keywords word for word.
    let unworded: Vec<(&str, &str)> = holdout
        .iter()
        .copied()
        .filter(|(code, text)| {
            !case_keywords::split(&case_keywords::seeded(code))
                .iter()
                .any(|k| text.contains(k.as_str()))
        })
        .collect();
    f.add("holdout_without_keyword", unworded.len() as f64, "texts");
    let (_, top3_unworded) = item_suggest::accuracy(&trained.model, &unworded);
    f.add("holdout_without_keyword_top3", top3_unworded * 100.0, "%");
    misses(&trained.model, &holdout);
    // Names and keywords alone (what a new installation has, and what CI asserts).
    let (s1, s3) = item_suggest::accuracy(&item_suggest::seeded(), &holdout);
    f.add("holdout_top1_seeds_only", s1 * 100.0, "%");
    f.add("holdout_top3_seeds_only", s3 * 100.0, "%");

    // Past cases the model did not see.
    let held = cases::TrainOptions {
        hold_out_every: Some(HOLD_OUT_EVERY),
        ..TrainOptions::default()
    };
    let without = cases::train(db, held).await.map_err(e)?;
    let demo_set = cases::held_out_cases(db, HOLD_OUT_EVERY, HELD_OUT_CASES)
        .await
        .map_err(e)?;
    let demo_set: Vec<(&str, &str)> = demo_set.iter().map(|(c, d)| (c.as_str(), d.as_str())).collect();
    f.add("held_out_cases", demo_set.len() as f64, "cases");
    let (c1, c3) = item_suggest::accuracy(&without.model, &demo_set);
    f.add("held_out_cases_top1", c1 * 100.0, "%");
    f.add("held_out_cases_top3", c3 * 100.0, "%");

    // One rank, and one ★ row as the API answers it (recent and nearby read from the database).
    let mut took: Vec<Duration> = Vec::new();
    for _ in 0..ROUNDS {
        for (_, text) in &holdout {
            let t = Instant::now();
            std::hint::black_box(trained.model.rank(text, 5));
            took.push(t.elapsed());
        }
    }
    f.add("rank_p50_ms", percentile(took.clone(), 0.5), "ms");
    f.add("rank_p95_ms", percentile(took, 0.95), "ms");
    let worker = actor(db, "grid_00300201").await?;
    let place: Option<(Option<f64>, Option<f64>)> = case_record::Entity::find()
        .order_by_desc(case_record::Column::Id)
        .one(&db.conn)
        .await?
        .map(|c| (c.lon, c.lat));
    let point = place.and_then(|(x, y)| Some((x?, y?)));
    let mut took = Vec::new();
    for (_, text) in holdout.iter().take(100) {
        let q = SuggestInput {
            text: text.to_string(),
            point,
            limit: 5,
        };
        let t = Instant::now();
        cases::suggest(db, &worker, &trained, &q).await.map_err(e)?;
        took.push(t.elapsed());
    }
    f.add("row_p95_ms", percentile(took, 0.95), "ms");
    Ok(f)
}

/// The held-out descriptions whose item is not in the top 3, for whoever tunes the keywords.
fn misses(model: &Model, set: &[(&str, &str)]) {
    for (code, text) in set {
        let ranked = model.rank(text, 3);
        if !ranked.iter().any(|r| r.0 == *code) {
            let got: Vec<&str> = ranked.iter().map(|r| r.0).collect();
            eprintln!("  miss {code} {text} → {got:?}");
        }
    }
}
