/** The demo's clock file: the simulated time and the roof's state a restart continues from. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLOCK_FILE, readDemoClock, saveDemoClock } from "../../src/cli/demo-data.ts";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const fresh = () => {
  dir = mkdtempSync(join(tmpdir(), "localecu-demo-clock-"));
  return dir;
};

const STATE = {
  atMs: Date.parse("2026-06-21T09:14:05Z"),
  poweredUpAtMs: Date.parse("2026-06-21T03:41:00Z"),
  energyWh: [812.5, 790.25, 640, 0],
  limitW: 100,
  on: true,
};

describe("demo clock file", () => {
  it("gives back the time and each inverter's state it saved", () => {
    const d = fresh();
    saveDemoClock(d, Date.parse("2026-06-21T09:14:07Z"), { "801000012345": STATE });
    expect(readDemoClock(d)).toEqual({
      ms: Date.parse("2026-06-21T09:14:07Z"),
      inverters: { "801000012345": STATE },
    });
    expect(JSON.parse(readFileSync(join(d, CLOCK_FILE), "utf8")).simulated_time).toBe(
      "2026-06-21T09:14:07.000Z",
    );
  });

  it("is absent on a first run", () => {
    expect(readDemoClock(fresh())).toBeUndefined();
  });

  it("reads a file saved before the inverters were kept: they warm-start", () => {
    const d = fresh();
    writeFileSync(join(d, CLOCK_FILE), '{"simulated_time":"2026-06-21T09:14:07.000Z"}\n');
    expect(readDemoClock(d)).toEqual({ ms: Date.parse("2026-06-21T09:14:07Z"), inverters: {} });
  });

  it("refuses an unreadable inverter state, naming it and the way out", () => {
    const d = fresh();
    const bad = { ...STATE, energyWh: [1, "2"] };
    writeFileSync(
      join(d, CLOCK_FILE),
      JSON.stringify({ simulated_time: "2026-06-21T09:14:07Z", inverters: { "801000012346": bad } }),
    );
    expect(() => readDemoClock(d)).toThrow(
      /demo-clock\.json: the saved state of inverter 801000012346 is not readable — delete the file .* or pass --start/,
    );
  });

  it("refuses a file without a time", () => {
    const d = fresh();
    writeFileSync(join(d, CLOCK_FILE), "{not json");
    expect(() => readDemoClock(d)).toThrow(/does not hold a simulated_time — delete it/);
  });
});
