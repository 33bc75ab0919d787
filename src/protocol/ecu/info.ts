/**
 * 0001 — ECU information (ecu-lan-protocol.md §2.4). Layout code `01`, offsets from the A of APS:
 *
 *   13 ECU id (12 ASCII)  25 layout code "01"  27 lifetime u32 (0.1 kWh)  31 power u32 (W)
 *   35 today u32 (0.01 kWh)  39 last EMA contact, 7 BCD  46 registered u16  48 online u16
 *   50 ZigBee channel (2 ASCII)  52 firmware length V (3 ASCII)  55 firmware  55+V timezone length T
 *   58+V timezone  58+V+T Ethernet MAC (6)  64+V+T Wi-Fi MAC (6)  [APS12: 12 more bytes]  END LF
 *
 * Worked example (P2, ECU-R 216000120830, ksheumaker#185): lifetime 00 00 AA 3D = 43581 → 4358.1 kWh;
 * power 00 00 02 8E = 654 W; today 00 00 00 11 = 17 → 0.17 kWh; last EMA D0 D0 … (placeholder);
 * 00 06 / 00 06 inverters; "10"; "012" "ECU_R_1.3.6C"; "009" "Etc/GMT-8"; 80 97 1B 05 CE 12; zero Wi-Fi MAC.
 *
 * The ECU-R-RS layout `02` (vendor tool only, no capture): registered u16 at 39, online u16 at 41,
 * 3-char level at 43, channel at 46, 1-char RSD type at 48, version length at 49, version at 52.
 */
import { readUintBE, toHex } from "../bytes.ts";
import { FrameError } from "../errors.ts";
import { ascii, bcdDateTime } from "./frame.ts";
import type { EcuFrame, EcuInfo, EcuModel, EcuWarning } from "./types.ts";

/** ECU model from the id's first digits (ecu_reader const.py ECU_MODEL_MAP; `215x` is ECU-C). */
export function ecuModelOf(ecuId: string): EcuModel {
  if (ecuId.startsWith("2160")) return "ECU-R";
  if (ecuId.startsWith("2162")) return "ECU-R-Pro";
  if (ecuId.startsWith("2163")) return "ECU-B";
  if (ecuId.startsWith("215")) return "ECU-C";
  if (ecuId.startsWith("2030")) return "ECU-3";
  return "unknown";
}

function mac(b: Uint8Array, off: number): string | undefined {
  const m = b.subarray(off, off + 6);
  return m.every((x) => x === 0) ? undefined : toHex(m, ":");
}

/** A 3-digit ASCII length followed by that many ASCII characters. */
function lengthPrefixed(f: EcuFrame, off: number, what: string): { text: string; next: number } {
  const p = f.payload;
  const rel = off - 13;
  const lenText = ascii(p, rel, 3);
  if (!/^\d{3}$/.test(lenText)) {
    throw new FrameError("length", `${what} length must be 3 ASCII digits, got "${lenText}"`, off);
  }
  const n = Number(lenText);
  if (rel + 3 + n > p.length) {
    throw new FrameError(
      "length",
      `${what} says ${n} characters but the answer ends ${p.length - rel - 3} bytes later`,
      off,
    );
  }
  return { text: ascii(p, rel + 3, n), next: off + 3 + n };
}

function need(f: EcuFrame, absEnd: number, what: string): void {
  if (13 + f.payload.length < absEnd) {
    throw new FrameError(
      "short",
      `the 0001 answer ends at byte ${13 + f.payload.length} (before END), but ${what} needs bytes up to ${absEnd}`,
      13 + f.payload.length,
    );
  }
}

export function decodeEcuInfo(f: EcuFrame): EcuInfo {
  const p = f.payload;
  // Offsets below are from the A of APS, as in the reference; payload index = offset − 13.
  const at = (off: number, width: number) => readUintBE(p, off - 13, width);
  need(f, 27, "the ECU id and layout code");
  const ecuId = ascii(p, 0, 12);
  if (!/^\d{12}$/.test(ecuId)) {
    throw new FrameError("serial", `the ECU id at byte 13 must be 12 ASCII digits, got "${ecuId}"`, 13);
  }
  const layoutCode = ascii(p, 12, 2);
  const warnings: EcuWarning[] = [];
  need(f, 39, "the energy and power fields");
  const lifetimeEnergyWh = at(27, 4) * 100;
  const acPowerW = at(31, 4);
  const todayEnergyWh = at(35, 4) * 10;
  const base = { kind: "ecu-info" as const, group: f.group, ecuId, ecuModel: ecuModelOf(ecuId), layoutCode };

  if (layoutCode === "02") {
    need(f, 52, "the ECU-R-RS fields");
    const fw = lengthPrefixed(f, 49, "firmware");
    warnings.push({
      code: "layout",
      detail: "layout 02 (ECU-R-RS) is decoded from the vendor test tool only, no capture confirms it",
      offset: 25,
    });
    return {
      ...base,
      lifetimeEnergyWh,
      acPowerW,
      todayEnergyWh,
      lastEmaContactRaw: "",
      invertersRegistered: at(39, 2),
      invertersOnline: at(41, 2),
      zigbeeChannel: ascii(p, 46 - 13, 2),
      firmware: fw.text,
      warnings,
    };
  }
  if (layoutCode !== "01") {
    throw new FrameError(
      "range",
      `0001 layout code "${layoutCode}" at byte 25 is not one we know ("01", or "02" for ECU-R-RS); please report the answer`,
      25,
    );
  }
  need(f, 55, "the inverter counts, channel and firmware length");
  const fw = lengthPrefixed(f, 52, "firmware");
  const tz = lengthPrefixed(f, fw.next, "timezone");
  need(f, tz.next + 12, "the Ethernet and Wi-Fi MACs");
  const tailStart = tz.next + 12;
  const tail = p.subarray(tailStart - 13);
  const invertersRegistered = at(46, 2);
  const invertersOnline = at(48, 2);

  // Known firmware faults (ecu-lan-protocol.md §2.4 "Known value faults"): flag, never correct.
  if (lifetimeEnergyWh === 0) {
    warnings.push({
      code: "unreliable",
      detail:
        "lifetime energy 0: a new ECU, or the known firmware fault (ksheumaker#124/#126); never take it as a counter reset",
      offset: 27,
    });
  }
  if (todayEnergyWh === 0 && (acPowerW > 0 || invertersOnline > 0)) {
    warnings.push({
      code: "unreliable",
      detail:
        "today's energy 0 while inverters are online or producing: known firmware fault on ECU-R 1.3.x / ECU-R-Pro 2.1.17 (ksheumaker#207, #210, #245); treat as unknown",
      offset: 35,
    });
  }
  if (invertersRegistered === 0 && invertersOnline > 0) {
    warnings.push({
      code: "unreliable",
      detail: `0 inverters registered but ${invertersOnline} online: known ECU-R-Pro firmware fault (ksheumaker#245)`,
      offset: 46,
    });
  }
  if (tail.length > 0) {
    warnings.push({
      code: "layout",
      detail: `${tail.length} bytes after the MACs of unknown meaning (APS12 units send "00" + 10 zero bytes)`,
      offset: tailStart,
    });
  }
  const lastEmaContact = bcdDateTime(p, 39 - 13);
  return {
    ...base,
    lifetimeEnergyWh,
    acPowerW,
    todayEnergyWh,
    ...(lastEmaContact === undefined ? {} : { lastEmaContact }),
    lastEmaContactRaw: toHex(p.subarray(39 - 13, 46 - 13)),
    invertersRegistered,
    invertersOnline,
    zigbeeChannel: ascii(p, 50 - 13, 2),
    firmware: fw.text,
    timezone: tz.text,
    ...optional("ethernetMac", mac(p, tz.next - 13)),
    ...optional("wifiMac", mac(p, tz.next + 6 - 13)),
    ...(tail.length > 0 ? { tailHex: toHex(tail) } : {}),
    warnings,
  };
}

function optional<K extends string>(key: K, v: string | undefined): { [P in K]?: string } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: string };
}
