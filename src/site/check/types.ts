/** A finding of `localecu check`: what, where in site.yaml, and the line it comes from. */
export type Severity = "error" | "warning" | "info";

export type RuleId =
  | "voc-cold"
  | "vmp-range"
  | "isc"
  | "imp"
  | "module-wp"
  | "branch-units"
  | "branch-missing"
  | "duplicate-serial"
  | "unknown-prefix"
  | "no-datasheet"
  | "assumption"
  | "map"
  | "web-bind"
  | "unused-panel"
  | "inline-secret"
  | "unresolved-secret"
  | "unverified-control"
  | "tls-file"
  | "tls-unused"
  | "ecu-control"
  | "ecu-readings";

export interface Finding {
  severity: Severity;
  rule: RuleId;
  /** Path in site.yaml, e.g. `modules.trina-400.voc_v` or `branches[1]`. */
  path: string;
  message: string;
  /** The datasheet line (or the localecu rule) the finding comes from. */
  source: string;
}

/** Assumed when site.min_temperature_c is not set: a cold central-European morning. */
export const DEFAULT_MIN_TEMPERATURE_C = -10;
/** Assumed when a module has no Voc coefficient: the steep end of crystalline silicon. */
export const DEFAULT_VOC_COEFF_PCT_PER_C = -0.35;
/** Datasheet voltages are given at STC, 25 °C cell temperature. */
export const STC_TEMPERATURE_C = 25;

/** Voc at temperature t: Voc_STC × (1 + coeff/100 × (t − 25 °C)); a negative coeff raises it in the cold. */
export function vocAt(vocV: number, coeffPctPerC: number, temperatureC: number): number {
  return vocV * (1 + (coeffPctPerC / 100) * (temperatureC - STC_TEMPERATURE_C));
}
