import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEMO_SHADING } from "../../src/sim/demo-site.ts";
import { simSiteFromConfig } from "../../src/sim/from-config.ts";
import { loadConfig } from "../../src/site/config/index.ts";

const EXAMPLE = fileURLToPath(new URL("../../examples/site.yaml", import.meta.url));
const NOON = Date.parse("2026-06-21T13:30:00+02:00");

describe("simulated site from site.yaml", () => {
  it("simulates the example roof: same serials, the west inverter on the west face, the shaded one lower", async () => {
    const config = await loadConfig(EXAMPLE);
    const site = simSiteFromConfig(config, { seed: 1, clearSky: true, shading: DEMO_SHADING });
    expect(site.serials()).toEqual(config.inverters.map((i) => i.serial));
    const power = (serial: string) => {
      const inv = site.inverter(serial)!;
      inv.advance(NOON);
      return inv.reply(NOON)!.acPowerW;
    };
    const south = power("801000012345");
    const shaded = power("801000012346");
    const west = power("801000012348");
    expect(south).toBeGreaterThan(0);
    // At 13:30 in June the south face gets more sun than the west face, and shade costs output.
    expect(west).toBeLessThan(south);
    expect(shaded).toBeLessThan(south);
  });
});
