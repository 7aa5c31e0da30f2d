//! `backoffice`: the command line. Every command exits non-zero with a one-line reason on
//! failure.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use backoffice::app::{shutdown_signal, App};
use backoffice::auth::keys::{self, NewApiKey};
use backoffice::auth::{RequestContext, Role};
use backoffice::config::Settings;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "backoffice", version, about = "Messaging operator back office")]
struct Cli {
    /// A TOML settings file (see backoffice.example.toml).
    #[arg(long, global = true, env = "BACKOFFICE_CONFIG")]
    config: Option<PathBuf>,
    /// Overrides `database.url` (also read from DATABASE_URL).
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the service: HTTP (GraphQL, UI, health, metrics) and SMPP.
    Serve {
        /// Overrides `http.addr`; port 0 picks a free port.
        #[arg(long)]
        http_addr: Option<String>,
        /// Overrides `smpp.addr`; port 0 picks a free port.
        #[arg(long)]
        smpp_addr: Option<String>,
        /// Seeds the demo data set (idempotent) before serving.
        #[arg(long)]
        demo: bool,
    },
    /// Applies pending database migrations and exits.
    Migrate,
    /// Prints the GraphQL schema (SDL) to stdout.
    ExportSchema,
    /// Manages API keys.
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Manages carrier routing.
    Carriers {
        #[command(subcommand)]
        command: CarriersCommand,
    },
    /// Short-code leases.
    Leases {
        #[command(subcommand)]
        command: LeasesCommand,
    },
    /// Invoices: runs, issuing, documents.
    Invoices {
        #[command(subcommand)]
        command: InvoicesCommand,
    },
    /// Scheduled jobs: their schedules and runs, and running one by hand.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Sends a CSV or XLSX through the running service (a destination column, a text column
    /// with optional {{field}} merge fields, optional send_at and priority); needs
    /// BACKOFFICE_TOKEN.
    Send {
        /// The CSV, XLSX, XLS or ODS file.
        #[arg(long)]
        file: PathBuf,
        /// The sending number (E.164, short code or sender ID) of the customer.
        #[arg(long)]
        from: String,
        /// Judges and prices every row and sends nothing.
        #[arg(long)]
        preview: bool,
        /// The batch's name (the file's name by default).
        #[arg(long)]
        name: Option<String>,
        /// Waits until every row is sent, failed or cancelled.
        #[arg(long)]
        wait: bool,
        /// The service's base URL; `http://<http.addr>` from the settings by default.
        #[arg(long, env = "BACKOFFICE_SERVER")]
        server: Option<String>,
        /// Prints JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Lists the jobs with their schedules and latest runs.
    List {
        /// Prints JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Runs a job now, recorded like a scheduled run; fails when the job fails.
    Run {
        /// invoice-drafts, lease-maintenance, inactivity, forecasts, ratio, retention or
        /// delivery-time.
        name: String,
        /// The day to act as of (YYYY-MM-DD, UTC); today by default.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Prints JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum InvoicesCommand {
    /// Drafts a month's invoices (replacing drafts, leaving issued ones as they are).
    Run {
        /// The month, YYYY-MM.
        #[arg(long)]
        period: String,
        /// One customer (its id); all by default.
        #[arg(long)]
        customer: Option<i64>,
        /// Prints JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Issues a draft: numbered and immutable from then on.
    Issue {
        id: i64,
        /// Prints JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Writes an invoice's document.
    Render {
        id: i64,
        /// pdf, csv (the lines) or xlsx.
        #[arg(long, default_value = "pdf")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum LeasesCommand {
    /// Applies renewals, notice endings and inactivity as of a day; running it twice for the
    /// same day changes nothing the second time.
    Maintain {
        /// The day to act as of (YYYY-MM-DD, UTC); today by default.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Prints JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum CarriersCommand {
    /// Imports a routes CSV (`type,number,carrier`; type `prefix` or `ported`), all or nothing.
    Import {
        /// The CSV file; `-` reads standard input.
        file: PathBuf,
        /// Prints JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Creates a key and prints its secret, once.
    Create {
        /// admin, finance, compliance, account_manager or customer.
        #[arg(long)]
        role: Role,
        /// The customer a customer key acts for.
        #[arg(long)]
        customer: Option<i64>,
        /// An account manager key's manager (their email, as customers record it).
        #[arg(long)]
        email: Option<String>,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Prints JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Only the long-running service logs progress; one-shot commands keep stderr for failures.
    let serving = matches!(cli.command, Command::Serve { .. });
    backoffice::telemetry::init(if serving { "info" } else { "warn" });
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, for scripts and people alike.
fn one_line(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::ExportSchema = cli.command {
        print!("{}", backoffice::graphql::sdl());
        return Ok(());
    }
    let mut settings = Settings::load(cli.config.as_deref())?;
    if let Some(url) = cli.database_url {
        settings.database.url = url;
    }
    match cli.command {
        Command::Serve {
            http_addr,
            smpp_addr,
            demo,
        } => {
            if let Some(addr) = http_addr {
                settings.http.addr = addr;
            }
            if let Some(addr) = smpp_addr {
                settings.smpp.addr = addr;
            }
            let app = App::build(&settings).await?;
            if demo {
                let id = backoffice::demo::seed(app.db())
                    .await
                    .context("seeding demo data")?;
                app.refresh_admission().await?;
                tracing::info!(customer_id = id, "demo data ready");
            }
            let shutdown = shutdown_signal();
            println!(
                "listening http={} smpp={}",
                app.http_addr(),
                app.smpp_addr()
            );
            app.run_until_stopped(shutdown).await
        }
        Command::Migrate => {
            let db = backoffice::db::connect(&settings.database).await?;
            backoffice::db::migrate(&db).await?;
            db.close().await?;
            println!("migrations applied");
            Ok(())
        }
        Command::ApiKey {
            command:
                ApiKeyCommand::Create {
                    role,
                    customer,
                    email,
                    name,
                    json,
                },
        } => {
            let db = backoffice::db::connect(&settings.database).await?;
            backoffice::db::migrate(&db).await?;
            let created = keys::create(
                &db,
                &RequestContext::cli(),
                NewApiKey {
                    name,
                    role,
                    customer_id: customer,
                    email,
                },
            )
            .await?;
            db.close().await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "id": created.key.id,
                        "role": created.key.role.as_str(),
                        "customer_id": created.key.customer_id,
                        "secret": created.secret,
                    })
                );
            } else {
                println!(
                    "created API key {} ({}); its secret, shown only now:\n{}",
                    created.key.id,
                    created.key.role.as_str(),
                    created.secret
                );
            }
            Ok(())
        }
        Command::Carriers {
            command: CarriersCommand::Import { file, json },
        } => {
            let csv = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin()).context("reading standard input")?
            } else {
                std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?
            };
            let db = backoffice::db::connect(&settings.database).await?;
            backoffice::db::migrate(&db).await?;
            let summary = backoffice::messaging::carrier_store::import_routes(
                &db,
                &RequestContext::cli(),
                &csv,
            )
            .await?;
            db.close().await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "prefixes": summary.prefixes,
                        "ported_numbers": summary.ported_numbers,
                    })
                );
            } else {
                println!(
                    "imported {} prefixes and {} ported numbers",
                    summary.prefixes, summary.ported_numbers
                );
            }
            Ok(())
        }
        Command::Leases {
            command: LeasesCommand::Maintain { as_of, json },
        } => {
            let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
            let db = backoffice::db::connect(&settings.database).await?;
            backoffice::db::migrate(&db).await?;
            let summary = backoffice::compliance::lease_store::maintain_leases(
                &db,
                &RequestContext::cli(),
                as_of,
            )
            .await?;
            db.close().await?;
            if json {
                println!("{}", serde_json::to_string(&summary)?);
            } else {
                println!(
                    "leases as of {as_of}: {} checked, {} renewed, {} ended, {} warnings, {} cancelled for inactivity, {} charges",
                    summary.leases_checked,
                    summary.renewed,
                    summary.ended,
                    summary.warnings,
                    summary.cancelled_for_inactivity,
                    summary.charges_created
                );
            }
            if !summary.failures.is_empty() {
                anyhow::bail!(
                    "{} lease(s) not maintained: {}",
                    summary.failures.len(),
                    summary.failures.join("; ")
                );
            }
            Ok(())
        }
        Command::Invoices { command } => invoices(&settings, command).await,
        Command::Jobs { command } => jobs(settings, command).await,
        Command::Send {
            file,
            from,
            preview,
            name,
            wait,
            server,
            json,
        } => {
            use backoffice::messaging::bulk::client::{batch_text, preview_text, Server};
            let token = std::env::var("BACKOFFICE_TOKEN")
                .ok()
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| anyhow::anyhow!("BACKOFFICE_TOKEN: set it to an API key"))?;
            let server = Server {
                url: server.unwrap_or_else(|| format!("http://{}", settings.http.addr)),
                token,
            };
            if preview {
                let preview = server.preview(&file, &from).await?;
                if json {
                    println!("{preview}");
                } else {
                    println!("{}", preview_text(&preview));
                }
                return Ok(());
            }
            let mut batch = server.start(&file, &from, name.as_deref()).await?;
            if wait {
                let id = batch["id"].as_str().unwrap_or_default().to_string();
                batch = server.wait(&id).await?;
            }
            if json {
                println!("{batch}");
            } else {
                println!("{}", batch_text(&batch));
            }
            Ok(())
        }
        Command::ExportSchema => unreachable!("handled above"),
    }
}

/// An invoice as the CLI prints it: money as decimal strings.
fn run_json(r: &backoffice::db::entities::job_run::Model) -> serde_json::Value {
    serde_json::json!({
        "id": r.id,
        "job": r.job,
        "as_of": r.as_of,
        "trigger": r.trigger,
        "outcome": r.outcome,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "rows_touched": r.rows_touched,
        "alerts_created": r.alerts_created,
        "emails_sent": r.emails_sent,
        "detail": r.detail.as_deref().and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok()),
        "error": r.error,
    })
}

async fn jobs(settings: backoffice::config::Settings, command: JobsCommand) -> anyhow::Result<()> {
    use backoffice::jobs::{self, runs, JobContext, JobName, RunOutcome, Trigger};
    let db = backoffice::db::connect(&settings.database).await?;
    backoffice::db::migrate(&db).await?;
    let mailer = std::sync::Arc::new(backoffice::mail::Mailer::new(&settings.mail)?);
    let ctx = JobContext::new(db.clone(), std::sync::Arc::new(settings), mailer);
    let outcome = match command {
        JobsCommand::List { json } => {
            runs::recover_stale(&db, ctx.settings.jobs.stale_after_secs, chrono::Utc::now())
                .await?;
            let mut listed = Vec::new();
            for job in JobName::ALL {
                let schedule = job.schedule(&ctx.settings.jobs);
                let latest = runs::latest(&db, job.as_str(), 3).await?;
                if json {
                    listed.push(serde_json::json!({
                        "name": job.as_str(),
                        "schedule": schedule.schedule,
                        "enabled": schedule.enabled,
                        "last_runs": latest.iter().map(run_json).collect::<Vec<_>>(),
                    }));
                } else {
                    let last = latest.first().map_or_else(
                        || "never run".to_owned(),
                        |r| {
                            format!(
                                "last {} {} ({})",
                                r.started_at.format("%Y-%m-%d %H:%M"),
                                r.outcome,
                                r.trigger
                            )
                        },
                    );
                    let state = if schedule.enabled { "" } else { " (off)" };
                    println!(
                        "{:<18} {:<16}{state} {last}",
                        job.as_str(),
                        schedule.schedule
                    );
                }
            }
            if json {
                println!("{}", serde_json::Value::Array(listed));
            }
            Ok(())
        }
        JobsCommand::Run { name, as_of, json } => {
            let job = JobName::parse(&name)?;
            let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
            match jobs::run(&ctx, job, Trigger::Manual, as_of).await? {
                RunOutcome::Ran(run) => {
                    if json {
                        println!("{}", run_json(&run));
                    } else {
                        println!(
                            "{} as of {}: {}, {} rows touched, {} alerts created, {} emails sent",
                            run.job,
                            run.as_of,
                            run.outcome,
                            run.rows_touched,
                            run.alerts_created,
                            run.emails_sent
                        );
                    }
                    match run.outcome.as_str() {
                        "succeeded" => Ok(()),
                        _ => Err(anyhow::anyhow!(
                            "{} failed: {}",
                            run.job,
                            run.error.unwrap_or_default()
                        )),
                    }
                }
                RunOutcome::ClaimedElsewhere => {
                    Err(anyhow::anyhow!("{name}: another instance has this run"))
                }
            }
        }
    };
    db.close().await?;
    outcome
}

fn invoice_json(i: &backoffice::db::entities::invoice::Model) -> serde_json::Value {
    use sea_orm::ActiveEnum;
    let total = backoffice::billing::money::from_micros(i.total_micros)
        .round_dp(u32::try_from(i.minor_digits).unwrap_or(2));
    serde_json::json!({
        "id": i.id,
        "number": i.number,
        "customer": i.customer_id,
        "period": i.period,
        "state": i.state.to_value(),
        "total": total.to_string(),
        "currency": i.currency,
    })
}

async fn invoices(settings: &Settings, command: InvoicesCommand) -> anyhow::Result<()> {
    use backoffice::billing::{delivery, invoice_store, invoicing::Period};
    let db = backoffice::db::connect(&settings.database).await?;
    backoffice::db::migrate(&db).await?;
    let outcome = async {
        match command {
            InvoicesCommand::Run {
                period,
                customer,
                json,
            } => {
                let period =
                    Period::parse(&period).map_err(|e| anyhow::anyhow!("--period: {e}"))?;
                let (run, invoices) =
                    invoice_store::run(&db, &RequestContext::cli(), period, customer).await?;
                if json {
                    let list: Vec<_> = invoices.iter().map(invoice_json).collect();
                    println!("{}", serde_json::Value::Array(list));
                } else {
                    println!("run {} for {period}: {} invoice(s)", run.id, invoices.len());
                    for i in &invoices {
                        let j = invoice_json(i);
                        println!(
                            "  {} customer {} {} {} {}",
                            j["number"].as_str().unwrap_or("(draft)"),
                            i.customer_id,
                            j["state"].as_str().unwrap_or_default(),
                            j["total"].as_str().unwrap_or_default(),
                            i.currency
                        );
                    }
                }
                Ok(())
            }
            InvoicesCommand::Issue { id, json } => {
                let issued = invoice_store::issue(&db, &settings.billing, id).await?;
                let mailer = backoffice::mail::Mailer::new(&settings.mail)?;
                let emailed = delivery::email(&db, &mailer, &settings.billing, &issued).await?;
                if emailed.outcome != "sent" {
                    eprintln!("warning: issued, but not emailed: {}", emailed.reference);
                }
                if json {
                    println!("{}", invoice_json(&issued));
                } else {
                    println!(
                        "issued {} ({} {})",
                        issued.number.as_deref().unwrap_or_default(),
                        invoice_json(&issued)["total"].as_str().unwrap_or_default(),
                        issued.currency
                    );
                }
                Ok(())
            }
            InvoicesCommand::Render { id, format, out } => {
                use sea_orm::EntityTrait;
                let invoice = backoffice::db::entities::invoice::Entity::find_by_id(id)
                    .one(&db)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no invoice {id}"))?;
                let format = delivery::Format::parse(&format).ok_or_else(|| {
                    anyhow::anyhow!("--format: {format:?} is not pdf, csv or xlsx")
                })?;
                let bytes = delivery::render(&db, &settings.billing, &invoice, format).await?;
                std::fs::write(&out, bytes)
                    .with_context(|| format!("writing {}", out.display()))?;
                Ok(())
            }
        }
    }
    .await;
    db.close().await?;
    outcome
}
