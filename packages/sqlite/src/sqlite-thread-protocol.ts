import { CadenzaError, type ErrorCode, type FieldIssue } from "@cadenza/core";
import type { SqliteCheckpointStats } from "./sqlite-checkpointer.js";

/**
 * The messages between a host and its store thread. Arguments and answers cross by structured
 * clone, which keeps `Date`, `Map` and `Set`; the one function a store method takes (an enrollment's
 * `newId`) stays on the host, and errors cross as `WireError`s.
 */
export type ToThread =
  /** Run `method` of the thread's store with `args`; the answer carries the same `id`. */
  | { kind: "call"; id: number; method: string; args: unknown[] }
  /** The host's answer to an `ids` request of call `id`: the ids, or why its `newId` failed. */
  | { kind: "ids"; id: number; ids: string[] }
  | { kind: "ids"; id: number; error: WireError };

export type FromThread =
  | { kind: "result"; id: number; value: unknown; checkpoints: SqliteCheckpointStats }
  | { kind: "error"; id: number; error: WireError; checkpoints: SqliteCheckpointStats }
  /** Call `id` (an enrollment) needs `count` lead ids from the host's `newId`. */
  | { kind: "ids"; id: number; count: number };

/** An error as it crosses: a CadenzaError keeps its code, issues and details; the cause its text. */
export interface WireError {
  name: string;
  message: string;
  code?: ErrorCode;
  issues?: FieldIssue[];
  details?: Record<string, unknown>;
  cause?: { name: string; message: string; code?: string };
}

export function toWire(error: unknown): WireError {
  if (error instanceof CadenzaError) {
    return {
      name: error.name,
      message: error.message,
      code: error.code,
      issues: error.issues,
      details: cloneable(error.details),
      ...(error.cause === undefined ? {} : { cause: describeCause(error.cause) }),
    };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, message: e.message };
}

/** The error again, on the host: a CadenzaError with its code, issues and details, or a plain Error. */
export function fromWire(wire: WireError): Error {
  const cause = wire.cause ? Object.assign(new Error(wire.cause.message), wire.cause) : undefined;
  if (wire.code) {
    return new CadenzaError(wire.code, {
      message: wire.message,
      issues: wire.issues ?? [],
      details: wire.details ?? {},
      ...(cause ? { cause } : {}),
    });
  }
  return Object.assign(new Error(wire.message), { name: wire.name });
}

function describeCause(cause: unknown): WireError["cause"] {
  if (!(cause instanceof Error)) return { name: "Error", message: String(cause) };
  const code = (cause as { code?: unknown }).code;
  return { name: cause.name, message: cause.message, ...(typeof code === "string" ? { code } : {}) };
}

/** Details as they can cross: as they are when structured clone takes them, else through JSON. */
function cloneable(details: Record<string, unknown>): Record<string, unknown> {
  try {
    return structuredClone(details);
  } catch {
    return JSON.parse(
      JSON.stringify(details, (_key, value) => (typeof value === "bigint" ? String(value) : value)),
    );
  }
}
