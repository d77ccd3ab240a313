// The machine a results file was measured on: the table at the top of bench/RESULTS.md and
// bench/RESULTS-load.md, so figures are only ever compared with figures from the same machine.
import { cpus, totalmem, platform, release, arch } from 'node:os';

/**
 * Markdown lines of the machine table; `chromium` adds the browser's version when one ran.
 * @param {string | undefined} [chromium]
 */
export function machineTable(chromium) {
  const cpu = cpus();
  return [
    '| machine | |',
    '|---|---|',
    `| CPU | ${cpu[0]?.model.trim() ?? 'unknown'}, ${cpu.length} cores |`,
    `| memory | ${(totalmem() / 2 ** 30).toFixed(1)} GiB |`,
    `| OS | ${platform()} ${release()} ${arch()} |`,
    `| Node | ${process.version} |`,
    ...(chromium === undefined ? [] : [`| Chromium | ${chromium || 'not started in this run'} |`]),
  ];
}
