/**
 * QS1 / QS1A protection pages (grid-protection.md §3.3–§3.5; OA qs1ReadPageA/B/C, "offsets and scales from
 * the vendor parser"). Page A answers the DD query with cmd DB (70 bytes), page B the DE query with cmd DE
 * (84 bytes), page C the D9 query with cmd D9 (84 bytes). The sum field holds 00 00 (not checked).
 *
 * Worked frame, page A of OA's QS1A capture (§4.2):
 *   FB FB 3F DB FF 00 01 C0 [03 D4] … → AQ = round(980 / 1.332 / 4) = round(183.9) = 184 V
 *   index 20–22 [10 3B 95] → AJ = 50 000 000 / 1 063 829 = 47.00 Hz
 *   index 52–53 [17 70] → AG = 6000 / 100 = 60 s
 *
 * Fields that cannot be trusted: in that page the voltage trip times BB–BE, three frequency trip times
 * BH–BJ and the fast volts AH/AI hold 0 / 1 V while the inverter's own table holds other values, and OA
 * found them "not recoverable from these bytes at any offset/scale". They are reported not readable.
 */
import { L2_CMD } from "../commands.ts";
import { field, notReadable, type PageField, type PageLayout, periodHz, untrusted, value } from "./fields.ts";
import {
  QS1_AB_SAMPLES,
  QS1_AB_VOLT_DIVISOR,
  QS1_DA_MUL,
  QS1_DD_PCT_PER_LSB,
  QS1_PROT_FREQ_NUMERATOR,
  QS1_PROT_S_PER_LSB,
  QS1_PROT_VOLT_DIVISOR,
} from "./scales.ts";
import type { PageCode } from "./types.ts";

export const QS1_CMD_PAGE_A = 0xdb;
export const QS1_CMD_PAGE_C = 0xd9;
export const QS1_PAGE_A_LENGTH = 70;
export const QS1_PAGE_BC_LENGTH = 84;

export const qs1Volts = (raw: number) => Math.round(raw / QS1_PROT_VOLT_DIVISOR);
const hz = periodHz(QS1_PROT_FREQ_NUMERATOR);
const secs = (raw: number) => raw * QS1_PROT_S_PER_LSB;

const PAGE_A_UNTRUSTED =
  "QS1/QS1A page A: this slot held firmware defaults in the only captured page while the inverter's own table held other values, so it cannot be verified by read-back (grid-protection.md §3.3)";

/** AT, AU, AV, AW: four enums packed in the byte at index 4 (meaning unknown). */
function packed(code: PageCode, f: (b: number) => number): PageField {
  return { at: 4, width: 1, code, decode: (raw) => value(code, f(raw)) };
}

const TIMES: PageCode[] = ["BB", "BC", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BK"];
const UNTRUSTED_TIMES = new Set<PageCode>(["BB", "BC", "BD", "BE", "BH", "BI", "BJ"]);

export const QS1_PAGE_A: PageLayout = {
  page: "A",
  cmd: QS1_CMD_PAGE_A,
  length: QS1_PAGE_A_LENGTH,
  checksum: false,
  fields: [
    packed("AT", (b) => b >> 6),
    packed("AU", (b) => (b >> 4) & 3),
    packed("AV", (b) => (b >> 1) & 3),
    packed("AW", (b) => b & 1),
    // 5 not decoded
    field(6, 2, "AX", (raw) => raw),
    field(8, 2, "AQ", qs1Volts),
    field(10, 2, "AD", qs1Volts),
    field(12, 2, "AC", qs1Volts),
    field(14, 2, "AY", qs1Volts),
    field(16, 2, "AZ", qs1Volts),
    field(18, 2, "BA", qs1Volts),
    field(20, 3, "AJ", hz),
    field(23, 3, "AK", hz),
    field(26, 3, "AE", hz),
    field(29, 3, "AF", hz),
    ...TIMES.map((code, i) => {
      const f = field(32 + 2 * i, 2, code, secs);
      return UNTRUSTED_TIMES.has(code) ? untrusted(f, PAGE_A_UNTRUSTED) : f;
    }),
    field(52, 2, "AG", secs),
    field(54, 2, "AS", secs),
    untrusted(field(56, 2, "AH", qs1Volts), PAGE_A_UNTRUSTED),
    untrusted(field(58, 2, "AI", qs1Volts), PAGE_A_UNTRUSTED),
    field(60, 2, "BL", secs),
    field(62, 2, "BM", secs),
    // 64–65 not decoded; 66–67 sum (00 00)
  ],
};

/** Index 77 says how to read CV at index 66: 0x66 ('f') → ((b >> 4) & 3) + 12; 0x00 → b & 0x0F (OA). */
export const QS1_CV_FLAG_INDEX = 77;
const QS1_CV: PageField = {
  at: 66,
  width: 1,
  code: "CV",
  decode: (raw, frame) => {
    const flag = frame[QS1_CV_FLAG_INDEX];
    if (flag === 0x66) return value("CV", ((raw >> 4) & 3) + 12);
    if (flag === 0x00) return value("CV", raw & 0x0f);
    return notReadable(
      `page-variant flag at index 77 is ${flag?.toString(16)}, not 66 or 00: CV layout unknown`,
    );
  },
};

/** Page B fields; shared with the YC600, which answers the same shape (§3.4). */
export const QS1_PAGE_B_FIELDS: readonly PageField[] = [
  field(4, 2, "BN", qs1Volts),
  field(6, 2, "BO", qs1Volts),
  field(8, 3, "BP", hz),
  field(11, 3, "BQ", hz),
  // 14–23: a second window with the same encoding, probably the start-up window (§3.4 [INF]); 24–27 not decoded
  field(28, 3, "AB", (raw) => Math.round(Math.floor(raw / QS1_AB_SAMPLES) / QS1_AB_VOLT_DIVISOR)),
  field(40, 3, "CC", hz),
  field(43, 3, "CB", hz),
  QS1_CV,
  field(72, 2, "DD", (raw) => raw * QS1_DD_PCT_PER_LSB),
  field(74, 2, "DA", (raw) => (raw * 256) / QS1_DA_MUL),
];

export const QS1_PAGE_B: PageLayout = {
  page: "B",
  cmd: L2_CMD.QUERY_DE,
  length: QS1_PAGE_BC_LENGTH,
  checksum: false,
  fields: QS1_PAGE_B_FIELDS,
};

export const QS1_PAGE_C: PageLayout = {
  page: "C",
  cmd: QS1_CMD_PAGE_C,
  length: QS1_PAGE_BC_LENGTH,
  checksum: false,
  fields: [
    // DC: raw 0 means "not set" and reads 0 Hz (OA qs1ReadPageC; OA's QS1A capture holds 0 there)
    field(4, 3, "DC", (raw) => (raw === 0 ? 0 : QS1_PROT_FREQ_NUMERATOR / raw)),
    field(15, 3, "DH", hz),
    field(18, 3, "DI", hz),
  ],
};
