/**
 * One controller per base topic. Two controllers on the same topics overwrite each other's retained state
 * and availability without anyone noticing, so a running controller answers health checks the way
 * zigbee2mqtt does (request `<base>/bridge/request/health_check`, answer on
 * `<base>/bridge/response/health_check`, `{"data":{"healthy":true,…},"status":"ok","transaction":…}`),
 * adding who it is; a starting controller asks first. Only a live process answers, so a retained
 * "online" left by a crashed one never blocks a start. Retained requests and answers are ignored.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { MqttClient } from "mqtt";

export interface InstanceIdentity {
  /** What runs: "demo" or the site file. */
  instance: string;
  host: string;
  pid: number;
  version: string;
  /** ISO time the process started serving. */
  since: string;
}

export function healthTopics(base: string) {
  return {
    request: `${base}/bridge/request/health_check`,
    response: `${base}/bridge/response/health_check`,
  };
}

export function identityOf(instance: string, version: string): InstanceIdentity {
  return { instance, host: hostname(), pid: process.pid, version, since: new Date().toISOString() };
}

/** "the demo (pid 4242 on host pi, localecu 0.1.0, running since …)". */
export function describeInstance(i: Partial<InstanceIdentity>): string {
  const what = i.instance === undefined ? "a controller" : i.instance === "demo" ? "the demo" : i.instance;
  const details = [
    i.pid !== undefined ? `pid ${i.pid}` : undefined,
    i.host ? `on host ${i.host}` : undefined,
    i.version ? `localecu ${i.version}` : undefined,
    i.since ? `running since ${i.since}` : undefined,
  ].filter(Boolean);
  return details.length > 0 ? `${what} (${details.join(", ")})` : what;
}

/**
 * Asks whether a live controller already serves `base`. Resolves with what it said about itself, or
 * undefined when nobody answered within `waitMs`.
 */
export async function findLiveInstance(
  client: MqttClient,
  base: string,
  waitMs = 2000,
): Promise<Partial<InstanceIdentity> | undefined> {
  const topics = healthTopics(base);
  const transaction = `localecu-${randomUUID()}`;
  let onMessage: ((topic: string, payload: Buffer, packet: { retain: boolean }) => void) | undefined;
  const answered = new Promise<Partial<InstanceIdentity>>((resolve) => {
    onMessage = (topic, payload, packet) => {
      if (topic !== topics.response || packet.retain) return;
      const body = parse(payload);
      if (body?.transaction !== transaction) return;
      const data = (typeof body.data === "object" && body.data) || {};
      resolve(data as Partial<InstanceIdentity>);
    };
    client.on("message", onMessage);
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await client.subscribeAsync(topics.response, { qos: 1 });
    await client.publishAsync(topics.request, JSON.stringify({ transaction }), { qos: 1 });
    return await Promise.race([
      answered,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), waitMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onMessage) client.off("message", onMessage);
    await client.unsubscribeAsync(topics.response).catch(() => undefined);
  }
}

/** Answers health checks on `base` with `identity`; the returned function stops answering. */
export function answerHealthChecks(client: MqttClient, base: string, identity: InstanceIdentity): () => void {
  const topics = healthTopics(base);
  const onMessage = (topic: string, payload: Buffer, packet: { retain: boolean }) => {
    if (topic !== topics.request || packet.retain) return;
    const transaction = parse(payload)?.transaction;
    const answer = { data: { healthy: true, ...identity }, status: "ok", transaction };
    client.publish(topics.response, JSON.stringify(answer), { qos: 1, retain: false });
  };
  client.on("message", onMessage);
  // mqtt.js re-subscribes after a reconnect (clean session), so one subscribe lasts the process.
  client.subscribe(topics.request, { qos: 1 });
  return () => {
    client.off("message", onMessage);
    client.unsubscribe(topics.request);
  };
}

function parse(payload: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(payload.toString("utf8"));
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
