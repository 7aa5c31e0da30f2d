//! `backoffice send`: a client of the running service's GraphQL API, so admission, throttles
//! and opt-outs are decided by the service, never by the command. It uploads the file as a
//! GraphQL multipart request (`previewSend` or `startSend`) and, with `--wait`, polls the
//! batch until it is no longer sending.

use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _};
use serde_json::{json, Value};

const PREVIEW: &str = "mutation Preview($file: Upload!, $from: String!) { previewSend(file: $file, from: $from) { fileName from customerId rows sendable fragments price currency mergeFields failures { line destination problem } sample { line destination text encoding fragments price sendAt priority problem } } }";
const START: &str = "mutation Start($file: Upload!, $from: String!, $name: String) { startSend(file: $file, from: $from, name: $name) { ...Batch } }";
const BATCH: &str = "query Batch($id: ID!) { sendBatch(id: $id) { ...Batch } }";
const BATCH_FIELDS: &str = "fragment Batch on SendBatch { id name fileName source state totalRows quoted charged currency progress resultsUrl counts { state count } messageStatuses { status count } }";

/// Where the service is and the key to call it with.
pub struct Server {
    pub url: String,
    pub token: String,
}

impl Server {
    fn endpoint(&self) -> String {
        format!("{}/graphql", self.url.trim_end_matches('/'))
    }

    /// Posts a request and returns its `data`, or the first error on one line (naming the
    /// field when the service named one).
    async fn call(&self, request: reqwest::RequestBuilder) -> anyhow::Result<Value> {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.url))?;
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .with_context(|| format!("the service answered {status} without JSON"))?;
        if let Some(error) = body["errors"].as_array().and_then(|e| e.first()) {
            let message = error["message"].as_str().unwrap_or("request failed");
            bail!("{message}");
        }
        if !status.is_success() {
            bail!("the service answered {status}");
        }
        Ok(body["data"].clone())
    }

    async fn upload(&self, query: &str, variables: Value, file: &Path) -> anyhow::Result<Value> {
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        let name = file
            .file_name()
            .map_or_else(|| "upload".into(), |n| n.to_string_lossy().into_owned());
        let operations = json!({ "query": query, "variables": variables });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.file"] }).to_string())
            .part("0", reqwest::multipart::Part::bytes(bytes).file_name(name));
        self.call(reqwest::Client::new().post(self.endpoint()).multipart(form))
            .await
    }

    /// Judges every row; sends nothing.
    pub async fn preview(&self, file: &Path, from: &str) -> anyhow::Result<Value> {
        let data = self
            .upload(PREVIEW, json!({ "file": null, "from": from }), file)
            .await?;
        Ok(data["previewSend"].clone())
    }

    /// Starts a batch.
    pub async fn start(
        &self,
        file: &Path,
        from: &str,
        name: Option<&str>,
    ) -> anyhow::Result<Value> {
        let query = format!("{START} {BATCH_FIELDS}");
        let data = self
            .upload(
                &query,
                json!({ "file": null, "from": from, "name": name }),
                file,
            )
            .await?;
        Ok(data["startSend"].clone())
    }

    /// A batch as it is now.
    pub async fn batch(&self, id: &str) -> anyhow::Result<Value> {
        let query = format!("{BATCH} {BATCH_FIELDS}");
        let request = reqwest::Client::new()
            .post(self.endpoint())
            .json(&json!({ "query": query, "variables": { "id": id } }));
        let data = self.call(request).await?;
        match &data["sendBatch"] {
            Value::Null => Err(anyhow!("no batch {id}")),
            batch => Ok(batch.clone()),
        }
    }

    /// Polls a batch until it is done or cancelled.
    pub async fn wait(&self, id: &str) -> anyhow::Result<Value> {
        loop {
            let batch = self.batch(id).await?;
            if batch["state"] != "SENDING" {
                return Ok(batch);
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// The preview for people: the totals, then each failing line with its reason.
pub fn preview_text(preview: &Value) -> String {
    let mut out = format!(
        "{} from {}: {} rows, {} to send ({} fragments, {} {})",
        preview["fileName"].as_str().unwrap_or_default(),
        preview["from"].as_str().unwrap_or_default(),
        preview["rows"],
        preview["sendable"],
        preview["fragments"],
        preview["price"].as_str().unwrap_or_default(),
        preview["currency"].as_str().unwrap_or_default(),
    );
    let failures = preview["failures"].as_array().cloned().unwrap_or_default();
    if !failures.is_empty() {
        out.push_str(&format!("; {} will fail:", failures.len()));
        for f in failures {
            out.push_str(&format!(
                "\n  line {} {}: {}",
                f["line"],
                f["destination"].as_str().unwrap_or_default(),
                f["problem"].as_str().unwrap_or_default()
            ));
        }
    }
    out
}

/// A batch for people: its state and counts by row state.
pub fn batch_text(batch: &Value) -> String {
    let counts: Vec<String> = batch["counts"]
        .as_array()
        .map(|c| {
            c.iter()
                .map(|c| {
                    format!(
                        "{} {}",
                        c["count"],
                        c["state"].as_str().unwrap_or_default().to_lowercase()
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    format!(
        "batch {} ({}) {}: {} rows; {}; charged {} {}; results at {}",
        batch["id"].as_str().unwrap_or_default(),
        batch["name"].as_str().unwrap_or_default(),
        batch["state"].as_str().unwrap_or_default().to_lowercase(),
        batch["totalRows"],
        counts.join(", "),
        batch["charged"].as_str().unwrap_or_default(),
        batch["currency"].as_str().unwrap_or_default(),
        batch["resultsUrl"].as_str().unwrap_or_default(),
    )
}
