/**
 * The inverters a controller announces on `<base>/bridge/devices` (zigbee2mqtt's shape, see
 * src/entities/bridge.ts), reduced to what the editor's list and the command checks need.
 */
import type { BridgeDevice } from "../entities/bridge.ts";
import { type ModelInfo, modelByName } from "../protocol/models.ts";

export interface AnnouncedDevice {
  /** The topic name (`friendly_name`): `<base>/<name>` holds its state. */
  name: string;
  /** QS1, QS1A, YC600, YC1000, DS3 (undefined when the controller does not know it). */
  model: string | undefined;
  serial: string | undefined;
  /** Panel inputs. */
  channels: number;
}

/** bridge/devices' JSON → the inverters (the coordinator entry is not one); garbage → []. */
export function announcedDevices(text: string): AnnouncedDevice[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  const out: AnnouncedDevice[] = [];
  for (const d of list as Partial<BridgeDevice>[]) {
    if (!d || typeof d.friendly_name !== "string" || d.type === "Coordinator") continue;
    const model = d.definition?.model ?? d.model_id;
    const info = model ? modelByName(model) : undefined;
    // bridge.ts writes "APsystems <model> <serial>"; the serial is the 12 digits on the label.
    const serial = /\b(\d{12})\b/.exec(d.description ?? "")?.[1];
    out.push({ name: d.friendly_name, model, serial, channels: info?.channels ?? 0 });
  }
  return out;
}

export function deviceModel(d: AnnouncedDevice | undefined): ModelInfo | undefined {
  return d?.model ? modelByName(d.model) : undefined;
}
