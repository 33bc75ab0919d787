/**
 * The supervisor's rules for an add-on's config.yaml and a repository.yaml, as read in
 * home-assistant/supervisor supervisor/addons/validate.py (_SCHEMA_ADDON_CONFIG, RE_SERVICE, RE_VOLUME),
 * supervisor/addons/options.py (RE_SCHEMA_ELEMENT), supervisor/const.py (ARCH_ALL) and
 * supervisor/store/validate.py (SCHEMA_REPOSITORY_CONFIG), written out as checks. One line per problem.
 */

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** ARCH_ALL with the deprecated ones the supervisor still reads. */
const ARCH = ["aarch64", "amd64", "armhf", "armv7", "i386"];
const RE_SLUG = /^[-_.A-Za-z0-9]+$/;
const RE_SERVICE = /^(mqtt|mysql):(provide|want|need)$/;
const MAPPING_TYPES = [
  "data",
  "config",
  "ssl",
  "addons",
  "backup",
  "share",
  "media",
  "homeassistant_config",
  "all_addon_configs",
  "addon_config",
];
/** An option type: the supervisor's element grammar (types, bounds, match(), list(), trailing ?). */
export const RE_SCHEMA_ELEMENT =
  /^(?:|bool|email|url|port|device(?:\((subsystem=[a-z]+)\))?|str(?:\((\d+)?,(\d+)?\))?|password(?:\((\d+)?,(\d+)?\))?|int(?:\((-?\d+)?,(-?\d+)?\))?|float(?:\((-?\d*\.?\d+)?,(-?\d*\.?\d+)?\))?|match\((.*)\)|list\((.+)\))\??$/;

const BOOLEANS = [
  "init",
  "advanced",
  "ingress",
  "ingress_stream",
  "panel_admin",
  "host_network",
  "host_pid",
  "host_ipc",
  "host_uts",
  "host_dbus",
  "udev",
  "tmpfs",
  "apparmor",
  "full_access",
  "audio",
  "video",
  "gpio",
  "usb",
  "uart",
  "devicetree",
  "kernel_modules",
  "realtime",
  "hassio_api",
  "homeassistant_api",
  "stdin",
  "legacy",
  "docker_api",
  "auth_api",
  "journald",
];
const STRINGS = [
  "name",
  "description",
  "ingress_entry",
  "panel_icon",
  "panel_title",
  "homeassistant",
  "image",
];
/** Every key _SCHEMA_ADDON_CONFIG knows (it drops others silently, so a typo would go unseen). */
const KNOWN = new Set([
  ...BOOLEANS,
  ...STRINGS,
  "version",
  "slug",
  "arch",
  "machine",
  "url",
  "startup",
  "boot",
  "stage",
  "ports",
  "ports_description",
  "watchdog",
  "webui",
  "ingress_port",
  "devices",
  "map",
  "environment",
  "privileged",
  "hassio_role",
  "services",
  "discovery",
  "backup_exclude",
  "backup_pre",
  "backup_post",
  "backup",
  "options",
  "schema",
  "ulimits",
  "timeout",
  "breaking_versions",
]);

export function checkAddonConfig(c: Record<string, unknown>): string[] {
  const p: string[] = [];
  for (const k of ["name", "version", "slug", "description", "arch"]) if (!(k in c)) p.push(`${k}: required`);
  for (const k of Object.keys(c)) if (!KNOWN.has(k)) p.push(`${k}: not a key the supervisor reads`);
  for (const k of BOOLEANS) if (k in c && typeof c[k] !== "boolean") p.push(`${k}: must be true or false`);
  for (const k of STRINGS) if (k in c && typeof c[k] !== "string") p.push(`${k}: must be a string`);
  if (typeof c.version !== "string") p.push("version: must be a string (quote it)");
  if (typeof c.slug !== "string" || !RE_SLUG.test(c.slug)) p.push("slug: letters, digits, - _ . only");
  if (!Array.isArray(c.arch) || c.arch.length === 0 || c.arch.some((a) => !ARCH.includes(String(a))))
    p.push(`arch: a list of ${ARCH.join(", ")}`);
  if ("url" in c && !/^https?:\/\/\S+$/.test(String(c.url))) p.push("url: must be a URL");
  if (
    "startup" in c &&
    !["initialize", "system", "services", "application", "once"].includes(String(c.startup))
  )
    p.push("startup: not a startup type");
  if ("boot" in c && !["auto", "manual", "manual_only"].includes(String(c.boot)))
    p.push("boot: auto or manual");
  if ("ingress_port" in c) {
    const n = c.ingress_port;
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > 65535)
      p.push("ingress_port: a port or 0");
  }
  if ("services" in c && (!Array.isArray(c.services) || c.services.some((s) => !RE_SERVICE.test(String(s)))))
    p.push("services: entries like mqtt:need");
  if ("map" in c) {
    if (!Array.isArray(c.map)) p.push("map: a list");
    else
      for (const m of c.map) {
        const type = isObj(m) ? m.type : String(m).split(":")[0];
        if (!MAPPING_TYPES.includes(String(type))) p.push(`map: ${JSON.stringify(m)} is not a mapping type`);
        if (isObj(m) && "read_only" in m && typeof m.read_only !== "boolean")
          p.push("map: read_only is a boolean");
      }
  }
  if ("options" in c && !isObj(c.options)) p.push("options: a mapping");
  if ("schema" in c && c.schema !== false) {
    if (!isObj(c.schema)) p.push("schema: a mapping");
    else
      for (const [k, v] of Object.entries(c.schema)) p.push(...checkSchemaElement(`schema.${k}`, v, false));
  }
  return p;
}

function checkSchemaElement(at: string, v: unknown, inList: boolean): string[] {
  if (typeof v === "string") return RE_SCHEMA_ELEMENT.test(v) ? [] : [`${at}: '${v}' is not an option type`];
  if (Array.isArray(v)) {
    if (inList) return [`${at}: a list may not hold a list`];
    return v.flatMap((x, i) => checkSchemaElement(`${at}[${i}]`, x, true));
  }
  if (isObj(v)) return Object.entries(v).flatMap(([k, x]) => checkSchemaElement(`${at}.${k}`, x, false));
  return [`${at}: must be a type string, a list or a mapping`];
}

export function checkRepository(r: Record<string, unknown>): string[] {
  const p: string[] = [];
  if (typeof r.name !== "string") p.push("name: required, a string");
  if ("url" in r && !/^https?:\/\/\S+$/.test(String(r.url))) p.push("url: must be a URL");
  if ("maintainer" in r && typeof r.maintainer !== "string") p.push("maintainer: a string");
  return p;
}

/**
 * An option value against its type, as the supervisor checks options.json (options.py _single_validate):
 * enough for the types our schema uses.
 */
export function checkOptionValue(at: string, type: unknown, value: unknown): string[] {
  if (Array.isArray(type)) {
    if (!Array.isArray(value)) return [`${at}: a list`];
    return value.flatMap((x, i) => checkOptionValue(`${at}[${i}]`, type[0], x));
  }
  if (isObj(type)) {
    if (!isObj(value)) return [`${at}: a mapping`];
    const p: string[] = [];
    for (const [k, t] of Object.entries(type)) {
      if (!(k in value)) {
        if (!String(t).endsWith("?") && typeof t === "string") p.push(`${at}.${k}: missing`);
        continue;
      }
      p.push(...checkOptionValue(`${at}.${k}`, t, value[k]));
    }
    for (const k of Object.keys(value)) if (!(k in type)) p.push(`${at}.${k}: not in the schema`);
    return p;
  }
  const t = String(type).replace(/\?$/, "");
  const m = RE_SCHEMA_ELEMENT.exec(t);
  if (!m) return [`${at}: unknown type ${t}`];
  const num = (lo?: string, hi?: string) =>
    typeof value === "number" &&
    (lo === undefined || value >= Number(lo)) &&
    (hi === undefined || value <= Number(hi));
  if (t === "bool") return typeof value === "boolean" ? [] : [`${at}: true or false`];
  if (t.startsWith("str") || t.startsWith("device"))
    return typeof value === "string" ? [] : [`${at}: a string`];
  if (t.startsWith("int"))
    return Number.isInteger(value) && num(m[6], m[7]) ? [] : [`${at}: an integer in ${t}`];
  if (t.startsWith("float")) return num(m[8], m[9]) ? [] : [`${at}: a number in ${t}`];
  if (t.startsWith("match"))
    return new RegExp(`^(?:${m[10]})$`).test(String(value)) ? [] : [`${at}: must match ${m[10]}`];
  if (t.startsWith("list"))
    return m[11]!.split("|").includes(String(value)) ? [] : [`${at}: one of ${m[11]}`];
  return [];
}
