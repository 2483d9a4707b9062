// CPU time per program on this machine, from /proc (Linux): which process a benchmark phase kept busy. A phase's
// figure is the difference of two snapshots; processes that start or end inside the phase are not counted.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on every Linux this runs on.

/** CPU ms (user + system) used so far by each running program, keyed by its command name (postgres, node, …). */
export function cpuByProgram(): Record<string, number> {
  const out: Record<string, number> = {};
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return out;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // The command name is in parentheses and may contain spaces; the numeric fields follow the last ')'.
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    // Kernel workers rename themselves after their current job (kworker/u8:1-writeback): one bucket for all.
    const name = stat.slice(open + 1, close);
    const comm = name.startsWith('kworker/') ? 'kworker' : name;
    const fields = stat.slice(close + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    out[comm] = (out[comm] ?? 0) + ticks * TICK_MS;
  }
  return out;
}

/** CPU ms per program between two snapshots, programs that used at least 10 ms, busiest first. */
export function cpuSpent(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([comm, ms]) => [comm, ms - (before[comm] ?? 0)] as const)
      .filter(([, ms]) => ms >= 10)
      .sort((a, b) => b[1] - a[1]),
  );
}
