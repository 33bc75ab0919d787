/**
 * An 8899 answer pasted as text, the way users post them: a Python bytes repr from a debug log
 * (`b'APS12…\x00\x00…END\n'`, ksheumaker#81) or a Packet Sender ASCII view with two-digit escapes
 * (`APS11…\00\0b !…END\n`, ksheumaker#6). Printable characters stand for themselves; escapes:
 * `\xNN` and `\NN` (two hex digits) for a byte, `\n` `\r` `\t`, and `\\` `\'` `\"`.
 */
import { FrameError } from "../errors.ts";

const HEX2 = /^[0-9a-fA-F]{2}$/;
const NAMED: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, "\\": 0x5c, "'": 0x27, '"': 0x22 };

/** True when the text is an answer written out as characters (starts with APS, optionally inside b'…'). */
export function isEcuText(text: string): boolean {
  return /^\s*(b['"])?APS/.test(text);
}

export function fromEcuText(text: string): Uint8Array {
  let s = text.trim();
  const repr = /^b(['"])([\s\S]*)\1$/.exec(s);
  if (repr) s = repr[2]!;
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== "\\") {
      const code = ch.charCodeAt(0);
      if (code > 0x7e || code < 0x20) {
        throw new FrameError(
          "hex",
          `character ${i + 1} (U+${code.toString(16).padStart(4, "0").toUpperCase()}) is not a printable ASCII byte; write binary bytes as \\xNN or paste the answer as hex`,
        );
      }
      out.push(code);
      continue;
    }
    const next = s[i + 1];
    if (next === "x" && HEX2.test(s.slice(i + 2, i + 4))) {
      out.push(Number.parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (HEX2.test(s.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (next !== undefined && NAMED[next] !== undefined) {
      out.push(NAMED[next]!);
      i += 1;
    } else {
      throw new FrameError(
        "hex",
        `"\\${next ?? ""}" at character ${i + 1} is no escape we read (\\xNN, \\NN, \\n, \\r, \\t, \\\\, \\', \\")`,
      );
    }
  }
  return Uint8Array.from(out);
}
