/**
 * What a site read through the vendor ECU cannot do, said before the owner finds out at run time: port
 * 8899 only reads (ecu-lan-protocol.md §2), so the limiter and the schedule have nothing to act through
 * unless the ECU's HTTP control pages answer (probed at start, unverified on 2026 firmware), and the
 * per-panel DC values do not exist on that port.
 */
import type { SiteConfig } from "../config/types.ts";
import type { Finding } from "./types.ts";

const SOURCE = "ecu-lan-protocol.md §2.5 (port 8899 reads only) and §3 (HTTP control, unverified)";

export function checkEcuSource(config: SiteConfig): Finding[] {
  if (!config.ecu) return [];
  const out: Finding[] = [];
  const acting = [
    config.automations.exportLimit ? "automations.export_limit" : undefined,
    config.automations.schedule ? "automations.schedule" : undefined,
  ].filter((p): p is string => p !== undefined);
  for (const path of acting) {
    out.push({
      severity: "warning",
      rule: "ecu-control",
      path,
      message:
        "the ECU source reads the inverters but port 8899 cannot command them: this automation runs and reports what it would do, and acts only if the ECU's HTTP control pages answer at start (unverified; removed on recent firmware)",
      source: SOURCE,
    });
  }
  out.push({
    severity: "info",
    rule: "ecu-readings",
    path: "ecu",
    message:
      "through the ECU each panel has its power only: no DC voltage or current, and energy per inverter is added up from the power of each ECU cycle (about every 300 s); a stick reads both",
    source: SOURCE,
  });
  return out;
}
