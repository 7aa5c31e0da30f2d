//! The MIME side of MM7: a request is a `multipart/related` body whose root part is the
//! SOAP envelope and whose other part (often itself `multipart/mixed` or `related`) is the
//! MMS content. Parsed with mailparse, which also undoes base64 and quoted-printable.

use mailparse::{parse_mail, MailHeaderMap, ParsedMail};

use crate::compliance::mms::MmsPart;

/// A request split into its envelope and its content parts.
#[derive(Debug, Default)]
pub struct Related {
    pub soap: Vec<u8>,
    pub parts: Vec<MmsPart>,
}

fn bare_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

fn content_id(part: &ParsedMail<'_>) -> Option<String> {
    part.headers
        .get_first_value("Content-ID")
        .map(|id| bare_id(&id))
        .filter(|id| !id.is_empty())
}

/// The leaves of a part: itself, or every part nested in it.
fn leaves(part: &ParsedMail<'_>, out: &mut Vec<MmsPart>) -> Result<(), String> {
    if part.ctype.mimetype.starts_with("multipart/") {
        for sub in &part.subparts {
            leaves(sub, out)?;
        }
        return Ok(());
    }
    let filename = part
        .get_content_disposition()
        .params
        .get("filename")
        .cloned()
        .or_else(|| part.headers.get_first_value("Content-Location"))
        .or_else(|| part.ctype.params.get("name").cloned());
    out.push(MmsPart {
        content_type: part.ctype.mimetype.to_ascii_lowercase(),
        content_id: content_id(part),
        filename,
        data: part
            .get_body_raw()
            .map_err(|e| format!("a content part cannot be decoded: {e}"))?,
    });
    Ok(())
}

/// Splits a request body by its Content-Type. A bare `text/xml` body is an envelope
/// without content (CancelReq). `href` (`cid:...`) picks the content part when given.
pub fn split(content_type: &str, body: &[u8], href: Option<&str>) -> Result<Related, String> {
    let lower = content_type.to_ascii_lowercase();
    if lower.starts_with("text/xml") || lower.starts_with("application/soap+xml") {
        return Ok(Related {
            soap: body.to_vec(),
            parts: Vec::new(),
        });
    }
    if !lower.starts_with("multipart/related") {
        return Err(format!(
            "Content-Type {content_type:?}: expected multipart/related or text/xml"
        ));
    }
    let mut raw = format!("Content-Type: {content_type}\r\n\r\n").into_bytes();
    raw.extend_from_slice(body);
    let mail = parse_mail(&raw).map_err(|e| format!("the MIME body cannot be read: {e}"))?;
    if mail.subparts.is_empty() {
        return Err("the multipart/related body has no parts".into());
    }
    // The root is the part `start` names, or the first.
    let start = mail.ctype.params.get("start").map(|s| bare_id(s));
    let root = start
        .as_ref()
        .and_then(|id| {
            mail.subparts
                .iter()
                .position(|p| content_id(p).as_ref() == Some(id))
        })
        .unwrap_or(0);
    let soap = mail.subparts[root]
        .get_body_raw()
        .map_err(|e| format!("the SOAP part cannot be decoded: {e}"))?;
    let others: Vec<&ParsedMail<'_>> = mail
        .subparts
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != root)
        .map(|(_, p)| p)
        .collect();
    let wanted = href.and_then(|h| h.strip_prefix("cid:")).map(bare_id);
    let chosen: Vec<&ParsedMail<'_>> = match wanted {
        Some(id) => match others
            .iter()
            .find(|p| content_id(p).as_deref() == Some(id.as_str()))
        {
            Some(part) => vec![*part],
            None => others,
        },
        None => others,
    };
    let mut parts = Vec::new();
    for part in chosen {
        leaves(part, &mut parts)?;
    }
    Ok(Related { soap, parts })
}

/// A `multipart/related` body: the SOAP envelope as root, then one `multipart/mixed` part
/// (Content-ID `content_id`) holding `parts`, each base64. Returns (Content-Type, body).
pub fn related(soap: &str, content_id: &str, parts: &[MmsPart]) -> (String, Vec<u8>) {
    use base64::Engine as _;
    let outer = format!("mm7-{}", uuid::Uuid::new_v4().simple());
    let inner = format!("mms-{}", uuid::Uuid::new_v4().simple());
    let mut body = String::new();
    body.push_str(&format!(
        "--{outer}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-ID: <soap-envelope>\r\n\r\n{soap}\r\n"
    ));
    body.push_str(&format!(
        "--{outer}\r\nContent-Type: multipart/mixed; boundary=\"{inner}\"\r\nContent-ID: <{content_id}>\r\n\r\n"
    ));
    for (i, part) in parts.iter().enumerate() {
        let id = part
            .content_id
            .clone()
            .unwrap_or_else(|| format!("part-{i}"));
        body.push_str(&format!(
            "--{inner}\r\nContent-Type: {}\r\nContent-ID: <{id}>\r\nContent-Transfer-Encoding: base64\r\n",
            part.content_type
        ));
        if let Some(name) = &part.filename {
            body.push_str(&format!("Content-Location: {name}\r\n"));
        }
        body.push_str("\r\n");
        let encoded = base64::engine::general_purpose::STANDARD.encode(&part.data);
        for line in encoded.as_bytes().chunks(76) {
            body.push_str(std::str::from_utf8(line).unwrap_or_default());
            body.push_str("\r\n");
        }
    }
    body.push_str(&format!("--{inner}--\r\n--{outer}--\r\n"));
    (
        format!(
            "multipart/related; boundary=\"{outer}\"; type=\"text/xml\"; start=\"<soap-envelope>\""
        ),
        body.into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_we_write_reads_back_with_nested_parts_decoded() {
        let parts = vec![
            MmsPart {
                content_type: "text/plain".into(),
                content_id: Some("t".into()),
                filename: Some("hello.txt".into()),
                data: b"Hello".to_vec(),
            },
            MmsPart {
                content_type: "audio/amr".into(),
                content_id: None,
                filename: None,
                data: (0..=255u8).collect(),
            },
        ];
        let (content_type, body) = related("<Envelope/>", "content-1", &parts);
        let read = split(&content_type, &body, Some("cid:content-1")).unwrap();
        assert_eq!(read.soap, b"<Envelope/>");
        assert_eq!(read.parts.len(), 2);
        assert_eq!(read.parts[0].data, b"Hello");
        assert_eq!(read.parts[0].filename.as_deref(), Some("hello.txt"));
        assert_eq!(read.parts[1].content_type, "audio/amr");
        assert_eq!(read.parts[1].data, (0..=255u8).collect::<Vec<_>>());
    }

    #[test]
    fn other_bodies_are_refused_with_a_reason() {
        assert!(split("application/json", b"{}", None)
            .unwrap_err()
            .contains("Content-Type"));
        let bare = split("text/xml; charset=utf-8", b"<Envelope/>", None).unwrap();
        assert!(bare.parts.is_empty());
    }
}
