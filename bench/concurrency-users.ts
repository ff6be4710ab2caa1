// The simulated users of the concurrency step, on their own thread: their
// requests, JSON and timers must not share the server's event loop, or the
// step measures the clients' own work as server latency.
import { parentPort, workerData } from 'node:worker_threads';

/** One page's query as the users send it. */
export interface UserQuery {
  name: string;
  kind: 'meta' | 'trend' | 'ranking';
  query?: unknown;
}

export interface UsersJob {
  baseUrl: string;
  tokens: string[];
  pages: UserQuery[][];
  /** Epoch milliseconds (performance.timeOrigin + performance.now()). */
  deadline: number;
  think_ms: [number, number];
}

export interface UserSample {
  name: string;
  /** Epoch milliseconds at the request's start. */
  at: number;
  ms: number;
}

export interface UsersOutcome {
  samples: UserSample[];
  errors: string[];
}

const now = () => performance.timeOrigin + performance.now();

/** A small deterministic generator (mulberry32), so runs issue the same sequence. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function send(baseUrl: string, token: string, q: UserQuery): Promise<void> {
  const url = q.kind === 'meta'
    ? `${baseUrl}/cubejs-api/v1/meta`
    : `${baseUrl}/cubejs-api/v1/load?queryType=multi&query=${encodeURIComponent(JSON.stringify(q.query))}`;
  const res = await fetch(url, { headers: { Authorization: token } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${q.name}: HTTP ${res.status} ${text.slice(0, 160)}`);
}

export async function runUsers(job: UsersJob): Promise<UsersOutcome> {
  const samples: UserSample[] = [];
  const errors: string[] = [];
  const [least, most] = job.think_ms;
  const user = async (index: number, token: string) => {
    const next = random(index + 1);
    const think = () => new Promise((r) => setTimeout(r, least + next() * (most - least)));
    await think();
    while (now() < job.deadline) {
      const page = job.pages[Math.floor(next() * job.pages.length)]!;
      for (const q of page) {
        if (now() >= job.deadline) return;
        const t0 = now();
        try {
          await send(job.baseUrl, token, q);
          samples.push({ name: q.name, at: t0, ms: now() - t0 });
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
      await think();
    }
  };
  await Promise.all(job.tokens.map((token, i) => user(i, token)));
  return { samples, errors };
}

if (parentPort && workerData) {
  const port = parentPort;
  runUsers(workerData as UsersJob).then((outcome) => port.postMessage(outcome), (e: unknown) => port.postMessage({ samples: [], errors: [String(e)] }));
}
