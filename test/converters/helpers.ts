/** Shared by the converter tests: capture → APS payload with the codec, zhc-shaped devices and messages. */
import { Zcl } from "zigbee-herdsman";
import type { Definition, Fz, KeyValue, Logger, Zh } from "zigbee-herdsman-converters/lib/types";
import { CLUSTER_REPLY } from "../../src/protocol/aps-link.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { is, parseAfIncomingMsg } from "../../src/protocol/znp/commands.ts";
import { parseZnpDump } from "../../src/protocol/znp/parser.ts";

/** The APS payload (serial + L2) of a capture: the AF_INCOMING_MSG on cluster 0x0106, or the bytes as given. */
export function replyPayload(c: { kind: string; hex: string }): { payload: Buffer; linkQuality?: number } {
  const bytes = fromHex(c.hex);
  if (c.kind === "af-payload") return { payload: Buffer.from(bytes) };
  const msgs = parseZnpDump(bytes)
    .frames.filter((f) => is(f, "AF_INCOMING_MSG"))
    .map(parseAfIncomingMsg)
    .filter((m) => m.cluster === CLUSTER_REPLY);
  if (msgs.length !== 1) throw new Error(`expected one reply in the capture, found ${msgs.length}`);
  return { payload: Buffer.from(msgs[0]!.data), linkQuality: msgs[0]!.linkQuality };
}

/** What zhc's findDefinition reads of a device: an interview never happened, so no modelID. */
export function fakeDevice(ieeeAddr: string, extra: Record<string, unknown> = {}): Zh.Device {
  return { ieeeAddr, type: "Router", modelID: undefined, endpoints: [], ...extra } as unknown as Zh.Device;
}

/** The message type zigbee-herdsman gives each ZCL global command it emits (Controller.onZclPayload). */
const HERDSMAN_TYPES: Record<string, string> = {
  report: "attributeReport",
  read: "read",
  write: "write",
  readRsp: "readResponse",
};

/**
 * The message zigbee-herdsman's Controller emits for a payload on cluster 0x0106, by its own ZCL parser: when
 * the payload parses as ZCL, the cluster is the unknown cluster's NAME (the string "262") and the type is the
 * global command's; when it does not, type "raw" with the NUMERIC cluster. Either way meta.rawData is the
 * payload. The real zigbee2mqtt test (test/z2m) runs the whole path; this is for converter unit tests.
 */
export function herdsmanMessage(device: Zh.Device, payload: Buffer) {
  let frame: Zcl.Frame | undefined;
  try {
    frame = Zcl.Frame.fromBuffer(CLUSTER_REPLY, Zcl.Header.fromBuffer(payload), payload, {});
  } catch {
    frame = undefined; // herdsman logs "Failed to parse frame" and delivers it raw
  }
  const common = {
    meta: { rawData: payload },
    device,
    endpoint: { ID: 0x14 } as unknown as Zh.Endpoint,
    groupID: 0,
    linkquality: 80,
  };
  if (!frame)
    return { ...common, type: "raw", cluster: CLUSTER_REPLY as string | number, data: payload as unknown };
  const type = HERDSMAN_TYPES[frame.command.name];
  if (!type) throw new Error(`zigbee-herdsman emits no message for a ZCL ${frame.command.name} frame`);
  return { ...common, type, cluster: frame.cluster.name as string | number, data: frame.payload as unknown };
}

/**
 * zigbee2mqtt's receive extension: the converters whose cluster and type match, merged; the state cache is
 * updated like publishEntityState does.
 */
export async function z2mReceive(
  definition: Definition,
  msg: ReturnType<typeof herdsmanMessage>,
  state: KeyValue,
  publish: (p: KeyValue) => void = () => {},
): Promise<KeyValue> {
  const converters = definition.fromZigbee.filter(
    (c) =>
      c.cluster === msg.cluster && (Array.isArray(c.type) ? c.type.includes(msg.type) : c.type === msg.type),
  );
  const payload: KeyValue = {};
  for (const c of converters as Fz.Converter<string | number>[]) {
    const meta = { state, device: msg.device, deviceExposesChanged: () => {} };
    const out = await c.convert(definition, msg as never, publish, {}, meta);
    if (out) Object.assign(payload, out);
  }
  Object.assign(state, payload);
  return payload;
}

export interface CapturedLog {
  logger: Logger;
  lines: { level: string; message: string; namespace: string }[];
}

export function captureLogger(): CapturedLog {
  const lines: CapturedLog["lines"] = [];
  const at =
    (level: string) =>
    (m: string | (() => string), namespace: string): void => {
      lines.push({ level, message: typeof m === "function" ? m() : m, namespace });
    };
  return {
    lines,
    logger: { debug: at("debug"), info: at("info"), warning: at("warning"), error: at("error") },
  };
}
