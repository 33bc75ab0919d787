/**
 * EntityPublisher: the MQTT sink, shaped like a zigbee2mqtt extension (constructor wires, start() subscribes
 * and publishes, stop() undoes it). It publishes Home Assistant discovery for the bridge, the site and every
 * inverter, then their state; re-publishes discovery (then state) when `<prefix>/status` says `online`;
 * removes retired inverters; and turns `<base>/<name>/set[/<key>]` messages into validated commands for
 * `onCommand`, answering on `<base>/<name>/set/result`. No broker inside: the client is injected.
 */

import type { HaLinkState } from "../ha/types.ts";
import { bridgeDeviceKey, bridgeDevices } from "./bridge.ts";
import type { FaultEventType, FaultsView } from "./catalog/faults.ts";
import {
  bridgeDiscovery,
  type DeviceDiscovery,
  type DiscoveryContext,
  defaultOrigin,
  discoveryMessage,
  inverterDiscovery,
  inverterDiscoveryKey,
  type Origin,
  retireInverterMessages,
  type SentComponents,
  sentComponents,
  siteDiscovery,
  withRemovedComponents,
} from "./discovery.ts";
import { payloadDigest, RetainedMemo } from "./retained-memo.ts";
import { RetainedProbe } from "./retained-probe.ts";
import {
  type CommandHandler,
  type EntityLog,
  handleSet,
  handleSiteSet,
  type ScheduleCommandHandler,
  type SiteCommandHandler,
} from "./set-handler.ts";
import { type SiteMapState, siteMapTopic, withMapComponent } from "./site-map.ts";
import type {
  FindingView,
  InverterSnapshot,
  LimiterSnapshot,
  ScheduleSnapshot,
  SiteSnapshot,
  SourceView,
} from "./snapshot.ts";
import { faultEventMessage, haLinkMessage, inverterMessages, siteMessage } from "./state.ts";
import {
  bridgeInfoMessage,
  bridgeTopics,
  clearInverterTopics,
  haStatusTopic,
  OFFLINE,
  ONLINE,
  type OutMessage,
  parseSetTopic,
  setSubscriptions,
  topicName,
  topicNameProblems,
} from "./topics.ts";

export type { CommandHandler, CommandOutcome, EntityLog, SiteCommandHandler } from "./set-handler.ts";

export type MessageListener = (topic: string, payload: Uint8Array, packet: { retain?: boolean }) => void;

/** The part of an mqtt.js client we use (mqtt.MqttClient satisfies it). */
export interface EntityMqttClient {
  /** mqtt.js's flag; while false, publishAll() waits for the caller's publishAll() on connect. */
  connected?: boolean;
  publish(topic: string, payload: string, opts: { retain: boolean; qos: 0 | 1 }): unknown;
  subscribe(topics: string[], opts: { qos: 0 | 1 }): unknown;
  unsubscribe(topics: string[]): unknown;
  /** With these (mqtt.js has them), a command published retained while running is found and refused. */
  subscribeAsync?(topics: string[], opts: { qos: 0 | 1 }): Promise<unknown>;
  unsubscribeAsync?(topics: string[]): Promise<unknown>;
  on(event: "message", listener: MessageListener): unknown;
  removeListener(event: "message", listener: MessageListener): unknown;
}

export interface EntityPublisherOptions {
  client: EntityMqttClient;
  baseTopic: string;
  discoveryPrefix: string;
  /** Stable controller id (e.g. the ECU id): bridge and site device ids derive from it. */
  bridgeId: string;
  origin?: Origin;
  coordinatorIeee?: string;
  /** Runs a validated command; its outcome is published on `<base>/<name>/set/result`. */
  onCommand: CommandHandler;
  /** Runs a validated site command (the export limiter's controls); without it they are refused. */
  onSiteCommand?: SiteCommandHandler;
  /** Runs a validated schedule override; without it overrides are refused. */
  onScheduleCommand?: ScheduleCommandHandler;
  /** The fault module runs: every inverter gets its problem sensor and fault event, the site its count. */
  faults?: boolean;
  log?: EntityLog;
  /** The site's name from site.yaml: `<base>/bridge/info` carries it, so a fleet view can label the site. */
  siteName?: string;
  /** What the source can command (the vendor ECU's probe at start): `<base>/bridge/info` carries it. */
  sourceControl?: Readonly<Record<string, unknown>>;
  /** What the source of readings cannot provide (the vendor ECU): no entities for it, attributes say why. */
  source?: SourceView;
}

interface InverterEntry {
  snapshot: InverterSnapshot;
  /** The components of the discovery last sent (to send a removal for those a new one drops). */
  sent?: SentComponents;
  /** Digest of `sent` as JSON, to tell whether a rebuilt discovery changed. */
  sentDigest?: string;
  /** inverterDiscoveryKey of the snapshot `sent` was built from: a reading that keeps it skips the rebuild. */
  sentKey?: string;
  /** What bridge/devices showed of it when last published (bridgeDeviceKey). */
  bridgeKey?: string;
}

const SILENT: EntityLog = { info() {}, warn() {}, error() {} };

export class EntityPublisher {
  private readonly ctx: DiscoveryContext;
  private readonly log: EntityLog;
  private readonly inverters = new Map<string, InverterEntry>();
  private site?: SiteSnapshot;
  private limiter?: LimiterSnapshot;
  private schedule?: ScheduleSnapshot;
  /** The installation map (site-map.ts): the Roof map sensor joins the site device. */
  private map?: SiteMapState;
  /** Open fault findings (only with `faults`). */
  private findings: readonly FindingView[] = [];
  /** Site discovery as last sent: it changes when the limiter appears or its range changes. */
  private siteSent?: string;
  /** Set once the controller has a Home Assistant link: its sensor joins the bridge device. */
  private haLink?: HaLinkState;
  private started = false;
  /** Payload last sent on each retained topic: an identical one is not sent again unless re-publishing. */
  private readonly lastRetained = new RetainedMemo();
  private republishing = false;
  private readonly probe: RetainedProbe;
  private readonly listener: MessageListener = (topic, payload, packet) => {
    this.handleMessage(topic, payload, packet).catch((e: unknown) =>
      this.log.error(`entities: handling ${topic} failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };

  constructor(private readonly opts: EntityPublisherOptions) {
    this.ctx = {
      baseTopic: opts.baseTopic,
      discoveryPrefix: opts.discoveryPrefix,
      bridgeId: opts.bridgeId,
      origin: opts.origin ?? defaultOrigin(),
      ...(opts.coordinatorIeee ? { coordinatorIeee: opts.coordinatorIeee } : {}),
    };
    this.log = opts.log ?? SILENT;
    this.probe = new RetainedProbe(opts.client);
  }

  /**
   * Subscribes and publishes everything, once: when the client is still connecting, the publishAll() the
   * caller runs on connect does it (mqtt.js would otherwise queue this set and send it next to that one).
   */
  start(): void {
    const { client } = this.opts;
    client.on("message", this.listener);
    client.subscribe([haStatusTopic(this.ctx.discoveryPrefix), ...setSubscriptions(this.ctx.baseTopic)], {
      qos: 1,
    });
    this.started = true;
    this.publishAll();
  }

  /** Says offline (as the will would) and stops listening; snapshots are kept for a later start(). */
  stop(): void {
    if (!this.started) return;
    this.send({ topic: bridgeTopics(this.ctx.baseTopic).state, payload: OFFLINE, retain: true, qos: 1 });
    this.started = false;
    this.lastRetained.clear();
    this.opts.client.unsubscribe([
      haStatusTopic(this.ctx.discoveryPrefix),
      ...setSubscriptions(this.ctx.baseTopic),
    ]);
    this.opts.client.removeListener("message", this.listener);
  }

  /** Discovery (when new or changed), then state, availability and controls of one inverter. */
  updateInverter(s: InverterSnapshot): void {
    const entry = this.inverters.get(s.serial);
    // Only a new inverter or a new name can clash; checking every reading would cost O(N) per reading.
    if (!entry || entry.snapshot.name !== s.name) {
      const others = [...this.inverters.values()].filter((e) => e.snapshot.serial !== s.serial);
      const problems = topicNameProblems([...others.map((e) => e.snapshot), s]);
      if (problems.length > 0) throw new Error(problems.join("; "));
    }
    if (
      entry &&
      this.started &&
      topicName(entry.snapshot.name, entry.snapshot.serial) !== topicName(s.name, s.serial)
    ) {
      // Renamed: clear the old retained topics so nothing stale is left under the old name.
      for (const m of clearInverterTopics(this.ctx.baseTopic, entry.snapshot.name)) this.send(m);
    }
    const next: InverterEntry = entry ? { ...entry, snapshot: s } : { snapshot: s };
    this.inverters.set(s.serial, next);
    if (this.started) this.publishInverter(next, false);
  }

  /** The HA websocket link's state; the first call adds its diagnostic sensor to the bridge device. */
  updateHaLink(s: HaLinkState): void {
    const first = this.haLink === undefined;
    this.haLink = { ...s };
    if (!this.started) return;
    if (first) this.sendDiscovery(this.bridgeDiscovery(), undefined);
    this.send(haLinkMessage(this.ctx.baseTopic, this.haLink));
  }

  updateSite(s: SiteSnapshot): void {
    this.site = s;
    if (this.started) this.publishSite(false);
  }

  /** The export limiter's state: its entities join the site device and its keys the site's state. */
  updateLimiter(l: LimiterSnapshot): void {
    this.limiter = l;
    if (this.started) this.publishSite(false);
  }

  /** The schedule's state: its entities join the site device and its keys the site's state. */
  updateSchedule(s: ScheduleSnapshot): void {
    this.schedule = s;
    if (this.started) this.publishSite(false);
  }

  /** The installation map, published retained on `<base>/site/map` for the roof-map card. */
  updateMap(m: SiteMapState): void {
    this.map = m;
    if (this.started) this.publishSite(false);
  }

  /**
   * Removes an inverter from HA (empty retained discovery) and from bridge/devices. `keepTopics` when a
   * replacement unit took over its name (site.yaml replace), so its state topic is not cleared under it.
   */
  retireInverter(serial: string, opts: { keepTopics?: boolean; name?: string } = {}): void {
    const entry = this.inverters.get(serial);
    const old = entry?.snapshot ?? { serial, name: opts.name ?? serial };
    this.inverters.delete(serial);
    if (!this.started) return;
    for (const m of retireInverterMessages(this.ctx, old, { keepTopics: opts.keepTopics ?? false }))
      this.send(m);
    this.send({
      topic: bridgeTopics(this.ctx.baseTopic).event,
      payload: JSON.stringify({
        type: "device_removed",
        data: { serial, friendly_name: topicName(old.name, serial) },
      }),
      retain: false,
      qos: 1,
    });
    this.publishBridgeDevices();
  }

  /** The open fault findings: each inverter's problem sensor and the site's count follow them. */
  updateFaults(open: readonly FindingView[]): void {
    const before = new Set(this.findings.flatMap((f) => (f.serial ? [f.serial] : [])));
    this.findings = [...open];
    if (!this.started) return;
    for (const f of open) if (f.serial) before.add(f.serial);
    for (const serial of before) {
      const entry = this.inverters.get(serial);
      if (entry) this.publishInverter(entry, false);
    }
    this.publishSite(false);
  }

  /**
   * One finding on the fault event topic: its inverter's, or the site's for site-wide findings and for
   * inverters the publisher does not know (never dropped: a Node-RED flow may be the only listener).
   */
  publishFaultEvent(type: FaultEventType, f: FindingView): void {
    if (!this.started) return;
    const entry = f.serial === undefined ? undefined : this.inverters.get(f.serial);
    this.send(faultEventMessage(this.ctx.baseTopic, entry?.snapshot.name, type, f));
  }

  private faultsOf(serial: string): FaultsView | undefined {
    if (!this.opts.faults) return undefined;
    return { open: this.findings.filter((f) => f.serial === serial) };
  }

  /**
   * Everything again: bridge online, discovery, then state. Runs at start and when HA comes back online;
   * call it on the client's reconnect too, as a restarted broker may have lost the retained messages.
   */
  publishAll(): void {
    if (!this.started || this.opts.client.connected === false) return;
    this.republishing = true;
    try {
      this.send({ topic: bridgeTopics(this.ctx.baseTopic).state, payload: ONLINE, retain: true, qos: 1 });
      this.send(
        bridgeInfoMessage(
          this.ctx.baseTopic,
          this.opts.siteName,
          this.ctx.origin.sw,
          this.opts.sourceControl,
        ),
      );
      this.sendDiscovery(this.bridgeDiscovery(), undefined);
      if (this.haLink) this.send(haLinkMessage(this.ctx.baseTopic, this.haLink));
      this.publishSite(true);
      for (const entry of this.inverters.values()) this.publishInverter(entry, true);
      this.publishBridgeDevices();
    } finally {
      this.republishing = false;
    }
  }

  /** Handles one incoming message; public so tests and callers can await it. */
  async handleMessage(
    topic: string,
    payload: Uint8Array | string,
    packet: { retain?: boolean },
  ): Promise<void> {
    const text = typeof payload === "string" ? payload : new TextDecoder().decode(payload);
    if (topic === haStatusTopic(this.ctx.discoveryPrefix)) {
      if (text.trim() === "online") {
        this.log.info("entities: Home Assistant is online, sending discovery again");
        this.publishAll();
      }
      return;
    }
    if (this.probe.take(topic, text, packet.retain === true)) return;
    const set = parseSetTopic(this.ctx.baseTopic, topic);
    if (!set) return;
    if (set.name === "site") {
      const ctx = {
        baseTopic: this.ctx.baseTopic,
        log: this.log,
        send: (m: OutMessage) => this.send(m),
        retainedOnBroker: (t: string, p: string) => this.probe.isRetained(t, p),
        limiter: this.limiter,
        schedule: this.schedule,
        onSiteCommand: this.opts.onSiteCommand,
        onScheduleCommand: this.opts.onScheduleCommand,
      };
      await handleSiteSet(ctx, set.key, topic, text, packet.retain === true);
      return;
    }
    const inverters = [...this.inverters.values()].map((e) => e.snapshot);
    const ctx = { baseTopic: this.ctx.baseTopic, inverters, onCommand: this.opts.onCommand, log: this.log };
    await handleSet(
      { ...ctx, send: (m) => this.send(m), retainedOnBroker: (t, p) => this.probe.isRetained(t, p) },
      set,
      topic,
      text,
      packet.retain === true,
    );
  }

  private publishInverter(entry: InverterEntry, force: boolean): void {
    const s = entry.snapshot;
    // Per reading this is O(1): discovery is rebuilt only when what it is built from changed (a name,
    // firmware, panel labels), not for every telemetry reply (that cost 500 inverters ~25 KB of garbage
    // per reading, which grew the heap between full collections).
    const key = inverterDiscoveryKey(s);
    if (force || key !== entry.sentKey) {
      const discovery = inverterDiscovery(this.ctx, s, {
        faults: this.opts.faults === true,
        ...(this.opts.source ? { source: this.opts.source } : {}),
      });
      const digest = payloadDigest(JSON.stringify(discovery.config));
      if (force || digest !== entry.sentDigest) {
        this.sendDiscovery(discovery, entry.sent);
        // Only the component keys and platforms: the whole config was ~10 KB of objects per inverter.
        entry.sent = sentComponents(discovery.config);
        entry.sentDigest = digest;
      }
      entry.sentKey = key;
    }
    // Pairing, firmware or name may have changed what bridge/devices says (interview_state…). The list
    // is ~10 KB per inverter: rebuilt only when this inverter's part of it changed, not on every reading.
    const bridgeKey = bridgeDeviceKey(s);
    if (!force && bridgeKey !== entry.bridgeKey) this.publishBridgeDevices();
    entry.bridgeKey = bridgeKey;
    // State, availability and controls: send() skips a payload identical to the last one on its topic.
    for (const m of inverterMessages(this.ctx.baseTopic, s, this.faultsOf(s.serial), this.opts.source))
      this.send(m);
  }

  private publishSite(force: boolean): void {
    if (!this.site) return;
    const faults = this.opts.faults === true;
    const plain = siteDiscovery(this.ctx, this.site, this.limiter, this.schedule, faults);
    const discovery = this.map ? withMapComponent(plain, this.ctx.baseTopic, this.site.name) : plain;
    const config = JSON.stringify(discovery.config);
    if (force || config !== this.siteSent) {
      this.sendDiscovery(discovery, undefined);
      this.siteSent = config;
    }
    const view = faults ? { open: this.findings } : undefined;
    this.send(siteMessage(this.ctx.baseTopic, this.site, this.limiter, this.schedule, view));
    if (this.map) {
      const m = { topic: siteMapTopic(this.ctx.baseTopic), payload: JSON.stringify(this.map) };
      this.send({ ...m, retain: true, qos: 1 });
    }
  }

  private bridgeDiscovery() {
    return bridgeDiscovery(this.ctx, { haLink: this.haLink !== undefined });
  }

  private publishBridgeDevices(): void {
    const inverters = [...this.inverters.values()].map((e) => e.snapshot);
    this.send({
      topic: bridgeTopics(this.ctx.baseTopic).devices,
      payload: JSON.stringify(bridgeDevices(inverters, this.ctx.coordinatorIeee)),
      retain: true,
      qos: 1,
    });
  }

  private sendDiscovery(d: DeviceDiscovery, previous: SentComponents | undefined): void {
    this.send(discoveryMessage(withRemovedComponents(d, previous)));
  }

  private send(m: OutMessage): void {
    if (m.retain) {
      if (!this.republishing && this.lastRetained.same(m.topic, m.payload)) return;
      this.lastRetained.remember(m.topic, m.payload);
    }
    const r = this.opts.client.publish(m.topic, m.payload, { retain: m.retain, qos: m.qos });
    if (r instanceof Promise) {
      r.catch((e: unknown) =>
        this.log.error(
          `entities: publish to ${m.topic} failed: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
    }
  }
}
