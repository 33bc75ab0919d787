/**
 * Why the first MQTT connect failed, turned into the setting to change. The broker's or TLS's own words
 * stay in the line; the fix names the setting (site.yaml's, or a command-line flag) and the file or
 * variable a secret comes from, never the secret itself.
 */
import type { MqttConfig } from "../site/config/types.ts";

/** How the settings are called where the user sets them, e.g. `mqtt.tls.ca in site.yaml` or `--ca`. */
export interface MqttSettingNames {
  url: string;
  username: string;
  /** Where the password comes from, or undefined when none is given. */
  password?: string;
  /** The CA file's setting and path, when one is set. */
  ca?: { setting: string; file: string };
  caSetting: string;
  /** The client certificate's setting and path, when one is set. */
  cert?: { setting: string; file: string };
  certAndKey: string;
}

/** TLS verification codes of node:tls that mean "the broker's certificate chain is not trusted". */
const UNTRUSTED = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
]);

export function connectFailureHint(err: Error & { code?: string | number }, n: MqttSettingNames): string {
  const why = err.message;
  const code = typeof err.code === "string" ? err.code : "";
  if (/not authori[sz]ed|bad user ?name or password/i.test(why)) {
    return n.password
      ? `check ${n.username} and ${n.password}`
      : `the broker wants credentials: set ${n.username} and a password`;
  }
  if (UNTRUSTED.has(code)) {
    return n.ca
      ? `the broker's certificate is not signed by the CA in ${n.ca.setting} (${n.ca.file}) — set ${n.caSetting} to the CA that signed it`
      : `the broker's certificate is not signed by a CA this machine trusts — set ${n.caSetting} to the CA file that signed it`;
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return "the broker's certificate is outside its validity dates (expired, or this machine's clock is wrong)";
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `the broker's certificate is for another host name — put that name in ${n.url}`;
  }
  if (/certificate required|handshake failure|unknown ca|bad certificate/i.test(why)) {
    return n.cert
      ? `the broker refused the client certificate in ${n.cert.setting} (${n.cert.file}): it must be signed by a CA the broker trusts`
      : `the broker wants a client certificate: set ${n.certAndKey}`;
  }
  if (/wrong version number|packet length too long/i.test(why)) {
    return `the port speaks another protocol: mqtts:// for a TLS listener, mqtt:// for a plain one (${n.url})`;
  }
  return `check that the broker runs and ${n.url} points at it`;
}

/** The names for site.yaml's mqtt section. */
export function siteSettingNames(mqtt: MqttConfig, file: string): MqttSettingNames {
  const p = mqtt.password;
  const password =
    p?.file !== undefined
      ? `mqtt.password_file (${p.file})`
      : p?.env !== undefined
        ? `mqtt.password_env (${p.env})`
        : p
          ? "mqtt.password"
          : undefined;
  return {
    url: `mqtt.url in ${file}`,
    username: "mqtt.username",
    ...(password ? { password: `${password} in ${file}` } : {}),
    ...(mqtt.tls?.ca ? { ca: { setting: "mqtt.tls.ca", file: mqtt.tls.ca } } : {}),
    caSetting: `mqtt.tls.ca in ${file}`,
    ...(mqtt.tls?.cert ? { cert: { setting: "mqtt.tls.cert", file: mqtt.tls.cert } } : {}),
    certAndKey: `mqtt.tls.cert and mqtt.tls.key in ${file}`,
  };
}
