/**
 * Protection-page replies: recognise which page a reply is (per model: the same command byte means
 * different things on DS3 and QS1), then decode its fields from the model's layout table.
 *
 * Recognition (grid-protection.md §1, OA tryProtectionReply): on a DS3, cmd DD is a page only when the
 * frame is ≥ 32 bytes (short DD DC frames are the info reply) and byte 4 names it (DD = A, DE = B); on
 * QS1/QS1A, DB / DE / D9 are pages A / B / C; on a YC600, DA / DE are A / B. A 13-byte DE is the ack after
 * a set-power, never a page. A page whose command belongs to another family is not recognised, which is
 * the cross-talk guard: a QS1 never answers DD, a DS3 never DB.
 */
import { need, toHex } from "../bytes.ts";
import { FrameError } from "../errors.ts";
import { parseL2 } from "../l2.ts";
import type { Family } from "../models.ts";
import { DS3_PAGE_A, DS3_PAGE_B } from "./ds3.ts";
import type { PageLayout } from "./fields.ts";
import { QS1_PAGE_A, QS1_PAGE_B, QS1_PAGE_C } from "./qs1.ts";
import type { PageCode, ProtectionPage, ProtectionValue } from "./types.ts";
import { YC600_PAGE_A, YC600_PAGE_B } from "./yc600.ts";

/** One page as decoded: its settings and the frame itself (hex) for support. */
export interface ProtectionPageReading {
  page: ProtectionPage;
  settings: Partial<Record<PageCode, ProtectionValue>>;
  raw: string;
}

export const PAGE_LAYOUTS: Readonly<Record<Family, readonly PageLayout[]>> = {
  ds3: [DS3_PAGE_A, DS3_PAGE_B],
  qs1: [QS1_PAGE_A, QS1_PAGE_B, QS1_PAGE_C],
  yc600: [YC600_PAGE_A, YC600_PAGE_B],
  yc1000: [],
};

/** Shortest frame that can be a page: longer than the 13-byte ack; DS3 pages ≥ 32 bytes (OA). */
const ACK_LENGTH = 13;
const DS3_MIN_PAGE = 32;

/** The layout of the page this L2 frame is, for this family; undefined when it is no protection page. */
export function recognizeProtectionPage(frame: Uint8Array, family: Family): PageLayout | undefined {
  if (frame.length <= ACK_LENGTH || frame[0] !== 0xfb || frame[1] !== 0xfb) return undefined;
  if (family === "ds3" && frame.length < DS3_MIN_PAGE) return undefined;
  return PAGE_LAYOUTS[family].find((l) => l.cmd === frame[3] && (l.tag === undefined || l.tag === frame[4]));
}

/**
 * Decodes one protection page of a `family` inverter from its L2 frame (FB FB … FE FE). Throws FrameError:
 * "command" when the frame is no page of this family, "short" when it is cut, or the L2 envelope's error.
 */
export function decodeProtectionPage(frame: Uint8Array, family: Family): ProtectionPageReading {
  const layout = recognizeProtectionPage(frame, family);
  if (!layout) {
    const cmd = frame.length > 3 ? frame[3]!.toString(16).padStart(2, "0").toUpperCase() : "(none)";
    const known = PAGE_LAYOUTS[family].map((l) => `${l.page} = ${hx(l.cmd)}${l.tag ? ` ${hx(l.tag)}` : ""}`);
    throw new FrameError(
      "command",
      `L2 command ${cmd} (${frame.length} bytes) is no ${family} protection page` +
        (known.length ? ` (pages: ${known.join(", ")})` : ": this family has no decoded protection pages"),
    );
  }
  parseL2(frame, { strictChecksum: layout.checksum });
  need(frame, layout.length, `${family} protection page ${layout.page}`);
  const settings: Partial<Record<PageCode, ProtectionValue>> = {};
  for (const f of layout.fields) {
    let raw = 0;
    for (let i = 0; i < f.width; i++) raw = raw * 256 + frame[f.at + i]!;
    settings[f.code] = f.decode(raw, frame);
  }
  return { page: layout.page, settings, raw: toHex(frame) };
}

function hx(b: number): string {
  return b.toString(16).padStart(2, "0").toUpperCase();
}
