import { Command, Option } from "commander";
import { buildInverterRequest } from "../protocol/aps-link.ts";
import { toHex } from "../protocol/bytes.ts";
import {
  encodeInfoQuery,
  encodeLimitQuery,
  encodeOnOff,
  encodePoll,
  encodeSetMaxPower,
} from "../protocol/commands.ts";
import { parseEcuId } from "../protocol/ids.ts";
import { resolveModel } from "../protocol/models.ts";
import { encodeZnpFrame } from "../protocol/znp/frame.ts";
import { CliError, guard } from "./errors.ts";

interface EncodeOpts {
  model: string;
  watts?: string;
  broadcast?: boolean;
  short?: string;
  ecuId?: string;
}

export function encodeCommand(): Command {
  return new Command("encode")
    .description("print the L2 hex of a command; with --short and --ecu-id the full ZNP UART frame")
    .addArgument(
      new Command()
        .createArgument("<command>", "what to send")
        .choices(["poll", "limit", "on", "off", "info", "query"]),
    )
    .addOption(
      new Option("--model <model>", "inverter model").choices(["qs1", "qs1a", "yc600", "ds3"]).default("qs1"),
    )
    .option("--watts <W>", "max power for `limit` (W per panel on QS1/YC600, per inverter on DS3)")
    .option("--broadcast", "broadcast variant (limit, on, off)")
    .option("--short <0xNNNN>", "inverter short address, for a full UART frame")
    .option("--ecu-id <HEX12>", "ECU id (12 hex digits), for a full UART frame")
    .action((what: string, opts: EncodeOpts) =>
      guard(() => {
        const model = resolveModel(opts.model)!;
        if (opts.broadcast && !["limit", "on", "off"].includes(what)) {
          throw new CliError(
            `--broadcast is for limit, on and off; \`${what}\` is always sent to one inverter`,
          );
        }
        let l2: Uint8Array;
        switch (what) {
          case "poll":
            l2 = encodePoll();
            break;
          case "query":
            l2 = encodeLimitQuery();
            break;
          case "info":
            l2 = encodeInfoQuery();
            break;
          case "on":
          case "off":
            l2 = encodeOnOff(what === "on", opts.broadcast);
            break;
          default: {
            if (opts.watts === undefined) throw new CliError("`encode limit` needs --watts W");
            const watts = Number(opts.watts);
            if (!Number.isFinite(watts)) throw new CliError(`--watts must be a number, got '${opts.watts}'`);
            l2 = encodeSetMaxPower({
              family: model.family,
              watts,
              broadcast: opts.broadcast,
              rangeW: model.limitRangeW,
            });
          }
        }
        if ((opts.short === undefined) !== (opts.ecuId === undefined)) {
          throw new CliError("a full UART frame needs both --short 0xNNNN and --ecu-id HEX12");
        }
        if (opts.short !== undefined && opts.ecuId !== undefined) {
          const short = parseShort(opts.short);
          const frame = encodeZnpFrame(buildInverterRequest(short, parseEcuId(opts.ecuId), l2));
          process.stdout.write(`${toHex(frame).toUpperCase()}\n`);
        } else {
          process.stdout.write(`${toHex(l2)}\n`);
        }
      }),
    );
}

function parseShort(text: string): number {
  const m = /^(0x)?([0-9a-fA-F]{1,4})$/.exec(text);
  if (!m) throw new CliError(`--short must be a 16-bit hex address like 0x103A, got '${text}'`);
  return Number.parseInt(m[2]!, 16);
}
