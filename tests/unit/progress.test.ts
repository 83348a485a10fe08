import { describe, expect, it } from "vitest";
import { clock, progressLine } from "../../server/progress.js";

describe("the CLI progress bar", () => {
  it("shows the share, the rate since the start and the time left at that rate", () => {
    // 50 MB of 200 MB in 10 s: 5 MB/s, 150 MB to go → 30 s.
    const line = progressLine("reading", 50e6, 200e6, 10, true);
    expect(line).toContain(" 25% 50.0 MB/200.0 MB · 5.0 MB/s · ETA 0:30");
    expect(line).toContain(`[${"#".repeat(8)}${".".repeat(22)}]`);
    // Rows: 1,000 of 4,000 in 2 s → 500/s, 6 s left.
    expect(progressLine("walk_edges", 1000, 4000, 2, false)).toMatch(/ 25% 1,000\/4,000 · 500\/s · ETA 0:06$/);
    // Done: the time it took instead of an ETA.
    expect(progressLine("walk_edges", 4000, 4000, 125, false)).toMatch(/100% 4,000\/4,000 · 32\/s · in 2:05$/);
  });

  it("writes hours when a step runs that long", () => {
    expect(clock(3 * 3600 + 7 * 60 + 5)).toBe("3:07:05");
    expect(clock(59.6)).toBe("1:00");
  });
});
