/**
 * localecu's controller hosts the same device definitions zigbee2mqtt would: a reply from the stick (the APS
 * payload of an AF_INCOMING_MSG on cluster 0x0106) becomes a zhc-shaped `raw` message and goes through every
 * matching fromZigbee converter — the selection zigbee2mqtt's receive extension makes (cluster + type).
 * Definitions may be raw (with `extend`) or prepared by zhc; no zhc runtime call is needed here.
 */
import type {
  Definition,
  DefinitionWithExtend,
  Fz,
  KeyValue,
  Zh,
} from "zigbee-herdsman-converters/lib/types";
import { APS_ENDPOINT, CLUSTER_REPLY } from "../src/protocol/aps-link.ts";
import type { ConverterLogger, HostContext, HostMeta } from "./lib/fz.ts";

export type { ConverterLogger, HostContext } from "./lib/fz.ts";

export interface RunOptions {
  /** Reading time (the controller's clock, which the demo accelerates); default Date.now(). */
  atMs?: number;
  timeZone?: string;
  /** Site energy_calibration. */
  calibration?: number;
  /** Link quality of the AF_INCOMING_MSG. */
  linkquality?: number;
  logger?: ConverterLogger;
  /** Receives values a converter publishes later; silence timers only run when this is given. */
  publish?: (values: KeyValue) => void;
  /** With `publish`: silence before "sleeping" is published (default: the converter's own). */
  sleepAfterMs?: number;
}

type AnyDefinition = Definition | DefinitionWithExtend;
type AnyFz = Fz.Converter<string | number>;

/** fromZigbee converters of a definition, including those its modern extends bring. */
export function fromZigbeeOf(definition: AnyDefinition): AnyFz[] {
  const own = (definition.fromZigbee ?? []) as AnyFz[];
  const extended =
    "extend" in definition ? definition.extend.flatMap((e) => (e.fromZigbee ?? []) as AnyFz[]) : [];
  return [...own, ...extended];
}

function matches(c: AnyFz, cluster: number, type: string): boolean {
  const types: readonly string[] = typeof c.type === "string" ? [c.type] : (c.type as readonly string[]);
  return c.cluster === cluster && types.includes(type);
}

/** Runs an inverter reply through the definition; resolves to the merged state update (may be empty). */
export async function runFromZigbee(
  definition: AnyDefinition,
  payload: Uint8Array,
  device: { ieeeAddr: string },
  state: Record<string, unknown> = {},
  opts: RunOptions = {},
): Promise<Record<string, unknown>> {
  const data = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const zhDevice = device as unknown as Zh.Device;
  const msg = {
    type: "raw",
    cluster: CLUSTER_REPLY,
    data,
    meta: { rawData: data },
    device: zhDevice,
    endpoint: { ID: APS_ENDPOINT, deviceIeeeAddress: device.ieeeAddr } as unknown as Zh.Endpoint,
    groupID: 0,
    linkquality: opts.linkquality ?? 0,
  };
  const localecu: HostContext = {
    atMs: opts.atMs,
    timeZone: opts.timeZone,
    calibration: opts.calibration,
    logger: opts.logger,
    sleepAfterMs: opts.publish ? opts.sleepAfterMs : 0,
  };
  const meta: HostMeta = { state, device: zhDevice, deviceExposesChanged: () => {}, localecu };
  const publish = opts.publish ?? (() => {});
  const out: Record<string, unknown> = {};
  for (const c of fromZigbeeOf(definition)) {
    if (!matches(c, msg.cluster, msg.type)) continue;
    const converted = await c.convert(definition as Definition, msg as never, publish, {}, meta);
    if (converted) Object.assign(out, converted);
  }
  return out;
}
