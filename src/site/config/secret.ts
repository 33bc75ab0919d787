/**
 * Secrets (MQTT password, Home Assistant token) live in a file or an environment variable, not in
 * site.yaml. An inline value is possible but stored non-enumerable, so JSON/pino output of the
 * config never carries it; `localecu check` warns about it.
 */
import { readFileSync } from "node:fs";
import type { SecretRef } from "./types.ts";

export function makeSecretRef(file?: string, env?: string, value?: string): SecretRef {
  const ref: SecretRef = {};
  if (file !== undefined) ref.file = file;
  if (env !== undefined) ref.env = env;
  if (value !== undefined) Object.defineProperty(ref, "value", { value, enumerable: false });
  return ref;
}

export class SecretError extends Error {
  override readonly name = "SecretError";
}

/**
 * The secret's text: the file's content (trimmed), the environment variable, or the inline value,
 * in that order. Errors name the source, never the content.
 */
export function resolveSecret(
  ref: SecretRef,
  label = "secret",
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (ref.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(ref.file, "utf8").trim();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
      throw new SecretError(
        `${label}: cannot read ${ref.file} (${code}) — create it with only the secret inside`,
      );
    }
    if (text === "") throw new SecretError(`${label}: ${ref.file} is empty — put the secret in it`);
    return text;
  }
  if (ref.env !== undefined) {
    const text = env[ref.env]?.trim();
    if (!text)
      throw new SecretError(
        `${label}: environment variable ${ref.env} is not set — export it before starting`,
      );
    return text;
  }
  if (ref.value !== undefined) return ref.value;
  throw new SecretError(`${label}: no file, env or value given`);
}
