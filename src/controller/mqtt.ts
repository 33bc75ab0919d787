/**
 * The controller's MQTT connection: external broker by URL (credentials, TLS) or the embedded one.
 * The last will marks the bridge offline; every (re)connect re-publishes discovery and state, because a
 * restarted broker (the embedded one especially) has lost its retained messages.
 */
import { readFileSync } from "node:fs";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { bridgeTopics } from "../entities/topics.ts";
import { sendWithoutDelay } from "../mqtt/no-delay.ts";
import { resolveSecret } from "../site/config/index.ts";
import type { MqttConfig } from "../site/config/types.ts";

export interface MqttConnectOptions {
  url: string;
  config: MqttConfig;
  clientId?: string;
  /** Called on the first connect and on every reconnect. */
  onConnect: () => void;
  onStatus?: (s: { state: "connected" | "offline" | "error"; detail?: string }) => void;
  env?: NodeJS.ProcessEnv;
}

export function mqttOptions(o: Omit<MqttConnectOptions, "onConnect" | "onStatus" | "url">): IClientOptions {
  const c = o.config;
  const opts: IClientOptions = {
    clientId: o.clientId ?? c.clientId ?? `localecu_${Math.random().toString(16).slice(2, 10)}`,
    clean: true,
    protocolVersion: c.protocolVersion ?? 4,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    will: {
      topic: bridgeTopics(c.baseTopic).state,
      payload: Buffer.from(JSON.stringify({ state: "offline" })),
      retain: true,
      qos: 1,
    },
  };
  if (c.username) opts.username = c.username;
  if (c.password) opts.password = resolveSecret(c.password, "mqtt.password", o.env);
  if (c.tls) {
    if (c.tls.ca) opts.ca = readTlsFile(c.tls.ca, "ca");
    if (c.tls.cert) opts.cert = readTlsFile(c.tls.cert, "cert");
    if (c.tls.key) opts.key = readTlsFile(c.tls.key, "key");
    opts.rejectUnauthorized = c.tls.rejectUnauthorized;
  }
  return opts;
}

/** Why the MQTT settings cannot be used, naming the setting (never a secret). */
export class MqttSettingError extends Error {}

function readTlsFile(file: string, key: "ca" | "cert" | "key"): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unreadable";
    throw new MqttSettingError(
      `mqtt.tls.${key}: cannot read ${file} (${code}) — point it at the PEM file (\`localecu check\` lists every such problem)`,
    );
  }
}

/**
 * Resolves at the first successful connect; rejects with the broker's reason (refused, unknown host, bad
 * credentials) on the first error or after `timeoutMs`. Later reconnects are the client's business.
 */
export function firstConnect(client: MqttClient, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      client.off("connect", onConnect);
      client.off("error", onError);
      if (err) reject(err);
      else resolve();
    };
    const onConnect = () => done();
    const onError = (e: Error) => done(e);
    const timer = setTimeout(() => done(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    if (client.connected) return done();
    client.on("connect", onConnect);
    client.on("error", onError);
  });
}

export function connectMqtt(o: MqttConnectOptions): MqttClient {
  const client = sendWithoutDelay(mqtt.connect(o.url, mqttOptions(o)));
  client.on("connect", () => {
    o.onStatus?.({ state: "connected" });
    o.onConnect();
  });
  client.on("offline", () => o.onStatus?.({ state: "offline" }));
  client.on("error", (e) => o.onStatus?.({ state: "error", detail: e.message }));
  return client;
}
