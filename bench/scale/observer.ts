/**
 * The subscriber on the broker, in the bench's parent process (its CPU is not the controller's): it
 * subscribes to everything under the base topic and the discovery prefix, as Home Assistant and a
 * dashboard would, and stamps each message's arrival with process.hrtime.
 */
import mqtt, { type MqttClient } from "mqtt";
import { BASE_TOPIC } from "./site.ts";

export type Kind = "state" | "availability" | "controls" | "site" | "bridge" | "discovery" | "other";

export interface Arrival {
  atMs: number;
  kind: Kind;
  /** Topic + payload bytes: what the broker forwards per message, without MQTT framing. */
  bytes: number;
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const INVERTER = new RegExp(`^${BASE_TOPIC}/inv(\\d{4})(/availability|/controls)?$`);
const DISCOVERED = /^homeassistant\/device\/[^/]*8010001(\d{5})[^/]*\/config$/;

export class Observer {
  readonly arrivals: Arrival[] = [];
  /** Per inverter index: arrival times of its state messages. */
  readonly states = new Map<number, number[]>();
  /** Per inverter index: when its (non-empty) discovery config arrived first. */
  readonly discovered = new Map<number, number>();

  private constructor(private readonly client: MqttClient) {
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
  }

  static async connect(url: string): Promise<Observer> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    const o = new Observer(client);
    await client.subscribeAsync([`${BASE_TOPIC}/#`, "homeassistant/#"], { qos: 0 });
    return o;
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const atMs = nowMs();
    const bytes = Buffer.byteLength(topic) + payload.length;
    let kind: Kind = "other";
    const inv = INVERTER.exec(topic);
    if (inv) {
      // zigbee2mqtt's layout: the state is the inverter's own topic, <base>/<name>.
      kind = inv[2] === undefined ? "state" : (inv[2].slice(1) as Kind);
      if (kind === "state") {
        const i = Number(inv[1]) - 1;
        let list = this.states.get(i);
        if (!list) {
          list = [];
          this.states.set(i, list);
        }
        list.push(atMs);
      }
    } else if (topic === `${BASE_TOPIC}/site`) kind = "site";
    else if (topic.startsWith(`${BASE_TOPIC}/bridge/`)) kind = "bridge";
    else if (topic.startsWith("homeassistant/")) {
      kind = "discovery";
      const d = DISCOVERED.exec(topic);
      if (d && payload.length > 0) {
        const i = Number(d[1]) - 1;
        if (!this.discovered.has(i)) this.discovered.set(i, atMs);
      }
    }
    this.arrivals.push({ atMs, kind, bytes });
  }
}
