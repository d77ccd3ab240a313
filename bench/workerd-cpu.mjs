// CPU time of the local workerd processes, for "CPU ms per request" beside latency: on a shared
// 2-core machine it is steadier than wall time. Linux only (/proc); elsewhere it reads null and
// the tables print "-". Sum over every process named workerd: the bench runs one worker under
// load at a time, and an idle workerd adds nothing measurable.

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
 * User + system CPU milliseconds used so far by all live workerd processes, or null where /proc
 * is missing. Compare two readings around a cell; a process that exits between them is not
 * counted (the bench keeps its workers up for the whole cell).
 */
export function workerdCpuMs() {
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields count from after it.
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'workerd') continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      /* the process ended while we read */
    }
  }
  return (ticks * 1000) / TICKS;
}

/** Runs `f` and returns its result with the workerd CPU ms it cost (null where unmeasurable). */
export async function withWorkerdCpu(f) {
  const before = workerdCpuMs();
  const result = await f();
  const after = workerdCpuMs();
  return { result, cpuMs: before == null || after == null ? null : after - before };
}
