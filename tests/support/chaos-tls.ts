// Certificates for the chaos suite's https receivers, made with the openssl CLI in a temporary
// directory: a test CA that the worker trusts (NODE_EXTRA_CA_CERTS), a server certificate for
// 127.0.0.1 signed by it, and a self-signed "rogue" certificate for 127.0.0.1 that nobody trusts.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export type ChaosCertificates = {
  caFile: string; // for NODE_EXTRA_CA_CERTS
  trusted: { key: string; cert: string };
  rogue: { key: string; cert: string };
  remove(): void;
};

const KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
const LOOPBACK_SAN = "subjectAltName=IP:127.0.0.1";

export function makeChaosCertificates(): ChaosCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), "cwc-chaos-tls-"));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });

  openssl("req", "-x509", ...KEY, "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "2", "-subj", "/CN=Chaos Test CA");
  openssl("req", ...KEY, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(file("server.ext"), `${LOOPBACK_SAN}\n`);
  openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-out", file("server.crt"), "-days", "2", "-extfile", file("server.ext"));
  openssl("req", "-x509", ...KEY, "-keyout", file("rogue.key"), "-out", file("rogue.crt"), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", LOOPBACK_SAN);

  const read = (name: string) => readFileSync(file(name), "utf8");
  return {
    caFile: file("ca.crt"),
    trusted: { key: read("server.key"), cert: read("server.crt") },
    rogue: { key: read("rogue.key"), cert: read("rogue.crt") },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
