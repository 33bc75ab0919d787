import { Command, Option } from "commander";
import { fromHex } from "../protocol/bytes.ts";
import { decodeDump } from "../protocol/dump.ts";
import { decodeEcuAnswer } from "../protocol/ecu/decode.ts";
import { looksLikeEcuAnswer } from "../protocol/ecu/frame.ts";
import { fromEcuText, isEcuText } from "../protocol/ecu/text.ts";
import { resolveModel } from "../protocol/models.ts";
import { CliError, guard } from "./errors.ts";
import { formatMessage } from "./format.ts";
import { formatEcuAnswer } from "./format-ecu.ts";

export function decodeCommand(): Command {
  return new Command("decode")
    .description(
      "decode a capture: a ZNP UART dump (several frames, stray bytes allowed), an AF payload (serial + L2), a bare L2, or a vendor ECU's LAN answer (port 8899) as hex or as text starting APS; a grid-protection page prints each setting with its code, meaning, value and unit (or not_readable and why)",
    )
    .argument(
      "<hex...>",
      "hex bytes (spaces, colons and 0x prefixes are ignored), or an ECU answer as text (APS…, with \\xNN escapes; quote it)",
    )
    .addOption(
      new Option("--model <model>", "inverter model when the input has no serial").choices([
        "qs1",
        "qs1a",
        "yc600",
        "ds3",
      ]),
    )
    .action((hexParts: string[], opts: { model?: string }) =>
      guard(() => {
        const input = hexParts.join(" ");
        // An ECU's LAN answer, pasted as text (APS…) or as hex (41 50 53 31…): its own codec.
        const bytes = isEcuText(input) ? fromEcuText(input) : fromHex(input);
        if (looksLikeEcuAnswer(bytes)) {
          process.stdout.write(`${JSON.stringify(formatEcuAnswer(decodeEcuAnswer(bytes)))}\n`);
          return;
        }
        const model = opts.model === undefined ? undefined : resolveModel(opts.model);
        const result = decodeDump(bytes, { model });
        if (result.messages.length === 0) {
          const broken = result.problems[0];
          const why = broken
            ? `no inverter message decoded: ${broken.message}`
            : result.noRoute
              ? "the stick answered AF_DATA_CONFIRM 0xCD (no route): the inverter is not paired, out of range or the short address is wrong"
              : "no inverter message in the input (only stick frames such as SRSP / AF_DATA_CONFIRM)";
          throw new CliError(why);
        }
        const unknown = result.messages.find((m) => m.reply.kind === "unknown");
        if (unknown && unknown.reply.kind === "unknown") {
          const cmd = unknown.reply.cmd.toString(16).padStart(2, "0").toUpperCase();
          throw new CliError(
            `L2 command ${cmd} from ${unknown.reply.serial || "(no serial)"} is not one localecu decodes (B1 and BB telemetry, DE / DD DE limit, DC info, the DE ack, protection pages DD DD / DB / D9 / DA)`,
          );
        }
        for (const m of result.messages) process.stdout.write(`${JSON.stringify(formatMessage(m))}\n`);
      }),
    );
}
