import cube, { type CubeApi, type ErrorResponse, HttpTransport, type ITransportResponse } from '@cubejs-client/core';
import { endsSession } from './http';

export const CUBE_API_URL = '/cubejs-api/v1';

/** The gateway answers 429 past this many /load requests in flight per user (cube/api/limits.ts). */
export const MAX_LOADS_IN_FLIGHT = 4;
/** Waits before asking again after a 429 (another tab of the same user was busy), in ms. */
export const RETRY_DELAYS = [300, 600, 1200, 2000, 3000, 4000];

/** At most `size` holders at once; the others wait in order. */
export class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.size) {
      this.active += 1;
      return;
    }
    // the releasing holder hands its slot over
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Cube's own transport with what the platform's gateway needs: the end of the
 * session is read from each answer's status (the client turns a 401 into a
 * thrown error like any other), a page's many queries go at most
 * MAX_LOADS_IN_FLIGHT at a time, and a 429 is asked again after a pause.
 */
class SessionTransport extends HttpTransport {
  private readonly slots = new Slots(MAX_LOADS_IN_FLIGHT);

  constructor(
    token: string,
    private readonly onSessionEnd: () => void,
    private readonly retryDelays: readonly number[],
  ) {
    super({ authorization: token, apiUrl: CUBE_API_URL });
  }

  override request(apiMethod: string, params: Record<string, unknown>): ITransportResponse<Response> {
    const inner = super.request(apiMethod, params);
    const limited = apiMethod === 'load';
    return {
      subscribe: async <R>(callback: (result: Response | ErrorResponse, resubscribe: () => Promise<R>) => R): Promise<R> => {
        let retries = 0;
        const watch = async (result: Response | ErrorResponse, resubscribe: () => Promise<R>): Promise<R> => {
          if (result instanceof Response) {
            if (endsSession(result.url || `${CUBE_API_URL}/${apiMethod}`, result.status, result.headers)) this.onSessionEnd();
            const delay = this.retryDelays[retries];
            if (result.status === 429 && delay != null) {
              retries += 1;
              await sleep(delay);
              return resubscribe();
            }
          }
          return callback(result, resubscribe);
        };
        if (limited) await this.slots.acquire();
        try {
          // watch returns the callback's result through a promise; subscribe resolves to it all the same
          return await inner.subscribe<R>(watch as unknown as (result: Response | ErrorResponse, resubscribe: () => Promise<R>) => R);
        } finally {
          if (limited) this.slots.release();
        }
      },
      unsubscribe: inner.unsubscribe?.bind(inner),
    };
  }
}

/** A Cube REST client on the same origin; it sends the token and reports a 401 to `onSessionEnd`. */
export function createCubeApi(token: string, onSessionEnd: () => void = () => {}, retryDelays: readonly number[] = RETRY_DELAYS): CubeApi {
  return cube(token, { apiUrl: CUBE_API_URL, transport: new SessionTransport(token, onSessionEnd, retryDelays) });
}
