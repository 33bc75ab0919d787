/**
 * The ECU's command pages (ecu-lan-protocol.md §3) over real HTTP against the emulated ECU: an ECU-R-Pro
 * that serves them, one whose firmware removed them (404), an ECU-R 2160 with no web server, and a
 * firmware that answers with an HTML page; then the start-up probe. Simulated time is a manual clock:
 * the ECU's rounds move only when the test moves it. The demo site: four QS1 near Amsterdam, 21 June 2024
 * around noon (UTC+2), every panel well above 100 W.
 */
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { probeEcuAtStart, probeEcuControl } from "../../src/ecu/control-probe.ts";
import { EcuHttpControl } from "../../src/ecu/http-control.ts";
import { ManualClock } from "../../src/sim/clock.ts";
import { createDemoSite, DEMO_SERIALS } from "../../src/sim/demo-site.ts";
import type { EcuPagesMode } from "../../src/sim/ecu/pages.ts";
import { type EcuEmulator, startEcuEmulator } from "../../src/sim/ecu/server.ts";

const ROUND_MS = 300_000;
const open: EcuEmulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function ecu(ecuId: string, pages: EcuPagesMode = "served") {
  // 10:00:00Z; the emulator's rounds fall at 37 s past each 5-minute mark: the next one is 10:00:37Z.
  const clock = new ManualClock(Date.parse("2024-06-21T10:00:00Z"));
  const e = await startEcuEmulator({
    site: createDemoSite({ clearSky: true }),
    now: () => clock.now(),
    ecuId,
    port: 0,
    hang: null,
    http: { port: 0, pages },
  });
  open.push(e);
  return {
    clock,
    e,
    http: e.http && new EcuHttpControl({ host: e.host, port: e.http.port }, { timeoutMs: 5000 }),
  };
}

/** A port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const powers = (e: EcuEmulator, uid: string) =>
  e.core.truth().inverters.find((i) => i.uid === uid)!.channelPowersW!;

describe("the command pages of an ECU-R-Pro that serves them", () => {
  it("max power: accepted with the ECU's message, passed on at its next round, read from the round after", async () => {
    const { clock, e, http } = await ecu("216200000001");
    const uid = DEMO_SERIALS[0];
    for (const w of powers(e, uid)) expect(w).toBeGreaterThan(150);
    expect(await http!.setMaxPower(uid, 100, [20, 500])).toEqual({
      kind: "answer",
      value: 0,
      message: "See the results 5 minutes later !",
    });
    const sent = e.http!.requests.at(-1)!;
    expect(sent.path).toBe("/index.php/configuration/set_maxpower");
    expect([sent.form.get("id"), sent.form.get("maxpower"), sent.xhr]).toEqual([uid, "100", true]);
    // The round at 10:00:37Z reads the inverters, then sends the command: its data is from before.
    clock.advance(ROUND_MS);
    for (const w of powers(e, uid)) expect(w).toBeGreaterThan(150);
    expect(e.core.delivered.map((d) => [d.uid, d.roundMs])).toEqual([
      [uid, Date.parse("2024-06-21T10:00:37Z")],
    ]);
    // The round at 10:05:37Z shows the cap: 100 W per input (at most 1 W over, the wire's rounding).
    clock.advance(ROUND_MS);
    for (const w of powers(e, uid)) expect(w).toBeLessThanOrEqual(101);
    // The other inverters were not touched.
    for (const w of powers(e, DEMO_SERIALS[1])) expect(w).toBeGreaterThan(150);
  });

  it("on/off: ids[] is the UID and a flag digit, 2 = off; two rounds later it gives nothing", async () => {
    const { clock, e, http } = await ecu("215000000001");
    const uid = DEMO_SERIALS[2];
    expect(await http!.setSwitchState(uid, false)).toMatchObject({ kind: "answer", value: 0 });
    expect(e.http!.requests.at(-1)!.form.getAll("ids[]")).toEqual([`${uid}2`]);
    clock.advance(2 * ROUND_MS);
    for (const w of powers(e, uid)) expect(w).toBeLessThan(1);
    await http!.setSwitchState(uid, true);
    expect(e.http!.requests.at(-1)!.form.getAll("ids[]")).toEqual([`${uid}1`]);
    clock.advance(2 * ROUND_MS);
    for (const w of powers(e, uid)) expect(w).toBeGreaterThan(150);
  });

  it("what the ECU declines comes back as its value and message; what it cannot take never leaves", async () => {
    const { http } = await ecu("216200000001");
    expect(await http!.setMaxPower("801999999999", 100, [20, 500])).toEqual({
      kind: "answer",
      value: 2,
      message: "Saving failed !",
    });
    await expect(http!.setMaxPower(DEMO_SERIALS[0], 600, [20, 500])).rejects.toThrow(
      "the ECU's max-power page takes whole watts per input from 20 to 500, got 600: send a value in that range",
    );
    await expect(http!.setMaxPower(DEMO_SERIALS[0], 99.5, [20, 500])).rejects.toThrow("whole watts");
    await expect(http!.setSwitchState("80100001234", true)).rejects.toThrow(
      "an inverter UID is the 12 digits on its label, got '80100001234'",
    );
  });
});

describe("where the pages are not", () => {
  it("a firmware that removed them: 404 Page Not Found, nothing queued", async () => {
    const { clock, e, http } = await ecu("216200000001", "removed");
    expect(await http!.setMaxPower(DEMO_SERIALS[0], 100, [20, 500])).toEqual({
      kind: "gone",
      status: 404,
      detail: "HTTP 404 Page Not Found",
    });
    clock.advance(2 * ROUND_MS);
    expect(e.core.delivered).toEqual([]);
  });

  it("an ECU-R 2160 has no web server: the emulator starts none and a client is refused", async () => {
    const { e } = await ecu("216000000001");
    expect(e.http).toBeUndefined();
    const port = await closedPort();
    const r = await new EcuHttpControl({ host: "127.0.0.1", port }).setSwitchState(DEMO_SERIALS[0], false);
    expect(r).toEqual({
      kind: "refused",
      detail: `connection refused at http://127.0.0.1:${port}/index.php/configuration/set_switch_state`,
    });
  });

  it("a page that answers HTML instead of its JSON is a bad answer, quoted", async () => {
    const { http } = await ecu("215000000001", "html");
    const r = await http!.setSwitchState(DEMO_SERIALS[0], false);
    expect(r.kind).toBe("bad-answer");
    expect(r.kind === "bad-answer" && r.detail).toMatch(/^not the page's JSON answer: "<!DOCTYPE html>/);
  });
});

describe("the start-up probe", () => {
  it("an ECU-R-Pro serving the pages: both available, unverified, firmware from 0001, nothing written", async () => {
    const { clock, e, http } = await ecu("216200000001");
    const p = await probeEcuAtStart({
      ecu: { host: e.host, port: e.port },
      http: http!,
      now: () => clock.now(),
    });
    expect(p).toMatchObject({
      ecuId: "216200000001",
      ecuModel: "ECU-R-Pro",
      firmware: "ECU_R_PRO_2.1.29D",
      onOff: { available: true, status: "unverified" },
      maxPower: { available: true, status: "unverified" },
      maxPowerRangeW: [20, 500],
      zeroExport: { available: false },
    });
    expect(p.onOff.finding).toBe(
      'the page answers (answered value 1 "Please select at least one inverter !")',
    );
    expect(p.summary).toContain("about 5 minutes");
    // Each page once, with an empty form: no inverter named, nothing for the ECU to store.
    expect(e.http!.requests.map((r) => [r.path, r.form.toString()])).toEqual([
      ["/index.php/configuration/set_switch_state", ""],
      ["/index.php/configuration/set_maxpower", ""],
    ]);
    clock.advance(2 * ROUND_MS);
    expect(e.core.delivered).toEqual([]);
  });

  it("a firmware that removed them: not available, the 404 and the firmware in the report", async () => {
    const { clock, e, http } = await ecu("216200000001", "removed");
    const p = await probeEcuAtStart({
      ecu: { host: e.host, port: e.port },
      http: http!,
      now: () => clock.now(),
    });
    expect(p.firmware).toBe("ECU_R_PRO_2.1.29A");
    expect(p.onOff).toEqual({
      page: "configuration/set_switch_state",
      available: false,
      status: "unverified",
      finding:
        "page gone (HTTP 404 Page Not Found): this firmware removed the web pages (ecu-lan-protocol.md §3.1)",
    });
    expect(p.maxPower.available).toBe(false);
    expect(p.summary).toContain("ECU-R-Pro, firmware ECU_R_PRO_2.1.29A");
    expect(p.summary).not.toContain("5 minutes");
  });

  it("an ECU-R 2160: not asked at all, no web UI on that model", async () => {
    const { clock, e } = await ecu("216000000001");
    const port = await closedPort();
    const http = new EcuHttpControl({ host: "127.0.0.1", port });
    const p = await probeEcuAtStart({ ecu: { host: e.host, port: e.port }, http, now: () => clock.now() });
    expect(p).toMatchObject({ ecuModel: "ECU-R", firmware: "ECU_R_1.3.19B" });
    expect(p.onOff.finding).toBe("the ECU-R has no web UI (ecu-lan-protocol.md §1): not asked");
    expect(p.maxPower.available).toBe(false);
  });

  it("an ECU whose model is not known and nothing listening: refused, said so", async () => {
    const port = await closedPort();
    const http = new EcuHttpControl({ host: "127.0.0.1", port });
    const p = await probeEcuControl({ http, ecuModel: "unknown", at: 0 });
    expect(p.onOff.available).toBe(false);
    expect(p.onOff.finding).toBe(
      `connection refused at http://127.0.0.1:${port}/index.php/configuration/set_switch_state: no web server there (no web UI, or the firmware turned it off)`,
    );
    expect(p.summary).toContain("ECU of unknown model, firmware not read");
  });

  it("an HTML answer is not the page: not available", async () => {
    const { http } = await ecu("215000000001", "html");
    const p = await probeEcuControl({ http: http!, ecuModel: "ECU-C", at: 0 });
    expect([p.onOff.available, p.maxPower.available]).toEqual([false, false]);
  });
});
