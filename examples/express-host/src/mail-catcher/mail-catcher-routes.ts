import { Router } from "express";
import type { CaughtMessage, MailCatcher } from "./mail-catcher.js";
import {
  MAIL_PAGE_CSP,
  renderMessage,
  renderMessageList,
  renderMissingMessage,
} from "./mail-catcher-pages.js";

function toJson(message: CaughtMessage) {
  return {
    id: message.id,
    received_at: message.receivedAt.toISOString(),
    envelope: message.envelope,
    message_id: message.messageId,
    in_reply_to: message.inReplyTo,
    from: message.from,
    to: message.to,
    subject: message.subject,
    headers: message.headers,
    text: message.text,
    html: message.html,
  };
}

/**
 * The catcher's pages under `/dev/mail` (a list and one page per message) and the same as JSON under
 * `/dev/mail/messages` (`?to=` narrows to one recipient), for scripts that follow links in mail.
 */
export function mailCatcherRoutes(catcher: MailCatcher): Router {
  const router = Router();
  router.get("/dev/mail/messages", (req, res) => {
    const to = typeof req.query.to === "string" ? req.query.to.toLowerCase() : null;
    const messages = catcher
      .list()
      .filter((m) => to === null || m.envelope.to.some((address) => address.toLowerCase() === to));
    res.json({ messages: messages.map(toJson) });
  });
  router.get("/dev/mail/messages/:id", (req, res) => {
    const message = catcher.get(req.params.id);
    if (!message) {
      res.status(404).json({ error: { code: "NOT_FOUND", message: "No such message", issues: [] } });
      return;
    }
    res.json({ message: toJson(message) });
  });
  router.get("/dev/mail", (_req, res) => {
    res.set("Content-Security-Policy", MAIL_PAGE_CSP).type("html").send(renderMessageList(catcher.list()));
  });
  router.get("/dev/mail/:id", (req, res) => {
    const message = catcher.get(req.params.id);
    res.set("Content-Security-Policy", MAIL_PAGE_CSP).type("html");
    if (!message) res.status(404).send(renderMissingMessage(req.params.id));
    else res.send(renderMessage(message));
  });
  return router;
}
