import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { securitySettings } from './security.ts';

export interface NodeLayout {
  instanceDir: string;
  configDir: string;
  dataDir: string;
  logsDir: string;
  tmpDir: string;
}

export function nodeLayout(instanceDir: string): NodeLayout {
  return {
    instanceDir,
    configDir: join(instanceDir, 'config'),
    dataDir: join(instanceDir, 'data'),
    logsDir: join(instanceDir, 'logs'),
    tmpDir: join(instanceDir, 'tmp'),
  };
}

export interface NodeSettings {
  httpPort: number;
  transportPort: number;
  /** JVM heap, e.g. `1g` (`ES_HEAP` overrides the default). */
  heap: string;
  /** Security on (basic auth), and with `tls` https too; off by default for a dev node. */
  secure?: boolean;
  tls?: boolean;
}

/**
 * A config folder of the instance's own (the distribution's stays untouched, so several instances
 * share one unpacked distribution): single-node, loopback only, security off unless asked for, and only settings
 * that exist in this distribution (an unknown setting is a start-up error there).
 */
export async function writeNodeConfig(esHome: string, layout: NodeLayout, settings: NodeSettings): Promise<void> {
  for (const dir of [layout.dataDir, layout.logsDir, layout.tmpDir]) await mkdir(dir, { recursive: true });
  await cp(join(esHome, 'config'), layout.configDir, { recursive: true, force: true });
  const yml = [
    '# Written by pixrank for a local single-node Elasticsearch; rewritten at every start.',
    'cluster.name: pixrank',
    'node.name: pixrank-local',
    'discovery.type: single-node',
    'network.host: 127.0.0.1',
    `http.port: ${settings.httpPort}`,
    `transport.port: ${settings.transportPort}`,
    `path.data: ${layout.dataDir}`,
    `path.logs: ${layout.logsDir}`,
    ...securitySettings({ secure: !!settings.secure, tls: !!settings.tls }),
    // A nearly full disk must not turn the test indices read-only.
    'cluster.routing.allocation.disk.threshold_enabled: false',
    'action.destructive_requires_name: false',
    '',
  ].join('\n');
  await writeFile(join(layout.configDir, 'elasticsearch.yml'), yml);
  await mkdir(join(layout.configDir, 'jvm.options.d'), { recursive: true });
  await writeFile(join(layout.configDir, 'jvm.options.d', 'pixrank-heap.options'), `-Xms${settings.heap}\n-Xmx${settings.heap}\n`);
}
