import { type Cadenza, CadenzaError, type EmailRecord, parseInput } from "@cadenza/core";
import type { FakeClock } from "@cadenza/core/testing";
import { Router } from "express";
import { z } from "zod";
import { jsonBody } from "../http/request-body.js";
import { parseIsoDuration } from "./iso-duration.js";

/** Most a single call may move the clock: enough for any campaign, small enough to catch a typo. */
const MAX_ADVANCE_MS = 400 * 24 * 3_600_000;

const clockMoveSchema = z.union([
  z.object({ advance: z.string().min(1) }).strict(),
  z.object({ set: z.iso.datetime({ offset: true }) }).strict(),
]);

function sentEmail(email: EmailRecord) {
  return {
    id: email.id,
    campaign_id: email.campaignId,
    lead_id: email.leadId,
    step_number: email.stepNumber,
    variant: email.variant,
    to: email.toEmail,
    subject: email.subject,
    message_id: email.messageId,
  };
}

/**
 * Simulated time, mounted only when the host runs on `CADENZA_FAKE_CLOCK`: read and move the clock
 * (`{ "advance": "PT6H" }` or `{ "set": "2026-01-12T09:00:00Z" }`; only forward), and run one dispatch
 * pass now, answering what it sent.
 */
export function devRoutes(cadenza: Cadenza, clock: FakeClock): Router {
  const router = Router();

  router.get("/clock", (_req, res) => {
    res.json({ now: clock.now().toISOString() });
  });

  router.post("/clock", (req, res) => {
    const move = parseInput(clockMoveSchema, jsonBody(req));
    const before = clock.now();
    if ("advance" in move) {
      const ms = parseIsoDuration(move.advance, ["advance"]);
      if (ms > MAX_ADVANCE_MS) {
        throw new CadenzaError("VALIDATION", {
          issues: [{ path: ["advance"], message: "At most 400 days per call", code: "too_big" }],
        });
      }
      clock.advance(ms);
    } else {
      const to = new Date(move.set);
      if (to.getTime() < before.getTime()) {
        throw new CadenzaError("VALIDATION", {
          issues: [
            {
              path: ["set"],
              message: `The clock only moves forward; it is ${before.toISOString()}`,
              code: "too_small",
            },
          ],
        });
      }
      clock.set(to);
    }
    res.json({ previous: before.toISOString(), now: clock.now().toISOString() });
  });

  router.post("/dispatch", async (_req, res) => {
    const report = await cadenza.dispatch.tick();
    const emails = await Promise.all(report.sentEmailIds.map((id) => cadenza.store.getEmail(id)));
    res.json({
      now: clock.now().toISOString(),
      claimed: report.claimed,
      sent: report.sent,
      bounced: report.bounced,
      retried: report.retried,
      unknown: report.unknown,
      released: report.released,
      more: report.more,
      emails: emails.filter((e): e is EmailRecord => e !== null).map(sentEmail),
    });
  });

  return router;
}
