import { describe, expect, it } from "vitest";
import { addRandomStep, uuidV7Ids } from "./uuid-v7.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const msOf = (id: string) => Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
/** The 74 counter bits of an id as a bigint. */
const counterOf = (id: string) => {
  const hex = id.replace(/-/g, "");
  const randA = BigInt(`0x${hex.slice(13, 16)}`);
  const randB = BigInt(`0x${hex.slice(16, 32)}`) & ((1n << 62n) - 1n);
  return (randA << 62n) | randB;
};

function clockAt(times: number[]) {
  let i = 0;
  return { now: () => new Date(times[Math.min(i++, times.length - 1)]!) };
}

describe("uuidV7Ids", () => {
  it("increases strictly while the clock stands still, by steps of 1 to 2³²", () => {
    const ids = uuidV7Ids(clockAt([1_700_000_000_000]));
    const list = Array.from({ length: 20_000 }, () => ids.id());
    for (const id of list) expect(id).toMatch(UUID_V7);
    expect(list.every((id) => msOf(id) === 1_700_000_000_000)).toBe(true);
    for (let i = 1; i < list.length; i++) {
      expect(list[i]! > list[i - 1]!).toBe(true);
      const step = counterOf(list[i]!) - counterOf(list[i - 1]!);
      expect(step >= 1n && step <= 2n ** 32n).toBe(true);
    }
  });

  it("stays increasing when the clock steps back, keeping the last millisecond", () => {
    const ids = uuidV7Ids(clockAt([5_000, 5_001, 4_000, 4_500, 5_002]));
    const list = Array.from({ length: 5 }, () => ids.id());
    expect(list.map(msOf)).toEqual([5_000, 5_001, 5_001, 5_001, 5_002]);
    expect([...list].sort()).toEqual(list);
  });

  it("starts each new millisecond with fresh random bits that leave room for 2⁴¹ steps", () => {
    let t = 1_700_000_000_000;
    const ids = uuidV7Ids({ now: () => new Date(t++) });
    const list = Array.from({ length: 2_000 }, () => ids.id());
    expect(new Set(list).size).toBe(list.length);
    expect([...list].sort()).toEqual(list);
    expect(list.every((id) => counterOf(id) < 2n ** 73n)).toBe(true);
    // Fresh bits, not a counter: the low 32 bits of consecutive first ids differ.
    expect(new Set(list.map((id) => counterOf(id) & 0xffffffffn)).size).toBeGreaterThan(1_990);
  });
});

describe("addRandomStep", () => {
  const counter = (bytes: Uint8Array) =>
    (BigInt(bytes[6]! & 0x0f) << 70n) |
    (BigInt(bytes[7]!) << 62n) |
    (BigInt(bytes[8]! & 0x3f) << 56n) |
    BigInt(`0x${Buffer.from(bytes.subarray(9, 16)).toString("hex")}`);

  it("adds the pool's four bytes plus one, carrying across the variant bits of byte 8", () => {
    const bytes = new Uint8Array(16);
    bytes.set([0x01, 0x02, 0x3f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 6);
    const pool = Uint8Array.from([0, 0, 0, 0, 0x00, 0x00, 0x01, 0x00]);
    const before = counter(bytes);
    expect(addRandomStep(bytes, pool, 4)).toBe(true);
    expect(counter(bytes)).toBe(before + 0x101n);
    expect([...bytes.subarray(6, 9)]).toEqual([0x01, 0x03, 0x00]);
  });

  it("reports a counter that would overflow its 74 bits", () => {
    const bytes = new Uint8Array(16);
    bytes.set([0x0f, 0xff, 0x3f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 6);
    expect(addRandomStep(bytes, new Uint8Array(4), 0)).toBe(false);
    bytes.set([0x0f, 0xff, 0x3f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], 6);
    expect(addRandomStep(bytes, new Uint8Array(4), 0)).toBe(true);
    expect(counter(bytes)).toBe(2n ** 74n - 1n);
  });
});
