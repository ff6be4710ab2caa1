// Threads that prepare source files (read, validate, encode: prepare.ts) while
// the loader COPYs: the loader's connection is one process on one core, so the
// CPU work of the next file runs beside it instead of before it. Each thread
// takes one file at a time, in the order they are given.
import { Worker } from 'node:worker_threads';
import { SourceReadError } from '../../read/index.ts';
import type { FromWorker, ToWorker } from './messages.ts';
import { prepareFile, type PrepareJob, type PreparedEvent } from './prepare.ts';

/** The events of one file, in order; iterate once. */
export interface PreparedFile extends AsyncIterable<PreparedEvent> {}

interface Pending {
  job: PrepareJob;
  queue: PreparedEvent[];
  error: Error | null;
  finished: boolean;
  wake: (() => void) | null;
}

class PreparingThread {
  readonly worker: Worker;
  /** Files sent to this thread and not yet finished, oldest first. */
  private readonly pending: Pending[] = [];
  /** The thread has loaded its modules (it takes a second or more to start: tsx, the readers). */
  ready = false;

  constructor() {
    // A larger young generation: each batch of parsed rows lives briefly, and
    // with the default size most of it is copied once before it dies.
    this.worker = new Worker(new URL('./thread.mjs', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 96 } });
    this.worker.on('message', (message: FromWorker) => this.receive(message));
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', (code) => this.failAll(new Error(`准备文件的线程意外退出（代码 ${code}）`)));
  }

  get load(): number {
    return this.pending.length;
  }

  send(job: PrepareJob): PreparedFile {
    const pending: Pending = { job, queue: [], error: null, finished: false, wake: null };
    this.pending.push(pending);
    this.worker.postMessage({ type: 'job', job } satisfies ToWorker);
    const worker = this.worker;
    return {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const event = pending.queue.shift();
          if (event) {
            if (event.type === 'data') worker.postMessage({ type: 'consumed', bytes: event.data.byteLength } satisfies ToWorker);
            yield event;
            if (event.type === 'done') return;
            continue;
          }
          if (pending.error) throw pending.error;
          await new Promise<void>((resolve) => (pending.wake = resolve));
          pending.wake = null;
        }
      },
    };
  }

  private receive(message: FromWorker): void {
    if (message.type === 'ready') {
      this.ready = true;
      return;
    }
    const pending = this.pending[0];
    if (!pending) return;
    if (message.type === 'failed') {
      const text = `${pending.job.name}：${message.message}`;
      pending.error = message.readError ? new SourceReadError(text) : new Error(text);
      this.pending.shift();
    } else {
      pending.queue.push(message.event);
      if (message.event.type === 'done') this.pending.shift();
    }
    pending.wake?.();
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.splice(0)) {
      pending.error = error;
      pending.wake?.();
    }
  }

  async terminate(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

export class PreparerPool {
  private threads: PreparingThread[] = [];

  constructor(private readonly size: number) {}

  /** Starts the threads now rather than on first use. */
  start(): void {
    while (this.threads.length < this.size) this.threads.push(new PreparingThread());
  }

  /** Starts preparing `job` on the least busy thread. */
  prepare(job: PrepareJob): PreparedFile {
    this.start();
    const thread = this.threads.reduce((a, b) => (b.load < a.load ? b : a));
    return thread.send(job);
  }

  /**
   * Prepares `job` on a thread when one has started, else here, on the
   * loader's thread, as it is read: a load's first file need not wait the
   * second or more the threads take to start (they take the next files), and
   * a load of one file starts none.
   */
  prepareFirst(job: PrepareJob): PreparedFile {
    if (this.threads.some((t) => t.ready && t.load === 0)) return this.prepare(job);
    return preparedHere(job);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.splice(0).map((t) => t.terminate()));
  }
}

/** `job` prepared on this thread, its errors named as a thread names them. */
export function preparedHere(job: PrepareJob): PreparedFile {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        yield* prepareFile(job);
      } catch (e) {
        const text = `${job.name}：${(e as Error).message}`;
        throw e instanceof SourceReadError ? new SourceReadError(text) : new Error(text);
      }
    },
  };
}
