/**
 * From the roof to the phone: a ground fault injected into an emulated inverter is found by the fault
 * module at the next poll and reaches Home Assistant (the HA protocol server) as the notify service named
 * in site.yaml and a persistent notification; when the inverter stops reporting it, the persistent
 * notification is dismissed and the homeowner is told it cleared. The whole controller, a real broker.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeSecretRef } from "../../../src/site/config/secret.ts";
import { brokerKinds } from "../../helpers/brokers.ts";
import { HaTestServer, type ServiceCall } from "../../helpers/ha-server.ts";
import { waitFor } from "../../helpers/wait.ts";
import { allProducing, at, FaultHarness } from "./controller-rig.ts";

const TOKEN = "eyJ.notify-e2e.sig";
const TOP_LEFT = "801000012345";

vi.setConfig({ testTimeout: 120_000 });

describe("fault notifications end to end", () => {
  let h: FaultHarness | undefined;
  let server: HaTestServer | undefined;
  afterEach(async () => {
    await h?.stop();
    await server?.close();
    h = undefined;
    server = undefined;
  });

  it("a ground fault on the emulated South top left: notify call and persistent notification; cleared: dismissed and told", async () => {
    server = await HaTestServer.start({ token: TOKEN });
    server.registerService("notify", "mobile_app_phone");
    server.registerService("persistent_notification", "create");
    server.registerService("persistent_notification", "dismiss");
    h = new FaultHarness(brokerKinds()[0]!, 120);
    const { o } = await h.setup();
    o.config.homeassistant = { url: server.httpUrl, token: makeSecretRef(undefined, "HA_TEST_TOKEN") };
    o.config.automations.faults = { ...o.config.automations.faults, notify: ["notify.mobile_app_phone"] };
    h.link = { env: { HA_TEST_TOKEN: TOKEN }, haLink: { backoff: { initialMs: 20, maxMs: 200 } } };
    const r = await h.run(at("10:30"));
    await waitFor("every inverter producing", () => allProducing(r, o.config), 60_000);
    expect(server.serviceCalls).toEqual([]);

    r.now();
    o.site.inverter(TOP_LEFT)!.inject("gfdi", true);
    await waitFor(
      "the notify call and the persistent notification",
      () => server!.serviceCalls.length >= 2,
      60_000,
    );
    const [notify, persistent] = server.serviceCalls as [ServiceCall, ServiceCall];
    // Written out from the manual's steady-red ground fault and the example site's map (row 1, col 1).
    expect(notify).toMatchObject({ domain: "notify", service: "mobile_app_phone" });
    expect(notify.serviceData?.title).toBe("Solar fault — Ground fault: South top left");
    const message = String(notify.serviceData?.message);
    expect(message).toMatch(
      /^South top left \(South roof, row 1 col 1\): reports a DC ground fault since \d\d:\d\d /,
    );
    expect(message).toContain("have an installer find and fix the insulation fault");
    // The GFDI bit's position is others' reverse engineering, never seen set on hardware: said so.
    expect(message.endsWith("(Status-bit meaning not confirmed on hardware.)")).toBe(true);
    expect(persistent).toEqual({
      domain: "persistent_notification",
      service: "create",
      serviceData: {
        notification_id: "localecu_ground_fault_801000012345",
        title: notify.serviceData?.title,
        message,
      },
    });

    r.now();
    o.site.inverter(TOP_LEFT)!.inject("gfdi", false);
    await waitFor("the dismissal and the cleared note", () => server!.serviceCalls.length >= 4, 60_000);
    const after = server.serviceCalls.slice(2);
    expect(after).toContainEqual({
      domain: "persistent_notification",
      service: "dismiss",
      serviceData: { notification_id: "localecu_ground_fault_801000012345" },
    });
    const cleared = after.find((c) => c.domain === "notify");
    expect(cleared?.serviceData?.title).toBe("Solar, cleared — Ground fault: South top left");
    expect(String(cleared?.serviceData?.message)).toMatch(
      /^Cleared \(open from 21 Jun \d\d:\d\d until \d\d:\d\d\)\. Nothing to do unless it comes back\.$/,
    );
  });
});
