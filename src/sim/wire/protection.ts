/**
 * Protection pages as an emulated inverter sends them: the captured page of its family with the fields the
 * vendor writes replaced by the inverter's settings, every other byte exactly as captured. Scales are the
 * vendor's write encodings (grid-protection.md §5), written out here and not imported from the codec,
 * so a codec scale slip fails the end-to-end tests (see ./scales.ts).
 *
 * Captures used as templates (verbatim; sources in test/fixtures/protection-pages.ts):
 *   DS3 A, DS3 B  openaps live capture 2026-05-22 (EN50549-1 DS3)
 *   QS1 A, B, C   openaps QS1A 806000042582 captures
 *   YC600 B       P32 TEST answer, YC600 408000158215
 *   YC600 A       no capture exists: built from the vendor source's layout, zeros elsewhere (synthetic)
 *
 * What real inverters do that we reproduce:
 * - QS1/QS1A page A keeps "firmware defaults" in the trip-time slots BB–BE, BH–BJ and in AH/AI whatever
 *   was written (the captured QS1A does, §3.3), so those bytes stay as captured.
 * - DS3 reports BC, BE, BD, BI, BK, BJ one count (0.01 s) below what was written (§4.1: profile 0.1 s
 *   reads 0.09 s; BB and BH read as written) [INF from one capture].
 */
import type { ProtectionCode } from "../../protocol/protection/types.ts";
import type { SimGridSettings } from "../grid-profile.ts";
import { limitWordOfWatts } from "./limit.ts";

type Page = "A" | "B" | "C";
type Family = "qs1" | "yc600" | "ds3" | "yc1000";

const DS3_A =
  "fbfb5cdddd03d902db03d902ae03b002db03b002ab1450125c1450128e00020002000900020004007700040077" +
  "00001d000010ffff03b002db139c1356003c02d003b002db139c13560bb802d0dd204000001d00001d01d904bd0affffffff1c5cfefe";
const DS3_B =
  "fbfb5cddde0100206801139c1450139c003d1993003c0003dd03a40320" +
  "0003e800000000006400" +
  "03dd03a503350304012c060d036403b10e320a0df80489035200137413" +
  "6f125c0014032007d023a6031401bf03d9ffffffff049affffffff1b6bfefe";
const QS1_A =
  "fbfb3fdbff0001c003d4057e03cf054303d00543103b950eac02100fd70eac02000000000000000000780004000000000000001e1770177000040005000c000c00000000fefe";
const QS1_B =
  "fbfb4dde041405430f69b50f32af041405430f69b50f32af066600000c575600000000" +
  "04e80f32af0eac020f32af0584053200907530" +
  "1f0f04000027100514002530303030190604" +
  "0062386b3f6600000000fefe";
const QS1_C = `fbfb4dd90000000000038f026c0000103b950f55e10000000064${"00".repeat(56)}fefe`;
const YC600_B =
  "fbfb4dde041105440fe5020f32b003cf05440fe5020f32b0066604cc0ea3a804d70214050c100fd80ed07a0f32b0056a054f019000641f3fe480068ace8ace000130103030190604001d21db3b6600000000fefe";

// Vendor write encodings (§5): DS3 V int(V / 0.268), Hz and s × 100, AG × 50 (50 Hz mains cycles);
// QS1/YC600 V × 5.328 (= 1.332 × 4), Hz as the period 5e7 / Hz, s × 100, AB V × 3196.8, DD / 0.169.
const DS3_V_PER_LSB = 0.268;
const QS1_RAW_PER_V = 5.328;
const QS1_AB_RAW_PER_V = 3196.8;
const PERIOD_NUMERATOR = 50_000_000;
const QS1_DD_PER_LSB = 0.169;
/** DS3 droop DD reads raw × 6000 / 2208898 × 100 %/Hz (openaps); this is its inverse. */
const DS3_DD_RAW_PER_PCT = 2_208_898 / 600_000;
/** YC600 page A (vendor source): V × 1.3277, DC working point V × 4096 / 82.5. */
const YC600_RAW_PER_V = 1.3277;
const DS3_REPORTS_ONE_LESS = new Set<ProtectionCode>(["BC", "BE", "BD", "BI", "BK", "BJ"]);

/** The page an emulated inverter answers for a page query, or undefined when its family gives none. */
export function encodeProtectionPage(
  family: Family,
  page: Page,
  settings: Readonly<SimGridSettings>,
  limitW: number,
): Uint8Array | undefined {
  if (family === "ds3") {
    if (page === "C") return undefined; // no source knows what (if anything) a DS3 answers to D9
    return page === "A" ? ds3PageA(settings) : ds3PageB(settings, limitW);
  }
  if (family === "qs1") {
    if (page === "A") return qs1PageA(settings);
    return page === "B" ? pageB(QS1_B, settings, limitW, "qs1") : qs1PageC(settings);
  }
  if (family === "yc600") {
    if (page === "A") return yc600PageA(settings);
    return page === "B" ? pageB(YC600_B, settings, limitW, "yc600") : undefined;
  }
  return undefined;
}

class PageWriter {
  readonly b: Uint8Array;
  constructor(
    template: string,
    private readonly s: Readonly<SimGridSettings>,
  ) {
    this.b = Uint8Array.from(Buffer.from(template, "hex"));
  }

  /** Writes `raw(value)` big-endian at `at` when the inverter holds a value for `code`. */
  put(code: ProtectionCode, at: number, width: number, raw: (v: number) => number): void {
    const v = this.s[code];
    if (v === undefined) return;
    this.word(at, width, raw(v));
  }

  word(at: number, width: number, value: number): void {
    let x = Math.max(0, Math.min(Math.round(value), 256 ** width - 1));
    for (let i = width - 1; i >= 0; i--) {
      this.b[at + i] = x % 256;
      x = Math.floor(x / 256);
    }
  }

  /** DS3 pages carry a valid 16-bit sum of innerlen..body. */
  sum(): Uint8Array {
    let s = 0;
    for (let i = 2; i < this.b.length - 4; i++) s += this.b[i]!;
    this.b[this.b.length - 4] = (s >> 8) & 0xff;
    this.b[this.b.length - 3] = s & 0xff;
    return this.b;
  }
}

const floorEps = (x: number) => Math.floor(x + 1e-6);
const centi = (s: number) => Math.round(s * 100);
const period = (hz: number) => floorEps(PERIOD_NUMERATOR / hz);
const ds3V = (v: number) => floorEps(v / DS3_V_PER_LSB);
const qs1V = (v: number) => floorEps(v * QS1_RAW_PER_V);

function ds3PageA(s: Readonly<SimGridSettings>): Uint8Array {
  const w = new PageWriter(DS3_A, s);
  const time = (code: ProtectionCode, at: number, width: number) =>
    w.put(code, at, width, (v) => centi(v) - (DS3_REPORTS_ONE_LESS.has(code) ? 1 : 0));
  w.put("AI", 5, 2, ds3V);
  w.put("AH", 7, 2, ds3V);
  w.put("AD", 9, 2, ds3V);
  w.put("AQ", 11, 2, ds3V);
  w.put("AY", 13, 2, ds3V);
  w.put("AC", 15, 2, ds3V);
  w.put("AK", 21, 2, centi);
  w.put("AJ", 23, 2, centi);
  w.put("AF", 25, 2, centi);
  w.put("AE", 27, 2, centi);
  time("BC", 33, 2);
  time("BB", 35, 2);
  time("BE", 37, 2);
  time("BD", 39, 2);
  time("BI", 45, 3);
  time("BH", 48, 3);
  w.put("AS", 61, 2, (v) => v);
  w.put("BO", 65, 2, ds3V);
  w.put("BN", 67, 2, ds3V);
  w.put("BQ", 69, 2, centi);
  w.put("BP", 71, 2, centi);
  w.put("AG", 73, 2, (v) => v * 50);
  time("BK", 80, 3);
  time("BJ", 83, 3);
  return w.sum();
}

function ds3PageB(s: Readonly<SimGridSettings>, limitW: number): Uint8Array {
  const w = new PageWriter(DS3_B, s);
  w.word(7, 2, limitWordOfWatts("ds3", limitW));
  // CV as the vendor writes it on DS3: 15 → 0, 3/4/13 → 1, anything else → 2.
  w.put("CV", 9, 1, (v) => (v === 15 ? 0 : v === 3 || v === 4 || v === 13 ? 1 : 2));
  w.put("DC", 10, 2, centi);
  w.put("CC", 12, 2, centi);
  w.put("CB", 14, 2, centi);
  w.put("DD", 16, 2, (v) => v * DS3_DD_RAW_PER_PCT);
  // AB reads truncated: the inverter in the capture holds 945 for 253 V (945 × 0.268 = 253.26).
  w.put("AB", 53, 2, (v) => Math.ceil(v / DS3_V_PER_LSB - 1e-6));
  w.put("DI", 67, 2, centi);
  w.put("DH", 69, 2, centi);
  return w.sum();
}

function qs1PageA(s: Readonly<SimGridSettings>): Uint8Array {
  const w = new PageWriter(QS1_A, s);
  w.put("AQ", 8, 2, qs1V);
  w.put("AD", 10, 2, qs1V);
  w.put("AC", 12, 2, qs1V);
  w.put("AY", 14, 2, qs1V);
  w.put("AJ", 20, 3, period);
  w.put("AK", 23, 3, period);
  w.put("AE", 26, 3, period);
  w.put("AF", 29, 3, period);
  w.put("BK", 50, 2, centi);
  w.put("AG", 52, 2, centi);
  w.put("AS", 54, 2, centi);
  return w.b;
}

function pageB(
  template: string,
  s: Readonly<SimGridSettings>,
  limitW: number,
  family: "qs1" | "yc600",
): Uint8Array {
  const w = new PageWriter(template, s);
  w.put("BN", 4, 2, qs1V);
  w.put("BO", 6, 2, qs1V);
  w.put("BP", 8, 3, period);
  w.put("BQ", 11, 3, period);
  w.put("AB", 28, 3, (v) => floorEps(v * QS1_AB_RAW_PER_V));
  w.put("CC", 40, 3, period);
  w.put("CB", 43, 3, period);
  // CV rides in bits 5–4 as (mode − 12) while the page-variant byte at 77 is 0x66 (all captures).
  w.put("CV", 66, 1, (v) => (w.b[66]! & 0xcf) | (((v - 12) & 3) << 4));
  w.put("DD", 72, 2, (v) => v / QS1_DD_PER_LSB);
  w.word(74, 2, limitWordOfWatts(family, limitW));
  return w.b;
}

function qs1PageC(s: Readonly<SimGridSettings>): Uint8Array {
  const w = new PageWriter(QS1_C, s);
  w.put("DC", 4, 3, (v) => (v === 0 ? 0 : period(v)));
  w.put("DH", 15, 3, period);
  w.put("DI", 18, 3, period);
  return w.b;
}

/** Synthetic (no capture): FB FB 33 DA, the vendor source's fields, PF code 31 (PF 1.00), sum slot as VEN reads it. */
function yc600PageA(s: Readonly<SimGridSettings>): Uint8Array {
  const template = `fbfb33da${"00".repeat(51)}1ffefe`;
  const w = new PageWriter(template, s);
  const v = (x: number) => x * YC600_RAW_PER_V;
  w.put("AH", 9, 2, v);
  w.put("AI", 12, 2, v);
  w.put("AQ", 15, 2, v);
  w.put("AD", 18, 2, v);
  w.put("AK", 20, 3, period);
  w.put("AJ", 23, 3, period);
  w.put("AF", 26, 3, period);
  w.put("AE", 29, 3, period);
  w.put("AL", 32, 2, centi);
  w.put("AN", 34, 2, centi);
  w.put("AM", 36, 2, centi);
  w.put("AO", 38, 2, centi);
  w.put("AG", 40, 2, centi);
  w.put("AC", 42, 2, v);
  w.put("AR", 44, 2, centi);
  w.put("AS", 51, 2, centi);
  return w.b;
}
