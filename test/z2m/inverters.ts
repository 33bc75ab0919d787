/**
 * The inverters the real-zigbee2mqtt test seeds, and the payloads it injects that are not verbatim UART
 * captures (each says where its bytes come from).
 */
import { captures } from "../fixtures/captures.ts";
import type { SeededInverter } from "./harness.ts";

/** Seeded as zigbee2mqtt's database.db holds them: IEEE = 0x + the serial bytes reversed + ffff. */
export const INV = {
  // short addresses of the captures where they carry one (AF_INCOMING_MSG srcAddr), else arbitrary
  qs1: { friendlyName: "qs1", ieeeAddr: "0x705008001080ffff", nwkAddr: 0x05c0 }, // 80 10 00 08 50 70
  qs1a: { friendlyName: "qs1a", ieeeAddr: "0x822504006080ffff", nwkAddr: 0x4a11 }, // 80 60 00 04 25 82
  yc600: { friendlyName: "yc600", ieeeAddr: "0x158215008040ffff", nwkAddr: 0x103a }, // 40 80 00 15 82 15
  ds3: { friendlyName: "ds3", ieeeAddr: "0x001302003070ffff", nwkAddr: 0x2c1d }, // 70 30 00 02 13 00
  ds3Limit: { friendlyName: "ds3_limit", ieeeAddr: "0x942520004070ffff", nwkAddr: 0xf6a2 }, // 70 40 00 20 25 94
  aes: { friendlyName: "qs1_aes", ieeeAddr: "0x563412002080ffff", nwkAddr: 0x5a5a }, // 80 20 00 12 34 56
  dropped: { friendlyName: "ds3_dropped", ieeeAddr: "0x563412044070ffff", nwkAddr: 0x7b7b }, // 70 40 04 12 34 56
} satisfies Record<string, SeededInverter>;

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ""), "hex");
/** The serial + L2 payload of the DS3 capture (ds3-703000021300-l2, AAA_DECODE.ino comment). */
export const DS3_PAYLOAD = hex(captures.ds3Telemetry.hex);
/** The QS1 capture's APS payload (its AF_INCOMING_MSG data), for a QS1A: there is no public QS1A capture,
 *  and QS1A replies have the QS1 layout (cmd 0xB1, four channels). Serial 801000085070 → 806000042582. */
const QS1_PAYLOAD = hex(
  "801000085070 fbfb51b103eb0f419300caf069d9f068c7c068c1206804b868e0000006a80001bb38134d01cce90e0a01fd1e052201d967d0641f0003055400000000000000000000000000000000000000000000000000002b2a0000fefe",
);
export const QS1A_PAYLOAD = Buffer.concat([hex("806000042582"), QS1_PAYLOAD.subarray(6)]);
/** An AES-paired inverter's reply has this shape: BCD serial, 6-byte nonce, whole 16-byte blocks. */
export const AES_PAYLOAD = hex(
  `802000123456 1a2b3c4d5e6f ${"9f3e61c2a70d58b4e21f0c93d67a4b15"} ${"0e8d2f61b9c34a7755e1d08c3f9a6b20"}`,
);
/** The DS3 capture with a serial whose 5th–6th digits are 04: herdsman reads 70 40 04 as ZCL writeRsp. */
export const DROPPED_PAYLOAD = Buffer.concat([hex("704004123456"), DS3_PAYLOAD.subarray(6)]);
