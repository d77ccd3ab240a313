// CPU time of the local workerd processes, for "CPU ms per request" beside latency: on a shared
// 2-core machine it is steadier than wall time. Linux only (/proc); elsewhere it reads null and
// the tables print "-". Sum over the processes named workerd that descend from this bench process
// (wrangler starts workerd as our child): other workerd processes on a shared machine (another
// checkout's tests or benches) are not counted. The bench runs one worker under load at a time.

import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * User + system CPU milliseconds used so far by the live workerd processes under `root` (a pid; by
 * default this process), or null where /proc is missing. Compare two readings around a cell; a
 * process that exits between them is not counted (the bench keeps its workers up for the whole cell).
 */
export function workerdCpuMs(root = process.pid) {
  const byPid = workerdCpuByPid(root);
  return byPid && [...byPid.values()].reduce((sum, ms) => sum + ms, 0);
}

/**
 * The same per workerd process (pid → CPU ms), or null where /proc is missing. With
 * `workerdCpuSince` it survives a workerd restart in the middle of a cell: a process that started
 * since counts from zero, one that ended is left out (instead of the sum going backwards).
 */
export function workerdCpuByPid(root = process.pid) {
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  /** @type {Map<number, { name: string, parent: number, ticks: number }>} */
  const processes = new Map();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields count from after it.
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      // ppid is field 4 of stat; utime and stime are fields 14 and 15.
      processes.set(Number(pid), { name: stat.slice(stat.indexOf('(') + 1, close), parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      /* the process ended while we read */
    }
  }
  const descends = (/** @type {number} */ pid) => {
    for (let p = processes.get(pid)?.parent, hops = 0; p && hops < 64; p = processes.get(p)?.parent, hops++) if (p === root) return true;
    return false;
  };
  /** @type {Map<number, number>} */
  const out = new Map();
  for (const [pid, info] of processes) if (info.name === 'workerd' && descends(pid)) out.set(pid, (info.ticks * 1000) / TICKS);
  return out;
}

/** CPU ms the workerd processes spent since `before` (a workerdCpuByPid reading), or null. */
export function workerdCpuSince(/** @type {Map<number, number> | null} */ before, root = process.pid) {
  const after = workerdCpuByPid(root);
  if (!before || !after) return null;
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/** Runs `f` and returns its result with the workerd CPU ms it cost (null where unmeasurable). */
export async function withWorkerdCpu(f) {
  const before = workerdCpuByPid();
  const result = await f();
  return { result, cpuMs: workerdCpuSince(before) };
}
