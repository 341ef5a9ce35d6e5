import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Client } from '../../es-mappings/client.ts';

/**
 * CPU time, in seconds, of the processes a run involves: this process (`process.cpuUsage`, all its
 * threads: the in-process encoder and the load tool), another local process by pid (`/proc/<pid>/stat`:
 * the sidecar child), Elasticsearch (`elasticsearchCpu`: /proc of its JVM, else its node stats), and the whole machine
 * (`/proc/stat`), so that the CPU other programs took during a run can be stated beside it.
 */

let ticks: number | undefined;
/** Clock ticks per second of /proc's times (getconf CLK_TCK; 100 on Linux). */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** utime + stime in clock ticks from one line of /proc/<pid>/stat (fields 14 and 15; the command may contain spaces and parentheses). */
export function parseProcStat(line: string): number {
  const fields = line.slice(line.lastIndexOf(')') + 2).trim().split(/\s+/);
  // After "pid (comm) ", field 3 (state) is index 0: utime (14) is index 11, stime (15) index 12.
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU seconds a local process has used so far, or undefined when /proc cannot tell (not Linux, gone). */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')) / clockTicks();
  } catch {
    return undefined;
  }
}

/** This process's CPU seconds (user + system, every thread). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** Busy and total CPU seconds of the machine from the first line of /proc/stat (busy = all but idle and iowait). */
export function parseSystemStat(text: string): { busy: number; total: number } {
  const [, ...values] = text.split('\n', 1)[0]!.trim().split(/\s+/);
  const n = values.map(Number);
  const total = n.slice(0, 8).reduce((s, x) => s + x, 0);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  return { busy: total - idle, total };
}

export function systemCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const { busy, total } = parseSystemStat(readFileSync('/proc/stat', 'utf8'));
    return { busy: busy / clockTicks(), total: total / clockTicks() };
  } catch {
    return undefined;
  }
}

/** Elasticsearch's CPU seconds (the node the client reaches) by its own account; the node refreshes it once a second (monitor.process.refresh_interval). */
export async function elasticsearchStatsCpuSeconds(client: Client): Promise<number> {
  const stats = await client.nodes.stats({ node_id: '_local', metric: 'process' });
  const node = Object.values(stats.nodes)[0];
  const millis = node?.process?.cpu?.total_in_millis;
  if (typeof millis !== 'number') throw new Error('bench search: _nodes/_local/stats/process has no process.cpu.total_in_millis');
  return millis / 1000;
}

/** The pid of the node the client reaches, when it runs on this machine and /proc shows it. */
export async function elasticsearchPid(client: Client): Promise<number | undefined> {
  const info = await client.nodes.info({ node_id: '_local', metric: 'process' });
  const pid = Object.values(info.nodes)[0]?.process?.id;
  return typeof pid === 'number' && processCpuSeconds(pid) !== undefined ? pid : undefined;
}

/**
 * How Elasticsearch's CPU time is read: from /proc/<pid>/stat of its JVM when the node runs here
 * (10 ms resolution, read at once), else from its node stats (which it refreshes once a second, so
 * a reading waits that long for a fresh value).
 */
export interface ElasticsearchCpu {
  source: string;
  read(): Promise<number>;
}

export async function elasticsearchCpu(client: Client): Promise<ElasticsearchCpu> {
  const pid = await elasticsearchPid(client).catch(() => undefined);
  if (pid !== undefined) return { source: `/proc/${pid}/stat (the node's JVM)`, read: async () => processCpuSeconds(pid)! };
  return {
    source: '_nodes/_local/stats/process cpu.total_in_millis',
    read: async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      return elasticsearchStatsCpuSeconds(client);
    },
  };
}

/** CPU seconds each process used while `work` ran, and the machine's busy seconds of everything else. */
export interface CpuSpent {
  wall_s: number;
  elasticsearch_s: number;
  /** This process: the in-process encoder and/or the load tool. */
  bench_s: number;
  sidecar_s?: number;
  /** Busy CPU seconds of the machine not accounted for by the processes above (other programs). */
  others_s?: number;
}

export async function cpuDuring<T>(esCpu: ElasticsearchCpu, sidecarPid: number | undefined, work: () => Promise<T>): Promise<{ result: T; cpu: CpuSpent }> {
  const es0 = await esCpu.read();
  const sys0 = systemCpuSeconds();
  const side0 = sidecarPid === undefined ? undefined : processCpuSeconds(sidecarPid);
  const own0 = ownCpuSeconds();
  const t0 = performance.now();
  const result = await work();
  const wall = (performance.now() - t0) / 1000;
  const own = ownCpuSeconds() - own0;
  const side1 = sidecarPid === undefined ? undefined : processCpuSeconds(sidecarPid);
  const sys1 = systemCpuSeconds();
  const es = (await esCpu.read()) - es0;
  const sidecar = side0 !== undefined && side1 !== undefined ? side1 - side0 : undefined;
  const cpu: CpuSpent = { wall_s: wall, elasticsearch_s: es, bench_s: own, ...(sidecar !== undefined ? { sidecar_s: sidecar } : {}) };
  if (sys0 && sys1) cpu.others_s = Math.max(0, sys1.busy - sys0.busy - es - own - (sidecar ?? 0));
  return { result, cpu };
}
