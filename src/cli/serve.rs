//! `zongguan serve`: the API, the web app and the background jobs on one listener.
use std::process::ExitCode;

use crate::app::AppState;
use crate::config::Config;
use crate::router::router;

pub async fn run(mut config: Config, listen: Option<String>) -> anyhow::Result<ExitCode> {
    if let Some(l) = listen {
        config.listen = l;
    }
    let db = crate::open_db(&config).await?;
    let interrupted = zongguan_db::imports::fail_interrupted(&db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if interrupted > 0 {
        tracing::warn!("{interrupted} import job(s) were interrupted by a stop; nothing of them was written");
    }
    let state = AppState::new(db.clone(), config.clone());
    crate::jobs::spawn_all(&state);
    let listener = tokio::net::TcpListener::bind(&config.listen).await.map_err(|e| {
        anyhow::anyhow!(
            "无法监听 {}：{e}。换一个地址：zongguan serve --listen 127.0.0.1:8081（或 make demo LISTEN=127.0.0.1:8081，或环境变量 ZONGGUAN_LISTEN）",
            config.listen
        )
    })?;
    tracing::info!(listen = %config.listen, database = state.db.backend.name(), "zongguan serving on http://{}", config.listen);
    let closing = state.db.clone();
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    closing.close().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(ExitCode::SUCCESS)
}
