//! Prometheus metrics, served as text at `/metrics`.

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

/// The service's metrics; cloned cheaply into each HTTP worker.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    /// Requests by method, route pattern and status (patterns, not paths, to bound labels).
    pub http_requests: IntCounterVec,
    /// Request latency by method and route pattern.
    pub http_duration: HistogramVec,
    /// SMPP binds open now.
    pub smpp_binds: IntGauge,
    /// SMPP PDUs received, by command and the status answered.
    pub smpp_pdus: IntCounterVec,
    /// Admission (decide, throttle, rate) latency per message.
    pub admission_duration: Histogram,
    /// Messages per group commit.
    pub commit_batch_size: Histogram,
    /// Time one group commit takes.
    pub commit_duration: Histogram,
    /// Messages waiting in each carrier connection's queue.
    pub outbound_queued: IntGaugeVec,
    /// Admission to the carrier's acknowledgement, per carrier.
    pub carrier_ack_seconds: HistogramVec,
    /// Admission to a DELIVERED receipt, per carrier.
    pub delivery_seconds: HistogramVec,
    /// Temporary failures retried, per connector.
    pub carrier_retries: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("backoffice".into()), None)?;
        let http_requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests served"),
            &["method", "route", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency"),
            &["method", "route"],
        )?;
        let smpp_binds = IntGauge::new("smpp_binds", "SMPP binds open")?;
        let smpp_pdus = IntCounterVec::new(
            Opts::new(
                "smpp_pdus_total",
                "SMPP PDUs received, by command and answer status",
            ),
            &["command", "status"],
        )?;
        let admission_duration = Histogram::with_opts(
            HistogramOpts::new(
                "admission_duration_seconds",
                "Admission latency per message",
            )
            .buckets(vec![1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3]),
        )?;
        let commit_batch_size = Histogram::with_opts(
            HistogramOpts::new("commit_batch_size", "Writes per group commit").buckets(vec![
                1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0,
            ]),
        )?;
        let commit_duration = Histogram::with_opts(HistogramOpts::new(
            "commit_duration_seconds",
            "Time one group commit takes",
        ))?;
        let outbound_queued = IntGaugeVec::new(
            Opts::new(
                "outbound_queued",
                "Messages waiting for their carrier connection",
            ),
            &["connector"],
        )?;
        let transmission = [
            0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0,
        ];
        let carrier_ack_seconds = HistogramVec::new(
            HistogramOpts::new(
                "carrier_ack_seconds",
                "Admission to the carrier's acknowledgement",
            )
            .buckets(transmission.to_vec()),
            &["carrier"],
        )?;
        let delivery_seconds = HistogramVec::new(
            HistogramOpts::new("delivery_seconds", "Admission to a delivered receipt")
                .buckets(transmission.to_vec()),
            &["carrier"],
        )?;
        let carrier_retries = IntCounterVec::new(
            Opts::new(
                "carrier_retries_total",
                "Temporary carrier failures retried",
            ),
            &["connector"],
        )?;
        registry.register(Box::new(outbound_queued.clone()))?;
        registry.register(Box::new(carrier_ack_seconds.clone()))?;
        registry.register(Box::new(delivery_seconds.clone()))?;
        registry.register(Box::new(carrier_retries.clone()))?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(smpp_binds.clone()))?;
        registry.register(Box::new(smpp_pdus.clone()))?;
        registry.register(Box::new(admission_duration.clone()))?;
        registry.register(Box::new(commit_batch_size.clone()))?;
        registry.register(Box::new(commit_duration.clone()))?;
        Ok(Self {
            registry,
            http_requests,
            http_duration,
            smpp_binds,
            smpp_pdus,
            admission_duration,
            commit_batch_size,
            commit_duration,
            outbound_queued,
            carrier_ack_seconds,
            delivery_seconds,
            carrier_retries,
        })
    }

    /// Where later parts register their gauges and counters.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Every metric in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "encoding metrics failed");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}
