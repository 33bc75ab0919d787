/**
 * Fault notifications end to end on the Home Assistant side: findings made by the real diagnosis core go
 * out on a real EventBus as faultFindings, and the FaultNotifier calls services over the real HaLink
 * against the HA websocket protocol server (test/helpers/ha-server.ts). The persistent notifications are
 * kept the way HA keeps them: one per notification_id, a create with a known id replaces it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FaultNotifier } from "../../../src/automations/faults/notify.ts";
import type { FaultChanges } from "../../../src/automations/faults/types.ts";
import { EventBus } from "../../../src/bus/event-bus.ts";
import { resolveHaCredentials } from "../../../src/ha/credentials.ts";
import { HaLink } from "../../../src/ha/link.ts";
import { makeSecretRef } from "../../../src/site/config/secret.ts";
import { HaTestServer, type ServiceCall } from "../../helpers/ha-server.ts";
import { captureLogger } from "../../helpers/log-capture.ts";
import { waitFor } from "../../helpers/wait.ts";
import { at, BL, BR, Drive, groundFaulted, healthy, southRoof, TL, TR, TZ } from "./helpers.ts";

const TOKEN = "eyJ.faults-notify-test.sig";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The ground-fault advice of ground.ts for South top left at 10:42, written out. */
const GROUND_ADVICE =
  "South top left (south roof, row 1 col 1): reports a DC ground fault since 10:42 and has stopped feeding " +
  "the grid (its LED would be steady red). Somewhere on the DC side a conductor leaks to earth: damaged " +
  "cable insulation, a pinched or wet connector, a cracked panel or junction box. Do not unplug DC connectors " +
  "yourself: have an installer find and fix the insulation fault. The inverter stays locked until the fault " +
  "is fixed and the ground-fault lock is cleared; this stays open until it no longer reports the fault.";
const GROUND_TITLE = "Solar fault — Ground fault: South top left";
const GROUND_MESSAGE = `${GROUND_ADVICE} (Status-bit meaning not confirmed on hardware.)`;
const GROUND_ID = "localecu_ground_fault_801000000001";

/** A QS1 locked by its ground fault: panels at open-circuit voltage, 0 A, GFDI bit set. */
const faulted = () => groundFaulted(TL);
const others = () => [healthy(TR), healthy(BL), healthy(BR)];

interface Rig {
  server: HaTestServer;
  link: HaLink;
  bus: EventBus;
  notifier: FaultNotifier;
  /** The notifier's log. */
  log: ReturnType<typeof captureLogger>;
  /** HA's persistent notifications by id, as HA keeps them. */
  persistent: Map<string, { title: unknown; message: unknown }>;
  calls: (domain: string, service?: string) => ServiceCall[];
  emit: (changes: FaultChanges, atMs: number) => void;
}

async function rig(o: { notify?: string[]; persistent?: boolean; register?: string[] } = {}): Promise<Rig> {
  const server = await HaTestServer.start({ token: TOKEN });
  cleanups.push(() => server.close());
  const persistent = new Map<string, { title: unknown; message: unknown }>();
  server.registerService("persistent_notification", "create", (c) => {
    const d = c.serviceData ?? {};
    persistent.set(String(d.notification_id), { title: d.title, message: d.message });
  });
  server.registerService("persistent_notification", "dismiss", (c) => {
    persistent.delete(String(c.serviceData?.notification_id));
  });
  for (const s of o.register ?? ["mobile_app_phone"]) server.registerService("notify", s);

  const log = captureLogger();
  // The link logs its own ups and downs; `log` holds what the notifier says.
  const link = new HaLink({
    credentials: () =>
      resolveHaCredentials(
        { url: server.httpUrl, token: makeSecretRef(undefined, "HA_TEST_TOKEN") },
        { HA_TEST_TOKEN: TOKEN },
      )!,
    logger: captureLogger().logger,
    backoff: { initialMs: 20, maxMs: 100 },
    random: () => 0.5,
  });
  const bus = new EventBus({ error: (obj, msg) => log.logger.error(obj, msg) });
  // The controller's wiring: the link's state changes become the bus's haLink event.
  const off = link.onLinkState((s) => bus.emit("haLink", s));
  const notifier = new FaultNotifier({
    bus,
    ha: link,
    notify: o.notify ?? ["notify.mobile_app_phone"],
    ...(o.persistent === undefined ? {} : { persistent: o.persistent }),
    timezone: TZ,
    logger: log.logger,
  });
  notifier.start();
  link.start();
  cleanups.push(async () => {
    notifier.stop();
    off();
    await link.stop();
  });
  await waitFor("HA link up", () => link.linkState.state === "up");
  return {
    server,
    link,
    bus,
    notifier,
    log,
    persistent,
    calls: (domain, service) =>
      server.serviceCalls.filter(
        (c) => c.domain === domain && (service === undefined || c.service === service),
      ),
    emit: (changes, atMs) => bus.emit("faultFindings", { changes, atMs }),
  };
}

describe("FaultNotifier against the Home Assistant protocol server", () => {
  it("a ground fault: the phone gets the installer's advice, a persistent notification is created, a repeat replaces it, the clear dismisses it", async () => {
    const r = await rig();
    const d = new Drive(southRoof(), { repeatHours: 1 });

    const opened = d.round(at("10:42"), 50, [faulted(), ...others()]);
    expect(opened.opened.map((f) => f.key)).toEqual(["ground_fault:801000000001"]);
    r.emit(opened, at("10:42"));
    await waitFor("both calls", () => r.server.serviceCalls.length >= 2 && r.notifier.waiting === 0);
    expect(r.server.serviceCalls).toEqual([
      {
        domain: "notify",
        service: "mobile_app_phone",
        serviceData: { title: GROUND_TITLE, message: GROUND_MESSAGE },
      },
      {
        domain: "persistent_notification",
        service: "create",
        serviceData: { notification_id: GROUND_ID, title: GROUND_TITLE, message: GROUND_MESSAGE },
      },
    ]);
    expect([...r.persistent.entries()]).toEqual([
      [GROUND_ID, { title: GROUND_TITLE, message: GROUND_MESSAGE }],
    ]);

    // Still faulted an hour later: reported again, and HA's notification is replaced, not doubled.
    const again = d.round(at("11:45"), 55, [faulted(), ...others()]);
    expect(again.repeated.map((f) => f.key)).toEqual(["ground_fault:801000000001"]);
    r.emit(again, at("11:45"));
    await waitFor("the repeat", () => r.server.serviceCalls.length >= 4 && r.notifier.waiting === 0);
    const repeatTitle = "Solar fault, still open — Ground fault: South top left";
    const repeatMessage = `Still open since 15 Jun 10:42. ${GROUND_MESSAGE}`;
    expect(r.calls("notify").at(-1)?.serviceData).toEqual({ title: repeatTitle, message: repeatMessage });
    expect([...r.persistent.entries()]).toEqual([
      [GROUND_ID, { title: repeatTitle, message: repeatMessage }],
    ]);

    // Fixed at 14:00: the notification goes away, and the phone hears that it cleared.
    const fixed = d.round(at("14:00"), 45, [healthy(TL), ...others()]);
    expect(fixed.cleared.map((f) => f.key)).toEqual(["ground_fault:801000000001"]);
    r.emit(fixed, at("14:00"));
    await waitFor("the clear", () => r.server.serviceCalls.length >= 6 && r.notifier.waiting === 0);
    expect(r.server.serviceCalls.slice(4)).toEqual([
      {
        domain: "notify",
        service: "mobile_app_phone",
        serviceData: {
          title: "Solar, cleared — Ground fault: South top left",
          message: "Cleared (open from 15 Jun 10:42 until 14:00). Nothing to do unless it comes back.",
        },
      },
      { domain: "persistent_notification", service: "dismiss", serviceData: { notification_id: GROUND_ID } },
    ]);
    expect(r.persistent.size).toBe(0);
    expect(r.log.records.filter((x) => (x.level as number) >= 40)).toEqual([]);
  });

  it("every notify service named in site.yaml is called; persistent: false leaves HA's notification list alone", async () => {
    const r = await rig({
      notify: ["notify.mobile_app_phone", "notify.mobile_app_tablet"],
      persistent: false,
      register: ["mobile_app_phone", "mobile_app_tablet"],
    });
    const d = new Drive();
    r.emit(d.round(at("10:42"), 50, [faulted(), ...others()]), at("10:42"));
    await waitFor("two calls", () => r.server.serviceCalls.length >= 2 && r.notifier.waiting === 0);
    expect(r.server.serviceCalls.map((c) => `${c.domain}.${c.service}`)).toEqual([
      "notify.mobile_app_phone",
      "notify.mobile_app_tablet",
    ]);
    expect(r.server.serviceCalls[1]?.serviceData).toEqual({ title: GROUND_TITLE, message: GROUND_MESSAGE });
  });

  it("while Home Assistant is down the notices wait, and go out once the link is back; one that opened and cleared meanwhile is told once, as cleared", async () => {
    const r = await rig();
    const d = new Drive();
    await r.server.goDown();
    await waitFor("link down", () => r.link.linkState.state !== "up");

    // The ground fault opens while HA is away.
    r.emit(d.round(at("10:42"), 50, [faulted(), ...others()]), at("10:42"));
    // TR goes silent from 10:47 and is back at 10:55: its no-data finding opens and clears while HA is away.
    const tr = () => [faulted(), healthy(BL), healthy(BR)];
    const noData = ["10:47", "10:48", "10:49", "10:50"].map((t) => d.round(at(t), 51, [...tr(), TR]));
    const trOpened = noData.flatMap((c) => c.opened);
    expect(trOpened.map((f) => f.key)).toEqual(["no_data:801000000002"]);
    for (const [i, c] of noData.entries()) r.emit(c, at(["10:47", "10:48", "10:49", "10:50"][i]!));
    const back = d.round(at("10:55"), 52, [...tr(), healthy(TR)]);
    expect(back.cleared.map((f) => f.key)).toEqual(["no_data:801000000002"]);
    r.emit(back, at("10:55"));
    expect(r.notifier.waiting).toBe(2);
    expect(r.server.serviceCalls).toEqual([]);

    await r.server.comeBack();
    await waitFor("delivered", () => r.notifier.waiting === 0 && r.server.serviceCalls.length >= 4);
    expect(r.server.serviceCalls.map((c) => `${c.domain}.${c.service}`)).toEqual([
      "notify.mobile_app_phone",
      "persistent_notification.create",
      "notify.mobile_app_phone",
      "persistent_notification.dismiss",
    ]);
    expect(r.server.serviceCalls[0]?.serviceData).toEqual({ title: GROUND_TITLE, message: GROUND_MESSAGE });
    // The silent inverter's story, told after its clear, never as an open problem.
    const told = r.server.serviceCalls[2]?.serviceData as { title: string; message: string };
    expect(told.title).toBe("Solar, cleared — No data: South top right");
    expect(told.message).toMatch(
      /^Cleared by itself \(open from 15 Jun 10:50 until 10:55\) while Home Assistant could not be told\. What it was: South top right \(south roof, row 1 col 2\): no data since 10:42 while its neighbours report\. /,
    );
    expect(r.server.serviceCalls[3]?.serviceData).toEqual({
      notification_id: "localecu_no_data_801000000002",
    });
    expect(r.calls("notify").filter((c) => String(c.serviceData?.title).includes("Solar warning"))).toEqual(
      [],
    );
    expect([...r.persistent.keys()]).toEqual([GROUND_ID]);
    expect(r.log.records.filter((x) => (x.level as number) >= 40)).toEqual([]);
  });

  it("the connection drops while a call is under way: the notice is sent again after the reconnect, nothing is logged as refused", async () => {
    const r = await rig({ register: [] });
    let cut = true;
    r.server.registerService("notify", "mobile_app_phone", () => {
      // HA took the call, but the answer never arrives: the connection goes first.
      if (cut) r.server.dropConnections();
      cut = false;
    });
    const d = new Drive();
    r.emit(d.round(at("10:42"), 50, [faulted(), ...others()]), at("10:42"));
    await waitFor(
      "delivered",
      () => r.notifier.waiting === 0 && r.calls("persistent_notification").length === 1,
    );
    // At least once: HA saw the first call, localecu could not know, so the phone may get it twice.
    expect(r.calls("notify").map((c) => c.serviceData)).toEqual([
      { title: GROUND_TITLE, message: GROUND_MESSAGE },
      { title: GROUND_TITLE, message: GROUND_MESSAGE },
    ]);
    expect(r.server.connections).toBe(2);
    expect(r.log.records.filter((x) => (x.level as number) >= 40)).toEqual([]);
  });

  it("Home Assistant restarts (and forgets its persistent notifications): the open finding's is made again, without a second push", async () => {
    const r = await rig();
    const d = new Drive();
    r.emit(d.round(at("10:42"), 50, [faulted(), ...others()]), at("10:42"));
    await waitFor("told", () => r.server.serviceCalls.length >= 2 && r.notifier.waiting === 0);
    // Meanwhile, a round with no change: the open list is what the notifier keeps for a refresh.
    r.emit(d.round(at("10:47"), 50, [faulted(), ...others()]), at("10:47"));

    await r.server.goDown();
    r.persistent.clear(); // HA keeps persistent notifications in memory only
    await waitFor("link down", () => r.link.linkState.state !== "up");
    await r.server.comeBack();
    await waitFor("made again", () => r.persistent.size === 1);
    expect([...r.persistent.entries()]).toEqual([
      [GROUND_ID, { title: GROUND_TITLE, message: GROUND_MESSAGE }],
    ]);
    await waitFor("nothing waiting", () => r.notifier.waiting === 0);
    expect(r.calls("notify")).toHaveLength(1);
    expect(r.calls("persistent_notification", "create")).toHaveLength(2);
  });

  it("a notify service HA does not know: one log line naming it and the fix, not retried, the rest still delivered", async () => {
    const r = await rig({ notify: ["notify.mobile_app_old_phone"], register: [] });
    const d = new Drive();
    r.emit(d.round(at("10:42"), 50, [faulted(), ...others()]), at("10:42"));
    await waitFor("first finding handled", () => r.calls("persistent_notification").length === 1);
    // A second finding: the broken service is tried again (it may have been fixed in HA), but not logged again.
    const hot = d.round(at("10:47"), 50, [faulted(), healthy(TR, { acV: 262 }), healthy(BL), healthy(BR)]);
    const hot2 = d.round(at("10:52"), 50, [faulted(), healthy(TR, { acV: 262 }), healthy(BL), healthy(BR)]);
    const opened = [...hot.opened, ...hot2.opened];
    expect(opened.map((f) => f.key)).toEqual(["grid:801000000002"]);
    r.emit(hot, at("10:47"));
    r.emit(hot2, at("10:52"));
    await waitFor("second finding handled", () => r.calls("persistent_notification").length === 2);
    await waitFor("nothing waiting", () => r.notifier.waiting === 0);

    expect(r.calls("notify", "mobile_app_old_phone")).toHaveLength(2);
    const errors = r.log.records.filter((x) => (x.level as number) >= 40);
    expect(errors.map((x) => x.msg)).toEqual([
      "fault notifications: Home Assistant refused notify.mobile_app_old_phone (not_found: Service notify.mobile_app_old_phone not found.); not retried — check the notify service name in site.yaml automations.faults.notify (Home Assistant lists them under Developer tools → Actions, e.g. notify.mobile_app_<phone>)",
    ]);
    expect(r.log.text()).not.toContain(TOKEN);
    expect(r.link.linkState.state).toBe("up");
  });
});
