/**
 * A throwaway certificate authority for tests, made with openssl in a temporary folder at test time
 * (no key is ever committed): a CA, a server certificate for 127.0.0.1/localhost, and client
 * certificates. `otherCa()` gives a second, unrelated CA for "untrusted" cases.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCa {
  dir: string;
  /** The CA certificate (PEM). */
  ca: string;
  server: { cert: string; key: string };
  /** A client certificate with this common name, signed by the CA. */
  client(name: string): { cert: string; key: string };
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
}

/** A key and a certificate signed by the CA in `dir` (ca.pem / ca.key). */
function issue(dir: string, name: string, cn: string, ext: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, ext);
  openssl(dir, [
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    key,
    "-subj",
    `/CN=${cn}`,
    "-out",
    `${name}.csr`,
  ]);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-sha256",
    "-extfile",
    extFile,
    "-out",
    cert,
  ]);
  return { cert, key };
}

export function makeTestCa(label = "localecu test CA"): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "localecu-ca-"));
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    `/CN=${label}`,
  ]);
  const server = issue(
    dir,
    "server",
    "localhost",
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
  );
  return {
    dir,
    ca: join(dir, "ca.pem"),
    server,
    client: (name) => issue(dir, `client-${name}`, name, "extendedKeyUsage=clientAuth\n"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
