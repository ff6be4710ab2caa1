// Peak memory: the benchmark's own node process, and every process of the
// benchmark's PostgreSQL server (the postmaster and its children), sampled from
// /proc every 250 ms and attributed to the phase running at the time. The same
// samples add up CPU time per phase (node vs PostgreSQL), which tells whether a
// slow phase waits on JavaScript or on the database.
import { readdir, readFile } from 'node:fs/promises';
import { postmasterPid } from './database.ts';

const INTERVAL_MS = 250;

export interface PhasePeak {
  /** Largest sum of VmRSS over all server processes (counts shared buffers once per process that touched them). */
  pg_rss_sum_mb: number;
  /** Largest sum of PSS (shared pages divided among their users): the server's real footprint (sampled every second). */
  pg_pss_sum_mb: number;
  /** Largest VmRSS of one server process, and which one (its process title). */
  pg_max_process_rss_mb: number;
  pg_max_process: string;
  pg_max_processes: number;
  node_rss_mb: number;
  samples: number;
  /** Wall-clock seconds of the phase, and CPU seconds spent in it by node and by all server processes. */
  wall_s: number;
  node_cpu_s: number;
  pg_cpu_s: number;
}

interface ProcSample {
  pid: number;
  rssKb: number;
  pssKb: number;
  /** utime + stime in clock ticks */
  cpuTicks: number;
  title: string;
}

/** USER_HZ: /proc reports CPU time in these ticks (100 on Linux). */
const TICKS_PER_SECOND = 100;

/** PSS needs the kernel to walk the page tables (shared buffers included): read it every 4th sample (1 s). */
const PSS_EVERY = 4;

async function readProc(pid: number, withPss: boolean): Promise<ProcSample | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    let pssKb = 0;
    if (withPss) {
      const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
      const pss = /^Pss:\s+(\d+) kB/m.exec(rollup);
      if (pss) pssKb = Number(pss[1]);
    }
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0+$/, '').replace(/\0/g, ' ');
    // backends set their title ("postgres: user db host COPY"); the postmaster keeps its command line
    const title = /^\S*\/bin\/postgres /.test(cmdline) ? 'postmaster' : cmdline;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after "pid (comm) ": state is field 0, utime field 11, stime field 12
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    return { pid, rssKb: rss ? Number(rss[1]) : 0, pssKb, cpuTicks, title };
  } catch {
    return null; // the process ended between listing and reading
  }
}

/**
 * The children of `parent`: /proc/<pid>/task/<pid>/children (the postmaster is
 * single-threaded and forks every backend), else one pass over /proc/<pid>/stat.
 * The cheap path keeps the sampler's own CPU out of the measurements.
 */
async function childrenOf(parent: number): Promise<number[]> {
  const listed = await readFile(`/proc/${parent}/task/${parent}/children`, 'utf8').catch(() => null);
  if (listed !== null) return listed.split(' ').filter((x) => x.trim() !== '').map(Number);
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces and parentheses
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

const mb = (kb: number) => Math.round(kb / 102.4) / 10;

export class MemorySampler {
  private phase = 'start';
  private readonly peaks = new Map<string, PhasePeak>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private phaseStarted = performance.now();
  private nodeCpu = process.cpuUsage();
  private readonly pgTicks = new Map<number, number>();

  start(): void {
    this.timer = setInterval(() => void this.sample(), INTERVAL_MS);
    this.timer.unref();
  }

  setPhase(phase: string): void {
    this.closePhase();
    this.phase = phase;
  }

  /** Books the current phase's wall time and node CPU time (PostgreSQL's is booked per sample). */
  private closePhase(): void {
    const peak = this.peakOf(this.phase);
    const now = performance.now();
    peak.wall_s += (now - this.phaseStarted) / 1000;
    this.phaseStarted = now;
    const cpu = process.cpuUsage(this.nodeCpu);
    this.nodeCpu = process.cpuUsage();
    peak.node_cpu_s += (cpu.user + cpu.system) / 1e6;
  }

  private peakOf(phase: string): PhasePeak {
    let p = this.peaks.get(phase);
    if (!p) {
      p = { pg_rss_sum_mb: 0, pg_pss_sum_mb: 0, pg_max_process_rss_mb: 0, pg_max_process: '', pg_max_processes: 0, node_rss_mb: 0, samples: 0, wall_s: 0, node_cpu_s: 0, pg_cpu_s: 0 };
      this.peaks.set(phase, p);
    }
    return p;
  }

  async sample(): Promise<void> {
    if (this.busy) return; // a slow /proc walk skips a tick rather than piling up
    this.busy = true;
    try {
      const peak = this.peakOf(this.phase);
      peak.samples++;
      peak.node_rss_mb = Math.max(peak.node_rss_mb, mb(process.memoryUsage.rss() / 1024));
      const master = await postmasterPid();
      if (!master) return;
      const pids = [master, ...(await childrenOf(master))];
      const withPss = peak.samples % PSS_EVERY === 1;
      const procs = (await Promise.all(pids.map((pid) => readProc(pid, withPss)))).filter((p): p is ProcSample => p !== null);
      const rss = procs.reduce((n, p) => n + p.rssKb, 0);
      const pss = procs.reduce((n, p) => n + p.pssKb, 0);
      peak.pg_rss_sum_mb = Math.max(peak.pg_rss_sum_mb, mb(rss));
      if (withPss) peak.pg_pss_sum_mb = Math.max(peak.pg_pss_sum_mb, mb(pss));
      peak.pg_max_processes = Math.max(peak.pg_max_processes, procs.length);
      // CPU since the previous sample of each process (a new process: since it started)
      for (const p of procs) {
        peak.pg_cpu_s += (p.cpuTicks - (this.pgTicks.get(p.pid) ?? 0)) / TICKS_PER_SECOND;
        this.pgTicks.set(p.pid, p.cpuTicks);
      }
      for (const p of procs) {
        if (mb(p.rssKb) > peak.pg_max_process_rss_mb) {
          peak.pg_max_process_rss_mb = mb(p.rssKb);
          peak.pg_max_process = p.title.slice(0, 120);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.closePhase();
    }
    this.timer = null;
  }

  /** Peaks per phase, and the overall peak of each figure. */
  result(): { phases: Record<string, PhasePeak>; node_max_rss_mb: number; pg_peak_rss_sum_mb: number; pg_peak_pss_sum_mb: number; pg_peak_process_rss_mb: number; pg_peak_process: string } {
    const phases = Object.fromEntries(
      [...this.peaks.entries()]
        .filter(([, p]) => p.samples > 0)
        .map(([name, p]) => [name, { ...p, wall_s: Math.round(p.wall_s * 10) / 10, node_cpu_s: Math.round(p.node_cpu_s * 10) / 10, pg_cpu_s: Math.round(p.pg_cpu_s * 10) / 10 }]),
    );
    const all = Object.values(phases);
    const top = all.reduce<PhasePeak | null>((best, p) => (!best || p.pg_max_process_rss_mb > best.pg_max_process_rss_mb ? p : best), null);
    return {
      phases,
      // resourceUsage().maxRSS is in kilobytes: the node process's lifetime peak
      node_max_rss_mb: mb(process.resourceUsage().maxRSS),
      pg_peak_rss_sum_mb: Math.max(0, ...all.map((p) => p.pg_rss_sum_mb)),
      pg_peak_pss_sum_mb: Math.max(0, ...all.map((p) => p.pg_pss_sum_mb)),
      pg_peak_process_rss_mb: top?.pg_max_process_rss_mb ?? 0,
      pg_peak_process: top?.pg_max_process ?? '',
    };
  }
}
