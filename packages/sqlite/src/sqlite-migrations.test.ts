import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SQLITE_MIGRATIONS } from "./sqlite-migrations.js";

const inbound = (id: string, messageId: string, createdAt: string) =>
  `INSERT INTO emails (id, direction, status, message_id, subject, body, to_email, from_email, created_at)
   VALUES ('${id}', 'inbound', 'received', '${messageId}', 'Re: Hello', 'Yes', 'ana@sender.test', 'a@example.com', '${createdAt}')`;

describe("sqlite migration 0009_inbound_reports", () => {
  it("keeps the first of inbound copies stored twice, then refuses a second copy", () => {
    const db = new Database(":memory:");
    const inboundReports = SQLITE_MIGRATIONS.find((m) => m.id === 9);
    expect(inboundReports?.name).toBe("0009_inbound_reports");
    for (const m of SQLITE_MIGRATIONS.filter((m) => m.id < 9)) for (const s of m.statements) db.exec(s);
    db.exec(inbound("00000000-0000-7000-8000-000000000002", "<r1@gmail.test>", "2026-01-05T10:00:01.000Z"));
    db.exec(inbound("00000000-0000-7000-8000-000000000001", "<r1@gmail.test>", "2026-01-05T10:00:02.000Z"));
    db.exec(inbound("00000000-0000-7000-8000-000000000003", "<r2@gmail.test>", "2026-01-05T10:00:03.000Z"));
    for (const s of inboundReports!.statements) db.exec(s);
    const rows = db.prepare("SELECT id, message_id FROM emails ORDER BY id").all();
    expect(rows).toEqual([
      { id: "00000000-0000-7000-8000-000000000002", message_id: "<r1@gmail.test>" },
      { id: "00000000-0000-7000-8000-000000000003", message_id: "<r2@gmail.test>" },
    ]);
    expect(() =>
      db.exec(inbound("00000000-0000-7000-8000-000000000004", "<r2@gmail.test>", "2026-01-05T10:00:04.000Z")),
    ).toThrow(/UNIQUE/);
    db.close();
  });
});
