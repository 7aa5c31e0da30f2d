//! Builds the web UI (`frontend/`) so the binary can embed it (`src/http/ui.rs`).
//!
//! Runs `npm ci` when `frontend/node_modules` is missing or older than `package-lock.json`,
//! then `npm run build` (GraphQL codegen from `schema.graphql`, `tsc`, Vite) into
//! `frontend/dist`. Cargo reruns this script only when a UI source, the lock file or the
//! schema changed, so an unchanged tree costs nothing. When npm is missing or the build fails
//! it prints a warning and leaves an empty `frontend/dist`: the service still builds and
//! starts, `/` then says how to build the UI, and the next cargo build tries again. `BACKOFFICE_SKIP_UI_BUILD=1` skips the UI
//! build (keeping whatever `frontend/dist` holds).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

const WATCHED: &[&str] = &[
    "build.rs",
    "frontend/src",
    "frontend/index.html",
    "frontend/package.json",
    "frontend/package-lock.json",
    "frontend/vite.config.ts",
    "frontend/codegen.ts",
    "frontend/tsconfig.json",
    "schema.graphql",
];

fn main() {
    for path in WATCHED {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=BACKOFFICE_SKIP_UI_BUILD");

    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let frontend = root.join("frontend");
    let dist = frontend.join("dist");

    if std::env::var_os("BACKOFFICE_SKIP_UI_BUILD").is_some_and(|v| !v.is_empty() && v != "0") {
        ensure_dir(&dist);
        return;
    }
    if let Err(why) = build_ui(&frontend) {
        for line in why.lines() {
            println!("cargo:warning={line}");
        }
        println!(
            "cargo:warning=the web UI is not embedded: `/` will explain how to build it \
             (install Node.js 20+ with npm, then rebuild)"
        );
        // An empty folder: the embedded UI is then empty, never a stale or half-built one.
        let _ = fs::remove_dir_all(&dist);
        ensure_dir(&dist);
        // A missing file is always stale to cargo: every build retries the UI until it builds
        // (npm installed later, the error fixed), and once it has, cargo stops asking.
        println!("cargo:rerun-if-changed=frontend/dist/index.html");
    }
}

fn build_ui(frontend: &Path) -> Result<(), String> {
    if !frontend.join("package.json").is_file() {
        return Err(format!("{} has no package.json", frontend.display()));
    }
    match Command::new(npm()).arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => return Err("npm was not found on PATH".into()),
    }
    let lock = frontend.join("package-lock.json");
    let installed = frontend.join("node_modules").join(".package-lock.json");
    if !installed.is_file() || modified(&lock) > modified(&installed) {
        run(frontend, &["ci", "--no-audit", "--no-fund"])?;
    }
    run(frontend, &["run", "build"])?;
    if !frontend.join("dist").join("index.html").is_file() {
        return Err("`npm run build` produced no frontend/dist/index.html".into());
    }
    Ok(())
}

fn npm() -> &'static str {
    if cfg!(windows) {
        "npm.cmd"
    } else {
        "npm"
    }
}

fn run(dir: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new(npm())
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("could not run npm {}: {e}", args.join(" ")))?;
    if out.status.success() {
        return Ok(());
    }
    // The end of the output says what failed; npm's own warnings are noise here.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("npm warn"))
        .collect();
    let tail = lines[lines.len().saturating_sub(25)..].join("\n");
    Err(format!(
        "`npm {}` failed in frontend/ ({}):\n{tail}",
        args.join(" "),
        out.status
    ))
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

fn ensure_dir(dir: &Path) {
    if let Err(e) = fs::create_dir_all(dir) {
        println!("cargo:warning=could not create {}: {e}", dir.display());
    }
}
