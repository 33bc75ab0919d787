/**
 * `<base>/bridge/devices` in zigbee2mqtt's shape (retained JSON array), so z2m-aware tools (frontends,
 * Node-RED z2m nodes, MQTT Explorer users who know z2m) find the inverters where they expect them.
 * Field names follow zigbee2mqtt 2.x: ieee_address, type, network_address, supported, friendly_name,
 * disabled, description, definition {model, vendor, description, exposes, options}, power_source,
 * model_id, manufacturer, interview_state, endpoints.
 */
import { hostExposes } from "../../converters/lib/exposes.ts";
import { inverterIeee } from "../protocol/ids.ts";
import type { ModelInfo } from "../protocol/models.ts";
import type { InverterSnapshot } from "./snapshot.ts";
import { topicName } from "./topics.ts";

/** The APsystems application endpoint (DESIGN.md §2: AF_REGISTER endpoint 0x14). */
const APS_ENDPOINT = 0x14;
/** The APsystems profile's telemetry cluster (DESIGN.md §2: replies arrive on cluster 0x0106). */
const TELEMETRY_CLUSTER = 0x0106;

/** An expose as zigbee2mqtt serialises zhc's expose objects into bridge/devices. */
export interface ExposeJson {
  type: string;
  name?: string;
  label?: string;
  property?: string;
  access?: number;
  endpoint?: string;
  features?: ExposeJson[];
  [field: string]: unknown;
}

const exposesByModel = new Map<string, ExposeJson[]>();

/** The one catalog → exposes mapping (converters/lib/exposes.ts), with the controls, as plain JSON. */
export function exposesJson(model: ModelInfo): ExposeJson[] {
  let out = exposesByModel.get(model.model);
  if (!out) {
    out = JSON.parse(JSON.stringify(hostExposes(model))) as ExposeJson[];
    exposesByModel.set(model.model, out);
  }
  return out;
}

export interface BridgeDevice {
  ieee_address: string;
  type: "Coordinator" | "Router" | "EndDevice";
  network_address: number | null;
  supported: boolean;
  friendly_name: string;
  disabled: boolean;
  description?: string;
  definition: {
    model: string;
    vendor: string;
    description: string;
    exposes: ExposeJson[];
    options: [];
  } | null;
  power_source?: string;
  model_id?: string;
  manufacturer?: string;
  software_build_id?: string;
  interview_state: "SUCCESSFUL" | "PENDING";
  endpoints: Record<
    string,
    { bindings: []; configured_reportings: []; clusters: { input: string[]; output: string[] } }
  >;
}

function endpoints(): BridgeDevice["endpoints"] {
  return {
    [String(APS_ENDPOINT)]: {
      bindings: [],
      configured_reportings: [],
      clusters: { input: [], output: [String(TELEMETRY_CLUSTER)] },
    },
  };
}

export function bridgeDevice(s: InverterSnapshot): BridgeDevice {
  const device: BridgeDevice = {
    ieee_address: inverterIeee(s.serial),
    // Router: polls may come back with a source-route indication (45 C4, DESIGN.md §2), i.e. multi-hop
    // through other inverters; inferred, not confirmed.
    type: "Router",
    network_address: s.shortAddress ?? null,
    // Supported = we decode its telemetry (YC1000 replies are not decoded yet).
    supported: s.model.telemetryCmd !== undefined,
    friendly_name: topicName(s.name, s.serial),
    disabled: false,
    description: `APsystems ${s.model.model} ${s.serial}`,
    definition: {
      model: s.model.model,
      vendor: "APsystems",
      description: s.model.description,
      exposes: exposesJson(s.model),
      options: [],
    },
    // Powered by its panels, silent at night.
    power_source: "DC Source",
    model_id: s.model.model,
    manufacturer: "APsystems",
    interview_state: s.status === "unpaired" ? "PENDING" : "SUCCESSFUL",
    endpoints: endpoints(),
  };
  if (s.firmware) device.software_build_id = s.firmware;
  return device;
}

/** What bridgeDevice() reads from a snapshot: when this is unchanged, so is the inverter's entry. */
export function bridgeDeviceKey(s: InverterSnapshot): string {
  return JSON.stringify([
    s.serial,
    s.name,
    s.model.model,
    s.shortAddress,
    s.status === "unpaired",
    s.firmware,
  ]);
}

/** The whole retained array: the coordinator (when its IEEE is known) first, like zigbee2mqtt. */
export function bridgeDevices(
  inverters: readonly InverterSnapshot[],
  coordinatorIeee?: string,
): BridgeDevice[] {
  const out: BridgeDevice[] = [];
  if (coordinatorIeee) {
    out.push({
      ieee_address: coordinatorIeee,
      type: "Coordinator",
      network_address: 0,
      supported: true,
      friendly_name: "Coordinator",
      disabled: false,
      definition: null,
      interview_state: "SUCCESSFUL",
      endpoints: endpoints(),
    });
  }
  for (const s of inverters) out.push(bridgeDevice(s));
  return out;
}
