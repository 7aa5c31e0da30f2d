//! Email: lettre over SMTP when `mail.smtp_url` is set, otherwise a file outbox (one `.eml`
//! per message under `mail.outbox_dir`) so a fresh machine runs without a mail server.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailSettings;

/// A file sent with a message.
#[derive(Clone, Debug)]
pub struct MailAttachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

enum Transport {
    Outbox(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// Sends mail the configured way.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail settings: {0}")]
    Settings(String),
    #[error("the message cannot be built: {0}")]
    Message(String),
    #[error("sending failed: {0}")]
    Send(String),
}

impl Mailer {
    pub fn new(settings: &MailSettings) -> Result<Self, MailError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| MailError::Settings(format!("mail.from: {e}")))?;
        let transport = match settings.smtp_url.as_deref().filter(|u| !u.is_empty()) {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::Settings(format!("mail.smtp_url: {e}")))?
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&settings.outbox_dir).map_err(|e| {
                    MailError::Settings(format!(
                        "mail.outbox_dir {}: {e}",
                        settings.outbox_dir.display()
                    ))
                })?;
                Transport::Outbox(AsyncFileTransport::new(&settings.outbox_dir))
            }
        };
        Ok(Self { transport, from })
    }

    /// Sends one message; returns where it went (the outbox file's id, or the SMTP answer).
    pub async fn send(
        &self,
        to: &str,
        subject: &str,
        text: &str,
        attachments: &[MailAttachment],
    ) -> Result<String, MailError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| MailError::Message(format!("to {to:?}: {e}")))?;
        let mut body = MultiPart::mixed().singlepart(SinglePart::plain(text.to_owned()));
        for a in attachments {
            let content_type = ContentType::parse(&a.content_type)
                .map_err(|e| MailError::Message(format!("{}: {e}", a.filename)))?;
            body = body.singlepart(
                Attachment::new(a.filename.clone()).body(a.bytes.clone(), content_type),
            );
        }
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .multipart(body)
            .map_err(|e| MailError::Message(e.to_string()))?;
        self.deliver(message).await
    }

    /// Sends one message as plain text with an HTML alternative (mail readers show the one
    /// they can).
    pub async fn send_alternative(
        &self,
        to: &str,
        subject: &str,
        text: &str,
        html: &str,
    ) -> Result<String, MailError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| MailError::Message(format!("to {to:?}: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .multipart(MultiPart::alternative_plain_html(
                text.to_owned(),
                html.to_owned(),
            ))
            .map_err(|e| MailError::Message(e.to_string()))?;
        self.deliver(message).await
    }

    async fn deliver(&self, message: Message) -> Result<String, MailError> {
        match &self.transport {
            Transport::Outbox(outbox) => outbox
                .send(message)
                .await
                .map(|id| format!("outbox:{id}"))
                .map_err(|e| MailError::Send(e.to_string())),
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|answer| format!("smtp:{}", answer.code()))
                .map_err(|e| MailError::Send(e.to_string())),
        }
    }
}
