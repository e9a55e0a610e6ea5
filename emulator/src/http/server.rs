//! Binding both listeners, assembling their routers, and serving until told to stop.

use std::future::{Future, IntoFuture};
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use axum::middleware::{self, from_fn_with_state};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::http::faults::{self, Routed};
use crate::http::site::{self, SiteSettings};
use crate::http::state::AppState;
use crate::http::{access_log, answer, control, cors, journal, routes};
use crate::model::Settings;

/// How long requests still in flight get after a stop signal.
const GRACE: Duration = Duration::from_secs(5);

/// The api listener's router: the emulated endpoints of the route table, each wrapped in the
/// journal and the fault injection for its own endpoint, and the control endpoints, all under
/// CORS.
pub fn api_router(state: AppState) -> Router {
    let mut emulated = Router::new();
    for (route, handler) in routes::table() {
        let routed = Routed {
            app: state.clone(),
            route,
        };
        // Journal outside faults, so faulted requests are counted and recorded as well.
        let handler = handler
            .layer(from_fn_with_state(routed.clone(), faults::inject))
            .layer(from_fn_with_state(routed, journal::record));
        emulated = emulated.route(route.path, handler);
    }

    let routes = Router::new()
        .merge(emulated)
        .merge(control::router())
        .fallback(not_found)
        .with_state(state);
    // CORS wraps the routing as a whole, so preflights are answered before any route is picked
    // (a route's method list would otherwise leak into them as an `Allow` header naming PUT).
    Router::new()
        .fallback_service(routes)
        .layer(cors::layer())
        .layer(middleware::from_fn(access_log::log))
}

async fn not_found() -> axum::response::Response {
    answer::json(
        axum::http::StatusCode::NOT_FOUND,
        &serde_json::json!({ "message": "no such endpoint" }),
    )
}

/// Both listeners, bound and ready to serve.
pub struct Bound {
    site: TcpListener,
    api: TcpListener,
    site_addr: SocketAddr,
    api_addr: SocketAddr,
    state: AppState,
    site_settings: SiteSettings,
}

impl Bound {
    /// Binds the site and api listeners as the flags say (port 0 picks a free one).
    pub async fn bind(cli: &crate::cli::Cli) -> io::Result<Self> {
        let site = listen(&cli.host, cli.site_port, "site").await?;
        let api = listen(&cli.host, cli.api_port, "api").await?;
        let site_addr = site.local_addr()?;
        let api_addr = api.local_addr()?;
        let settings = Settings::from_cli(cli, api_addr.to_string());
        // Pages are filled with the first account of the campaign file (or the flags).
        let site_settings = SiteSettings {
            root: cli.root.clone(),
            api_origin: format!("http://{api_addr}"),
            api_host: api_addr.to_string(),
            account: settings.account.clone(),
            app_installation_id: settings.app_installation_id.clone(),
            agent_token: settings.agent.bearer.clone(),
        };
        let state = AppState::new(settings);
        Ok(Self {
            site,
            api,
            site_addr,
            api_addr,
            state,
            site_settings,
        })
    }

    pub fn site_url(&self) -> String {
        format!("http://{}", self.site_addr)
    }

    pub fn api_url(&self) -> String {
        format!("http://{}", self.api_addr)
    }

    pub fn site_addr(&self) -> SocketAddr {
        self.site_addr
    }

    pub fn api_addr(&self) -> SocketAddr {
        self.api_addr
    }

    /// The line printed on stdout once both listen: `{"site":"http://…","api":"http://…"}`.
    pub fn ready_line(&self) -> String {
        let quote = |s: String| serde_json::Value::String(s).to_string();
        format!(
            "{{\"site\":{},\"api\":{}}}",
            quote(self.site_url()),
            quote(self.api_url())
        )
    }

    /// The api state, for tests that want to look inside.
    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// Serves both listeners until `shutdown` resolves, then lets requests in flight finish for a
    /// few seconds at most.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let stopped = |mut rx: watch::Receiver<bool>| async move {
            // An error means the sender is gone, which also means stop.
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let site = axum::serve(self.site, site::router(self.site_settings))
            .with_graceful_shutdown(stopped(stop_rx.clone()))
            .into_future();
        let api = axum::serve(self.api, api_router(self.state))
            .with_graceful_shutdown(stopped(stop_rx))
            .into_future();
        let both = async move { tokio::try_join!(site, api).map(|_| ()) };
        tokio::pin!(both);

        tokio::select! {
            result = &mut both => return result,
            () = shutdown => {}
        }
        let _ = stop_tx.send(true);
        tokio::time::timeout(GRACE, both).await.unwrap_or(Ok(()))
    }
}

async fn listen(host: &str, port: u16, which: &str) -> io::Result<TcpListener> {
    TcpListener::bind((host, port))
        .await
        .map_err(|e| io::Error::new(e.kind(), format!("{which} listener on {host}:{port}: {e}")))
}
