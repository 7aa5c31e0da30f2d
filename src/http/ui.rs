//! The web UI: the Vite build of `frontend/` (made by `build.rs`), embedded in the binary.
//!
//! A file of the build is served as itself. A path under one of the UI's client-side routes
//! (`frontend/routes.json`, which the UI's router follows) gets `index.html`, and so does any
//! other path that does not look like a file, but with a 404 status (the UI then shows its
//! "no page here"). When the build is empty (npm was missing or failed at build time) those
//! paths get a page saying how to build the UI instead.

use std::borrow::Cow;
use std::sync::LazyLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Compress;
use actix_web::{web, HttpRequest, HttpResponse, Route};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "frontend/dist/"]
struct Assets;

const NOT_BUILT: &str = include_str!("ui_missing.html");

/// The first path segments the UI routes in the browser.
static CLIENT_ROUTES: LazyLock<Vec<String>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../frontend/routes.json"))
        .expect("frontend/routes.json is a JSON array of strings")
});

/// `/`, or a path under one of the UI's routes.
fn is_client_route(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or_default();
    first.is_empty() || CLIENT_ROUTES.iter().any(|r| r == first)
}

/// True when the binary carries a built UI.
pub fn is_built() -> bool {
    Assets::get("index.html").is_some()
}

/// `GET /`, compressed when the client accepts it.
pub fn index_route() -> Route {
    web::get().to(serve).wrap(Compress::default())
}

/// Every request no other route matched: a UI file or a client-side route.
pub fn fallback_route() -> Route {
    web::route().to(serve).wrap(Compress::default())
}

async fn serve(req: HttpRequest) -> HttpResponse {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return HttpResponse::NotFound().finish();
    }
    let path = req.path().trim_start_matches('/');
    if !path.is_empty() && path != "index.html" {
        if let Some(file) = Assets::get(path) {
            return file_response(&req, path, file, true);
        }
        if looks_like_file(path) {
            return HttpResponse::NotFound()
                .content_type("text/plain; charset=utf-8")
                .body("not found");
        }
    }
    let known = is_client_route(path);
    let mut response = match Assets::get("index.html") {
        Some(file) => file_response(&req, "index.html", file, known),
        None => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(NOT_BUILT),
    };
    if !known {
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    response
}

/// A build output path (`assets/…`, `favicon.ico`) rather than a client-side route: missing
/// files answer 404 instead of the app, so a stale bundle reference fails visibly.
fn looks_like_file(path: &str) -> bool {
    path.starts_with("assets/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

/// The file with its type and caching headers; `conditional` allows a 304 for a matching ETag.
fn file_response(
    req: &HttpRequest,
    path: &str,
    file: rust_embed::EmbeddedFile,
    conditional: bool,
) -> HttpResponse {
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
    // Vite names everything under assets/ by its content hash; the rest must be revalidated.
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let not_modified = conditional
        && req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if not_modified {
        HttpResponse::build(StatusCode::NOT_MODIFIED)
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if path.ends_with(".html") {
        response.insert_header((header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")));
    }
    if not_modified {
        return response.finish();
    }
    let mime = file.metadata.mimetype();
    let content_type = if mime.starts_with("text/") || mime.ends_with("javascript") {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_owned()
    };
    response.content_type(content_type).body(match file.data {
        Cow::Borrowed(bytes) => actix_web::body::BoxBody::new(bytes),
        Cow::Owned(bytes) => actix_web::body::BoxBody::new(bytes),
    })
}

#[cfg(test)]
mod tests {
    use actix_web::{test, web, App};

    use super::*;

    #[::core::prelude::v1::test]
    fn file_paths_are_told_from_client_routes() {
        assert!(looks_like_file("assets/index-abc.js"));
        assert!(looks_like_file("assets/chunk"));
        assert!(looks_like_file("favicon.ico"));
        assert!(!looks_like_file("customers/12/numbers"));
        assert!(!looks_like_file("preview"));
        assert!(is_client_route(""));
        assert!(is_client_route("customers/12/numbers"));
        assert!(is_client_route("sign-in"));
        assert!(!is_client_route("no-such-page"));
        assert!(!is_client_route("customersx"));
    }

    fn app() -> App<
        impl actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        App::new()
            .route(
                "/graphql",
                web::get().to(|| async { HttpResponse::Ok().body("api") }),
            )
            .route("/", index_route())
            .default_service(fallback_route())
    }

    #[actix_web::test]
    async fn client_routes_get_the_app_or_the_build_instructions() {
        let app = test::init_service(app()).await;
        for path in ["/", "/customers/1/numbers", "/preview?customer=1"] {
            let res =
                test::call_service(&app, test::TestRequest::get().uri(path).to_request()).await;
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            let ct = res
                .headers()
                .get(header::CONTENT_TYPE)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            assert!(ct.starts_with("text/html"), "{path}: {ct}");
            let body = test::read_body(res).await;
            let body = String::from_utf8_lossy(&body);
            if is_built() {
                assert!(body.contains("<div id=\"root\">"), "{path}");
            } else {
                assert!(body.contains("npm run build"), "{path}");
            }
        }
    }

    #[actix_web::test]
    async fn missing_files_and_other_methods_are_not_found_and_routes_win() {
        let app = test::init_service(app()).await;
        let res = test::call_service(
            &app,
            test::TestRequest::get()
                .uri("/assets/gone-123.js")
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = test::call_service(
            &app,
            test::TestRequest::post().uri("/customers").to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        // Not a route of the UI: the UI still answers (it shows its own "no page here").
        let res = test::call_service(
            &app,
            test::TestRequest::get().uri("/no-such-page").to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let ct = res.headers().get(header::CONTENT_TYPE).unwrap();
        assert!(ct.to_str().unwrap().starts_with("text/html"));
        let res =
            test::call_service(&app, test::TestRequest::get().uri("/graphql").to_request()).await;
        assert_eq!(test::read_body(res).await, "api");
    }

    #[actix_web::test]
    async fn built_assets_are_served_with_their_type_and_revalidate() {
        let Some(asset) = Assets::iter().find(|p| p.ends_with(".js")) else {
            return; // the UI was not built (no npm): the instructions test covers that case
        };
        let app = test::init_service(app()).await;
        let uri = format!("/{asset}");
        let res = test::call_service(&app, test::TestRequest::get().uri(&uri).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.headers().get(header::CONTENT_TYPE).unwrap(),
            "text/javascript; charset=utf-8"
        );
        assert!(res
            .headers()
            .get(header::CACHE_CONTROL)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("immutable"));
        let etag = res.headers().get(header::ETAG).unwrap().clone();
        let res = test::call_service(
            &app,
            test::TestRequest::get()
                .uri(&uri)
                .insert_header((header::IF_NONE_MATCH, etag))
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    }
}
