//! MO (2-way): messages from carriers to our numbers. Each is stored and rated as MO before
//! the carrier is acknowledged, then delivered to the owning customer's receiver bind (held
//! durably until one binds); parts of a long message are joined first when the customer's
//! account asks for it. Opt-out keywords update the registry, which admission enforces from
//! the next message on. MO to a 1-way number or an alphanumeric ID is refused and recorded.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::address::{from_smpp, parse_e164};
use super::admission::{Admitted, ReceiptRequest};
use super::connectors::InboundMessage;
use super::encoding::{decode, DataCoding};
use super::fragments::{encoding_for_text, is_non_gsm, Encoding};
use super::opt_out;
use super::status::MessageStatus;
use super::store::{new_message_id, Delivery, DeliveryBody, Write};
use crate::auth::RequestContext;
use crate::billing::rating::{rate, Direction, MessageFacts, MessageKind};
use crate::compliance::mms::MmsContent;
use crate::compliance::numbers::NumberKind;
use crate::db::entities::message;
use crate::smpp::gateway::Gateway;

/// What an MO message's text asks for, when it is a keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyword {
    /// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT: no more MT from this number.
    OptOut,
    /// START, UNSTOP, YES: MT may resume.
    OptIn,
    /// HELP, INFO: recorded.
    Help,
}

/// The keyword a message is, if it is one: the whole text, ignoring case, spaces and a
/// trailing full stop or exclamation mark ("stop", " Stop! ").
pub fn keyword(text: &str) -> Option<(Keyword, String)> {
    let word = text
        .trim()
        .trim_end_matches(['.', '!'])
        .trim()
        .to_uppercase();
    let kind = match word.as_str() {
        "STOP" | "STOPALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" => Keyword::OptOut,
        "START" | "UNSTOP" | "YES" => Keyword::OptIn,
        "HELP" | "INFO" => Keyword::Help,
        _ => return None,
    };
    Some((kind, word))
}

/// The user-data header of part `seq` of `total` (8-bit reference), for delivering a part
/// as it came.
fn concat_header(reference: u16, total: u8, seq: u8) -> Vec<u8> {
    vec![0x05, 0x00, 0x03, (reference & 0xFF) as u8, total, seq]
}

impl Gateway {
    /// Stores, rates and delivers one MO message; returns its message_id, or `None` when it
    /// cannot be taken (the carrier is answered with an error and may send it again).
    pub async fn receive_mo(&self, connector: &str, mo: InboundMessage) -> Option<String> {
        // One at a time: joining parts must see every earlier part exactly once.
        let _serial = self.mo_lock.lock().await;
        let Ok(coding) = DataCoding::from_octet(mo.data_coding) else {
            tracing::info!(%connector, data_coding = mo.data_coding, "MO in an unknown data_coding refused");
            return None;
        };
        let Ok(text) = decode(coding, &mo.octets) else {
            tracing::info!(%connector, "MO not valid in its data_coding refused");
            return None;
        };
        let Ok(subscriber) = parse_e164(&from_smpp(1, &mo.source)) else {
            tracing::info!(%connector, "MO from a source that is not a phone number refused");
            return None;
        };
        let snapshot = self.snapshot.get();
        let ours = [from_smpp(1, &mo.destination), mo.destination.clone()];
        let Some(number) = ours.iter().find_map(|a| snapshot.numbers.get(a)).cloned() else {
            tracing::info!(%connector, "MO to a number that is not ours refused");
            return None;
        };
        let reject_reason = if number.kind == NumberKind::Alphanumeric {
            Some("an alphanumeric sender ID receives no MO".to_string())
        } else if !number.two_way {
            Some("a 1-way number receives no MO".to_string())
        } else {
            None
        };
        let encoding = match coding {
            DataCoding::Ucs2 => Encoding::Ucs2,
            DataCoding::Latin1 => Encoding::Latin1,
            DataCoding::Ksc5601 => Encoding::Ksc5601,
            DataCoding::Gsm7 | DataCoding::Ascii => encoding_for_text(&text),
        };
        let (own_card, rack_card) = snapshot.cards(number.customer_id, mo.received_at);
        let carrier_id = snapshot.route(&subscriber.e164).carrier_id;
        let fee = carrier_id.and_then(|id| {
            snapshot.carrier_fee(id, MessageKind::Sms, Direction::Mo, mo.received_at)
        });
        let facts = MessageFacts {
            kind: MessageKind::Sms,
            direction: Direction::Mo,
            number_kind: number.kind,
            jurisdiction: subscriber.country.clone(),
            non_gsm: is_non_gsm(encoding, &text),
            fragments: 1,
        };
        let charges = match rate(&facts, own_card, rack_card, fee) {
            Ok(charges) => charges,
            // Refused MO is recorded even where no MO rate exists (an alphanumeric ID).
            Err(_) if reject_reason.is_some() => Vec::new(),
            Err(e) => {
                tracing::error!(error = %e, "MO cannot be rated; refused");
                return None;
            }
        };
        let currency = own_card
            .or(rack_card)
            .map_or_else(|| "USD".into(), |c| c.currency.clone());
        let message_id = new_message_id();
        let admitted = Admitted {
            customer_id: number.customer_id,
            number_id: number.id,
            number_kind: number.kind,
            kind: MessageKind::Sms,
            direction: Direction::Mo,
            source: subscriber.e164.clone(),
            destination: number.address.clone(),
            destination_country: subscriber.country.clone(),
            carrier_id,
            status: if reject_reason.is_some() {
                MessageStatus::Rejected
            } else {
                MessageStatus::Accepted
            },
            reject_reason: reject_reason.clone(),
            data_coding: coding,
            encoding,
            fragments: 1,
            text: text.clone(),
            concat: mo.concat,
            receipts: ReceiptRequest::None,
            charges,
            currency,
            submitted_at: mo.received_at,
            priority: 0,
            expires_at: None,
            use_case_id: None,
            mms: None,
        };
        let write = Write::Insert {
            message_id: message_id.clone(),
            admitted: Box::new(admitted),
            receipt: None,
        };
        if let Err(e) = self.writer.write(write).await {
            tracing::error!(error = %e, "MO not stored; the carrier will send it again");
            return None;
        }
        if reject_reason.is_some() {
            // Refused and recorded; the carrier is acknowledged (it has nothing to retry).
            return Some(message_id);
        }
        if number.kind == NumberKind::ShortCode {
            self.saw_code_traffic(number.id, mo.received_at);
        }
        if let Some((kind, word)) = keyword(&text) {
            self.apply_keyword(kind, &word, &number.address, &subscriber.e164)
                .await;
        }
        let delivery = match mo.concat {
            Some(concat) if self.joins_parts(number.customer_id) => {
                match self
                    .joined(
                        number.customer_id,
                        &subscriber.e164,
                        &number.address,
                        concat,
                    )
                    .await
                {
                    Some(joined) => joined,
                    None => return Some(message_id), // waiting for the other parts
                }
            }
            concat => {
                let mut octets = mo.octets.clone();
                let mut esm_class = 0;
                if let Some(c) = concat {
                    octets.splice(0..0, concat_header(c.reference, c.total, c.seq));
                    esm_class = crate::smpp::pdu::esm::UDHI;
                }
                Delivery {
                    message_id: message_id.clone(),
                    customer_id: number.customer_id,
                    source: subscriber.e164,
                    destination: number.address,
                    body: DeliveryBody::Mo {
                        esm_class,
                        data_coding: mo.data_coding,
                        octets,
                    },
                }
            }
        };
        if let Err(e) = self.writer.write(Write::Deliver(delivery.clone())).await {
            tracing::error!(error = %e, "MO delivery not stored");
            return None;
        }
        self.dispatch(delivery).await;
        Some(message_id)
    }

    /// Stores, rates and delivers one MO MMS (to the customer's VASP over MM7); returns its
    /// message_id, or `None` when it cannot be taken. MMS to a number not enabled for MMS,
    /// a 1-way number or an alphanumeric ID is recorded REJECTED.
    pub async fn receive_mo_mms(
        &self,
        subscriber: &str,
        number_address: &str,
        content: MmsContent,
        received_at: chrono::DateTime<Utc>,
    ) -> Option<String> {
        let subscriber = parse_e164(subscriber).ok()?;
        let snapshot = self.snapshot.get();
        let number = snapshot.numbers.get(number_address)?.clone();
        let reject_reason = if number.kind == NumberKind::Alphanumeric {
            Some("an alphanumeric sender ID receives no MO".to_string())
        } else if !number.two_way {
            Some("a 1-way number receives no MO".to_string())
        } else if !number.mms_enabled {
            Some("the number is not enabled for MMS".to_string())
        } else {
            None
        };
        let (own_card, rack_card) = snapshot.cards(number.customer_id, received_at);
        let carrier_id = snapshot.route(&subscriber.e164).carrier_id;
        let fee = carrier_id
            .and_then(|id| snapshot.carrier_fee(id, MessageKind::Mms, Direction::Mo, received_at));
        let facts = MessageFacts {
            kind: MessageKind::Mms,
            direction: Direction::Mo,
            number_kind: number.kind,
            jurisdiction: subscriber.country.clone(),
            non_gsm: false,
            fragments: 1,
        };
        let charges = match rate(&facts, own_card, rack_card, fee) {
            Ok(charges) => charges,
            Err(_) if reject_reason.is_some() => Vec::new(),
            Err(e) => {
                tracing::error!(error = %e, "MO MMS cannot be rated; refused");
                return None;
            }
        };
        let message_id = new_message_id();
        let admitted = Admitted {
            customer_id: number.customer_id,
            number_id: number.id,
            number_kind: number.kind,
            kind: MessageKind::Mms,
            direction: Direction::Mo,
            source: subscriber.e164.clone(),
            destination: number.address.clone(),
            destination_country: subscriber.country.clone(),
            carrier_id,
            status: if reject_reason.is_some() {
                MessageStatus::Rejected
            } else {
                MessageStatus::Accepted
            },
            reject_reason: reject_reason.clone(),
            data_coding: DataCoding::Ucs2,
            encoding: Encoding::Ucs2,
            fragments: 1,
            text: content.text(),
            concat: None,
            receipts: ReceiptRequest::None,
            charges,
            currency: own_card
                .or(rack_card)
                .map_or_else(|| "USD".into(), |c| c.currency.clone()),
            submitted_at: received_at,
            priority: 0,
            expires_at: None,
            // The number's use case: an exempt one keeps this MMS out of the AT&T ratio.
            use_case_id: snapshot
                .mms_approvals
                .get(&number.id)
                .and_then(|a| a.first())
                .map(|a| a.use_case_id),
            mms: Some(content),
        };
        let write = Write::Insert {
            message_id: message_id.clone(),
            admitted: Box::new(admitted),
            receipt: None,
        };
        if let Err(e) = self.writer.write(write).await {
            tracing::error!(error = %e, "MO MMS not stored");
            return None;
        }
        if reject_reason.is_some() {
            return Some(message_id);
        }
        if number.kind == NumberKind::ShortCode {
            self.saw_code_traffic(number.id, received_at);
        }
        let delivery = Delivery {
            message_id: message_id.clone(),
            customer_id: number.customer_id,
            source: subscriber.e164,
            destination: number.address,
            body: DeliveryBody::Mm7Deliver,
        };
        if let Err(e) = self.writer.write(Write::Deliver(delivery.clone())).await {
            tracing::error!(error = %e, "MO MMS delivery not stored");
            return None;
        }
        self.dispatch(delivery).await;
        Some(message_id)
    }

    /// True when a receiving account of the customer asks for long MO to be joined.
    fn joins_parts(&self, customer_id: i64) -> bool {
        self.snapshot
            .get()
            .accounts
            .values()
            .any(|a| a.customer_id == customer_id && a.reassemble_mo)
    }

    /// When every part of a long MO message has arrived: one delivery of the whole text.
    async fn joined(
        &self,
        customer_id: i64,
        subscriber: &str,
        number: &str,
        concat: super::admission::Concat,
    ) -> Option<Delivery> {
        let since = Utc::now() - chrono::Duration::hours(24);
        let parts = message::Entity::find()
            .filter(message::Column::CustomerId.eq(customer_id))
            .filter(message::Column::Direction.eq(Direction::Mo))
            .filter(message::Column::Source.eq(subscriber))
            .filter(message::Column::Destination.eq(number))
            .filter(message::Column::ConcatRef.eq(i32::from(concat.reference)))
            .filter(message::Column::ConcatTotal.eq(i16::from(concat.total)))
            .filter(message::Column::SubmittedAt.gte(since))
            .order_by_asc(message::Column::ConcatSeq)
            .order_by_asc(message::Column::Id)
            .all(&self.db)
            .await
            .ok()?;
        let mut text = String::new();
        let mut seen = 0u8;
        let mut ucs2 = false;
        for part in &parts {
            let seq = u8::try_from(part.concat_seq.unwrap_or(0)).unwrap_or(0);
            if seq != seen + 1 {
                continue; // a duplicate of a part already taken
            }
            seen = seq;
            text.push_str(part.body.as_deref().unwrap_or_default());
            ucs2 |= part.encoding != "gsm7";
        }
        if seen != concat.total {
            return None;
        }
        let coding = if ucs2 {
            DataCoding::Ucs2
        } else {
            DataCoding::Gsm7
        };
        let octets = super::encoding::encode(coding, &text).ok()?;
        Some(Delivery {
            message_id: parts.first()?.message_id.clone(),
            customer_id,
            source: subscriber.to_owned(),
            destination: number.to_owned(),
            body: DeliveryBody::Mo {
                esm_class: 0,
                data_coding: coding.octet(),
                octets,
            },
        })
    }

    async fn apply_keyword(&self, kind: Keyword, word: &str, number: &str, subscriber: &str) {
        let actor = RequestContext::system("mo-keyword");
        let outcome = match kind {
            Keyword::OptOut => opt_out::record_opt_out(&self.db, &actor, number, subscriber, word)
                .await
                .map(|_| ()),
            Keyword::OptIn => {
                match opt_out::record_opt_in(&self.db, &actor, number, subscriber, word).await {
                    Err(crate::error::AppError::Conflict(_)) => Ok(()), // was not opted out
                    other => other.map(|_| ()),
                }
            }
            Keyword::Help => {
                tracing::info!(keyword = word, "HELP/INFO keyword received");
                Ok(())
            }
        };
        if let Err(e) = outcome {
            tracing::error!(error = %e, "opt-out keyword not recorded");
            return;
        }
        // The next MT must already see it: reload admission's view now.
        if let Err(e) = self
            .snapshot
            .refresh(&self.db, &self.throttle, &self.compliance, &self.mms)
            .await
        {
            tracing::warn!(error = %e, "admission snapshot not refreshed after a keyword");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_the_whole_message_in_any_case() {
        assert_eq!(keyword(" stop "), Some((Keyword::OptOut, "STOP".into())));
        assert_eq!(
            keyword("Unsubscribe!"),
            Some((Keyword::OptOut, "UNSUBSCRIBE".into()))
        );
        assert_eq!(keyword("quit."), Some((Keyword::OptOut, "QUIT".into())));
        assert_eq!(keyword("START"), Some((Keyword::OptIn, "START".into())));
        assert_eq!(keyword("yes"), Some((Keyword::OptIn, "YES".into())));
        assert_eq!(keyword("info"), Some((Keyword::Help, "INFO".into())));
        assert_eq!(keyword("please stop sending"), None);
        assert_eq!(keyword("stopped"), None);
    }

    #[test]
    fn a_part_delivered_as_it_came_gets_its_concatenation_header() {
        assert_eq!(concat_header(0x1234, 3, 2), [0x05, 0x00, 0x03, 0x34, 3, 2]);
    }
}
