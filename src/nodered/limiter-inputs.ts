/**
 * What the `localecu limiter` node hears → the export limiter core's inputs (src/automations/export-limit/
 * types.ts), and the core's whole-inverter writes → `max_power` commands in each model's own unit.
 * QS1 and YC600 take a limit per panel, DS3 per inverter (src/protocol/models.ts); the core only sees
 * whole-inverter watts.
 */
import { type LimitedInverter, limiterInverters, toWholeW } from "../automations/export-limit/inverters.ts";
import { MAX_PLAUSIBLE_W } from "../automations/export-limit/meter-payload.ts";
import type { LimiterInput, LimiterSettings } from "../automations/export-limit/types.ts";
import { modelByName } from "../protocol/models.ts";
import type { NodeMessage } from "./red.ts";

export interface LimiterInverterConfig {
  /** The inverter's topic name (what `localecu in` and `localecu control` call it). */
  device: string;
  model: string;
  priority?: number | string;
}

/** An inverter as the core sees it, with its limit unit (the export-limit module's own edge). */
export type Edge = LimitedInverter;

/** The configured inverters → the core's list (keyed by device name), or the first problem. */
export function limiterEdges(list: readonly LimiterInverterConfig[]): Edge[] | string {
  if (!Array.isArray(list) || list.length === 0)
    return "no inverters — add each inverter the limiter may command (its name and model)";
  const out: Edge[] = [];
  for (const [i, c] of list.entries()) {
    const device = String(c?.device ?? "").trim();
    if (device === "") return `inverter ${i + 1}: no name — use its name as the controller publishes it`;
    const p = Number(c.priority ?? 0);
    const priority = Number.isFinite(p) && p !== 0 ? { [device]: p } : undefined;
    const [e] = limiterInverters([{ serial: device, model: modelByName(String(c.model ?? "")) }], {
      priority,
    });
    if (!e) return `inverter ${device}: model '${c.model}' cannot be limited — use QS1, QS1A, YC600 or DS3`;
    out.push(e);
  }
  return out;
}

/** A plain decimal, as a meter writes it: Number() alone would also read "0x10" as 16. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

const num = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v)
    ? v
    : typeof v === "string" && DECIMAL.test(v) && Number.isFinite(Number(v))
      ? Number(v)
      : undefined;

/**
 * One message → the core's inputs (none when it is not for the limiter):
 *  - a number (or {grid_w} or {power}, the demo's and many meters' JSON): a grid meter sample, positive = import (`invert` for meters
 *    that count export as positive);
 *  - a `localecu in` reading of a listed inverter: its AC output and, when present, its limit read back;
 *  - a `localecu control` result for max_power: the outcome of a write;
 *  - msg.topic "settings" with {enabled, targetW, mode}.
 */
export function limiterInputs(
  msg: NodeMessage,
  edges: ReadonlyMap<string, Edge>,
  atMs: number,
  invert: boolean,
): LimiterInput[] | string {
  const p = msg.payload;
  if (msg.topic === "settings") {
    if (typeof p !== "object" || p === null)
      return 'settings: msg.payload must be an object like {"targetW": 0}';
    const s = p as Record<string, unknown>;
    const changes: Partial<Pick<LimiterSettings, "enabled" | "targetW" | "mode">> = {};
    if (typeof s.enabled === "boolean") changes.enabled = s.enabled;
    if (num(s.targetW) !== undefined) changes.targetW = num(s.targetW)!;
    if (s.mode === "export_limit" || s.mode === "zero_export" || s.mode === "monitor") changes.mode = s.mode;
    if (Object.keys(changes).length === 0)
      return 'settings: nothing to change — send {"enabled": false}, {"targetW": 300} or {"mode": "zero_export"}';
    return [{ kind: "settings", atMs, changes }];
  }
  const device = typeof msg.device === "string" ? msg.device : undefined;
  if (device !== undefined && typeof p === "object" && p !== null) {
    const edge = edges.get(device);
    const o = p as Record<string, unknown>;
    // The control node's answer: {ok, command: {kind: "max_power", watts}, ...}.
    const cmd = o.command as { kind?: string; watts?: number } | undefined;
    if (typeof o.ok === "boolean" && cmd?.kind === "max_power" && typeof cmd.watts === "number") {
      if (!edge) return [];
      const r: LimiterInput = {
        kind: "write-result",
        atMs,
        serial: device,
        limitW: cmd.watts * edge.units,
        ok: o.ok,
      };
      if (!o.ok && typeof o.error === "string") r.detail = o.error;
      return [r];
    }
    // Readings of other devices (the site's output, a panel) are not the grid: ignored, never a meter.
    if (msg.kind === "reading") {
      if (!edge || msg.input !== undefined) return [];
      const out: LimiterInput[] = [];
      const power = num(o.power_w);
      if (power !== undefined) out.push({ kind: "reading", atMs, serial: device, acPowerW: power });
      const limit = num(o.max_power_w);
      if (limit !== undefined)
        out.push({ kind: "limit", atMs, serial: device, limitW: toWholeW(edge, limit) });
      return out;
    }
  }
  const grid =
    num(p) ??
    (typeof p === "object" && p !== null
      ? (num((p as Record<string, unknown>).grid_w) ?? num((p as Record<string, unknown>).power))
      : undefined);
  if (grid === undefined)
    return `msg.payload ${JSON.stringify(p)?.slice(0, 40)} is not a grid power — send watts as a number (positive = import)`;
  if (Math.abs(grid) > MAX_PLAUSIBLE_W)
    return `msg.payload ${grid} W is more than any grid connection carries (over ${MAX_PLAUSIBLE_W / 1e6} MW), ignored — a corrupted reading or a wrong unit: send watts (positive = import)`;
  return [{ kind: "meter", atMs, gridW: invert ? -grid : grid }];
}
