/**
 * Panel ↔ inverter input rules from the inverter datasheet (QS1-EU manual section 8): cold Voc
 * against the max input voltage, Vmp against the MPPT and operating ranges, Isc/Imp against the
 * max input current, module power against the recommended range. One finding per module type
 * and datasheet, naming the inputs it concerns.
 */
import type { Datasheet } from "../../protocol/models.ts";
import type { ModuleType, SiteConfig } from "../config/types.ts";
import { DEFAULT_MIN_TEMPERATURE_C, DEFAULT_VOC_COEFF_PCT_PER_C, type Finding, vocAt } from "./types.ts";

const v = (x: number) => `${Number(x.toFixed(1))} V`;
const a = (x: number) => `${Number(x.toFixed(2))} A`;

interface Use {
  module: ModuleType;
  datasheet: Datasheet;
  inputs: string[];
}

function usesOf(config: SiteConfig): Use[] {
  const uses = new Map<string, Use>();
  for (const inv of config.inverters) {
    const ds = inv.model?.datasheet;
    if (!ds) continue;
    for (const [input, panelId] of Object.entries(inv.channels)) {
      const panel = config.panels.find((p) => p.id === panelId);
      if (!panel) continue;
      const key = `${panel.module.path}|${ds.source}`;
      const use = uses.get(key) ?? { module: panel.module, datasheet: ds, inputs: [] };
      use.inputs.push(`${inv.serial}-${input}`);
      uses.set(key, use);
    }
  }
  return [...uses.values()];
}

function where(use: Use): string {
  const n = use.inputs.length;
  return n <= 3 ? use.inputs.join(", ") : `${n} inputs (${use.inputs.slice(0, 2).join(", ")}, …)`;
}

export function checkModules(config: SiteConfig): Finding[] {
  const out: Finding[] = [];
  const uses = usesOf(config);
  const tMin = config.site.minTemperatureC ?? DEFAULT_MIN_TEMPERATURE_C;
  if (config.site.minTemperatureC === undefined && uses.length > 0) {
    out.push({
      severity: "info",
      rule: "assumption",
      path: "site.min_temperature_c",
      message: `not set: the Voc check assumes ${DEFAULT_MIN_TEMPERATURE_C} °C — set your site's coldest morning`,
      source: "localecu: cold-morning Voc check",
    });
  }
  for (const use of uses) {
    const { module: m, datasheet: ds } = use;
    const add = (
      severity: Finding["severity"],
      rule: Finding["rule"],
      field: string,
      message: string,
      line: string,
    ) => out.push({ severity, rule, path: `${m.path}.${field}`, message, source: `${ds.source}: ${line}` });

    const coeff = m.tempCoeffVocPctPerC ?? DEFAULT_VOC_COEFF_PCT_PER_C;
    if (m.tempCoeffVocPctPerC === undefined) {
      out.push({
        severity: "info",
        rule: "assumption",
        path: `${m.path}.temp_coeff_voc_pct_per_c`,
        message: `not set: the Voc check assumes ${coeff} %/°C — copy it from the module datasheet`,
        source: "localecu: cold-morning Voc check",
      });
    }
    const cold = vocAt(m.vocV, coeff, tMin);
    const vocLine = `max input voltage ${ds.maxInputV} V`;
    if (cold > ds.maxInputV) {
      add(
        "error",
        "voc-cold",
        "voc_v",
        `Voc at ${tMin} °C is ${v(cold)}, above the ${v(ds.maxInputV)} maximum (on ${where(use)}): the input can be damaged`,
        vocLine,
      );
    } else {
      add(
        "info",
        "voc-cold",
        "voc_v",
        `Voc at ${tMin} °C is ${v(cold)} (maximum ${v(ds.maxInputV)})`,
        vocLine,
      );
    }

    const [opLo, opHi] = ds.operatingV;
    const [mpLo, mpHi] = ds.mpptV;
    if (m.vmpV < opLo || m.vmpV > opHi) {
      add(
        "error",
        "vmp-range",
        "vmp_v",
        `Vmp ${v(m.vmpV)} is outside the operating range ${opLo}–${opHi} V (on ${where(use)})`,
        `operating voltage range ${opLo}–${opHi} V`,
      );
    } else if (m.vmpV < mpLo || m.vmpV > mpHi) {
      add(
        "warning",
        "vmp-range",
        "vmp_v",
        `Vmp ${v(m.vmpV)} is outside the MPPT range ${mpLo}–${mpHi} V: the input will not track the maximum power point`,
        `MPPT voltage range ${mpLo}–${mpHi} V`,
      );
    }

    const maxA = ds.maxInputA;
    const currentLine = `max input current ${maxA} A per input`;
    if (m.impA !== undefined && m.impA > maxA) {
      add(
        "warning",
        "imp",
        "imp_a",
        `Imp ${a(m.impA)} is above ${a(maxA)}: output is clipped at full sun`,
        currentLine,
      );
    }
    if (m.iscA > maxA) {
      add(
        "warning",
        "isc",
        "isc_a",
        `Isc ${a(m.iscA)} is above the ${a(maxA)} input rating: the inverter limits the current — check the module is on APsystems' compatibility list`,
        currentLine,
      );
    }

    const [wpLo, wpHi] = ds.moduleWp;
    if (m.wp < wpLo || m.wp > wpHi) {
      const why = m.wp > wpHi ? "power above it is clipped" : "the inverter is under-used";
      add(
        "warning",
        "module-wp",
        "wp",
        `${m.wp} Wp is outside the recommended ${wpLo}–${wpHi} Wp: ${why}`,
        `recommended PV module power ${wpLo}–${wpHi} Wp`,
      );
    }
  }
  return out;
}
