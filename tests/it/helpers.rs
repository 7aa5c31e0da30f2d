//! `spawn_app()`: the real service on free ports with its own database, driven over HTTP.

use std::net::SocketAddr;
use std::time::Duration;

use backoffice::app::App;
use backoffice::config::{DatabaseSettings, HttpSettings, Settings, SmppSettings};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Which database a test runs on; every test runs on both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `<test>::sqlite` and `<test>::postgres` for each `async fn <test>(Backend)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    )*};
}

fn postgres_server_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database of the test's own: a temp SQLite file, or a fresh PostgreSQL database.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    /// `None` (with a visible note) when PostgreSQL is unreachable, unless
    /// `REQUIRE_POSTGRES=1`, which makes that a failure.
    pub async fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                Some(Self {
                    url,
                    _dir: Some(dir),
                    pg_name: None,
                })
            }
            Backend::Postgres => {
                let admin = match tokio::time::timeout(
                    Duration::from_secs(5),
                    Database::connect(format!("{}/postgres", postgres_server_url())),
                )
                .await
                {
                    Ok(Ok(db)) => db,
                    other => {
                        let reason = match other {
                            Ok(Err(e)) => e.to_string(),
                            _ => "timed out".into(),
                        };
                        if std::env::var("REQUIRE_POSTGRES").as_deref() == Ok("1") {
                            panic!("PostgreSQL is required (REQUIRE_POSTGRES=1) but unreachable: {reason}");
                        }
                        eprintln!("SKIPPED: PostgreSQL unreachable ({reason})");
                        return None;
                    }
                };
                let name = format!("bo_it_{}", uuid::Uuid::new_v4().simple());
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                Some(Self {
                    url: format!("{}/{name}", postgres_server_url()),
                    _dir: None,
                    pg_name: Some(name),
                })
            }
        }
    }

    /// Drops a PostgreSQL test database (SQLite files go with their temp dir).
    pub async fn drop_database(&self) {
        if let Some(name) = &self.pg_name {
            if let Ok(admin) =
                Database::connect(format!("{}/postgres", postgres_server_url())).await
            {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
                admin.close().await.ok();
            }
        }
    }
}

/// Settings for a test: free ports, one HTTP worker, the given database, an admin token.
pub fn test_settings(db_url: &str) -> Settings {
    let mut settings = Settings {
        http: HttpSettings {
            addr: "127.0.0.1:0".into(),
            workers: 1,
            shutdown_timeout_secs: 5,
        },
        smpp: SmppSettings {
            addr: "127.0.0.1:0".into(),
            cache_refresh_ms: 50,
            ..SmppSettings::default()
        },
        database: DatabaseSettings {
            url: db_url.into(),
            max_connections: 4,
        },
        ..Settings::default()
    };
    settings.auth.admin_token = Some(format!("admin-{}", uuid::Uuid::new_v4().simple()));
    // Jobs run when a test runs them, not on the clock.
    settings.jobs.scheduler = false;
    // Each test its own mail outbox.
    settings.mail.outbox_dir = std::env::temp_dir().join(format!(
        "backoffice-outbox-{}",
        uuid::Uuid::new_v4().simple()
    ));
    settings
}

/// A running service and a way to talk to it.
pub struct TestApp {
    pub http_addr: SocketAddr,
    pub smpp_addr: SocketAddr,
    pub admin_token: String,
    /// A connection of the test's own to the service's database.
    pub db: DatabaseConnection,
    pub client: reqwest::Client,
    test_db: TestDb,
    /// What it runs with, for a restart.
    pub settings: Settings,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Starts the service on `backend`; `None` when that backend is skipped.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}, false).await
}

/// Starts the service with adjusted settings, optionally with the demo data seeded first.
pub async fn spawn_app_with(
    backend: Backend,
    adjust: impl FnOnce(&mut Settings),
    demo: bool,
) -> Option<TestApp> {
    if std::env::var_os("TEST_LOG").is_some() {
        backoffice::telemetry::init("info");
    }
    let test_db = TestDb::create(backend).await?;
    let mut settings = test_settings(&test_db.url);
    adjust(&mut settings);
    if demo {
        let db = backoffice::db::connect(&settings.database)
            .await
            .expect("connect");
        backoffice::db::migrate(&db).await.expect("migrate");
        backoffice::demo::seed(&db).await.expect("demo seed");
        db.close().await.ok();
    }
    let running = start(&settings).await;
    let db = backoffice::db::connect(&settings.database)
        .await
        .expect("test connection");
    Some(TestApp {
        http_addr: running.http_addr,
        smpp_addr: running.smpp_addr,
        admin_token: settings.auth.admin_token.clone().unwrap_or_default(),
        db,
        client: reqwest::Client::new(),
        test_db,
        settings,
        stop: Some(running.stop),
        server: Some(running.server),
    })
}

struct Running {
    http_addr: SocketAddr,
    smpp_addr: SocketAddr,
    stop: oneshot::Sender<()>,
    server: JoinHandle<anyhow::Result<()>>,
}

async fn start(settings: &Settings) -> Running {
    let app = App::build(settings).await.expect("app builds");
    let (stop, stopped) = oneshot::channel::<()>();
    let http_addr = app.http_addr();
    let smpp_addr = app.smpp_addr();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    Running {
        http_addr,
        smpp_addr,
        stop,
        server,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.http_addr)
    }

    /// POSTs a GraphQL request with an optional bearer key; returns status and body.
    pub async fn gql_raw(&self, key: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }

    /// A GraphQL request that must succeed; returns `data`.
    pub async fn gql(&self, key: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.gql_raw(Some(key), query, variables).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// A GraphQL request that must fail; returns the first error's `extensions.code`.
    pub async fn gql_error(
        &self,
        key: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (String, Value) {
        let (_, body) = self.gql_raw(key, query, variables).await;
        let error = body["errors"][0].clone();
        assert!(!error.is_null(), "expected an error: {body}");
        (
            error["extensions"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            error,
        )
    }

    /// The URL of the service's database, for CLI commands run beside it.
    pub fn db_url(&self) -> &str {
        &self.test_db.url
    }

    pub fn admin(&self) -> &str {
        &self.admin_token
    }

    /// Creates a customer as admin; returns its id.
    pub async fn create_customer(&self, name: &str) -> String {
        let data = self
            .gql(
                self.admin(),
                "mutation($input: NewCustomerInput!) { createCustomer(input: $input) { id } }",
                json!({ "input": {
                    "name": name,
                    "accountManagerEmail": "am@example.com",
                    "billingEmail": "billing@example.com",
                    "currency": "USD",
                }}),
            )
            .await;
        data["createCustomer"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// Creates an API key as admin; returns (id, secret).
    pub async fn create_key(&self, role: &str, customer_id: Option<&str>) -> (String, String) {
        let data = self
            .gql(
                self.admin(),
                "mutation($input: NewApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }",
                json!({ "input": { "name": format!("{role} key"), "role": role.to_uppercase(), "customerId": customer_id } }),
            )
            .await;
        let created = &data["createApiKey"];
        (
            created["apiKey"]["id"].as_str().expect("id").to_owned(),
            created["secret"].as_str().expect("secret").to_owned(),
        )
    }

    /// Shuts the service down gracefully; its database stays for inspection.
    pub async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("clean shutdown");
        }
    }

    /// Stops the service gracefully and starts it again on the same database (new ports),
    /// with its settings adjusted.
    pub async fn restart(&mut self, adjust: impl FnOnce(&mut Settings)) {
        self.shutdown().await;
        adjust(&mut self.settings);
        self.settings.http.addr = "127.0.0.1:0".into();
        self.settings.smpp.addr = "127.0.0.1:0".into();
        let running = start(&self.settings).await;
        self.http_addr = running.http_addr;
        self.smpp_addr = running.smpp_addr;
        self.stop = Some(running.stop);
        self.server = Some(running.server);
    }

    /// Shuts the service down gracefully and drops its database.
    pub async fn stop(mut self) {
        self.shutdown().await;
        self.db.close().await.ok();
        self.test_db.drop_database().await;
    }
}

/// An SMTP server of the test's own, over real TCP: every message's DATA, in order. The
/// first `refuse` messages are refused (`451` after their data), as a server in trouble does.
pub async fn smtp_server(refuse: usize) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let refused = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let (seen, received) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let seen = seen.clone();
            let refused = refused.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 test-smtp ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            let body = data.take().unwrap();
                            if refused.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < refuse {
                                let _ = write.write_all(b"451 4.3.0 try again later\r\n").await;
                                continue;
                            }
                            let _ = seen.send(body);
                            let _ = write.write_all(b"250 2.0.0 queued\r\n").await;
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_ascii_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 test-smtp\r\n",
                        "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 OK\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"502 not implemented\r\n",
                    };
                    let _ = write.write_all(answer).await;
                }
            });
        }
    });
    (url, received)
}
