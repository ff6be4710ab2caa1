// Readable Chinese messages for errors thrown by the Cube client.

const TRANSPORT_ERRORS: Record<string, string> = {
  'network error': '无法连接服务器（网络错误）',
  timeout: '请求超时',
  aborted: '请求已取消',
};

interface RequestErrorLike {
  message?: unknown;
  status?: unknown;
}

/** The API's own `{ error }` text when there is one, else a description of what failed. */
export function describeError(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as RequestErrorLike;
  const message = typeof e.message === 'string' ? e.message.trim() : typeof error === 'string' ? error.trim() : '';
  const status = typeof e.status === 'number' ? e.status : null;
  const known = TRANSPORT_ERRORS[message.toLowerCase()];
  if (known) return known;
  // A proxy or static server may answer with an HTML page rather than `{ error }`.
  const looksLikeMarkup = message.startsWith('<');
  if (message && !looksLikeMarkup) return message.length > 300 ? `${message.slice(0, 300)}…` : message;
  if (status === 401) return '登录已失效，请重新登录';
  if (status === 403) return `没有访问权限（HTTP ${status}）`;
  if (status != null) return `服务器错误（HTTP ${status}）`;
  return '未知错误';
}
