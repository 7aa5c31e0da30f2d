//! Turning a submit_sm or data_sm into the protocol-neutral submission admission takes:
//! the text decoded with its data_coding, and long messages in each of their three forms
//! (UDH-concatenated parts, SAR TLVs, one message_payload).

use chrono::{DateTime, Utc};

use super::pdu::{esm, find_tlv, status, tag, FieldError, Submit};
use crate::billing::rating::MessageKind;
use crate::messaging::address::from_smpp;
use crate::messaging::admission::{Concat, ReceiptRequest, Submission};
use crate::messaging::encoding::{decode, DataCoding};
use crate::messaging::fragments::{encoding_for_text, fragment_count, Encoding};

fn bad(status: u32, field: &'static str, reason: &'static str) -> FieldError {
    FieldError {
        status,
        field,
        reason,
    }
}

/// A user-data header's concatenation element and its length in octets (with the UDHL).
fn parse_udh(message: &[u8]) -> Result<(Option<Concat>, usize), FieldError> {
    let udhl = usize::from(*message.first().ok_or_else(|| {
        bad(
            status::INVESMCLASS,
            "short_message",
            "UDHI set but no header",
        )
    })?);
    let header = message.get(1..=udhl).ok_or_else(|| {
        bad(
            status::INVESMCLASS,
            "short_message",
            "header longer than the message",
        )
    })?;
    let mut concat = None;
    let mut at = 0;
    while at + 2 <= header.len() {
        let (iei, len) = (header[at], usize::from(header[at + 1]));
        let data = header.get(at + 2..at + 2 + len).ok_or_else(|| {
            bad(
                status::INVESMCLASS,
                "short_message",
                "truncated header element",
            )
        })?;
        concat = match (iei, data) {
            (0x00, [reference, total, seq]) => Some(Concat {
                reference: u16::from(*reference),
                total: *total,
                seq: *seq,
            }),
            (0x08, [hi, lo, total, seq]) => Some(Concat {
                reference: u16::from_be_bytes([*hi, *lo]),
                total: *total,
                seq: *seq,
            }),
            _ => concat,
        };
        at += 2 + len;
    }
    Ok((concat, udhl + 1))
}

/// The encoding a data_coding's text is carried (and fragmented) in.
fn carried_as(coding: DataCoding, text: &str) -> Encoding {
    match coding {
        DataCoding::Gsm7 => Encoding::Gsm7,
        DataCoding::Ascii => encoding_for_text(text),
        DataCoding::Latin1 => Encoding::Latin1,
        DataCoding::Ucs2 => Encoding::Ucs2,
        DataCoding::Ksc5601 => Encoding::Ksc5601,
    }
}

/// A value that is not an SMPP time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotSmppTime;

/// An SMPP time (`YYMMDDhhmmsstnnp`): absolute with its offset from UTC in quarter hours
/// (`+`/`-`), or relative to `now` (`R`); empty is none.
pub fn smpp_time(value: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, NotSmppTime> {
    if value.is_empty() {
        return Ok(None);
    }
    let b = value.as_bytes();
    if b.len() != 16 || !b[..15].iter().all(u8::is_ascii_digit) {
        return Err(NotSmppTime);
    }
    let num = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    let (yy, mo, dd, hh, mi, ss) = (num(0), num(2), num(4), num(6), num(8), num(10));
    match b[15] {
        b'R' => {
            let days = i64::from(yy) * 365 + i64::from(mo) * 30 + i64::from(dd);
            let seconds = i64::from(hh) * 3600 + i64::from(mi) * 60 + i64::from(ss);
            Ok(Some(
                now + chrono::Duration::days(days) + chrono::Duration::seconds(seconds),
            ))
        }
        sign @ (b'+' | b'-') => {
            let local = chrono::NaiveDate::from_ymd_opt(2000 + yy as i32, mo, dd)
                .and_then(|d| d.and_hms_opt(hh, mi, ss))
                .ok_or(NotSmppTime)?;
            let offset = chrono::Duration::minutes(i64::from(num(13)) * 15);
            let utc = if sign == b'+' {
                local - offset
            } else {
                local + offset
            };
            Ok(Some(utc.and_utc()))
        }
        _ => Err(NotSmppTime),
    }
}

/// The text of a submit or deliver_sm, and its place in a long message when it is a part.
pub struct Body<'a> {
    pub octets: &'a [u8],
    pub concat: Option<Concat>,
    /// The user-data header's length, when it has one.
    pub udh_octets: Option<usize>,
    /// The part was marked by SAR TLVs.
    pub sar: bool,
}

/// Reads a submit's or deliver_sm's text octets and its part in a long message.
pub fn body_and_parts(submit: &Submit) -> Result<Body<'_>, FieldError> {
    let payload = find_tlv(&submit.tlvs, tag::MESSAGE_PAYLOAD);
    let (body, mut concat, udh_octets) = match payload {
        Some(_) if !submit.short_message.is_empty() => {
            return Err(bad(
                status::INVOPTPARAMVAL,
                "message_payload",
                "both short_message and message_payload are set",
            ))
        }
        Some(payload) => (payload, None, None),
        None if submit.esm_class & esm::UDHI != 0 => {
            let (concat, len) = parse_udh(&submit.short_message)?;
            (
                submit.short_message.get(len..).unwrap_or_default(),
                concat,
                Some(len),
            )
        }
        None => (submit.short_message.as_slice(), None, None),
    };
    let sar = (
        find_tlv(&submit.tlvs, tag::SAR_MSG_REF_NUM),
        find_tlv(&submit.tlvs, tag::SAR_TOTAL_SEGMENTS),
        find_tlv(&submit.tlvs, tag::SAR_SEGMENT_SEQNUM),
    );
    let mut sar_part = false;
    match sar {
        (Some(&[hi, lo]), Some(&[total]), Some(&[seq])) => {
            if seq == 0 || seq > total {
                return Err(bad(
                    status::INVOPTPARAMVAL,
                    "sar_segment_seqnum",
                    "outside 1..=total",
                ));
            }
            concat = Some(Concat {
                reference: u16::from_be_bytes([hi, lo]),
                total,
                seq,
            });
            sar_part = true;
        }
        (None, None, None) => {}
        _ => {
            return Err(bad(
                status::MISSINGOPTPARAM,
                "sar_msg_ref_num",
                "SAR needs sar_msg_ref_num (2 octets), sar_total_segments and sar_segment_seqnum",
            ))
        }
    }
    Ok(Body {
        octets: body,
        concat,
        udh_octets,
        sar: sar_part,
    })
}

/// Reads a submit into a submission for `customer_id`; a bad field names itself. A message
/// naming no validity period gets `default_validity`.
pub fn submission(
    customer_id: i64,
    submit: &Submit,
    now: DateTime<Utc>,
    default_validity: chrono::Duration,
) -> Result<Submission, FieldError> {
    let coding = DataCoding::from_octet(submit.data_coding)
        .map_err(|_| bad(status::INVDCS, "data_coding", "not 0, 1, 3, 8 or 14"))?;
    if submit.registered_delivery & 0x03 == 0x03 {
        return Err(bad(
            status::INVREGDLVFLG,
            "registered_delivery",
            "reserved value",
        ));
    }
    if submit.priority > 3 {
        return Err(bad(status::INVPRTFLG, "priority_flag", "not 0 to 3"));
    }
    let expires_at = smpp_time(&submit.validity_period, now)
        .map_err(|NotSmppTime| bad(status::INVEXPIRY, "validity_period", "not an SMPP time"))?
        .unwrap_or(now + default_validity);
    let Body {
        octets: body,
        concat,
        udh_octets,
        sar: sar_part,
    } = body_and_parts(submit)?;
    let text = decode(coding, body).map_err(|_| {
        bad(
            status::INVDCS,
            "short_message",
            "not valid in its data_coding",
        )
    })?;
    let encoding = carried_as(coding, &text);
    // A part is the fragment it is: count it with its own header reserved.
    let part_fragments = match (udh_octets, sar_part) {
        (Some(udh), _) => Some(fragment_count(
            &text,
            encoding,
            u8::try_from(udh).unwrap_or(u8::MAX),
        )),
        (None, true) => Some(fragment_count(&text, encoding, 6)),
        (None, false) => None,
    };
    Ok(Submission {
        customer_id,
        source: from_smpp(submit.source.ton, &submit.source.addr),
        destination: from_smpp(submit.destination.ton, &submit.destination.addr),
        kind: MessageKind::Sms,
        text,
        data_coding: coding,
        encoding,
        part_fragments,
        concat,
        receipts: match submit.registered_delivery & 0x03 {
            0 => ReceiptRequest::None,
            2 => ReceiptRequest::OnFailure,
            _ => ReceiptRequest::Always,
        },
        priority: submit.priority,
        expires_at: Some(expires_at),
        mms: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smpp::pdu::{Address, Tlv};
    use chrono::TimeZone;

    #[test]
    fn validity_periods_read_absolute_and_relative_smpp_times() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
        assert_eq!(smpp_time("", now), Ok(None));
        assert_eq!(
            smpp_time("261201120000004+", now),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 1, 11, 0, 0).unwrap())),
            "12:00 at UTC+1 (4 quarter hours) is 11:00 UTC"
        );
        assert_eq!(
            smpp_time("000001023000000R", now),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 2, 12, 30, 0).unwrap()))
        );
        assert!(smpp_time("2612011200", now).is_err());
        assert!(smpp_time("261301120000004+", now).is_err(), "month 13");
        let mut late = submit(0, 0, b"x", vec![]);
        late.validity_period = "bad".into();
        let err = submission(1, &late, now, chrono::Duration::hours(48)).unwrap_err();
        assert_eq!(
            (err.status, err.field),
            (status::INVEXPIRY, "validity_period")
        );
        let s = submission(
            1,
            &submit(0, 0, b"x", vec![]),
            now,
            chrono::Duration::hours(48),
        )
        .unwrap();
        assert_eq!(s.expires_at, Some(now + chrono::Duration::hours(48)));
    }

    fn submit(esm_class: u8, data_coding: u8, short_message: &[u8], tlvs: Vec<Tlv>) -> Submit {
        Submit {
            service_type: String::new(),
            source: Address {
                ton: 1,
                npi: 1,
                addr: "12065550100".into(),
            },
            destination: Address {
                ton: 1,
                npi: 1,
                addr: "14255550123".into(),
            },
            esm_class,
            priority: 0,
            validity_period: String::new(),
            registered_delivery: 1,
            data_coding,
            short_message: short_message.to_vec(),
            tlvs,
        }
    }

    #[test]
    fn a_udh_part_is_one_fragment_with_its_reference() {
        let mut message = vec![0x05, 0x00, 0x03, 0x2A, 0x02, 0x01];
        message.extend(std::iter::repeat_n(b'a', 153));
        let s = submission(
            1,
            &submit(esm::UDHI, 0, &message, vec![]),
            Utc::now(),
            chrono::Duration::hours(48),
        )
        .unwrap();
        assert_eq!(
            s.concat,
            Some(Concat {
                reference: 0x2A,
                total: 2,
                seq: 1
            })
        );
        assert_eq!(s.part_fragments, Some(1));
        assert_eq!(s.text.len(), 153);
        assert_eq!(s.source, "+12065550100");
    }

    #[test]
    fn sar_tlvs_and_message_payload_are_read() {
        let tlvs = vec![
            Tlv {
                tag: tag::SAR_MSG_REF_NUM,
                value: vec![0x01, 0x02],
            },
            Tlv {
                tag: tag::SAR_TOTAL_SEGMENTS,
                value: vec![3],
            },
            Tlv {
                tag: tag::SAR_SEGMENT_SEQNUM,
                value: vec![2],
            },
        ];
        let s = submission(
            1,
            &submit(0, 0, b"part two", tlvs),
            Utc::now(),
            chrono::Duration::hours(48),
        )
        .unwrap();
        assert_eq!(
            s.concat,
            Some(Concat {
                reference: 0x0102,
                total: 3,
                seq: 2
            })
        );
        assert_eq!(s.part_fragments, Some(1));
        let payload = vec![Tlv {
            tag: tag::MESSAGE_PAYLOAD,
            value: "ж"
                .repeat(100)
                .encode_utf16()
                .flat_map(u16::to_be_bytes)
                .collect(),
        }];
        let s = submission(
            1,
            &submit(0, 8, b"", payload),
            Utc::now(),
            chrono::Duration::hours(48),
        )
        .unwrap();
        assert_eq!(
            (s.encoding, s.part_fragments, s.text.chars().count()),
            (Encoding::Ucs2, None, 100)
        );
    }

    #[test]
    fn each_coding_is_decoded_and_bad_bytes_name_the_field() {
        assert_eq!(
            submission(
                1,
                &submit(0, 3, &[0x4F, 0x6C, 0xE1], vec![]),
                Utc::now(),
                chrono::Duration::hours(48)
            )
            .unwrap()
            .text,
            "Olá"
        );
        let ksc = encoding_rs::EUC_KR.encode("안녕").0.into_owned();
        assert_eq!(
            submission(
                1,
                &submit(0, 14, &ksc, vec![]),
                Utc::now(),
                chrono::Duration::hours(48)
            )
            .unwrap()
            .encoding,
            Encoding::Ksc5601
        );
        assert_eq!(
            submission(
                1,
                &submit(0, 1, b"a{b", vec![]),
                Utc::now(),
                chrono::Duration::hours(48)
            )
            .unwrap()
            .encoding,
            Encoding::Gsm7
        );
        let err = submission(
            1,
            &submit(0, 8, &[0xD8, 0x3D], vec![]),
            Utc::now(),
            chrono::Duration::hours(48),
        )
        .unwrap_err();
        assert_eq!((err.status, err.field), (status::INVDCS, "short_message"));
        let err = submission(
            1,
            &submit(0, 4, b"x", vec![]),
            Utc::now(),
            chrono::Duration::hours(48),
        )
        .unwrap_err();
        assert_eq!((err.status, err.field), (status::INVDCS, "data_coding"));
        let both = vec![Tlv {
            tag: tag::MESSAGE_PAYLOAD,
            value: b"x".to_vec(),
        }];
        let err = submission(
            1,
            &submit(0, 0, b"y", both),
            Utc::now(),
            chrono::Duration::hours(48),
        )
        .unwrap_err();
        assert_eq!(err.field, "message_payload");
        let half_sar = vec![Tlv {
            tag: tag::SAR_TOTAL_SEGMENTS,
            value: vec![2],
        }];
        assert_eq!(
            submission(
                1,
                &submit(0, 0, b"y", half_sar),
                Utc::now(),
                chrono::Duration::hours(48)
            )
            .unwrap_err()
            .status,
            status::MISSINGOPTPARAM
        );
    }
}
