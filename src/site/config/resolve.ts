/**
 * Raw (validated) YAML → SiteConfig: camelCase, defaults, absolute paths, and the cross-section
 * checks that need more than one section (secrets given twice, automations needing Home Assistant).
 */
import { dirname, resolve } from "node:path";
import { resolveMap } from "../map.ts";
import { checkSchedule } from "../schedule-rules.ts";
import { resolveGridOverrides } from "./grid.ts";
import { Hardware } from "./hardware.ts";
import type { IssueList } from "./issues.ts";
import type { RawConfig } from "./raw.ts";
import { makeSecretRef } from "./secret.ts";
import { closest } from "./suggest.ts";
import {
  type AutomationsConfig,
  ECU_MIN_POLL_S,
  type EcuConfig,
  type HomeAssistantConfig,
  type MqttConfig,
  type SiteConfig,
  type SiteInfo,
  type StickConfig,
  type WebConfig,
} from "./types.ts";

export function resolveConfig(raw: RawConfig, file: string, issues: IssueList): SiteConfig {
  const base = dirname(resolve(file));
  const hw = new Hardware(issues);
  hw.addModules(raw.modules);
  hw.addNamedPanels(raw.panels);
  hw.addInverters(raw.inverters);
  const arrays = resolveMap(raw.map?.arrays, hw, issues);
  hw.addBranches(raw.branches);
  const config: SiteConfig = {
    file,
    mqtt: resolveMqtt(raw.mqtt ?? {}, base, issues),
    site: resolveSite(raw.site, base, issues),
    modules: [...hw.modules.values()],
    panels: [...hw.panels.values()],
    inverters: [...hw.inverters.values()],
    branches: hw.branches,
    map: { arrays },
    automations: {},
    poll: { intervalS: raw.poll?.interval_s ?? 300 },
  };
  if (raw.stick) config.stick = resolveStick(raw.stick, issues);
  if (raw.ecu) config.ecu = resolveEcu(raw, issues);
  if (raw.homeassistant) config.homeassistant = resolveHomeAssistant(raw.homeassistant, base, issues);
  config.automations = resolveAutomations(raw.automations, config, issues);
  const web = resolveWeb(raw.web, issues);
  if (web) config.web = web;
  return config;
}

/** The local page is on by default, on this machine only; `port: 0` or `port: false` turns it off. */
function resolveWeb(raw: RawConfig["web"], issues: IssueList): WebConfig | undefined {
  const port = raw?.port ?? WEB_DEFAULT_PORT;
  if (port === true) {
    issues.add(
      "web.port",
      "port: true is not a port",
      `give a port number (default ${WEB_DEFAULT_PORT}), or false to turn the page off`,
    );
    return undefined;
  }
  if (port === false || port === 0) return undefined;
  return { port, bind: raw?.bind ?? "127.0.0.1" };
}

export const WEB_DEFAULT_PORT = 8099;

function resolveStick(raw: NonNullable<RawConfig["stick"]>, issues: IssueList): StickConfig {
  const stick: StickConfig = { port: raw.port, transport: "serial", baudRate: raw.baud_rate ?? 115200 };
  const tcp = /^tcp:\/\/(.+):(\d+)$/.exec(raw.port);
  if (tcp) {
    stick.transport = "tcp";
    stick.host = tcp[1]!.replace(/^\[(.*)\]$/, "$1");
    stick.tcpPort = Number(tcp[2]);
    if (stick.tcpPort < 1 || stick.tcpPort > 65535) {
      issues.add("stick.port", `TCP port ${stick.tcpPort} is out of range`, "use a port between 1 and 65535");
    }
  }
  if (raw.ecu_id !== undefined) stick.ecuId = raw.ecu_id.toUpperCase();
  return stick;
}

function resolveEcu(raw: RawConfig, issues: IssueList): EcuConfig {
  const r = raw.ecu!;
  if (raw.stick) {
    issues.add(
      "ecu",
      "stick and ecu are both set",
      "name one source of readings: the stick (ZigBee, localecu talks to the inverters) or the vendor ECU on the LAN",
    );
  }
  const ecu: EcuConfig = { host: r.host, port: r.port ?? 8899, pollS: r.poll_s ?? ECU_MIN_POLL_S };
  if (ecu.pollS < ECU_MIN_POLL_S) {
    issues.add(
      "ecu.poll_s",
      `${ecu.pollS} s is faster than the ECU refreshes its data (it asks the inverters about every ${ECU_MIN_POLL_S} s)`,
      `use ${ECU_MIN_POLL_S} or more: reading faster gives no new data and is known to make ECUs hang until they are power-cycled`,
    );
  }
  if (r.ecu_id !== undefined) ecu.ecuId = r.ecu_id;
  if (r.http_port !== undefined) ecu.httpPort = r.http_port;
  return ecu;
}

function exclusive(issues: IssueList, section: string, raw: Record<string, unknown>, keys: string[]): number {
  const given = keys.filter((k) => raw[k] !== undefined);
  if (given.length > 1)
    issues.add(`${section}.${given[1]}`, `${given.join(" and ")} are both set`, "keep one");
  return given.length;
}

function resolveMqtt(raw: NonNullable<RawConfig["mqtt"]>, base: string, issues: IssueList): MqttConfig {
  const mqtt: MqttConfig = {
    baseTopic: raw.base_topic ?? "localecu",
    discoveryPrefix: raw.discovery_prefix ?? "homeassistant",
  };
  exclusive(issues, "mqtt", raw as Record<string, unknown>, ["url", "embedded"]);
  if (raw.url !== undefined) mqtt.url = raw.url;
  else mqtt.embedded = { port: raw.embedded?.port ?? 1883, host: raw.embedded?.host ?? "127.0.0.1" };
  if (raw.username !== undefined) mqtt.username = raw.username;
  if (raw.client_id !== undefined) mqtt.clientId = raw.client_id;
  if (raw.protocol_version !== undefined) mqtt.protocolVersion = raw.protocol_version;
  if (
    exclusive(issues, "mqtt", raw as Record<string, unknown>, ["password", "password_file", "password_env"]) >
    0
  ) {
    const file = raw.password_file === undefined ? undefined : resolve(base, raw.password_file);
    mqtt.password = makeSecretRef(file, raw.password_env, raw.password);
  }
  if (raw.tls) {
    const t = raw.tls;
    mqtt.tls = { rejectUnauthorized: t.reject_unauthorized ?? true };
    if (t.ca !== undefined) mqtt.tls.ca = resolve(base, t.ca);
    if (t.cert !== undefined) mqtt.tls.cert = resolve(base, t.cert);
    if (t.key !== undefined) mqtt.tls.key = resolve(base, t.key);
    if ((t.cert === undefined) !== (t.key === undefined)) {
      const [has, lacks] = t.cert === undefined ? ["key", "cert"] : ["cert", "key"];
      issues.add(
        `mqtt.tls.${lacks}`,
        `missing: mqtt.tls.${has} is set, and a client certificate needs both its cert and its key`,
        `set mqtt.tls.${lacks} to the client's ${lacks === "cert" ? "certificate" : "private key"} file (PEM), or remove mqtt.tls.${has}`,
      );
    }
  }
  return mqtt;
}

function resolveHomeAssistant(
  raw: NonNullable<RawConfig["homeassistant"]>,
  base: string,
  issues: IssueList,
): HomeAssistantConfig {
  const n = exclusive(issues, "homeassistant", raw as Record<string, unknown>, [
    "token",
    "token_file",
    "token_env",
  ]);
  // Without a url the link runs as an HA add-on on SUPERVISOR_TOKEN, so no token is needed.
  if (n === 0 && raw.url !== undefined) {
    issues.add(
      "homeassistant.token_file",
      "missing: Home Assistant needs a long-lived access token",
      "set token_file or token_env",
    );
  }
  const file = raw.token_file === undefined ? undefined : resolve(base, raw.token_file);
  const ha: HomeAssistantConfig = { token: makeSecretRef(file, raw.token_env, raw.token) };
  if (raw.url !== undefined) ha.url = raw.url;
  return ha;
}

let zones: string[] | undefined;

function resolveSite(raw: RawConfig["site"], base: string, issues: IssueList): SiteInfo {
  try {
    new Intl.DateTimeFormat("en", { timeZone: raw.timezone });
  } catch {
    zones ??= Intl.supportedValuesOf("timeZone");
    const near = closest(raw.timezone, zones);
    issues.add(
      "site.timezone",
      `unknown time zone "${raw.timezone}"`,
      near ? `did you mean "${near}"?` : "use an IANA name like Europe/Amsterdam",
    );
  }
  const site: SiteInfo = {
    name: raw.name ?? "Solar",
    timezone: raw.timezone,
    energyCalibration: raw.energy_calibration ?? 1,
    dataDir: resolve(base, raw.data_dir ?? "./data"),
    historyDays: raw.history_days ?? 90,
    gridOverrides: resolveGridOverrides(raw.grid_overrides, raw.grid_code, issues),
  };
  if (raw.latitude !== undefined) site.latitude = raw.latitude;
  if (raw.longitude !== undefined) site.longitude = raw.longitude;
  if (raw.min_temperature_c !== undefined) site.minTemperatureC = raw.min_temperature_c;
  if (raw.grid_code !== undefined) site.gridCode = raw.grid_code;
  return site;
}

/** snake_case keys → camelCase, recursively; values untouched. */
function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      camel(v),
    ]),
  );
}

/** Present, non-empty and not `enabled: false` → the settings without `enabled`; otherwise off. */
function section<T>(raw: Record<string, unknown> | null | undefined): T | undefined {
  if (!raw || Object.keys(raw).length === 0 || raw.enabled === false) return undefined;
  const { enabled: _enabled, ...rest } = raw;
  return camel(rest) as T;
}

function resolveAutomations(
  raw: RawConfig["automations"],
  config: SiteConfig,
  issues: IssueList,
): AutomationsConfig {
  const out: AutomationsConfig = {};
  const exportLimit = section<NonNullable<AutomationsConfig["exportLimit"]>>(raw?.export_limit);
  const faults = section<NonNullable<AutomationsConfig["faults"]>>(raw?.faults);
  const schedule = section<NonNullable<AutomationsConfig["schedule"]>>(raw?.schedule);
  const needHa = (path: string, what: string) => {
    if (!config.homeassistant)
      issues.add(path, `${what} needs the homeassistant section`, "add homeassistant: url and token");
  };
  if (exportLimit) {
    const m = exportLimit.meter;
    const at = "automations.export_limit.meter";
    if (!m || (m.entity === undefined && m.topic === undefined)) {
      issues.add(
        at,
        "missing: the export limiter needs a grid meter",
        "set meter.entity (Home Assistant) or meter.topic (MQTT)",
      );
    } else if (m.entity !== undefined && m.topic !== undefined) {
      issues.add(`${at}.topic`, "entity and topic are both set", "keep one");
    } else if (m.entity !== undefined) {
      needHa(`${at}.entity`, "a Home Assistant meter");
      if (m.valueKey !== undefined)
        issues.add(`${at}.value_key`, "is for an MQTT meter (topic)", "remove it: an entity has one state");
      if (m.unit !== undefined)
        issues.add(
          `${at}.unit`,
          "is for an MQTT meter (topic)",
          "remove it: the entity's unit_of_measurement is used",
        );
    }
    const serials = new Set(config.inverters.map((i) => i.serial));
    for (const serial of Object.keys(exportLimit.priority ?? {})) {
      if (!serials.has(serial))
        issues.add(
          `automations.export_limit.priority.${serial}`,
          `unknown inverter ${serial}`,
          `use serials from inverters: (${[...serials].join(", ") || "none configured"})`,
        );
    }
    if (
      exportLimit.minLimitW !== undefined &&
      exportLimit.maxLimitW !== undefined &&
      exportLimit.minLimitW > exportLimit.maxLimitW
    ) {
      issues.add("automations.export_limit.min_limit_w", "is above max_limit_w", "swap them");
    }
    out.exportLimit = exportLimit;
  }
  if (faults) {
    if (faults.notify?.length) needHa("automations.faults.notify", "sending notifications");
    out.faults = faults;
  }
  if (schedule) {
    const problems = checkSchedule(schedule, {
      inverters: config.inverters,
      hasPosition: config.site.latitude !== undefined && config.site.longitude !== undefined,
    });
    for (const p of problems) issues.add(p.path, p.message, p.hint);
    if (schedule.price) needHa("automations.schedule.price.entity", "a price entity");
    out.schedule = schedule;
  }
  return out;
}
