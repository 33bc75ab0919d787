/**
 * YC600 protection pages. Page B (DE, 84 bytes) has the QS1A page-B shape; on a YC600 only the output
 * limit DA at index 74–75 is checked (five ECU-C set-power sniffs: 100–500 W read back exactly), so every
 * other field is reported not readable with what the QS1 layout would read (grid-protection.md §3.4, §7).
 *
 * Page A (cmd DA, 58 bytes, the 2017 "17-parameter" set) comes from the vendor's own ECU source only (VEN
 * resolve_protection_paras_YC600, §3.6); no page was ever captured, so it is decoded the same way: every
 * value not readable, the layout's reading kept in the reason for support.
 *   e.g. index 9–10 = 01 04 would read AH = 260 / 1.3277 = 195.8 → 196 V.
 */
import { field, type PageField, type PageLayout, untrusted } from "./fields.ts";
import { QS1_PAGE_B_FIELDS } from "./qs1.ts";
import {
  QS1_PROT_FREQ_NUMERATOR,
  YC600_AA_PER_LSB,
  YC600_AP_VOLTS_PER_LSB,
  YC600_PROT_VOLT_DIVISOR,
} from "./scales.ts";

export const YC600_CMD_PAGE_A = 0xda;
export const YC600_PAGE_A_LENGTH = 58;

const PAGE_B_UNCHECKED =
  "YC600 page B: layout taken from the QS1A, only the output limit (DA) is checked on a YC600 (grid-protection.md §3.4, §7)";
const PAGE_A_UNCHECKED =
  "YC600 page A: layout from the vendor's 2017 ECU source, never checked against a captured page (grid-protection.md §3.6, §7)";

export const YC600_PAGE_B: PageLayout = {
  page: "B",
  cmd: 0xde,
  length: 84,
  checksum: false,
  fields: QS1_PAGE_B_FIELDS.map((f) => (f.code === "DA" ? f : untrusted(f, PAGE_B_UNCHECKED))),
};

const volts = (raw: number) => Math.round(raw / YC600_PROT_VOLT_DIVISOR);
const hz = (raw: number) => (raw === 0 ? Number.NaN : QS1_PROT_FREQ_NUMERATOR / raw);
const secs = (raw: number) => raw / 100;

const PAGE_A_FIELDS: PageField[] = [
  field(9, 2, "AH", volts),
  field(12, 2, "AI", volts),
  field(15, 2, "AQ", volts),
  field(18, 2, "AD", volts),
  field(20, 3, "AK", hz),
  field(23, 3, "AJ", hz),
  field(26, 3, "AF", hz),
  field(29, 3, "AE", hz),
  field(32, 2, "AL", secs),
  field(34, 2, "AN", secs),
  field(36, 2, "AM", secs),
  field(38, 2, "AO", secs),
  field(40, 2, "AG", secs),
  field(42, 2, "AC", volts),
  field(44, 2, "AR", secs),
  field(46, 2, "AP", (raw) => raw * YC600_AP_VOLTS_PER_LSB),
  field(51, 2, "AS", secs),
  field(53, 1, "AA", (raw) => raw * YC600_AA_PER_LSB),
  // 54 relay_protect; 55 the power-factor code (probably CH [INF]); VEN reads both where the sum would be
  field(55, 1, "CH", (raw) => raw & 0x1f),
];

export const YC600_PAGE_A: PageLayout = {
  page: "A",
  cmd: YC600_CMD_PAGE_A,
  length: YC600_PAGE_A_LENGTH,
  checksum: false,
  fields: PAGE_A_FIELDS.map((f) => untrusted(f, PAGE_A_UNCHECKED)),
};
