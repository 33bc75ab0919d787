/**
 * `localecu pair SERIAL… --config site.yaml`: pairs inverters through the stick and records their short
 * addresses in the data dir (pairing.json), where `localecu start` finds them. A progress line per step.
 */
import { Command } from "commander";
import { isSerial } from "../protocol/ids.ts";
import { modelForSerial } from "../protocol/models.ts";
import { formatEcuId } from "../radio/ecu-id.ts";
import { Stick } from "../radio/stick.ts";
import { loadConfig } from "../site/config/index.ts";
import { PairingBook } from "../site/pairing.ts";
import { CliError, guard } from "./errors.ts";

export function pairCommand(): Command {
  return new Command("pair")
    .description("pair inverters by serial through the stick and record their short addresses")
    .argument("[serial...]", "inverter serials (default: every inverter in site.yaml not paired yet)")
    .requiredOption("-c, --config <file>", "site configuration")
    .option("--again", "pair even if a short address is already recorded")
    .option("--step-ms <ms>", "gap between the four pairing broadcasts (default 1500, as ESP-ECU)")
    .action((serials: string[], o: { config: string; again?: boolean; stepMs?: string }) =>
      guard(async () => {
        const config = await loadConfig(o.config);
        if (config.ecu)
          throw new CliError(
            `${o.config}: this site reads the vendor ECU (ecu: section), which pairs its inverters itself — pairing is for a stick: replace ecu: with stick: first (docs/ecu.md, "Moving to a stick")`,
          );
        if (!config.stick)
          throw new CliError(
            `${o.config}: stick.port is missing — set the stick's serial port or tcp://host:port`,
          );
        for (const s of serials) {
          if (!isSerial(s))
            throw new CliError(`'${s}' is not a 12-digit serial (copy it from the inverter label)`);
          // Pairing itself needs no model; site.yaml's `model` names one for a prefix we do not know.
          if (!modelForSerial(s) && !config.inverters.some((i) => i.serial === s && i.model))
            throw new CliError(
              `${s}: serial prefix ${s.slice(0, 3)} is not a known APsystems model; add it to ${o.config} with its model (model: QS1, QS1A, YC600 or DS3)`,
            );
        }
        const stepMs = o.stepMs === undefined ? undefined : Number(o.stepMs);
        if (stepMs !== undefined && !(stepMs >= 0)) {
          throw new CliError(`--step-ms must be a number of milliseconds, got '${o.stepMs}'`);
        }
        const stick = new Stick({
          port: config.stick.port,
          ecuId: config.stick.ecuId,
          stableId: config.site.name,
          polling: false,
          pairing: stepMs === undefined ? undefined : { stepMs },
        });
        const ecuId = formatEcuId(stick.ecuId);
        const book = PairingBook.open(config.site.dataDir);
        const wanted = serials.length > 0 ? serials : config.inverters.map((i) => i.serial);
        const todo = wanted.filter((s) => o.again || !book.get(s, ecuId));
        if (todo.length === 0) {
          process.stdout.write(
            `all ${wanted.length} inverter(s) are paired already (use --again to re-pair)\n`,
          );
          return;
        }
        try {
          await stick.start();
        } catch (e) {
          await stick.stop();
          throw new CliError(`cannot use the stick on ${config.stick.port}: ${(e as Error).message}`);
        }
        let failed = 0;
        try {
          for (const serial of todo) {
            try {
              const r = await stick.pair(serial, {
                onProgress: (p) => process.stdout.write(`  ${serial}: ${p.message}\n`),
              });
              book.set({ serial, shortAddress: r.shortAddress, pairedAt: new Date().toISOString(), ecuId });
              process.stdout.write(
                `paired ${serial} → short address 0x${r.shortAddress.toString(16).toUpperCase().padStart(4, "0")}\n`,
              );
            } catch (e) {
              failed++;
              process.stdout.write(
                `could not pair ${serial}: ${(e as Error).message}\n  (an inverter paired to another ECU may need a night unplugged — power-cycled — before it pairs)\n`,
              );
            }
          }
        } finally {
          await stick.stop();
        }
        if (failed > 0) throw new CliError(`${failed} of ${todo.length} inverter(s) did not pair`, 1);
      }),
    );
}
