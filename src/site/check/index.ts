/**
 * `localecu check`: the site design against the inverter datasheet (seed manual section 8), plus
 * the things a valid file can still get wrong (unknown serial prefixes, panels wired nowhere,
 * inverters missing from the map or from every branch, secrets written inline or not readable).
 * Numbers come from ModelInfo.datasheet; models without one are skipped with an info.
 */
import { HaCredentialsError, resolveHaCredentials } from "../../ha/credentials.ts";
import { isLoopback } from "../../mqtt/broker.ts";
import { MODELS, modelForSerial } from "../../protocol/models.ts";
import type { SiteConfig } from "../config/types.ts";
import { checkEcuSource } from "./ecu.ts";
import { checkModules } from "./modules.ts";
import { checkMqttTls } from "./mqtt.ts";
import type { Finding, Severity } from "./types.ts";

export type { Finding, RuleId, Severity } from "./types.ts";
export { DEFAULT_MIN_TEMPERATURE_C, DEFAULT_VOC_COEFF_PCT_PER_C, vocAt } from "./types.ts";

const MODELS_SOURCE = "src/protocol/models.ts: serial prefix → model";
const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function checkSite(config: SiteConfig, env: NodeJS.ProcessEnv = process.env): Finding[] {
  const findings = [
    ...checkSerials(config),
    ...checkModules(config),
    ...checkBranches(config),
    ...checkWiring(config),
    ...checkSecrets(config),
    ...checkMqttTls(config),
    ...checkHomeAssistantToken(config, env),
    ...checkScheduleOnOff(config),
    ...checkWebBind(config),
    ...checkEcuSource(config),
  ];
  return findings.sort((x, y) => ORDER[x.severity] - ORDER[y.severity]);
}

/** The local page has no login: beyond this machine it shows the site, and the limiter's state, to anyone. */
function checkWebBind(config: SiteConfig): Finding[] {
  if (!config.web || isLoopback(config.web.bind)) return [];
  return [
    {
      severity: "warning",
      rule: "web-bind",
      path: "web.bind",
      message: `the local page listens on ${config.web.bind}, beyond this machine, with no password: anyone on the network can see the site — keep bind: 127.0.0.1 unless you mean it`,
      source: "localecu: the local page has no login",
    },
  ];
}

function checkSerials(config: SiteConfig): Finding[] {
  const out: Finding[] = [];
  const seen = new Map<string, string>();
  const known = MODELS.map((m) => `${m.model} ${m.prefixes.join("/")}`).join(", ");
  const skipped = new Map<string, string[]>();
  for (const inv of config.inverters) {
    const first = seen.get(inv.serial);
    if (first !== undefined) {
      out.push({
        severity: "error",
        rule: "duplicate-serial",
        path: `${inv.path}.serial`,
        message: `${inv.serial} is listed twice (also ${first})`,
        source: "localecu: one entry per inverter",
      });
    }
    seen.set(inv.serial, inv.path);
    const byPrefix = modelForSerial(inv.serial);
    if (!byPrefix) {
      const prefix = inv.serial.slice(0, 3);
      out.push(
        inv.model
          ? {
              severity: "warning",
              rule: "unknown-prefix",
              path: `${inv.path}.serial`,
              message: `prefix ${prefix} is not a known model; trusting model: ${inv.model.model}`,
              source: `${MODELS_SOURCE} (${known})`,
            }
          : {
              severity: "error",
              rule: "unknown-prefix",
              path: `${inv.path}.serial`,
              message: `prefix ${prefix} is not a known model, so localecu cannot decode this inverter — check the serial on the label, or set model:`,
              source: `${MODELS_SOURCE} (${known})`,
            },
      );
    }
    if (inv.model && !inv.model.datasheet) {
      skipped.set(inv.model.model, [...(skipped.get(inv.model.model) ?? []), inv.serial]);
    }
  }
  for (const [model, serials] of skipped) {
    const inv = config.inverters.find((i) => i.serial === serials[0])!;
    out.push({
      severity: "info",
      rule: "no-datasheet",
      path: inv.path,
      message: `no ${model} datasheet numbers on file: Voc, Vmp, current, module and branch rules skipped for ${serials.join(", ")}`,
      source: "src/protocol/models.ts: datasheet",
    });
  }
  return out;
}

function checkBranches(config: SiteConfig): Finding[] {
  const out: Finding[] = [];
  for (const b of config.branches) {
    const models = b.inverters.map((s) => config.inverters.find((i) => i.serial === s)?.model);
    const ds = models[0]?.datasheet;
    if (!ds || models.some((m) => m?.datasheet !== ds)) {
      out.push({
        severity: "info",
        rule: "no-datasheet",
        path: b.path,
        message:
          "units-per-branch rule skipped: the branch mixes models or has a model without datasheet numbers",
        source: "src/protocol/models.ts: datasheet",
      });
      continue;
    }
    const rule = Object.entries(ds.unitsPerBreaker)
      .map(([amps, units]) => `${units} per ${amps} A breaker`)
      .join(", ");
    const n = b.inverters.length;
    const limit = ds.unitsPerBreaker[b.breakerA];
    const model = models[0]!.model;
    if (limit !== undefined) {
      if (n > limit) {
        out.push({
          severity: "error",
          rule: "branch-units",
          path: `${b.path}.inverters`,
          message: `${n} ${model} units on a ${b.breakerA} A breaker; at most ${limit} allowed — split the branch`,
          source: `${ds.source}: maximum units per branch: ${rule}`,
        });
      }
      continue;
    }
    // No datasheet line for this rating: compare the nominal output current instead.
    const current = n * ds.nominalOutputA;
    const severity = current > b.breakerA ? "error" : "info";
    out.push({
      severity,
      rule: "branch-units",
      path: `${b.path}.breaker_a`,
      message: `the datasheet gives no unit count for ${b.breakerA} A; ${n} × ${ds.nominalOutputA} A = ${Number(current.toFixed(2))} A nominal${severity === "error" ? ", more than the breaker" : ""} — have an electrician confirm`,
      source: `${ds.source}: nominal output current ${ds.nominalOutputA} A; maximum units per branch: ${rule}`,
    });
  }
  const unbranched = config.inverters.filter((i) => i.branch === undefined).map((i) => i.serial);
  if (unbranched.length > 0) {
    out.push({
      severity: "info",
      rule: "branch-missing",
      path: "branches",
      message:
        config.branches.length === 0
          ? "no branch circuits described: units per breaker not checked"
          : `not on any branch circuit, so not checked against its breaker: ${unbranched.join(", ")}`,
      source: "localecu: branch circuits",
    });
  }
  return out;
}

function checkWiring(config: SiteConfig): Finding[] {
  const out: Finding[] = [];
  for (const p of config.panels) {
    if (p.inverter === undefined) {
      out.push({
        severity: "warning",
        rule: "unused-panel",
        path: p.path,
        message: `panel ${p.id} is not wired to any inverter input`,
        source: "localecu: installation map",
      });
    }
  }
  const unplaced = config.inverters.filter((i) => i.positions.length === 0);
  if (config.map.arrays.length === 0) {
    if (config.inverters.length > 0) {
      out.push({
        severity: "info",
        rule: "map",
        path: "map",
        message: "no installation map: the roof map and per-array comparisons stay empty",
        source: "localecu: installation map (manual registration card)",
      });
    }
  } else {
    for (const inv of unplaced) {
      out.push({
        severity: "warning",
        rule: "map",
        path: inv.path,
        message: `${inv.serial} is not on the installation map`,
        source: "localecu: installation map (manual registration card)",
      });
    }
  }
  return out;
}

function checkSecrets(config: SiteConfig): Finding[] {
  const out: Finding[] = [];
  const inline = (path: string, instead: string) =>
    out.push({
      severity: "warning",
      rule: "inline-secret",
      path,
      message: `written inline in the file — move it to ${instead}`,
      source: "localecu: secrets stay out of site.yaml",
    });
  if (config.mqtt.password?.value !== undefined) inline("mqtt.password", "password_file or password_env");
  if (config.homeassistant?.token.value !== undefined)
    inline("homeassistant.token", "token_file or token_env");
  return out;
}

/**
 * A Home Assistant token that cannot be read (unset variable, missing file, no url outside an add-on). A
 * warning, not an error: the controller starts without the link (its sensor says auth_failed).
 */
function checkHomeAssistantToken(config: SiteConfig, env: NodeJS.ProcessEnv): Finding[] {
  try {
    resolveHaCredentials(config.homeassistant, env);
    return [];
  } catch (e) {
    if (!(e instanceof HaCredentialsError)) throw e;
    const setting = /^(homeassistant\.[a-z_]+)/.exec(e.message)?.[1] ?? "homeassistant";
    return [
      {
        severity: "warning",
        rule: "unresolved-secret",
        path: setting,
        message: `${e.message}; until then localecu runs without the Home Assistant link`,
        source: "localecu: the Home Assistant link is optional",
      },
    ];
  }
}

/** `use_on_off` asks for a command that is unverified on these inverters: off stays max power there. */
function checkScheduleOnOff(config: SiteConfig): Finding[] {
  if (config.automations.schedule?.useOnOff !== true) return [];
  const byModel = new Map<string, { evidence: string; serials: string[] }>();
  for (const inv of config.inverters) {
    const c = inv.model?.controls.onOff;
    if (!inv.model || !c || c.status === "confirmed") continue;
    const m = byModel.get(inv.model.model) ?? { evidence: c.evidence, serials: [] };
    m.serials.push(inv.serial);
    byModel.set(inv.model.model, m);
  }
  return [...byModel].map(([model, m]) => ({
    severity: "warning" as const,
    rule: "unverified-control" as const,
    path: "automations.schedule.use_on_off",
    message: `the ${model}'s on/off command is unverified (${m.evidence}): off stays max power at the ${model}'s minimum for ${m.serials.join(", ")} — remove use_on_off, or keep it for when the command is confirmed`,
    source: "src/protocol/models.ts: controls.onOff",
  }));
}
