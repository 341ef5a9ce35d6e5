import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import extractZip from 'extract-zip';
import { runEsTool, type ToolContext } from './es-tools.ts';
import type { NodeLayout } from './node-config.ts';

export interface HttpCertificates {
  /** The CA's PEM file, for ES_CA_CERT. */
  caCert: string;
  /** The CA's SHA-256 fingerprint, for ES_CA_FINGERPRINT. */
  caFingerprint: string;
}

/**
 * A CA of the instance's own and a certificate for 127.0.0.1/localhost signed by it, made once
 * with the distribution's elasticsearch-certutil and kept in config/certs (later starts reuse
 * them, so a CA a person trusts stays valid). node.crt carries the CA after the node's own
 * certificate, so clients that pin the CA by fingerprint find it in the chain the node sends.
 */
export async function ensureHttpCertificates(context: ToolContext, layout: NodeLayout, log: (line: string) => void): Promise<HttpCertificates> {
  const dir = join(layout.configDir, 'certs');
  const caCert = join(dir, 'ca.crt');
  const files = [caCert, join(dir, 'node.key'), join(dir, 'node.crt')];
  if (!files.every((file) => existsSync(file))) {
    log(`es: making a CA and a certificate for 127.0.0.1 with elasticsearch-certutil in ${dir}`);
    await mkdir(dir, { recursive: true });
    const work = await mkdtemp(join(layout.tmpDir, 'certutil-'));
    try {
      await runEsTool(context, 'elasticsearch-certutil', ['ca', '--pem', '--silent', '--out', join(work, 'ca.zip')]);
      await extractZip(join(work, 'ca.zip'), { dir: work });
      const args = ['cert', '--pem', '--silent', '--ca-cert', join(work, 'ca', 'ca.crt'), '--ca-key', join(work, 'ca', 'ca.key')];
      await runEsTool(context, 'elasticsearch-certutil', [...args, '--ip', '127.0.0.1', '--dns', 'localhost', '--name', 'node', '--out', join(work, 'node.zip')]);
      await extractZip(join(work, 'node.zip'), { dir: work });
      const ca = await readFile(join(work, 'ca', 'ca.crt'), 'utf8');
      await writeFile(join(dir, 'node.key'), await readFile(join(work, 'node', 'node.key')), { mode: 0o600 });
      await writeFile(join(dir, 'node.crt'), `${(await readFile(join(work, 'node', 'node.crt'), 'utf8')).trimEnd()}\n${ca}`);
      // The CA's key is not kept: nothing signs with it again.
      await writeFile(caCert, ca);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const caFingerprint = new X509Certificate(await readFile(caCert)).fingerprint256;
  return { caCert, caFingerprint };
}
