// `npm run users`: the first administrator from a fresh warehouse, passwords
// from standard input and never echoed, disable revokes, errors exit 1.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

function users(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'auth/cli.ts', ...args], { env: { ...process.env, DATABASE_URL: db.url, NODE_ENV: 'test', ETL_RUN_BY: 'ops' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('npm run users', () => {
  const password = 'Harbour-Lantern-Secret-42';

  it('adds the first administrator on an empty warehouse, reading the password from stdin without echoing it', async () => {
    const added = await users(['add', '--name', 'admin', '--role', 'admin', '--region', '990100000000', '--display', '系统管理员', '--password-stdin'], `${password}\n`);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('已新增用户 admin');
    expect(added.stdout + added.stderr).not.toContain(password);
    const listed = await users(['list']);
    expect(listed.stdout).toMatch(/admin\s+系统管理员\s+管理员/);
    const audit = await db.pool.query(`select user_name, action, target, detail from app.audit_log where action = 'user_admin'`);
    expect(audit.rows).toEqual([{ user_name: 'cli:ops', action: 'user_admin', target: 'user:admin', detail: { op: 'add', role: 'admin', region: '990100000000' } }]);
  }, 60_000);

  it('refuses a weak password, an unknown role and a duplicate, with exit 1 and a message', async () => {
    const weak = await users(['add', '--name', 'clerk', '--role', 'staff', '--region', '990101000000', '--password-stdin'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('密码至少 10 个字符');
    const role = await users(['add', '--name', 'clerk', '--role', 'root', '--region', '990101000000', '--password-stdin'], `${password}\n`);
    expect(role.code).toBe(1);
    expect(role.stderr).toContain('角色应为');
    const dup = await users(['add', '--name', 'admin', '--role', 'admin', '--region', '990100000000', '--password-stdin'], `${password}\n`);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('已存在');
  }, 60_000);

  it('disables a user and resets a password', async () => {
    const disabled = await users(['disable', '--name', 'admin']);
    expect(disabled.code, disabled.stderr).toBe(0);
    const r = await db.pool.query(`select enabled from app.users where name = 'admin'`);
    expect(r.rows[0].enabled).toBe(false);
    const reset = await users(['reset-password', '--name', 'admin', '--password-stdin'], 'Second-Harbour-Secret-42\n');
    expect(reset.code, reset.stderr).toBe(0);
    expect((await users(['disable', '--name', 'nobody'])).stderr).toContain('用户 nobody 不存在');
  }, 60_000);
});
