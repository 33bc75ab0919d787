/**
 * What a site read through the vendor ECU cannot do, said before the owner finds out at run time: port
 * 8899 only reads (ecu-lan-protocol.md §2): the schedule acts only through the ECU's web pages when they
 * answer at start (unverified on 2026 firmware), the limiter not at all (the pages act about 5 minutes
 * later), and the per-panel DC values do not exist on that port.
 */
import type { SiteConfig } from "../config/types.ts";
import type { Finding } from "./types.ts";

const SOURCE = "ecu-lan-protocol.md §2.5 (port 8899 reads only) and §3 (HTTP control, unverified)";

export function checkEcuSource(config: SiteConfig): Finding[] {
  if (!config.ecu) return [];
  const out: Finding[] = [];
  if (config.automations.exportLimit) {
    out.push({
      severity: "warning",
      rule: "ecu-control",
      path: "automations.export_limit",
      message:
        "not started with the ECU source: the ECU passes a command on only at its next round (about 5 minutes), far too slow to follow a grid meter — a stick commands within seconds",
      source: SOURCE,
    });
  }
  if (config.automations.schedule) {
    out.push({
      severity: "warning",
      rule: "ecu-control",
      path: "automations.schedule",
      message:
        "port 8899 cannot command them: the schedule runs only if the ECU's web pages for max power and on/off answer at start (ECU-R-Pro and ECU-C on firmware that still serves them; unverified), and each write takes effect at the ECU's next round, about 5 minutes later",
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
