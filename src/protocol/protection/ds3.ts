/**
 * DS3 / DS3-L / DS3-H protection pages (grid-protection.md §3.1, §3.2; OA ds3ReadPageA / ds3ReadPageB).
 * Both pages answer with cmd DD, 99 bytes (innerlen 0x5C), the page tag at index 4 (DD = A, DE = B), and a
 * valid 16-bit sum.
 *
 * Worked frame, page A of OA's live capture (§4.1):
 *   FB FB 5C DD DD [03 D9] … → AI = round(0x03D9 = 985 × 0.268) = round(263.98) = 264 V
 *   index 21–22 [14 50] → AK = 5200 × 0.01 = 52.00 Hz;  index 73–74 [0B B8] → AG = 3000 / 50 = 60 s
 * Page B of the P32 capture (§4.3): index 7–8 [26 E2] → DA = 9954 × 0.06027 = 599.9 W.
 */
import { L2_CMD } from "../commands.ts";
import { field, type PageField, type PageLayout, value } from "./fields.ts";
import {
  DS3_AG_CYCLES_PER_S,
  DS3_DA_W_PER_LSB,
  DS3_DD_PCT_PER_LSB,
  DS3_PROT_HZ_PER_LSB,
  DS3_PROT_S_PER_LSB,
  DS3_PROT_VOLTS_PER_LSB,
} from "./scales.ts";

export const DS3_PAGE_LENGTH = 99;

const volts = (raw: number) => Math.round(raw * DS3_PROT_VOLTS_PER_LSB);
const hz = (raw: number) => raw * DS3_PROT_HZ_PER_LSB;
const secs = (raw: number) => raw * DS3_PROT_S_PER_LSB;

export const DS3_PAGE_A: PageLayout = {
  page: "A",
  cmd: L2_CMD.PAGE_DD,
  tag: 0xdd,
  length: DS3_PAGE_LENGTH,
  checksum: true,
  fields: [
    field(5, 2, "AI", volts),
    field(7, 2, "AH", volts),
    field(9, 2, "AD", volts),
    field(11, 2, "AQ", volts),
    field(13, 2, "AY", volts),
    field(15, 2, "AC", volts),
    // 17–20 not decoded (capture: 253 V / 183 V at this scale)
    field(21, 2, "AK", hz),
    field(23, 2, "AJ", hz),
    field(25, 2, "AF", hz),
    field(27, 2, "AE", hz),
    // 29–32 not decoded
    field(33, 2, "BC", secs),
    field(35, 2, "BB", secs),
    field(37, 2, "BE", secs),
    field(39, 2, "BD", secs),
    // 41–44 not decoded
    field(45, 3, "BI", secs),
    field(48, 3, "BH", secs),
    // 51–60 not decoded (53–60 look like the start-up window, §3.1 [INF])
    field(61, 2, "AS", (raw) => raw),
    // 63–64 not decoded
    field(65, 2, "BO", volts),
    field(67, 2, "BN", volts),
    field(69, 2, "BQ", hz),
    field(71, 2, "BP", hz),
    field(73, 2, "AG", (raw) => raw / DS3_AG_CYCLES_PER_S),
    // 75–79 not decoded
    field(80, 3, "BK", secs),
    field(83, 3, "BJ", secs),
    // 86–94 not decoded; 95–96 checksum
  ],
};

/** CV on DS3: one byte, 0 → 15 (disabled), 1 → 13 (AS/NZS style), 2 → 14 (other); anything else → 15 (OA). */
const DS3_CV: PageField = {
  at: 9,
  width: 1,
  code: "CV",
  decode: (raw) => value("CV", raw === 1 ? 13 : raw === 2 ? 14 : 15),
};

export const DS3_PAGE_B: PageLayout = {
  page: "B",
  cmd: L2_CMD.PAGE_DD,
  tag: L2_CMD.QUERY_DE,
  length: DS3_PAGE_LENGTH,
  checksum: true,
  fields: [
    // 5–6 not decoded
    field(7, 2, "DA", (raw) => raw * DS3_DA_W_PER_LSB),
    DS3_CV,
    field(10, 2, "DC", hz),
    field(12, 2, "CC", hz),
    field(14, 2, "CB", hz),
    field(16, 2, "DD", (raw) => raw * DS3_DD_PCT_PER_LSB),
    // 18–52 not decoded; AB is truncated, unlike the other volts (OA)
    field(53, 2, "AB", (raw) => Math.trunc(raw * DS3_PROT_VOLTS_PER_LSB)),
    field(67, 2, "DI", hz),
    field(69, 2, "DH", hz),
  ],
};
