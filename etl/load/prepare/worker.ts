// The worker thread's side of pool.ts: prepares the files it is sent, one at a
// time, posting their events; stops posting data while the loader holds more
// than MAX_AHEAD_BYTES of it unread.
import { parentPort } from 'node:worker_threads';
import { SourceReadError } from '../../read/index.ts';
import { prepareFile, type PrepareJob } from './prepare.ts';
import { MAX_AHEAD_BYTES, type FromWorker, type ToWorker } from './messages.ts';

const port = parentPort!;
let ahead = 0;
let wake: (() => void) | null = null;
const jobs: PrepareJob[] = [];
let running = false;

async function run(job: PrepareJob): Promise<void> {
  const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  try {
    for await (const event of prepareFile(job)) {
      if (event.type === 'data') {
        while (ahead > MAX_AHEAD_BYTES) await new Promise<void>((resolve) => (wake = resolve));
        ahead += event.data.byteLength;
        post({ type: 'event', event }, [event.data.buffer as ArrayBuffer]);
      } else post({ type: 'event', event });
    }
  } catch (e) {
    post({ type: 'failed', message: (e as Error).message, readError: e instanceof SourceReadError });
  }
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  for (let job = jobs.shift(); job; job = jobs.shift()) await run(job);
  running = false;
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'job') {
    jobs.push(message.job);
    void drain();
  } else {
    ahead -= message.bytes;
    if (ahead <= MAX_AHEAD_BYTES) {
      wake?.();
      wake = null;
    }
  }
});

port.postMessage({ type: 'ready' } satisfies FromWorker);
