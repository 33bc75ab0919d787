import { describe, expect, it } from "vitest";
import { checkSite } from "../../src/site/check/index.ts";
import { configOf, issuesOf, MINIMAL } from "../site/config/fixtures.ts";

describe("site.yaml ecu: the vendor ECU on the LAN as the source", () => {
  it("takes host alone, with the ECU's port 8899 and its 300 s cycle as defaults", () => {
    const c = configOf({
      ecu: { host: "192.168.1.40" },
      site: { timezone: "Europe/Amsterdam" },
      inverters: [{ serial: "801000012345" }],
    });
    expect(c.ecu).toEqual({ host: "192.168.1.40", port: 8899, pollS: 300 });
    expect(c.stick).toBeUndefined();
  });

  it("keeps the ECU id from the label, the port and a slower poll", () => {
    const c = configOf({
      ecu: { host: "ecu.local", port: 8900, poll_s: 600, ecu_id: "216200001234" },
      site: { timezone: "Europe/Amsterdam" },
      inverters: [{ serial: "801000012345" }],
    });
    expect(c.ecu).toEqual({ host: "ecu.local", port: 8900, pollS: 600, ecuId: "216200001234" });
  });

  it("refuses a poll faster than the ECU refreshes, with the reason and the fix", () => {
    expect(issuesOf(`ecu:\n  host: 192.168.1.40\n  poll_s: 60\n${MINIMAL}`)).toEqual([
      "site.yaml: ecu.poll_s: 60 s is faster than the ECU refreshes its data (it asks the inverters about every 300 s) — use 300 or more: reading faster gives no new data and is known to make ECUs hang until they are power-cycled",
    ]);
  });

  it("refuses a stick and an ECU together", () => {
    const text = `stick:\n  port: /dev/ttyUSB0\necu:\n  host: 192.168.1.40\n${MINIMAL}`;
    expect(issuesOf(text)).toEqual([
      "site.yaml: ecu: stick and ecu are both set — name one source of readings: the stick (ZigBee, localecu talks to the inverters) or the vendor ECU on the LAN",
    ]);
  });

  it("refuses a URL or a port in host, and an ECU id that is not the label's 12 digits", () => {
    const issues = issuesOf(`ecu:\n  host: tcp://192.168.1.40:8899\n  ecu_id: D8A3011B9780\n${MINIMAL}`);
    expect(issues).toEqual([
      'site.yaml: ecu.host: expected a host name or IP address (no scheme, no port), got "tcp://192.168.1.40:8899" — give the ECU a fixed address in your router; the port goes in ecu.port',
      'site.yaml: ecu.ecu_id: expected the 12 digits of the ECU id on its label (e.g. 216200001234), got "D8A3011B9780"',
    ]);
  });

  it("check: the automations are told the ECU cannot command the inverters, and what readings it lacks", () => {
    const c = configOf({
      ecu: { host: "192.168.1.40" },
      site: { timezone: "Europe/Amsterdam" },
      inverters: [{ serial: "801000012345" }],
      automations: { schedule: { rules: [] } },
    });
    const ecu = checkSite(c, {}).filter((f) => f.rule.startsWith("ecu-"));
    expect(ecu.map((f) => [f.severity, f.rule, f.path])).toEqual([
      ["warning", "ecu-control", "automations.schedule"],
      ["info", "ecu-readings", "ecu"],
    ]);
    expect(ecu[0]!.message).toContain("port 8899 cannot command them");
    expect(ecu[1]!.message).toContain("no DC voltage or current");
  });
});
