/**
 * What differs between the ECU models as seen on port 8899 (ecu-lan-protocol.md §1, §2.4, §2.5), picked
 * from the ECU id's first digits like the integrations do: the 0001 answer group, what the firmware
 * writes in the fields that vary, and how offline inverter records look.
 */
import { ecuModelOf } from "../../protocol/ecu/info.ts";
import type { EcuModel } from "../../protocol/ecu/types.ts";
import type { EcuAnswerGroup } from "./answers.ts";

export interface EcuProfile {
  model: EcuModel;
  /** Group of the 0001 answer: 12 on ECU-R-Pro and ECU-C. */
  infoGroup: EcuAnswerGroup;
  firmware: string;
  /** The timezone text in 0001: Etc/GMT-8 on every ECU-R 2160 / ECU-B, whatever the real zone. */
  reportsRealZone: boolean;
  /** Real "last EMA contact" time (APS12) or the D0 placeholder. */
  emaTime: boolean;
  /** Wi-Fi MAC sent (ECU-R-Pro, ECU-C) or zeros. */
  wifiMac: boolean;
  /** Temperature raw value of offline records: 100 (reads 0 °C) on ECU-R/ECU-B, 0 (reads −100 °C) on ECU-R-Pro/ECU-C. */
  offlineTempRaw: number;
  /** Whether offline inverters keep their last signal level (ECU-R-Pro, P13) or read 0 (ECU-R 2160). */
  keepsOfflineSignal: boolean;
}

const OLD: Omit<EcuProfile, "model" | "firmware"> = {
  infoGroup: "11",
  reportsRealZone: false,
  emaTime: false,
  wifiMac: false,
  offlineTempRaw: 100,
  keepsOfflineSignal: false,
};
const LINUX: Omit<EcuProfile, "model" | "firmware"> = {
  infoGroup: "12",
  reportsRealZone: true,
  emaTime: true,
  wifiMac: true,
  offlineTempRaw: 0,
  keepsOfflineSignal: true,
};

/** Throws a RangeError naming the id when it is not one of the ECUs this emulator plays. */
export function ecuProfile(ecuId: string): EcuProfile {
  if (!/^\d{12}$/.test(ecuId))
    throw new RangeError(`an ECU id is 12 digits (e.g. 216000000001), got '${ecuId}'`);
  const model = ecuModelOf(ecuId);
  switch (model) {
    case "ECU-R":
      return { ...OLD, model, firmware: "ECU_R_1.3.19B" };
    case "ECU-B":
      return { ...OLD, model, firmware: "ECU_B_1.2.33" };
    case "ECU-R-Pro":
      return { ...LINUX, model, firmware: "ECU_R_PRO_2.1.29D" };
    case "ECU-C":
      return { ...LINUX, model, firmware: "ECU-C-Z_C1.2.26" };
    default:
      throw new RangeError(
        `ECU id '${ecuId}' names no ECU model the emulator plays: start it with 2160 (ECU-R), 2162 (ECU-R-Pro), 2163 (ECU-B) or 2150 (ECU-C)`,
      );
  }
}

/** A stable MAC from the ECU id, with the vendor's OUI (80:97:1B Ethernet, 60:C5:A8 Wi-Fi on the captures). */
export function ecuMac(oui: string, ecuId: string): string {
  const tail = ecuId.slice(-6);
  return `${oui}:${tail.slice(0, 2)}:${tail.slice(2, 4)}:${tail.slice(4, 6)}`;
}
