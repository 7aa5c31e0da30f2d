//! Builds every part of the service and runs it until a shutdown signal.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use sea_orm::DatabaseConnection;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use std::sync::Arc;

use crate::config::Settings;
use crate::http::HttpState;
use crate::messaging::connectors::{CarrierEvent, Connector, Simulator};
use crate::messaging::router::CarrierRouter;
use crate::messaging::snapshot::{Snapshot, SnapshotCell};
use crate::messaging::store::MessageWriter;
use crate::metrics::Metrics;
use crate::smpp::gateway::Gateway;
use crate::smpp::registry::SessionRegistry;
use crate::smpp::upstream::UpstreamConnector;
use crate::smpp::SmppListener;

/// The service with its listeners bound and its database migrated, not yet serving.
pub struct App {
    db: DatabaseConnection,
    settings: Settings,
    http: actix_web::dev::Server,
    http_addr: SocketAddr,
    smpp: SmppListener,
    smpp_addr: SocketAddr,
    gateway: Arc<Gateway>,
    writer_task: tokio::task::JoinHandle<()>,
    events: mpsc::Receiver<CarrierEvent>,
    vasp_queue: mpsc::Receiver<crate::messaging::store::Delivery>,
    jobs: crate::jobs::JobContext,
}

impl App {
    /// Connects and migrates the database, then binds HTTP and SMPP (port 0 picks a port).
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let db = crate::db::connect(&settings.database)
            .await
            .context("connecting to the database")?;
        crate::db::migrate(&db)
            .await
            .context("applying migrations")?;

        let metrics = Metrics::new().context("registering metrics")?;
        let sessions = Arc::new(SessionRegistry::default());
        let snapshot = Snapshot::load(&db, &settings.throttle, &settings.compliance, &settings.mms)
            .await
            .context("loading the admission snapshot")?;
        // The writer's own connections: on PostgreSQL one per lane (and one for its ANALYZE),
        // so each keeps its prepared statements instead of taking whichever pooled connection
        // is free for each batch; on SQLite the writer opens one of its own on the pool's file.
        let postgres =
            sea_orm::ConnectionTrait::get_database_backend(&db) == sea_orm::DbBackend::Postgres;
        let writer_db = if postgres {
            crate::db::connect(&crate::config::DatabaseSettings {
                max_connections: u32::try_from(settings.smpp.write_lanes.max(1) + 1)
                    .unwrap_or(u32::MAX),
                ..settings.database.clone()
            })
            .await
            .context("connecting the message writer to the database")?
        } else {
            db.clone()
        };
        let (writer, writer_task) = MessageWriter::start(
            writer_db,
            settings.smpp.write_batch_max,
            settings.smpp.write_lanes,
            metrics.clone(),
        )
        .context("starting the message writer")?;
        let (carrier_events, events) = mpsc::channel(4096);
        let mut connectors: Vec<Arc<dyn Connector>> = vec![Simulator::new(
            settings.carriers.simulator.clone(),
            carrier_events.clone(),
        )];
        for (name, upstream) in &settings.carriers.upstream {
            connectors.push(UpstreamConnector::new(
                name,
                upstream.clone(),
                carrier_events.clone(),
            ));
        }
        drop(carrier_events);
        let (vasp_posts, vasp_queue) = mpsc::channel(4096);
        let mailer = Arc::new(crate::mail::Mailer::new(&settings.mail).context("setting up mail")?);
        let gateway = Arc::new(Gateway {
            db: db.clone(),
            snapshot: SnapshotCell::new(snapshot),
            counters: Default::default(),
            writer,
            sessions: Arc::clone(&sessions),
            metrics: metrics.clone(),
            settings: settings.smpp.clone(),
            carriers: settings.carriers.clone(),
            router: CarrierRouter::new(&settings.carriers, connectors),
            throttle: settings.throttle.clone(),
            compliance: settings.compliance.clone(),
            mms: settings.mms.clone(),
            mo_lock: Default::default(),
            code_traffic: Default::default(),
            vasp_posts,
        });
        let jobs = crate::jobs::JobContext::new(
            db.clone(),
            Arc::new(settings.clone()),
            Arc::clone(&mailer),
        );
        let state = HttpState {
            schema: crate::graphql::build_schema(
                db.clone(),
                settings,
                Arc::clone(&gateway),
                Arc::clone(&mailer),
                jobs.clone(),
            ),
            db: db.clone(),
            admin_token: settings.auth.admin_token.clone().filter(|t| !t.is_empty()),
            metrics,
            mm7: actix_web::web::Data::new(crate::mm7::server::Mm7State {
                gateway: Arc::clone(&gateway),
                verified: Default::default(),
            }),
            mm7_max_bytes: settings.mms.max_request_bytes,
            billing: settings.billing.clone(),
        };
        let listener = std::net::TcpListener::bind(&settings.http.addr)
            .with_context(|| format!("binding HTTP to {}", settings.http.addr))?;
        let http_addr = listener.local_addr()?;
        let mut server = actix_web::HttpServer::new(move || crate::http::app(state.clone()))
            .disable_signals()
            .shutdown_timeout(settings.http.shutdown_timeout_secs);
        if settings.http.workers > 0 {
            server = server.workers(settings.http.workers);
        }
        let http = server.listen(listener)?.run();

        let smpp = SmppListener::bind(&settings.smpp.addr)
            .await
            .with_context(|| format!("binding SMPP to {}", settings.smpp.addr))?;
        let smpp_addr = smpp.local_addr()?;
        Ok(Self {
            db,
            settings: settings.clone(),
            http,
            http_addr,
            smpp,
            smpp_addr,
            gateway,
            writer_task,
            events,
            vasp_queue,
            jobs,
        })
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    pub fn smpp_addr(&self) -> SocketAddr {
        self.smpp_addr
    }

    /// The database pool, for seeding before the service starts.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Reloads admission's in-memory view now (after seeding, say), so the first bind and
    /// submit see the data instead of waiting for the next periodic refresh.
    pub async fn refresh_admission(&self) -> anyhow::Result<()> {
        self.gateway
            .snapshot
            .refresh(
                &self.db,
                &self.settings.throttle,
                &self.settings.compliance,
                &self.settings.mms,
            )
            .await
            .context("reloading the admission snapshot")?;
        Ok(())
    }

    /// Serves until `shutdown` completes, then stops accepting, lets in-flight work finish
    /// and closes the pool.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let handle = self.http.handle();
        let mut http = tokio::spawn(self.http);
        let stop = CancellationToken::new();
        let tasks = TaskTracker::new();
        let recovered = self
            .gateway
            .recover_outbound()
            .await
            .context("recovering the outbound queue")?;
        if recovered > 0 {
            tracing::info!(messages = recovered, "outbound queue recovered");
        }
        let mut carriers = self.gateway.start_carriers(self.events, stop.clone());
        carriers.push(tokio::spawn(crate::mm7::vasp::run(
            Arc::clone(&self.gateway),
            self.vasp_queue,
            stop.clone(),
        )));
        let upstream: Vec<_> = self
            .gateway
            .router
            .lanes()
            .filter_map(|lane| lane.connector.start(stop.clone()))
            .collect();

        let smpp = tokio::spawn(self.smpp.run(
            Arc::clone(&self.gateway),
            stop.clone(),
            tasks.clone(),
        ));
        let scheduler = if self.settings.jobs.scheduler {
            Some(
                crate::jobs::scheduler::Scheduler::start(self.jobs.clone())
                    .await
                    .context("starting the job scheduler")?,
            )
        } else {
            None
        };
        let bulk = tokio::spawn(crate::messaging::bulk::sender::run(
            Arc::clone(&self.gateway),
            stop.clone(),
        ));
        let background = tokio::spawn(background_work(
            Arc::clone(&self.gateway),
            self.settings.clone(),
            stop.clone(),
        ));

        tokio::select! {
            () = shutdown => tracing::info!("shutting down"),
            result = &mut http => {
                stop.cancel();
                return Err(anyhow::anyhow!("HTTP server stopped unexpectedly: {result:?}"));
            }
        }
        stop.cancel();
        if let Some(scheduler) = scheduler {
            scheduler.shutdown().await;
        }
        handle.stop(true).await;
        let _ = http.await;
        let _ = smpp.await;
        tasks.close();
        if tokio::time::timeout(Duration::from_secs(10), tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!("SMPP connections still open after 10s; closing anyway");
        }
        let _ = background.await;
        let _ = bulk.await;
        for task in carriers.into_iter().chain(upstream) {
            let _ = task.await;
        }
        // The writer ends once the last handle is gone and its queue is written.
        drop(self.gateway);
        if tokio::time::timeout(Duration::from_secs(10), self.writer_task)
            .await
            .is_err()
        {
            tracing::warn!("message writer still busy after 10s; closing anyway");
        }
        self.db.close().await.context("closing the database pool")?;
        tracing::info!("shutdown complete");
        Ok(())
    }
}

/// Keeps admission's snapshot current, resends unacknowledged deliveries and records
/// short-code traffic for the leases, until `stop`.
async fn background_work(gateway: Arc<Gateway>, settings: Settings, stop: CancellationToken) {
    let mut refresh = tokio::time::interval(Duration::from_millis(
        settings.smpp.cache_refresh_ms.max(10),
    ));
    let mut resend =
        tokio::time::interval(Duration::from_secs(settings.smpp.receipt_retry_secs.max(1)));
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    resend.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut traffic = tokio::time::interval(Duration::from_secs(5));
    traffic.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => {
                gateway.flush_code_traffic().await;
                return;
            }
            _ = traffic.tick() => gateway.flush_code_traffic().await,
            _ = refresh.tick() => {
                if let Err(e) = gateway.snapshot.refresh(&gateway.db, &settings.throttle, &settings.compliance, &settings.mms).await {
                    tracing::warn!(error = %e, "admission snapshot not refreshed");
                }
            }
            _ = resend.tick() => gateway.resend_unacknowledged().await,
        }
    }
}

/// Resolves on SIGINT or SIGTERM; call it before announcing the service, so a signal during
/// start-up is caught.
pub fn shutdown_signal() -> impl Future<Output = ()> {
    // The handlers are installed here, now, not when the future is first polled: a signal
    // that comes while the service is still starting is then a graceful stop, not a kill.
    #[cfg(unix)]
    let (interrupt, terminate) = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |signal: std::io::Result<tokio::signal::unix::Signal>,
                        name: &'static str| async move {
                match signal {
                    Ok(mut signal) => {
                        signal.recv().await;
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "cannot listen for {name}");
                        std::future::pending::<()>().await;
                    }
                }
            };
            tokio::select! {
                () = wait(interrupt, "SIGINT") => {},
                () = wait(terminate, "SIGTERM") => {},
            }
        }
        #[cfg(not(unix))]
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    }
}
