/** localecu's core, fed exactly what the real module feeds it. */
import { ExportLimiter } from "../../../src/automations/export-limit/core.ts";
import type {
  LimiterInput,
  LimiterInverter,
  LimiterSettings,
  LimitWrite,
} from "../../../src/automations/export-limit/types.ts";
import type { BenchController } from "../types.ts";

export class Ours implements BenchController {
  readonly name = "localecu";
  private readonly core: ExportLimiter;

  constructor(inverters: LimiterInverter[], settings: LimiterSettings) {
    this.core = new ExportLimiter(inverters, settings);
  }

  input(i: LimiterInput): LimitWrite[] {
    return this.core.update(i).writes;
  }
}
