/**
 * End to end with the vendor ECU as the source: the example roof behind the emulated ECU on real TCP, read
 * by the real poller on its pacing, through the ECU source into the controller and a real broker. Truth
 * is the emulator's: its rounds' energy, summed from the simulated inverters' true output.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EcuEmulator } from "../../src/sim/ecu/server.ts";
import type { CapturedLog } from "../helpers/log-capture.ts";
import { waitFor } from "../helpers/wait.ts";
import { type EcuSite, startEcuSite } from "./harness.ts";

const START = Date.parse("2026-06-21T10:00:00+02:00");
const SPEED = 120; // one ECU round (300 s) every 2.5 real seconds
const NAMES = ["South top left", "South top right", "South bottom left", "West"]; // examples/site.yaml
const WEST = "801000012348";

describe("controller reading the emulated vendor ECU over TCP", () => {
  let run: EcuSite;
  let ecu: EcuEmulator;
  /** Every JSON state, and for the site's the emulator's energy count when it arrived (same ECU round). */
  const states: { topic: string; s: Record<string, unknown>; truthWh: number }[] = [];
  let log: CapturedLog;
  const logged = (text: string) => log.text().includes(text);
  const last = (topic: string) => states.findLast((m) => m.topic === topic)?.s;

  beforeAll(async () => {
    run = await startEcuSite({ prefix: "ecu-e2e", start: START, speed: SPEED });
    ({ ecu, log } = run);
    run.client.on("message", (topic, payload) => {
      try {
        const s = JSON.parse(payload.toString()) as Record<string, unknown>;
        states.push({ topic, s, truthWh: ecu.core.truth().lifetimeWh });
      } catch {
        // not JSON
      }
    });
    await run.client.subscribeAsync("localecu/#");
  }, 60_000);

  afterAll(async () => {
    await run?.stop();
  });

  it("every inverter produces; the site's energy follows the ECU's own energy count within 2 %", async () => {
    for (const name of NAMES) {
      await waitFor(`${name} producing`, () => last(`localecu/${name}`)?.status === "producing");
    }
    const sites = () => states.filter((m) => m.topic === "localecu/site" && Number(m.s.energy) > 0);
    await waitFor("eight ECU rounds of the site's energy", () => sites().length >= 9, 60_000);
    const [a, b] = [sites()[0]!, sites().at(-1)!];
    const ours = (Number(b.s.energy) - Number(a.s.energy)) * 1000;
    const truth = b.truthWh - a.truthWh;
    expect(truth).toBeGreaterThan(1000); // 4 QS1 in June sun over more than 40 min: well over 1 kWh
    // Trapezoids between rounds against the inverters' true energy: within 2 %.
    expect(Math.abs(ours - truth) / truth).toBeLessThan(0.02);
  }, 90_000);

  it("an answer cut short, an unknown record type and an ECU that hangs: it keeps going, energy never decreases", async () => {
    const siteEnergies = () =>
      states.filter((m) => m.topic === "localecu/site").map((m) => Number(m.s.energy));
    ecu.controls.cutNext(1);
    ecu.controls.unknownType(WEST);
    await waitFor("the unknown record reported", () => logged("ECU answer read in part"));
    ecu.controls.unknownType(WEST, undefined);
    ecu.controls.resetCounters();
    ecu.controls.lifetimeZero(2);
    // A hung ECU: the poller backs off, says it is not answering; power-cycled, it is read again.
    ecu.controls.hang(24 * 3600);
    await waitFor("the ECU reported as not answering", () => logged("the ECU is not answering"), 90_000);
    expect(logged("power-cycle the ECU")).toBe(true);
    ecu.controls.powerCycle();
    const before = siteEnergies().length;
    await waitFor("readings again after the hang", () => siteEnergies().length > before + 2, 60_000);
    const all = siteEnergies();
    for (let i = 1; i < all.length; i++) expect(all[i]!).toBeGreaterThanOrEqual(all[i - 1]!);
    for (const name of NAMES) expect(last(`localecu/${name}`)?.status).toBe("producing");
  }, 200_000);
});
