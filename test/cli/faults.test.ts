import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { duration, faultsCommand, parseSince } from "../../src/cli/faults.ts";
import { EnergyStore } from "../../src/site/store/index.ts";
import { runCommand } from "../helpers/command.ts";
import { writeSiteFile } from "../helpers/site-file.ts";

const faults = (...args: string[]) => runCommand(faultsCommand(), args);
const HOUR = 3_600_000;
let dir: string | undefined;

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("localecu faults", () => {
  it("lists open findings and those cleared in the period, newest first, in the site's time", async () => {
    const site = writeSiteFile({ stick: "tcp://127.0.0.1:1", mqttUrl: "mqtt://127.0.0.1:1883" });
    dir = site.dir;
    const now = Date.now();
    const store = EnergyStore.open(join(site.dir, "data"), { timeZone: "Europe/Amsterdam" });
    // 2 h 15 min of silence three days ago, cleared; a ground fault open since yesterday; one long gone.
    store.faults.save({
      key: "no_data:801000012348",
      kind: "no_data",
      serial: "801000012348",
      cause: "communication",
      severity: "fault",
      title: "No data: West",
      advice: "West: no data since 10:42 while its neighbours report. Look at its LED.",
      verified: true,
      openedAtMs: now - 72 * HOUR,
      notifiedAtMs: now - 72 * HOUR,
      clearedAtMs: now - 72 * HOUR + 2.25 * HOUR,
    });
    store.faults.save({
      key: "ground_fault:801000012345",
      kind: "ground_fault",
      serial: "801000012345",
      cause: "dc",
      severity: "fault",
      title: "Ground fault: South top left",
      advice: "Have an installer find the insulation fault.",
      verified: false,
      openedAtMs: now - 24 * HOUR,
      notifiedAtMs: now - 24 * HOUR,
    });
    store.faults.save({
      key: "stick_reset:site",
      kind: "stick_reset",
      cause: "controller",
      severity: "info",
      title: "ZigBee stick restarted",
      advice: "Use a powered hub.",
      verified: true,
      openedAtMs: now - 60 * 24 * HOUR,
      notifiedAtMs: now - 60 * 24 * HOUR,
      clearedAtMs: now - 59 * 24 * HOUR,
    });
    store.close();

    const r = await faults(site.file);
    expect(r.code).toBeUndefined();
    expect(r.stderr).toBe("");
    const blocks = r.stdout.trim().split("\n\n");
    expect(blocks[0]).toMatch(/^Demo house: fault findings since \d{4}-\d\d-\d\d \d\d:\d\d: 2 \(1 open\)$/);
    expect(blocks[1]).toMatch(/^OPEN {3} {2}Ground fault: South top left\n/);
    expect(blocks[1]).toMatch(
      /→ now \(24 h\) · fault · cause: dc · status-bit meaning not confirmed on hardware/,
    );
    expect(blocks[1]).toContain("Have an installer find the insulation fault.");
    expect(blocks[2]).toMatch(/^cleared {2}No data: West\n/);
    expect(blocks[2]).toMatch(/\(2 h 15 min\) · fault · cause: communication · measured/);
    expect(r.stdout).not.toContain("ZigBee stick restarted");

    const all = await faults(site.file, "--since", "90d", "--json");
    const parsed = JSON.parse(all.stdout) as { findings: { key: string }[] };
    expect(parsed.findings.map((f) => f.key)).toEqual([
      "ground_fault:801000012345",
      "no_data:801000012348",
      "stick_reset:site",
    ]);
  });

  it("says so when the data directory has no store yet", async () => {
    const site = writeSiteFile({ stick: "tcp://127.0.0.1:1", mqttUrl: "mqtt://127.0.0.1:1883" });
    dir = site.dir;
    const r = await faults(site.file);
    expect(r.stdout).toMatch(/: none — no store with fault records in .*data yet\n$/);
  });

  it("refuses a --since it cannot read, saying what it takes, exit 2", async () => {
    const site = writeSiteFile({ stick: "tcp://127.0.0.1:1", mqttUrl: "mqtt://127.0.0.1:1883" });
    dir = site.dir;
    const r = await faults(site.file, "--since", "last month");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "localecu: --since 'last month' is neither a period (12h, 30d, 2w) nor a date (2026-11-01); write it like one of those\n",
    );
  });

  it("reads periods and dates", () => {
    const now = Date.parse("2026-12-02T12:00:00Z");
    expect(parseSince("30d", now)).toBe(Date.parse("2026-11-02T12:00:00Z"));
    expect(parseSince("12h", now)).toBe(Date.parse("2026-12-02T00:00:00Z"));
    expect(parseSince("2w", now)).toBe(Date.parse("2026-11-18T12:00:00Z"));
    expect(parseSince("2026-11-01T00:00:00Z", now)).toBe(Date.parse("2026-11-01T00:00:00Z"));
    expect(duration(48 * 60_000)).toBe("48 min");
    expect(duration(135 * 60_000)).toBe("2 h 15 min");
    expect(duration((3 * 24 + 4) * 3_600_000)).toBe("3 d 4 h");
  });
});
