import { type Cadenza, CadenzaError, type Mailbox } from "@cadenza/core";
import { Router } from "express";
import { inApiTerms, isRecord, mailboxFromBody, toSnake } from "../http/case-mapping.js";
import { jsonBody, param } from "../http/request-body.js";

const notFound = (id: string) => new CadenzaError("NOT_FOUND", { message: `Mailbox ${id} does not exist` });

/** The fields of a stored mailbox a client may send back. */
function editable(mailbox: Mailbox) {
  const { flaggedAt: _f, flagReason: _r, createdAt: _c, updatedAt: _u, ...fields } = mailbox;
  return fields;
}

/**
 * Sending mailboxes under `/api/mailboxes`: list, create, read, replace (PUT), change (PATCH),
 * delete, and clear a sender-side flag (`POST /:id/unflag`).
 */
export function mailboxRoutes(cadenza: Cadenza): Router {
  const router = Router();
  const get = async (id: string) => {
    const mailbox = await cadenza.mailboxes.get(id);
    if (!mailbox) throw notFound(id);
    return mailbox;
  };

  router.get("/", async (_req, res) => {
    res.json({ mailboxes: toSnake(await cadenza.mailboxes.list()) });
  });

  router.post("/", async (req, res) => {
    const body = mailboxFromBody(jsonBody(req));
    if (isRecord(body) && typeof body.id === "string" && (await cadenza.mailboxes.get(body.id))) {
      throw new CadenzaError("CONFLICT", {
        message: `Mailbox ${body.id} already exists`,
        issues: [{ path: ["id"], message: "Already exists", code: "conflict" }],
      });
    }
    const mailbox = await inApiTerms(() => cadenza.mailboxes.save(body as never));
    res.status(201).json({ mailbox: toSnake(mailbox) });
  });

  router.get("/:id", async (req, res) => {
    res.json({ mailbox: toSnake(await get(param(req, "id"))) });
  });

  router.put("/:id", async (req, res) => {
    const id = param(req, "id");
    await get(id);
    const body = mailboxFromBody(jsonBody(req));
    const mailbox = await inApiTerms(() =>
      cadenza.mailboxes.save({ ...(isRecord(body) ? body : {}), id } as never),
    );
    res.json({ mailbox: toSnake(mailbox) });
  });

  router.patch("/:id", async (req, res) => {
    const id = param(req, "id");
    const current = await get(id);
    const body = mailboxFromBody(jsonBody(req));
    const mailbox = await inApiTerms(() =>
      cadenza.mailboxes.save({ ...editable(current), ...(isRecord(body) ? body : {}), id } as never),
    );
    res.json({ mailbox: toSnake(mailbox) });
  });

  router.delete("/:id", async (req, res) => {
    const id = param(req, "id");
    await get(id);
    await cadenza.mailboxes.delete(id);
    res.status(204).end();
  });

  router.post("/:id/unflag", async (req, res) => {
    const id = param(req, "id");
    const mailbox = await cadenza.mailboxes.unflag(id);
    if (!mailbox) throw notFound(id);
    res.json({ mailbox: toSnake(mailbox) });
  });

  return router;
}
