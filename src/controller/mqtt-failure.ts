/**
 * Why the first MQTT connect failed, turned into the setting to change. The broker's or TLS's own words
 * stay in the line; the fix names the site.yaml setting (and the file or variable a secret comes from),
 * never the secret itself.
 */
import type { MqttConfig } from "../site/config-types.ts";

/** TLS verification codes of node:tls that mean "the broker's certificate chain is not trusted". */
const UNTRUSTED = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
]);

export function connectFailureFix(
  err: Error & { code?: string | number },
  mqtt: MqttConfig,
  file: string,
): string {
  const why = err.message;
  const code = typeof err.code === "string" ? err.code : "";
  if (/not authori[sz]ed|bad user ?name or password/i.test(why)) {
    return mqtt.password || mqtt.username
      ? `check mqtt.username and ${passwordSetting(mqtt)} in ${file}`
      : `the broker wants credentials: set mqtt.username and mqtt.password_file in ${file}`;
  }
  if (UNTRUSTED.has(code)) {
    return mqtt.tls?.ca
      ? `the broker's certificate is not signed by the CA in mqtt.tls.ca (${mqtt.tls.ca}) — set mqtt.tls.ca in ${file} to the CA that signed it`
      : `the broker's certificate is not signed by a CA this machine trusts — set mqtt.tls.ca in ${file} to the CA file that signed it`;
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return "the broker's certificate is outside its validity dates (expired, or this machine's clock is wrong)";
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `the broker's certificate is for another host name — put that name in mqtt.url in ${file}`;
  }
  if (/certificate required|handshake failure|unknown ca|bad certificate/i.test(why)) {
    return mqtt.tls?.cert
      ? `the broker refused the client certificate in mqtt.tls.cert (${mqtt.tls.cert}): it must be signed by a CA the broker trusts`
      : `the broker wants a client certificate: set mqtt.tls.cert and mqtt.tls.key in ${file}`;
  }
  if (/wrong version number|packet length too long/i.test(why)) {
    return `the port speaks another protocol: mqtts:// for a TLS listener, mqtt:// for a plain one (mqtt.url in ${file})`;
  }
  return `check that the broker runs and mqtt.url in ${file} points at it`;
}

/** Where the password comes from, as the setting a user edits: never the password. */
function passwordSetting(mqtt: MqttConfig): string {
  const p = mqtt.password;
  if (p?.file !== undefined) return `mqtt.password_file (${p.file})`;
  if (p?.env !== undefined) return `mqtt.password_env (${p.env})`;
  return "mqtt.password";
}
