/**
 * The grid meter's two sources: an MQTT topic on the controller's own connection, or a Home Assistant entity
 * through the HA link. Both report samples in W (positive = import), problems with how to fix them, and —
 * for the HA entity — the link going up or down. The broker's own up/down comes from the controller's bus
 * (`mqttLink`), since the MQTT connection is the controller's.
 */
import type { EntityMqttClient, MessageListener } from "../../entities/publisher.ts";
import type { HaLinkApi, HaLinkState } from "../../ha/types.ts";
import type { Clock } from "../../radio/clock.ts";
import type { MeterSettings } from "../../site/config/types.ts";
import { type MeterProblemKind, parseHaMeter, parseMqttMeter } from "./meter-payload.ts";

export type MeterEvent =
  | { kind: "sample"; gridW: number; atMs: number }
  | { kind: "problem"; problem: MeterProblemKind; message: string }
  | { kind: "link"; up: boolean; detail?: string };

export interface MeterSource {
  readonly kind: "mqtt" | "homeassistant";
  /** The link the meter depends on, as the core's `link` input names it (it shows in the reason). */
  readonly link: string;
  /** For log lines: "MQTT topic p1/power", "Home Assistant entity sensor.grid_power". */
  readonly description: string;
  start(emit: (e: MeterEvent) => void): void;
  stop(): void;
}

export class MqttMeter implements MeterSource {
  readonly kind = "mqtt";
  readonly link = "the MQTT broker";
  readonly description: string;
  private listener?: MessageListener;

  constructor(
    private readonly client: EntityMqttClient,
    private readonly settings: MeterSettings & { topic: string },
    private readonly clock: Clock,
  ) {
    this.description = `MQTT topic ${settings.topic}`;
  }

  start(emit: (e: MeterEvent) => void): void {
    const topic = this.settings.topic;
    this.listener = (t, payload, packet) => {
      if (t !== topic) return;
      // A retained value is the broker's memory of an old reading, not the meter speaking now.
      if (packet.retain) return;
      const v = parseMqttMeter(Buffer.from(payload).toString("utf8"), { ...this.settings, topic });
      if (v.ok) emit({ kind: "sample", gridW: v.gridW, atMs: this.clock.now() });
      else emit({ kind: "problem", problem: v.kind, message: v.why });
    };
    this.client.on("message", this.listener);
    this.client.subscribe([topic], { qos: 0 });
  }

  stop(): void {
    if (!this.listener) return;
    this.client.unsubscribe([this.settings.topic]);
    this.client.removeListener("message", this.listener);
    this.listener = undefined;
  }
}

export class HaMeter implements MeterSource {
  readonly kind = "homeassistant";
  readonly link = "Home Assistant";
  readonly description: string;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly ha: HaLinkApi,
    private readonly settings: MeterSettings & { entity: string },
    private readonly clock: Clock,
  ) {
    this.description = `Home Assistant entity ${settings.entity}`;
  }

  start(emit: (e: MeterEvent) => void): void {
    const onLink = (s: HaLinkState) => {
      const up = s.state === "up";
      // "connecting" is neither: the link says up or down once it knows.
      if (s.state === "connecting") return;
      emit({
        kind: "link",
        up,
        detail: up ? undefined : `${s.state}${s.detail ? `: ${s.detail}` : ""}`,
      });
    };
    this.unsubscribe.push(
      this.ha.onLinkState(onLink),
      this.ha.watchEntity(this.settings.entity, (s) => {
        if (!s) {
          emit({
            kind: "problem",
            problem: "missing-key",
            message: `${this.settings.entity} does not exist in Home Assistant — set automations.export_limit.meter.entity to your grid power sensor`,
          });
          return;
        }
        const v = parseHaMeter(s, this.settings.invert);
        if (!v) return;
        // HA's own timestamp is the sample's age only when clocks agree; ours is the moment it reached us.
        if (v.ok) emit({ kind: "sample", gridW: v.gridW, atMs: this.clock.now() });
        else emit({ kind: "problem", problem: v.kind, message: v.why });
      }),
    );
    onLink(this.ha.linkState);
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }
}

/** An entity meter without a Home Assistant link: the limiter stays in fallback and says why. */
class NoLinkMeter implements MeterSource {
  readonly kind = "homeassistant";
  readonly link = "Home Assistant";
  readonly description: string;

  constructor(private readonly entity: string) {
    this.description = `Home Assistant entity ${entity}`;
  }

  start(emit: (e: MeterEvent) => void): void {
    emit({
      kind: "link",
      up: false,
      detail: `no Home Assistant link to read ${this.entity} — add homeassistant: url and token to site.yaml`,
    });
  }

  stop(): void {}
}

/** The source site.yaml's meter settings describe (config-resolve checked that exactly one is set). */
export function meterSource(
  m: MeterSettings,
  deps: { mqtt: EntityMqttClient; ha?: HaLinkApi; clock: Clock },
): MeterSource {
  if (m.entity !== undefined) {
    return deps.ha ? new HaMeter(deps.ha, { ...m, entity: m.entity }, deps.clock) : new NoLinkMeter(m.entity);
  }
  if (m.topic === undefined) throw new Error("export_limit.meter: set entity or topic");
  return new MqttMeter(deps.mqtt, { ...m, topic: m.topic }, deps.clock);
}
