import { generateKeyPairSync } from "node:crypto";
import { CadenzaError } from "@cadenza/core";
import { describe, expect, it } from "vitest";
import { smtpMailboxConfigSchema } from "./smtp-mailbox-config.js";
import { smtpTransport } from "./smtp-transport.js";

function validationIssues(build: () => unknown) {
  try {
    build();
  } catch (error) {
    if (error instanceof CadenzaError && error.code === "VALIDATION") {
      return error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
    }
    throw error;
  }
  throw new Error("expected a VALIDATION error");
}

const pem = generateKeyPairSync("rsa", { modulusLength: 1024 })
  .privateKey.export({ type: "pkcs8", format: "pem" })
  .toString();

describe("SMTP mailbox config", () => {
  it("applies defaults: pooled, certificate checks on, STARTTLS opportunistic, bounded timeouts", () => {
    const config = smtpMailboxConfigSchema.parse({
      fromEmail: "Ada@Acme.example",
      host: "smtp.acme.example",
    });
    expect(config).toEqual({
      fromName: "",
      fromEmail: "ada@acme.example",
      host: "smtp.acme.example",
      tls: { rejectUnauthorized: true },
      requireTLS: false,
      pool: { maxConnections: 5, maxMessages: 100 },
      timeouts: { connectionMs: 30_000, greetingMs: 30_000, socketMs: 60_000 },
    });
  });

  it("turns pooling off with false and keeps partial pool and timeout settings", () => {
    expect(
      smtpMailboxConfigSchema.parse({ fromEmail: "a@b.example", host: "h", pool: false }).pool,
    ).toBeNull();
    const config = smtpMailboxConfigSchema.parse({
      fromEmail: "a@b.example",
      url: "smtps://user:pass@smtp.b.example:465",
      pool: { maxConnections: 2 },
      timeouts: { socketMs: 5_000 },
    });
    expect(config.pool).toEqual({ maxConnections: 2, maxMessages: 100 });
    expect(config.timeouts).toEqual({ connectionMs: 30_000, greetingMs: 30_000, socketMs: 5_000 });
  });

  it("accepts a DKIM key that node:crypto can load", () => {
    const config = smtpMailboxConfigSchema.parse({
      fromEmail: "a@b.example",
      host: "h",
      dkim: { domainName: "B.example", keySelector: "s1", privateKey: pem },
    });
    expect(config.dkim).toEqual({ domainName: "b.example", keySelector: "s1", privateKey: pem });
  });

  it("needs a server: url or host", () => {
    expect(validationIssues(() => smtpTransport({ fromEmail: "a@b.example" }))).toEqual([
      { path: ["host"], message: "Give the server as `url` or as `host`" },
    ]);
  });

  it("refuses host, port or secure next to a url", () => {
    const issues = validationIssues(() =>
      smtpTransport({
        fromEmail: "a@b.example",
        url: "smtp://h.example",
        host: "h",
        port: 25,
        secure: false,
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([["host"], ["port"], ["secure"]]);
  });

  it("reports every bad field with its path", () => {
    const issues = validationIssues(() =>
      smtpTransport({
        fromEmail: "not an address",
        url: "http://smtp.example",
        port: 70_000,
        auth: { user: "", pass: "x" },
        tls: { rejectUnauthorized: "no" as unknown as boolean },
        dkim: { domainName: "acme.example", keySelector: "bad selector", privateKey: "not a key" },
        pool: { maxConnections: 0 },
        timeouts: { greetingMs: -1 },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      ["fromEmail"],
      ["url"],
      ["port"],
      ["auth", "user"],
      ["tls", "rejectUnauthorized"],
      ["dkim", "keySelector"],
      ["dkim", "privateKey"],
      ["pool", "maxConnections"],
      ["timeouts", "greetingMs"],
    ]);
    expect(issues.find((i) => i.path.join(".") === "dkim.privateKey")?.message).toBe("Not a PEM private key");
  });

  it("validates the transport options under `options`", () => {
    const issues = validationIssues(() =>
      smtpTransport(
        { fromEmail: "a@b.example", host: "h" },
        { idempotencyKeyHeader: "X Bad: Header", fromHeader: "nobody" as "message" },
      ),
    );
    expect(issues.map((i) => i.path)).toEqual([
      ["options", "idempotencyKeyHeader"],
      ["options", "fromHeader"],
    ]);
  });
});
