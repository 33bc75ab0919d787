/**
 * localecu's controller hosts the same device definitions zigbee2mqtt loads (DESIGN.md §1): each definition is
 * prepared by zigbee-herdsman-converters itself (`prepareDefinition`, what zigbee2mqtt's addExternalDefinition
 * does), and every inverter reply goes through the fromZigbee converters that match its cluster and type —
 * the selection zigbee2mqtt's receive extension makes.
 *
 * What differs from zigbee2mqtt is only what the host hands in (`meta.localecu`): the reply the radio already
 * decoded (no second decode), the energy store's booking (no second accounting) and the site's time zone
 * and calibration. The definition is picked by model — site.yaml's `model` when given — not by fingerprint,
 * so an inverter whose serial prefix is unknown still gets its definition.
 */
import { prepareDefinition } from "zigbee-herdsman-converters";
import type { Definition, DefinitionWithExtend, Fz, Zh } from "zigbee-herdsman-converters/lib/types";
import { APS_ENDPOINT, CLUSTER_REPLY } from "../src/protocol/aps-link.ts";
import { inverterIeee } from "../src/protocol/ids.ts";
import type { ModelInfo } from "../src/protocol/models.ts";
import type { Reply } from "../src/protocol/types.ts";
import { definitions as apsystems } from "./apsystems.ts";
import type { Accountant, DecodeResult } from "./lib/decode.ts";
import type { ConverterLogger, HostContext, HostMeta } from "./lib/fz.ts";

export type { ConverterLogger, HostContext } from "./lib/fz.ts";

/** One reply as the radio delivered it: the untouched APS payload and what the radio decoded from it. */
export interface HostedReading {
  payload: Uint8Array;
  reply: Reply;
  linkQuality: number;
  atMs: number;
}

export interface HostOptions {
  timeZone: string;
  /** Site energy_calibration. */
  calibration?: number;
  logger?: ConverterLogger;
  /** The definitions to host; default: converters/apsystems.ts. */
  definitions?: readonly DefinitionWithExtend[];
}

type AnyDefinition = Definition | DefinitionWithExtend;
type AnyFz = Fz.Converter<string | number>;

export interface RunOptions extends Omit<HostContext, "onResult"> {
  /** Link quality of the AF_INCOMING_MSG. */
  linkquality?: number;
  /** Receives values a converter publishes later; silence timers only run when this is given. */
  publish?: (values: Record<string, unknown>) => void;
  /** Receives the converter's whole result besides the state it returns. */
  onResult?: (result: DecodeResult) => void;
}

export class ConverterHost {
  private readonly byModel = new Map<string, Definition>();

  constructor(private readonly o: HostOptions) {
    for (const d of o.definitions ?? apsystems) this.byModel.set(d.model, prepareDefinition(d));
  }

  /** The prepared definition for a model, or undefined when none exists (YC1000: telemetry not decoded). */
  definitionFor(model: ModelInfo): Definition | undefined {
    return this.byModel.get(model.model);
  }

  /**
   * Runs one reply through the definition's matching fromZigbee converters, booking telemetry with
   * `account`. Returns the converter's result, or undefined when no converter took the reply (no definition
   * for the model, or it was not decodable — the converter logged why).
   */
  receive(
    device: { serial: string; model: ModelInfo },
    reading: HostedReading,
    account: Accountant,
  ): DecodeResult | undefined {
    const definition = this.definitionFor(device.model);
    if (!definition) return undefined;
    let result: DecodeResult | undefined;
    runFromZigbee(
      definition,
      reading.payload,
      { ieeeAddr: inverterIeee(device.serial) },
      {},
      {
        atMs: reading.atMs,
        timeZone: this.o.timeZone,
        calibration: this.o.calibration,
        logger: this.o.logger,
        linkquality: reading.linkQuality,
        reply: reading.reply,
        account,
        onResult: (r) => {
          result = r;
        },
      },
    );
    return result;
  }
}

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

/**
 * Runs an inverter reply through the definition as zigbee-herdsman delivers a payload that does not parse as
 * ZCL (type raw, numeric cluster); returns the merged state update (may be empty). Synchronous: our
 * converters are, and a host that publishes state must not reorder replies.
 */
export function runFromZigbee(
  definition: AnyDefinition,
  payload: Uint8Array,
  device: { ieeeAddr: string },
  state: Record<string, unknown> = {},
  opts: RunOptions = {},
): Record<string, unknown> {
  const data = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const zhDevice = { ieeeAddr: device.ieeeAddr, modelID: undefined, type: "Router" } as unknown as Zh.Device;
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
  const { publish, linkquality: _lq, ...host } = opts;
  const localecu: HostContext = { ...host, sleepAfterMs: publish ? opts.sleepAfterMs : 0 };
  const meta: HostMeta = { state, device: zhDevice, deviceExposesChanged: () => {}, localecu };
  const out: Record<string, unknown> = {};
  for (const c of fromZigbeeOf(definition)) {
    if (!matches(c, msg.cluster, msg.type)) continue;
    const converted = c.convert(definition as Definition, msg as never, publish ?? (() => {}), {}, meta);
    if (converted instanceof Promise) {
      throw new Error(
        `converter for cluster ${String(c.cluster)} is asynchronous; this host runs only synchronous ones`,
      );
    }
    if (converted) Object.assign(out, converted);
  }
  return out;
}
