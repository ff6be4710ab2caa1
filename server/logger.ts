// The server's log: one line per request (method, path, status, time, user)
// and each error with its stack, as JSON to DATA_DIR/logs/server.<date>.<n>.log,
// rolled daily or at 50 MB, the last 30 files kept (pino + pino-roll).
import path from 'node:path';
import pino, { type Logger } from 'pino';

export function fileLogger(dataDir: string): Logger {
  const transport = pino.transport({
    target: 'pino-roll',
    options: { file: path.join(dataDir, 'logs', 'server.log'), frequency: 'daily', size: '50m', limit: { count: 30 }, mkdir: true, dateFormat: 'yyyy-MM-dd' },
  });
  return pino({ level: 'info', timestamp: pino.stdTimeFunctions.isoTime }, transport);
}
