/**
 * The controller's typed event bus (zigbee2mqtt's eventBus pattern): modules subscribe with themselves as the
 * owner key and drop everything with removeListeners(this) in stop(). A throwing handler is logged as
 * '<Owner>/<event>' and never reaches the emitter or the process.
 */

import type { FaultChanges } from "../automations/faults/types.ts";
import type {
  InverterSnapshot,
  LimiterSnapshot,
  ScheduleSnapshot,
  SiteSnapshot,
} from "../entities/snapshot.ts";
import type { HaLinkState } from "../ha/types.ts";
import type { ProtectionReading } from "../protocol/protection/types.ts";
import type { Telemetry } from "../protocol/types.ts";
import type { RadioCommand } from "../radio/events.ts";

export interface BusEvents {
  /** A decoded telemetry reply, before accounting. */
  inverterReported: { serial: string; telemetry: Telemetry; atMs: number; linkQuality?: number };
  /** An inverter's grid-protection pages were read (once after start or pairing; read only). */
  protectionRead: { reading: ProtectionReading; atMs: number };
  /** The accounted state of one inverter changed (reading, status, control). */
  inverterSnapshot: { snapshot: InverterSnapshot };
  siteSnapshot: { snapshot: SiteSnapshot };
  /**
   * A poll got no telemetry: delivered but not answered, not delivered (no route), or answered AES-scrambled
   * (`encrypted`). Link failures of the stick itself are not polls that missed.
   */
  pollMissed: { serial: string; atMs: number; outcome: "no-reply" | "no-route" | "encrypted" };
  /** The stick rebooted by itself (outside our own bring-up). */
  stickReset: { atMs: number; detail: string };
  /** The energy store failed a write (`ok: false`), or wrote again after failing (`ok: true`). */
  storeWrite: { ok: boolean; atMs: number; detail?: string };
  linkState: { state: "connecting" | "up" | "down"; detail?: string };
  /** The Home Assistant websocket link changed state (only when the controller has one). */
  haLink: HaLinkState;
  /** `request`: what was asked (on/off, the limit in the model's unit), so automations know a commanded state. */
  commandResult: { serial: string; command: string; ok: boolean; detail: string; request?: RadioCommand };
  /** The controller's MQTT connection (the embedded or external broker) came up or was lost. */
  mqttLink: { up: boolean; detail?: string };
  /** The export limiter's state as the site device shows it (only when site.yaml has export_limit). */
  limiterState: { snapshot: LimiterSnapshot };
  /** The schedule's state as the site device shows it (only when site.yaml has automations.schedule). */
  scheduleState: { snapshot: ScheduleSnapshot };
  /**
   * The fault diagnosis opened, cleared or repeated findings (only when automations.faults is enabled):
   * the entities, the MQTT event topic, the notifications and the log all follow this one event.
   */
  faultFindings: { changes: FaultChanges; atMs: number };
}

export type BusEvent = keyof BusEvents;
type Handler<E extends BusEvent> = (payload: BusEvents[E]) => void | Promise<void>;

export interface BusLogger {
  error(obj: object, msg: string): void;
}

export class EventBus {
  private readonly listeners = new Map<BusEvent, { owner: object; handler: Handler<BusEvent> }[]>();

  constructor(private readonly log: BusLogger = { error: () => {} }) {}

  on<E extends BusEvent>(event: E, owner: object, handler: Handler<E>): void {
    const list = this.listeners.get(event) ?? [];
    list.push({ owner, handler: handler as Handler<BusEvent> });
    this.listeners.set(event, list);
  }

  emit<E extends BusEvent>(event: E, payload: BusEvents[E]): void {
    for (const { owner, handler } of [...(this.listeners.get(event) ?? [])]) {
      const where = `${owner.constructor.name}/${event}`;
      try {
        const r = handler(payload);
        if (r instanceof Promise) r.catch((err: unknown) => this.log.error({ err }, where));
      } catch (err) {
        this.log.error({ err }, where);
      }
    }
  }

  removeListeners(owner: object): void {
    for (const [event, list] of this.listeners) {
      this.listeners.set(
        event,
        list.filter((l) => l.owner !== owner),
      );
    }
  }

  listenerCount(event: BusEvent): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}
