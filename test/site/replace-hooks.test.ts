import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeReply } from "../../src/protocol/replies.ts";
import { QS1_ENERGY_WH_PER_LSB } from "../../src/protocol/scales.ts";
import type { Telemetry } from "../../src/protocol/types.ts";
import { encodeTelemetry } from "../../src/sim/wire/telemetry.ts";
import { PairingBook } from "../../src/site/pairing.ts";
import { EnergyStore } from "../../src/site/store/index.ts";
import { runCli } from "../helpers/cli.ts";

const OLD = "801000012345";
const NEW = "801000099999";
const T0 = Date.parse("2026-06-21T08:00:00Z");

function reading(serial: string, uptimeS: number, wh: number): Telemetry {
  const ch = { voltageV: 34, currentA: 5, energyCounter: Math.round(wh / QS1_ENERGY_WH_PER_LSB) };
  const t = decodeReply(
    encodeTelemetry({
      serial,
      temperatureC: 30,
      frequencyHz: 50,
      acVoltageV: 230,
      uptimeS,
      channels: [ch, ch, ch, ch],
    }),
  );
  if (t.kind !== "telemetry") throw new Error(t.kind);
  return t;
}

describe("localecu replace, after the file is rewritten", () => {
  let dir: string;
  let config: string;
  const data = () => join(dir, "data");

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "localecu-replace-"));
    config = join(dir, "site.yaml");
    const example = readFileSync(new URL("../../examples/site.yaml", import.meta.url), "utf8");
    writeFileSync(config, example.replace(/^( {2}data_dir:).*$/m, `$1 ${data()}`));
    const store = EnergyStore.open(data(), { timeZone: "Europe/Amsterdam" });
    store.record(reading(OLD, 3600, 100), T0);
    store.record(reading(OLD, 7200, 300), T0 + 3600_000); // 300 Wh per channel since power-up
    store.close();
    PairingBook.open(data()).set({
      serial: OLD,
      shortAddress: 0x1234,
      pairedAt: "2026-06-01T00:00:00Z",
      ecuId: "D8A3011B9780",
    });
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("continues lifetime energy on the new serial and forgets the old pairing", async () => {
    const before = EnergyStore.open(data(), { timeZone: "Europe/Amsterdam" });
    const oldWh = before.lifetime(OLD)!.inverterWh;
    before.close();
    expect(oldWh).toBeCloseTo(4 * 300, 0);

    const r = await runCli(["replace", OLD, NEW, "--config", config]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${NEW} starts from ${(oldWh / 1000).toFixed(2)} kWh`);
    expect(readFileSync(config, "utf8")).toContain(NEW);

    const after = EnergyStore.open(data(), { timeZone: "Europe/Amsterdam" });
    expect(after.lifetime(NEW)!.inverterWh).toBeCloseTo(oldWh, 6);
    // The new unit's first morning adds to the carried total; nothing is counted twice.
    after.record(reading(NEW, 600, 10), T0 + 86_400_000);
    expect(after.lifetime(NEW)!.inverterWh).toBeCloseTo(oldWh + 4 * 10, 3);
    after.close();
    expect(
      PairingBook.open(data())
        .all()
        .map((p) => p.serial),
    ).not.toContain(OLD);
  });

  it("replaces a unit that never reported: no crash, the new one starts from 0 kWh", async () => {
    const r = await runCli(["replace", "801000012346", NEW, "--config", config]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`no energy was recorded for 801000012346: ${NEW} starts from 0 kWh`);
    expect(readFileSync(config, "utf8")).toContain(NEW);
  });
});
