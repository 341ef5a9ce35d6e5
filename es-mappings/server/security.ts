import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureHttpCertificates } from './certs.ts';
import { runEsTool, type ToolContext } from './es-tools.ts';
import type { NodeLayout } from './node-config.ts';
import type { LocalNodeCredentials } from './state.ts';

/** The file-realm user every pixrank command uses on a secured local node. */
export const APP_USER = 'pixrank';
export const APP_ROLE = 'pixrank_app';
/**
 * A second file-realm user that may read every index and nothing else: what a client of the
 * sidecar's Elasticsearch front with read-only credentials is, so the cluster's own refusal of a
 * write can be seen through the front.
 */
export const READER_USER = 'pixrank_reader';
export const READER_ROLE = 'pixrank_read';

/**
 * The least privilege pixrank needs: cluster health and node info (readiness, version), index
 * templates (`es apply`), and on indices read, write, create and manage (aliases, refresh,
 * mappings, delete of old versions). Index names are a person's choice (`--index`), so the role
 * covers every index pattern; Elasticsearch still keeps restricted system indices (.security and
 * the like) out of `*`. No security, cluster-settings or snapshot privileges.
 */
export const APP_ROLE_YML = [
  `${APP_ROLE}:`,
  '  cluster: [monitor, manage_index_templates]',
  '  indices:',
  "    - names: ['*']",
  '      privileges: [read, write, create_index, manage, view_index_metadata]',
  `${READER_ROLE}:`,
  '  cluster: [monitor]',
  '  indices:',
  "    - names: ['*']",
  '      privileges: [read, view_index_metadata]',
  '',
].join('\n');

/** Settings for elasticsearch.yml; relative paths are resolved against the config folder. */
export function securitySettings(options: { secure: boolean; tls: boolean }): string[] {
  if (!options.secure) return ['xpack.security.enabled: false'];
  const lines = ['xpack.security.enabled: true'];
  if (options.tls) {
    lines.push(
      'xpack.security.http.ssl.enabled: true',
      'xpack.security.http.ssl.key: certs/node.key',
      'xpack.security.http.ssl.certificate: certs/node.crt',
      'xpack.security.http.ssl.certificate_authorities: certs/ca.crt',
    );
  }
  return lines;
}

function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Fresh credentials for this start: a random password for the built-in `elastic` user through
 * the keystore's bootstrap.password (this distribution cannot create the .security index, so that
 * password is the one it keeps using), and the file-realm user `pixrank` with the role above. The
 * config folder is copied anew from the distribution at every start, so both are set every time.
 */
export async function setUpSecurity(context: ToolContext, layout: NodeLayout, options: { tls: boolean; log: (line: string) => void }): Promise<LocalNodeCredentials> {
  const superuserPassword = randomPassword();
  const password = randomPassword();
  const readerPassword = randomPassword();
  await writeFile(join(layout.configDir, 'roles.yml'), APP_ROLE_YML);
  // A keystore left by an earlier start belongs to the Elasticsearch user, and the keystore tool
  // run as root will not overwrite a file it would change the owner of. It holds nothing but the
  // previous bootstrap.password (and a seed Elasticsearch makes anew), so it is made afresh.
  await rm(join(layout.configDir, 'elasticsearch.keystore'), { force: true });
  options.log(`es: security on: a random password for elastic, the user ${APP_USER} (role ${APP_ROLE}) and the read-only ${READER_USER} (role ${READER_ROLE})`);
  // JVMs side by side: each tool spends most of its few seconds starting up.
  await Promise.all([
    runEsTool(context, 'elasticsearch-keystore', ['add', '-x', '-f', 'bootstrap.password'], superuserPassword),
    runEsTool(context, 'elasticsearch-users', ['useradd', APP_USER, '-r', APP_ROLE], `${password}\n${password}\n`),
  ]);
  // The users tool rewrites the users file whole: a second one beside the first would lose a user.
  await runEsTool(context, 'elasticsearch-users', ['useradd', READER_USER, '-r', READER_ROLE], `${readerPassword}\n${readerPassword}\n`);
  const credentials: LocalNodeCredentials = { username: APP_USER, password, superuserPassword, reader: { username: READER_USER, password: readerPassword } };
  if (options.tls) {
    const certs = await ensureHttpCertificates(context, layout, options.log);
    credentials.caCert = certs.caCert;
    credentials.caFingerprint = certs.caFingerprint;
  }
  return credentials;
}
