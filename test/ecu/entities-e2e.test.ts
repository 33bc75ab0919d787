/**
 * What Home Assistant is given for an ECU site, end to end: the example roof behind an emulated ECU on
 * real TCP (port 8899) and, on the models that have them, real HTTP command pages; the real probe and
 * poller, the controller and a real broker. The device discovery must hold no entity the ECU can never
 * fill or act on, still pass HA's schema, and the inverter's Status sensor must say which values this
 * source does not provide. Truth: what port 8899 carries per record (per-input power, AC voltage,
 * frequency, temperature: ecu-lan-protocol.md §2.5) and which ECU models serve pages (§1, §3).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { EcuPagesMode } from "../../src/sim/ecu/pages.ts";
import { checkDeviceDiscovery, checkUniqueIds } from "../helpers/ha-discovery-schema.ts";
import { hassFromMqtt } from "../helpers/ha-mqtt-hass.ts";
import type { Message } from "../helpers/process.ts";
import { waitFor } from "../helpers/wait.ts";
import { startEcuSite } from "./harness.ts";

const START = Date.parse("2026-06-21T12:00:00+02:00");
const WEST = "801000012348"; // examples/site.yaml: "West", a QS1 (four inputs)

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** The example site, read through an emulated ECU; every message seen on the broker, in order. */
async function ecuSite(ecuId: string, pages: EcuPagesMode | undefined) {
  const { client, stop } = await startEcuSite({
    prefix: "ecu-entities",
    start: START,
    ecuId,
    pages,
    probe: { timeoutMs: 2000 },
  });
  cleanup.push(stop);
  const seen: Message[] = [];
  client.on("message", (topic, payload, packet) =>
    seen.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  await client.subscribeAsync(["localecu/#", "homeassistant/#"]);
  const discovery = (id: string) => seen.findLast((m) => m.topic === `homeassistant/device/${id}/config`);
  return { seen, discovery };
}

/** A QS1's entities that port 8899 fills, whatever the ECU (examples/site.yaml has no faults module here). */
const READ_FROM_ECU = [
  "power",
  "energy",
  "energy_today",
  "ac_voltage",
  "ac_frequency",
  "temperature",
  "status",
  "linkquality", // the ECU's signal level (0030)
  "last_seen",
  ...[1, 2, 3, 4].flatMap((n) => [`dc_power_ch${n}`, `energy_ch${n}`, `energy_today_ch${n}`]),
];
/** Never on an ECU: no DC voltage/current per input, no status bits, no protection pages, no poll. */
const NEVER = [
  "dc_voltage",
  "dc_current",
  "fault_ground",
  "fault_grid_voltage",
  "fault_grid_frequency",
  "fault_over_temperature",
  "fault_dc",
  "grid_profile",
  "read_grid_profile",
  "poll",
];

describe("Home Assistant entities of an ECU site", () => {
  it.each([
    {
      what: "an ECU-R (no web UI)",
      ecuId: "216000000001",
      pages: undefined,
      controls: [] as string[],
      why: "max_power: the ECU's page was not found at start: the ECU-R has no web UI (ecu-lan-protocol.md §1): not asked",
    },
    {
      what: "an ECU-R-Pro whose firmware removed the pages",
      ecuId: "216200000001",
      pages: "removed" as const,
      controls: [] as string[],
      why: "state: the ECU's page was not found at start: page gone (HTTP 404 Page Not Found): this firmware removed the web pages (ecu-lan-protocol.md §3.1)",
    },
    {
      what: "an ECU-R-Pro serving its pages",
      ecuId: "216200000001",
      pages: "served" as const,
      controls: ["max_power", "state"],
      why: undefined,
    },
  ])(
    "$what: only entities the ECU fills, controls only where its pages were found, the gaps said on Status",
    async ({ ecuId, pages, controls, why }) => {
      const { seen, discovery } = await ecuSite(ecuId, pages);
      const west = await waitFor("West's discovery", () => discovery(`localecu_${WEST}`));
      const config = JSON.parse(west.payload) as { cmps: Record<string, Record<string, unknown>> };
      const missingControls = ["max_power", "state"].filter((k) => !controls.includes(k));
      const entities = Object.entries(config.cmps).filter(([, c]) => Object.keys(c).length > 1);
      expect(entities.map(([k]) => k).sort()).toEqual([...READ_FROM_ECU, ...controls].sort());
      // The rest is HA's removal stub (the platform alone): an entity left from a stick, or from a firmware
      // that still had the pages, is removed instead of reading unknown forever.
      const stubs = Object.entries(config.cmps).filter(([, c]) => Object.keys(c).length === 1);
      const perInput = (k: string) => [1, 2, 3, 4].map((n) => `${k}_ch${n}`);
      expect(stubs.map(([k]) => k).sort()).toEqual(
        [...NEVER.flatMap((k) => (k.startsWith("dc_") ? perInput(k) : [k])), ...missingControls].sort(),
      );

      // Every discovery payload (bridge, four inverters, and the site once read) still passes HA's schema.
      await waitFor("the site's discovery", () => seen.find((m) => m.topic.includes("/localecu_site_")));
      const last = new Map(
        seen.filter((m) => m.topic.startsWith("homeassistant/device/")).map((m) => [m.topic, m]),
      );
      const all = [...last.values()];
      expect(all).toHaveLength(6);
      for (const m of all) expect(checkDeviceDiscovery(m.topic, m.payload)).toEqual([]);
      expect(checkUniqueIds(all.map((m) => ({ topic: m.topic, text: m.payload })))).toEqual([]);

      // What HA shows: the Status sensor's attributes list what the ECU does not provide, and why.
      await waitFor("West's controls topic", () => seen.find((m) => m.topic === "localecu/West/controls"));
      const status = hassFromMqtt(seen).states["sensor.west_status"]!;
      expect(status.attributes.source).toBe("ecu");
      expect(status.attributes.not_provided_by_source).toEqual([...NEVER, ...missingControls]);
      const lines = status.attributes.why_not_provided as string[];
      expect(lines).toContain(
        "dc_voltage: the ECU's real-time records carry each input's power, not its DC voltage",
      );
      expect(lines).toContain(
        "poll: the ECU reads its inverters itself, about every 300 s: there is no reading on demand",
      );
      if (why) expect(lines).toContain(why);
      expect(lines).toHaveLength(5 + missingControls.length);
    },
    60_000,
  );

  it("controls through the ECU's pages are unverified, with its delay, whatever the model's own claim", async () => {
    const { seen, discovery } = await ecuSite("216200000001", "served");
    await waitFor("West's discovery", () => discovery(`localecu_${WEST}`));
    await waitFor("West's controls topic", () => seen.find((m) => m.topic === "localecu/West/controls"));
    const hass = hassFromMqtt(seen);
    // Max power is confirmed on air for the QS1 over a stick; through the ECU's page nothing is.
    for (const id of ["number.west_max_power", "switch.west_state"]) {
      const attrs = hass.states[id]!.attributes;
      expect(attrs.control_status).toBe("unverified");
      expect(attrs.note).toBe(
        "unverified: sent through the vendor ECU's web page, and no page reads the result back; the ECU applies it at its next round (about 5 minutes)",
      );
      expect(String(attrs.evidence)).toContain("ECU-R-Pro, firmware ECU_R_PRO_2.1.29D");
    }
    // The readings arrive as with any source: per-input power from the ECU's per-channel fields.
    const state = await waitFor("West producing", () => {
      const s = hassFromMqtt(seen).states["sensor.west_dc_power_ch1"];
      return s && s.state !== "unknown" ? s : undefined;
    });
    expect(Number(state.state)).toBeGreaterThan(0);
  }, 60_000);
});
