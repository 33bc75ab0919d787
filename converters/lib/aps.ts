/**
 * APsystems modern extends, zhc style: each returns `{fromZigbee, exposes, meta, onEvent, isModernExtend}`
 * pieces that zhc's processExtensions merges. Optional arguments (panels' count) are spread over defaults.
 *
 * There is deliberately no controls extend: max power, on/off and poll need raw APS frames sent to the
 * inverter, which zigbee2mqtt cannot do (exposes.ts READ_ONLY_REASON); localecu's controller drives them.
 */
import type { ModernExtend } from "zigbee-herdsman-converters/lib/types";
import type { ModelName } from "../../src/protocol/models.ts";
import { channelExposes, inverterExposes } from "./exposes.ts";
import { modelInfo } from "./fingerprint.ts";
import { forgetDevice, fzApsReplies } from "./fz.ts";
import { applyCatalogToHaPayload } from "./ha.ts";

export { fingerprintsFor as fingerprint } from "./fingerprint.ts";

/** Decodes the inverter's replies (cluster 0x0106) and fixes Home Assistant discovery names and classes. */
export function telemetry(): ModernExtend {
  return {
    fromZigbee: fzApsReplies,
    meta: { overrideHaDiscoveryPayload: (payload) => applyCatalogToHaPayload(payload) },
    onEvent: [
      (event) => {
        // Removed, left or zigbee2mqtt stopping: drop the memory; a restart re-seeds from the state cache.
        if (event.type === "stop") forgetDevice(event.data.ieeeAddr);
      },
    ],
    isModernExtend: true,
  };
}

/** Inverter-level sensors: AC power, voltage, frequency, temperature, energies, status, faults. */
export function acOutput(args: { model: ModelName }): ModernExtend {
  return { exposes: inverterExposes(modelInfo(args.model)), isModernExtend: true };
}

/** Per-panel sensors on endpoints ch1…chN (channel 1 = input A); count defaults to the model's inputs. */
export function panels(args: { model: ModelName; count?: number }): ModernExtend {
  const model = modelInfo(args.model);
  const { count } = { count: model.channels, ...args };
  return { exposes: channelExposes(model, count), isModernExtend: true };
}

/**
 * The model's description from models.ts, marked read-only. Short on purpose: zigbee2mqtt shows it as the
 * device's model in Home Assistant; the reason (READ_ONLY_REASON) is in docs/zigbee2mqtt.md and the log.
 */
export function description(model: ModelName): string {
  return `${modelInfo(model).description}, read-only in zigbee2mqtt`;
}
