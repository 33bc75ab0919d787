/**
 * `localecu limiter`: the controller's export limiter core (src/automations/export-limit/core.ts, the
 * same code, bundled) in a flow. Grid power messages in; per-inverter `max_power` commands out of output 1
 * (wire them to a `localecu control` node, and its output back in, so the core learns each write's
 * outcome); the limiter's state and reason out of output 2 whenever they change.
 */
import { ExportLimiter } from "../automations/export-limit/core.ts";
import { toUnitW } from "../automations/export-limit/inverters.ts";
import type { LimiterDecision, LimiterSettings } from "../automations/export-limit/types.ts";
import { type Edge, type LimiterInverterConfig, limiterEdges, limiterInputs } from "./limiter-inputs.ts";
import type { Node, NodeMessage, Red } from "./red.ts";
import { errorStatus, valueStatus } from "./status.ts";

export interface LimiterNodeConfig {
  id: string;
  inverters?: LimiterInverterConfig[] | string;
  targetW?: number | string;
  hysteresisW?: number | string;
  intervalS?: number | string;
  meterTimeoutS?: number | string;
  fallback?: string;
  maxWritesPerHour?: number | string;
  mode?: string;
  /** Meters that count export as positive. */
  invert?: boolean;
  /** Seconds between the node's own ticks (a silent meter is only noticed on a tick); 0 = none. */
  tickS?: number | string;
}

/** The editor's fields → the core's settings, or what is wrong. */
export function limiterSettings(c: LimiterNodeConfig): LimiterSettings | string {
  const n = (v: unknown, what: string, min: number) => {
    const x = Number(v);
    return Number.isFinite(x) && x >= min ? x : `${what} must be a number ≥ ${min}, got '${v}'`;
  };
  const targetW = n(c.targetW ?? 0, "allowed export (W)", 0);
  const hysteresisW = n(c.hysteresisW ?? 50, "dead band (W)", 0);
  const intervalS = n(c.intervalS ?? 10, "raise interval (s)", 1);
  const meterTimeoutS = n(c.meterTimeoutS ?? 60, "meter timeout (s)", 5);
  const maxWritesPerHour = n(c.maxWritesPerHour ?? 12, "writes per hour", 1);
  for (const v of [targetW, hysteresisW, intervalS, meterTimeoutS, maxWritesPerHour])
    if (typeof v === "string") return v;
  const fallback = c.fallback ?? "hold";
  if (fallback !== "hold" && fallback !== "full" && fallback !== "min")
    return `fallback must be hold, full or min, got '${fallback}'`;
  const mode = c.mode ?? "export_limit";
  if (mode !== "export_limit" && mode !== "zero_export" && mode !== "monitor")
    return `mode must be export_limit, zero_export or monitor, got '${mode}'`;
  return {
    targetW: targetW as number,
    hysteresisW: hysteresisW as number,
    intervalS: intervalS as number,
    meterTimeoutS: meterTimeoutS as number,
    maxWritesPerHour: Math.floor(maxWritesPerHour as number),
    fallback,
    mode,
    enabled: true,
  };
}

export default function register(RED: Red): void {
  function LocalecuLimiter(this: Node, config: LimiterNodeConfig) {
    RED.nodes.createNode(this, config);
    const fail = (why: string) => {
      this.status(errorStatus(why));
      this.error(why);
    };
    let list: LimiterInverterConfig[];
    try {
      list = typeof config.inverters === "string" ? JSON.parse(config.inverters) : (config.inverters ?? []);
    } catch {
      return fail('inverters: not a JSON list — e.g. [{"device": "roof-east", "model": "QS1"}]');
    }
    const edges = limiterEdges(list);
    if (typeof edges === "string") return fail(edges);
    const settings = limiterSettings(config);
    if (typeof settings === "string") return fail(settings);
    let core: ExportLimiter;
    try {
      core = new ExportLimiter(edges, settings);
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
    const byDevice = new Map<string, Edge>(edges.map((e) => [e.serial, e]));
    let lastAtMs = Number.NEGATIVE_INFINITY;
    /** Told by the flow (msg.topic "daylight", e.g. from a sun node); the core idles at night. */
    let daylight = true;
    this.status({ fill: "grey", shape: "ring", text: "waiting for the grid meter" });

    const emit = (d: LimiterDecision, send: (m: (NodeMessage | null)[]) => void) => {
      const writes: NodeMessage[] = d.writes.map((w) => {
        const e = byDevice.get(w.serial)!;
        // A per-panel model gets the whole-inverter limit split over its panels (the core keeps multiples).
        return {
          topic: w.serial,
          device: w.serial,
          payload: { max_power: toUnitW(e, w.limitW) },
          limit_w: w.limitW,
        };
      });
      const state: NodeMessage | null =
        d.changed || d.writes.length > 0
          ? {
              topic: "export_limit",
              payload: {
                state: d.state,
                reason: d.reason,
                total_limit_w: d.totalLimitW ?? null,
                estimated_output_w: d.estimatedOutputW,
                writes: d.writes,
              },
            }
          : null;
      if (writes.length > 0 || state) send([writes.length > 0 ? (writes as never) : null, state]);
      this.status(
        d.state === "alarm" || d.state === "fallback"
          ? valueStatus(`${d.state}: ${d.reason}`.slice(0, 50), "red")
          : valueStatus(`${d.state}${d.totalLimitW !== undefined ? ` · Σ ${d.totalLimitW} W` : ""}`),
      );
    };

    this.on("input", (msg, send, done) => {
      // msg.atMs lets a flow replay recorded samples; otherwise now. The core's clock never runs back.
      const atMs = Math.max(typeof msg.atMs === "number" ? msg.atMs : Date.now(), lastAtMs);
      if (msg.topic === "daylight") {
        if (typeof msg.payload !== "boolean") {
          const why = `daylight: msg.payload must be true (day) or false (night), got ${JSON.stringify(msg.payload)}`;
          this.status(errorStatus(why));
          return done(why);
        }
        daylight = msg.payload;
      }
      const inputs =
        msg.topic === "daylight"
          ? [{ kind: "tick" as const, atMs, daylight }]
          : limiterInputs(msg, byDevice, atMs, config.invert === true);
      if (typeof inputs === "string") {
        this.status(errorStatus(inputs));
        return done(inputs);
      }
      lastAtMs = atMs;
      for (const input of inputs) emit(core.update(input), send as never);
      done();
    });

    const tickS = Number(config.tickS ?? 10);
    const timer =
      Number.isFinite(tickS) && tickS > 0
        ? setInterval(() => {
            lastAtMs = Math.max(Date.now(), lastAtMs);
            emit(core.update({ kind: "tick", atMs: lastAtMs, daylight }), (m) => this.send(m));
          }, tickS * 1000)
        : undefined;
    this.on("close", (_removed, done) => {
      if (timer) clearInterval(timer);
      done();
    });
  }
  RED.nodes.registerType("localecu-limiter", LocalecuLimiter as never);
}
