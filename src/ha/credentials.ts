/**
 * Where the Home Assistant link connects and with which token: site.yaml's `homeassistant:` section, or,
 * running as an HA add-on, the supervisor's proxy and SUPERVISOR_TOKEN. Errors name the setting to fix and
 * never carry the token.
 */
import { resolveSecret, SecretError } from "../site/config/secret.ts";
import type { HomeAssistantConfig } from "../site/config/types.ts";

/** The supervisor proxies Core's websocket API for add-ons at this address. */
export const SUPERVISOR_WS_URL = "ws://supervisor/core/websocket";

export interface HaCredentials {
  /** ws:// or wss:// URL of the websocket API. */
  readonly wsUrl: string;
  /** The setting the token came from, for messages ("homeassistant.token_env (HA_TOKEN)"). */
  readonly tokenSetting: string;
  /** Non-enumerable, so logging or JSON-serialising the credentials never carries it. */
  readonly token: string;
}

export class HaCredentialsError extends Error {
  override readonly name = "HaCredentialsError";
}

/** http(s)://host:8123[/] → ws(s)://host:8123/api/websocket; a ws(s):// URL with a path is kept as is. */
export function websocketUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new HaCredentialsError(
      `homeassistant.url: '${url}' is not a URL — write it like http://homeassistant.local:8123`,
    );
  }
  const scheme = { "http:": "ws:", "https:": "wss:", "ws:": "ws:", "wss:": "wss:" }[u.protocol];
  if (!scheme) {
    throw new HaCredentialsError(
      `homeassistant.url: scheme ${u.protocol} is not supported — use http://, https://, ws:// or wss://`,
    );
  }
  const wasWs = u.protocol === "ws:" || u.protocol === "wss:";
  u.protocol = scheme;
  u.username = "";
  u.password = "";
  const path = u.pathname.replace(/\/+$/, "");
  if (!(wasWs && path !== "")) u.pathname = `${path}/api/websocket`;
  return u.toString();
}

/** The setting a SecretRef came from, in site.yaml's words. */
export function tokenSettingOf(config: HomeAssistantConfig): string {
  const t = config.token;
  if (t.file !== undefined) return `homeassistant.token_file (${t.file})`;
  if (t.env !== undefined) return `homeassistant.token_env (${t.env})`;
  return "homeassistant.token";
}

/**
 * The link's credentials, or undefined when there is nothing to connect to (no section, not an add-on).
 * Throws HaCredentialsError naming the setting when the token cannot be read.
 */
export function resolveHaCredentials(
  config: HomeAssistantConfig | undefined,
  env: NodeJS.ProcessEnv = process.env,
): HaCredentials | undefined {
  const supervisorToken = env.SUPERVISOR_TOKEN?.trim();
  if (config?.url === undefined || config.url === "") {
    if (supervisorToken)
      return make(SUPERVISOR_WS_URL, "SUPERVISOR_TOKEN (Home Assistant add-on)", supervisorToken);
    if (config === undefined) return undefined;
    throw new HaCredentialsError(
      "homeassistant.url is not set and SUPERVISOR_TOKEN is absent (not running as a Home Assistant add-on) — set homeassistant.url, e.g. http://homeassistant.local:8123",
    );
  }
  const wsUrl = websocketUrl(config.url);
  const setting = tokenSettingOf(config);
  let token: string;
  try {
    token = resolveSecret(config.token, "homeassistant token", env);
  } catch (e) {
    if (!(e instanceof SecretError)) throw e;
    // resolveSecret names the file or variable; say which setting points there.
    throw new HaCredentialsError(`${setting}: ${e.message.replace(/^homeassistant token: /, "")}`);
  }
  return make(wsUrl, setting, token);
}

function make(wsUrl: string, tokenSetting: string, token: string): HaCredentials {
  const c = { wsUrl, tokenSetting } as HaCredentials;
  Object.defineProperty(c, "token", { value: token, enumerable: false });
  return c;
}
