import cube, { type CubeApi } from '@cubejs-client/core';

export const CUBE_API_URL = '/cubejs-api/v1';

/** A Cube REST client on the same origin; it sends the token in the Authorization header. */
export function createCubeApi(token: string): CubeApi {
  return cube(token, { apiUrl: CUBE_API_URL });
}
