// An independent SMPP client for the browser tests (the npm package `smpp`, not the service's
// own codec): binds to the service's SMPP listener, submits messages, answers the delivery
// receipts it is sent and hands them to whoever waits for them.

import smpp from 'smpp';

/**
 * Binds as a transceiver; rejects with the command_status name when the bind is refused.
 * `serve --demo` prints its `listening` line before admission's snapshot (refreshed every
 * `smpp.cache_refresh_ms`) holds the demo account, so an unknown system_id is retried for a
 * few seconds before it counts.
 */
export async function bindTransceiver({ host, port, systemId, password, retryForMs = 5_000 }) {
  const until = Date.now() + retryForMs;
  for (;;) {
    try {
      return await bindOnce({ host, port, systemId, password });
    } catch (e) {
      if (e.status !== smpp.errors.ESME_RINVSYSID || Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function bindOnce({ host, port, systemId, password }) {
  const session = smpp.connect({ host, port });
  const receipts = new Map();
  const waiting = new Map();
  session.on('deliver_sm', (pdu) => {
    session.send(pdu.response());
    const text = Buffer.isBuffer(pdu.short_message) ? pdu.short_message.toString('latin1') : pdu.short_message?.message ?? '';
    const id = pdu.receipted_message_id ?? /id:(\S+)/.exec(text)?.[1];
    if (!id) return;
    receipts.set(id, text);
    waiting.get(id)?.(text);
  });
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => {
    session.send(pdu.response());
    session.close();
  });
  await new Promise((ok, fail) => {
    session.once('error', fail);
    session.bind_transceiver({ system_id: systemId, password }, (pdu) => {
      session.off('error', fail);
      if (pdu.command_status === 0) return ok();
      session.destroy();
      fail(Object.assign(new Error(`bind_transceiver refused: ${statusName(pdu.command_status)}`), { status: pdu.command_status }));
    });
  });

  return {
    /** Sends a submit_sm; resolves with the message_id of its submit_sm_resp. */
    submit(params) {
      return new Promise((ok, fail) => {
        const sent = session.submit_sm(params, (pdu) => {
          if (pdu.command_status === 0) ok(pdu.message_id);
          else fail(new Error(`submit_sm refused: ${statusName(pdu.command_status)}`));
        });
        if (!sent) fail(new Error('the SMPP connection is closed'));
      });
    },
    /** The text of the delivery receipt of `messageId`, once it arrives. */
    receipt(messageId, timeoutMs = 15_000) {
      if (receipts.has(messageId)) return Promise.resolve(receipts.get(messageId));
      return new Promise((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`no receipt for ${messageId} in ${timeoutMs} ms`)), timeoutMs);
        waiting.set(messageId, (text) => {
          clearTimeout(timer);
          ok(text);
        });
      });
    },
    /** Unbinds and closes the connection. */
    async close() {
      if (!session.socket.writable) return;
      await new Promise((ok) => {
        const timer = setTimeout(() => {
          session.destroy();
          ok();
        }, 5_000);
        session.unbind(() => {
          clearTimeout(timer);
          session.close(ok);
        });
      });
    },
  };
}

function statusName(status) {
  const name = Object.keys(smpp.errors).find((k) => smpp.errors[k] === status);
  return name ? `${name} (${status})` : String(status);
}
