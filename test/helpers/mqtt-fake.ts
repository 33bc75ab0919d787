/**
 * An in-memory MQTT client + broker for tests of code that takes an injected client (EntityMqttClient).
 * It behaves like a broker where it matters (MQTT 3.1.1 §3.3.1.3, §4.7): retained messages are stored
 * (an empty retained payload deletes), a new subscription receives the matching retained messages with
 * the retain flag set, live messages reach matching subscriptions with the retain flag cleared — including
 * the client's own publishes, as brokers echo them to a subscribed publisher.
 */
import type { EntityMqttClient, MessageListener } from "../../src/entities/publisher.ts";

export interface Published {
  topic: string;
  payload: string;
  retain: boolean;
  qos: number;
}

/** MQTT topic filter matching with + and # (MQTT 3.1.1 §4.7.1). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

export class FakeMqttClient implements EntityMqttClient {
  /** Every publish made through this client, in order. */
  readonly published: Published[] = [];
  /** The broker's retained store. */
  readonly retained = new Map<string, string>();
  readonly subscriptions = new Set<string>();
  private readonly listeners = new Set<MessageListener>();

  publish(topic: string, payload: string, opts: { retain: boolean; qos: 0 | 1 }): void {
    this.published.push({ topic, payload, retain: opts.retain, qos: opts.qos });
    this.route(topic, payload, opts.retain);
  }

  subscribe(topics: string[]): void {
    for (const filter of topics) {
      this.subscriptions.add(filter);
      for (const [topic, payload] of this.retained) {
        if (topicMatches(filter, topic)) this.deliver(topic, payload, true);
      }
    }
  }

  unsubscribe(topics: string[]): void {
    for (const t of topics) this.subscriptions.delete(t);
  }

  on(_event: "message", listener: MessageListener): void {
    this.listeners.add(listener);
  }

  removeListener(_event: "message", listener: MessageListener): void {
    this.listeners.delete(listener);
  }

  /** Another client (HA, a user) publishes. */
  inject(topic: string, payload: string, opts: { retain?: boolean } = {}): void {
    this.route(topic, payload, opts.retain ?? false);
  }

  /** Lets listeners' async work (command handling) finish. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }

  publishedTo(topic: string): Published[] {
    return this.published.filter((p) => p.topic === topic);
  }

  /** Retained payloads under a topic filter, parsed. */
  retainedJson(filter: string): Record<string, unknown> {
    return Object.fromEntries(
      [...this.retained].filter(([t]) => topicMatches(filter, t)).map(([t, p]) => [t, JSON.parse(p)]),
    );
  }

  clearLog(): void {
    this.published.length = 0;
  }

  private route(topic: string, payload: string, retain: boolean): void {
    if (retain) {
      if (payload === "") this.retained.delete(topic);
      else this.retained.set(topic, payload);
    }
    if ([...this.subscriptions].some((f) => topicMatches(f, topic))) this.deliver(topic, payload, false);
  }

  private deliver(topic: string, payload: string, retain: boolean): void {
    const bytes = new TextEncoder().encode(payload);
    for (const l of this.listeners) l(topic, bytes, { retain });
  }
}
