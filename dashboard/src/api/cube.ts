import cube, { type CubeApi, type ErrorResponse, HttpTransport, type ITransportResponse } from '@cubejs-client/core';
import { endsSession } from './http';

export const CUBE_API_URL = '/cubejs-api/v1';

/**
 * Cube's own transport, watching each answer for the end of the session: the
 * client turns a 401 into a thrown error like any other, so the status is
 * read here, before it does.
 */
class SessionTransport extends HttpTransport {
  constructor(
    token: string,
    private readonly onSessionEnd: () => void,
  ) {
    super({ authorization: token, apiUrl: CUBE_API_URL });
  }

  override request(apiMethod: string, params: Record<string, unknown>): ITransportResponse<Response> {
    const inner = super.request(apiMethod, params);
    return {
      subscribe: <R>(callback: (result: Response | ErrorResponse, resubscribe: () => Promise<R>) => R) =>
        inner.subscribe.call<typeof inner, [typeof callback], Promise<R>>(inner, (result, resubscribe) => {
          if (result instanceof Response && endsSession(result.url || `${CUBE_API_URL}/${apiMethod}`, result.status)) this.onSessionEnd();
          return callback(result, resubscribe);
        }),
      unsubscribe: inner.unsubscribe?.bind(inner),
    };
  }
}

/** A Cube REST client on the same origin; it sends the token and reports a 401 to `onSessionEnd`. */
export function createCubeApi(token: string, onSessionEnd: () => void = () => {}): CubeApi {
  return cube(token, { apiUrl: CUBE_API_URL, transport: new SessionTransport(token, onSessionEnd) });
}
