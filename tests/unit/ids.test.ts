import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeCrockford, incremented, newTimeOrderedId, timeOrderedIdLowerBound } from "@/lib/ids";

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

afterEach(() => vi.restoreAllMocks());

describe("time-ordered ids", () => {
  it("encode time as the ULID specification does", () => {
    // The specification's example: 1469918176385 ms is "01ARYZ6S41".
    expect(encodeCrockford(1_469_918_176_385, 10)).toBe("01ARYZ6S41");
    expect(encodeCrockford(0, 10)).toBe("0000000000");
    expect(encodeCrockford(2 ** 48 - 1, 10)).toBe("7ZZZZZZZZZ");
    expect(encodeCrockford(2 ** 40 - 1, 8)).toBe("ZZZZZZZZ");
  });

  it("are 26 Crockford characters, unique, and sort in the order they were made, many in one millisecond", () => {
    vi.spyOn(Date, "now").mockReturnValue(1_767_225_600_000);
    const ids = Array.from({ length: 10_000 }, () => newTimeOrderedId());
    for (const id of ids) expect(id).toMatch(ULID);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // All of that millisecond: between its lower bound and the next one's.
    expect(ids[0]! >= timeOrderedIdLowerBound(new Date(1_767_225_600_000))).toBe(true);
    expect(ids.at(-1)! < timeOrderedIdLowerBound(new Date(1_767_225_600_001))).toBe(true);
  });

  it("keep sorting in creation order when the clock steps back", () => {
    const now = vi.spyOn(Date, "now").mockReturnValue(1_767_225_700_000);
    const first = newTimeOrderedId();
    now.mockReturnValue(1_767_225_699_000);
    const second = newTimeOrderedId();
    expect(second > first).toBe(true);
    expect(second.slice(0, 10)).toBe(first.slice(0, 10));
  });

  it("carry the random part's low half into its high half, and report the largest value's end", () => {
    expect(incremented({ high: 7, low: 41 })).toEqual({ high: 7, low: 42 });
    expect(incremented({ high: 7, low: 2 ** 40 - 1 })).toEqual({ high: 8, low: 0 });
    expect(incremented({ high: 2 ** 40 - 1, low: 2 ** 40 - 1 })).toBeNull();
    const before = encodeCrockford(7, 8) + encodeCrockford(2 ** 40 - 1, 8);
    const after = encodeCrockford(8, 8) + encodeCrockford(0, 8);
    expect(after > before).toBe(true);
  });
});
