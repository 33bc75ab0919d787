/**
 * Max-power read-back.
 *
 * QS1/QS1A/YC600 answer the DE query with cmd DE, an 84-byte L2 (innerlen 0x4D); the stored limit is the
 * 16-bit big-endian value at L2 bytes 74–75 (counting the first FB as 0), W per panel = v·256/7395.
 *   YC600 capture: …04 00 1D [21 DB] 3B 66 00 00 00 00 FE FE → 0x21DB → 300 W.
 *   (The next bytes are 3B 66 on the YC600 but 3F 66 on a QS1A — so we read the fixed offset.)
 * DS3 answers with cmd DD, body[0] = DE; limit = L2 bytes 7–8 × 0.06027 W.
 *   DS3 capture: FB FB 5C DD DE 01 04 [26 E2] … → 9954 × 0.06027 = 599.9 W.
 */
import { need, readUintBE } from "./bytes.ts";
import { ds3LimitWatts, L2_CMD, qs1LimitWatts } from "./commands.ts";
import { FrameError } from "./errors.ts";
import type { L2Frame } from "./l2.ts";
import type { ModelInfo } from "./models.ts";
import type { LimitReply } from "./types.ts";

/** L2 byte 74 = body index 70 (L2 = FB FB len cmd body…). */
export const QS1_LIMIT_BODY_OFFSET = 74 - 4;
export const DS3_LIMIT_BODY_OFFSET = 7 - 4;

export function isLimitReply(l2: L2Frame): boolean {
  return l2.cmd === L2_CMD.QUERY_DE || (l2.cmd === L2_CMD.PAGE_DD && l2.body[0] === L2_CMD.QUERY_DE);
}

export function decodeLimitReply(l2: L2Frame, serial: string, model: ModelInfo): LimitReply {
  if (model.family === "ds3") {
    if (l2.cmd !== L2_CMD.PAGE_DD || l2.body[0] !== L2_CMD.QUERY_DE) {
      throw new FrameError("command", "a DS3 limit reply is cmd DD with body starting DE");
    }
    need(l2.body, DS3_LIMIT_BODY_OFFSET + 2, "DS3 limit reply body");
    const raw = readUintBE(l2.body, DS3_LIMIT_BODY_OFFSET, 2);
    return base(serial, model, raw, ds3LimitWatts(raw));
  }
  if (l2.cmd !== L2_CMD.QUERY_DE) throw new FrameError("command", `a ${model.model} limit reply is cmd DE`);
  need(l2.body, QS1_LIMIT_BODY_OFFSET + 2, `${model.model} limit reply body`);
  const raw = readUintBE(l2.body, QS1_LIMIT_BODY_OFFSET, 2);
  return base(serial, model, raw, qs1LimitWatts(raw));
}

function base(serial: string, model: ModelInfo, limitRaw: number, limitW: number): LimitReply {
  return {
    kind: "limit",
    serial,
    model: model.model,
    family: model.family,
    limitRaw,
    limitW,
    limitPer: model.limitPer,
  };
}

// ---------- encoders for the stick emulator ----------

/**
 * Reply templates from real captures (frames.json): the YC600 DE reply and the DS3 DD DE reply, with only the
 * limit bytes replaced. Bytes we do not understand stay exactly as the inverters sent them.
 */
const QS1_DE_TEMPLATE =
  "fbfb4dde041105440fe5020f32b003cf05440fe5020f32b0066604cc0ea3a804d70214050c100fd80ed07a0f32b0056a054f019000641f3fe480068ace8ace000130103030190604001d21db3b6600000000fefe";
const DS3_DD_DE_TEMPLATE =
  "fbfb5cddde010426e20013ba14b413ec000a032000500003dd03a403200003e80000000000640003dd03a503350304012c060d03ff045f0e93140e3204890258001374136f125c0014032007d023a6031401bf03d9ffffffffffff23a6c8ff1c01fefe";

export function encodeLimitReplyL2(model: ModelInfo, limitRaw: number): Uint8Array {
  if (model.family === "ds3") {
    const l2 = Uint8Array.from(Buffer.from(DS3_DD_DE_TEMPLATE, "hex"));
    l2[7] = limitRaw >> 8;
    l2[8] = limitRaw & 0xff;
    // DS3 replies carry a valid sum: recompute it over innerlen..body.
    let s = 0;
    for (let i = 2; i < l2.length - 4; i++) s += l2[i]!;
    l2[l2.length - 4] = (s >> 8) & 0xff;
    l2[l2.length - 3] = s & 0xff;
    return l2;
  }
  const l2 = Uint8Array.from(Buffer.from(QS1_DE_TEMPLATE, "hex"));
  l2[74] = limitRaw >> 8;
  l2[75] = limitRaw & 0xff;
  return l2;
}
