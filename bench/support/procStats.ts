import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * What Linux accounts to a process, read from /proc: CPU time (every thread: the main thread, libuv's pool,
 * V8's garbage collector) and memory. The benchmark measures processes it did not write the code of, and
 * /proc needs nothing from them.
 */

let clockTicks: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`), the unit of /proc/<pid>/stat's CPU times; 100 on Linux. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User plus system CPU seconds the process has used so far (`utime` + `stime`, proc(5)). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the line are the 12th and 13th after the name (field 3 is the first).
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / ticksPerSecond();
}

export interface Memory {
  /** Resident set size now (`VmRSS`), in MB. */
  rssMb: number;
  /** The highest resident set size so far (`VmHWM`), in MB. */
  peakRssMb: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(match[1]);
  };
  return { rssMb: kilobytes('VmRSS') / 1024, peakRssMb: kilobytes('VmHWM') / 1024 };
}

/** CPU seconds used between two readings, for several processes at once. */
export class CpuMeter {
  private readonly start: Map<number, number>;

  constructor(private readonly pids: number[]) {
    this.start = new Map(pids.map((pid) => [pid, cpuSeconds(pid)]));
  }

  /** CPU seconds each process used since the meter was made, by pid. */
  read(): Map<number, number> {
    return new Map(this.pids.map((pid) => [pid, cpuSeconds(pid) - (this.start.get(pid) ?? 0)]));
  }
}

/** This process's own CPU seconds (the driver and the loopback connector). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
