/**
 * One MQTT connection to a controller's broker, shared by every node that uses the same config node.
 * Nodes subscribe to exact topics through it; retained messages are kept, so a node deployed after
 * another one already subscribed still gets the current state at once (the broker sends retained
 * messages only on a new subscription). The topic layout comes from src/entities/topics.ts.
 */
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { bridgeTopics } from "../entities/topics.ts";
import { sendWithoutDelay } from "../mqtt/no-delay.ts";
import { type AnnouncedDevice, announcedDevices } from "./devices.ts";

export type Handler = (payload: string, topic: string) => void;
export type LinkState = "connecting" | "connected" | "disconnected";

export interface LinkOptions {
  url: string;
  baseTopic: string;
  username?: string | undefined;
  password?: string | undefined;
  clientId?: string;
}

export class ControllerLink {
  readonly client: MqttClient;
  readonly baseTopic: string;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly retained = new Map<string, string>();
  private readonly stateListeners = new Set<(s: LinkState, detail?: string) => void>();
  private devicesWaiters: (() => void)[] = [];
  private announced: AnnouncedDevice[] | undefined;
  state: LinkState = "connecting";
  lastError: string | undefined;

  constructor(o: LinkOptions) {
    this.baseTopic = o.baseTopic;
    const opts: IClientOptions = { reconnectPeriod: 2000, connectTimeout: 10_000 };
    if (o.username) opts.username = o.username;
    if (o.password) opts.password = o.password;
    if (o.clientId) opts.clientId = o.clientId;
    this.client = sendWithoutDelay(mqtt.connect(o.url, opts));
    this.client.on("connect", () => {
      this.lastError = undefined;
      // (Re)subscribe everything: a clean session forgets subscriptions across reconnects.
      const topics = [...this.handlers.keys(), bridgeTopics(this.baseTopic).devices];
      this.client.subscribe(topics, { qos: 1 });
      this.setState("connected");
    });
    this.client.on("close", () => this.setState("disconnected"));
    this.client.on("offline", () => this.setState("disconnected"));
    // Errors are reported by state; the password never is (mqtt's messages hold no credentials).
    this.client.on("error", (e) => {
      this.lastError = e.message;
      this.setState("disconnected", e.message);
    });
    this.client.on("message", (topic, payload, packet) => {
      const text = payload.toString();
      // A state topic's first message is retained; later live ones arrive without the flag (MQTT 3.1.1
      // clears it on established subscriptions) but are its newest state. Events are never retained,
      // so they are never replayed to a node deployed later.
      if (text === "") this.retained.delete(topic);
      else if (packet.retain || this.retained.has(topic)) this.retained.set(topic, text);
      if (topic === bridgeTopics(this.baseTopic).devices) {
        this.announced = announcedDevices(text);
        for (const w of this.devicesWaiters.splice(0)) w();
      }
      for (const h of this.handlers.get(topic) ?? []) h(text, topic);
    });
  }

  /** Calls `h` for every message on `topic` (the retained one first, if any); returns the unsubscribe. */
  subscribe(topic: string, h: Handler): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      if (this.client.connected) this.client.subscribe(topic, { qos: 1 });
    } else {
      const last = this.retained.get(topic);
      if (last !== undefined) queueMicrotask(() => set!.has(h) && h(last, topic));
    }
    set.add(h);
    return () => {
      set!.delete(h);
      if (set!.size === 0 && this.handlers.get(topic) === set) {
        this.handlers.delete(topic);
        this.retained.delete(topic);
        if (this.client.connected) this.client.unsubscribe(topic);
      }
    };
  }

  /** The last retained payload seen on a topic this link subscribes to. */
  retainedOn(topic: string): string | undefined {
    return this.retained.get(topic);
  }

  onState(l: (s: LinkState, detail?: string) => void): () => void {
    this.stateListeners.add(l);
    l(this.state, this.lastError);
    return () => this.stateListeners.delete(l);
  }

  /** The inverters the controller announced (undefined until bridge/devices arrived). */
  devices(): AnnouncedDevice[] | undefined {
    return this.announced;
  }

  /** The announced inverters, waiting up to `ms` for bridge/devices after (re)deploys. */
  async waitForDevices(ms: number): Promise<AnnouncedDevice[] | undefined> {
    if (this.announced) return this.announced;
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.devicesWaiters.push(done);
    });
    return this.announced;
  }

  async publish(topic: string, payload: string): Promise<void> {
    // Commands are never retained: the controller refuses retained ones (src/entities/commands.ts).
    await this.client.publishAsync(topic, payload, { qos: 1, retain: false });
  }

  async close(): Promise<void> {
    for (const w of this.devicesWaiters.splice(0)) w();
    this.handlers.clear();
    this.stateListeners.clear();
    await this.client.endAsync(true);
  }

  private setState(s: LinkState, detail?: string): void {
    if (s === this.state && detail === undefined) return;
    this.state = s;
    for (const l of this.stateListeners) l(s, detail);
  }
}
