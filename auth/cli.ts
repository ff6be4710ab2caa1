// `npm run users -- <command>`: accounts. Passwords come from standard input
// (--password-stdin, or typed without echo), never from arguments.
import { Command, InvalidArgumentError } from 'commander';
import { readConfig } from '../config.ts';
import { appendAudit, cliActor } from '../audit/trail.ts';
import { openWarehouse, type Warehouse } from '../warehouse/connect.ts';
import { ROLE_TITLES, roleSchema, type Role } from './principal.ts';
import { readPassword } from './read-password.ts';
import { createUser, disableUser, enableUser, listUsers, resetPassword, UserError } from './users.ts';

const role = (value: string): Role => {
  const parsed = roleSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]!.message);
  return parsed.data;
};

async function withWarehouse(work: (w: Warehouse, actor: ReturnType<typeof cliActor>) => Promise<void>): Promise<void> {
  const config = readConfig();
  const warehouse = await openWarehouse(config, (m) => console.error(m));
  let failed = false;
  try {
    await work(warehouse, cliActor(config.etlRunBy));
  } catch (e) {
    console.error(e instanceof UserError ? e.message : `出错：${(e as Error).message}`);
    failed = true;
  } finally {
    await warehouse.close();
  }
  // exit with the status at once (the warehouse is closed; nothing is left to wait for)
  if (failed) process.exit(1);
}

const program = new Command('users').description('用户账号：新增、列出、停用、重置密码');

program
  .command('add')
  .description('新增用户（包括第一个管理员）')
  .requiredOption('--name <name>', '用户名（字母、数字、_ . @ -）')
  .requiredOption('--role <role>', 'admin | leader | staff | inspector', role)
  .requiredOption('--region <code>', '12 位区划代码：市级或区县级')
  .option('--display <name>', '显示名称（如姓名）')
  .option('--password-stdin', '从标准输入读取密码（第一行）', false)
  .action(async (opts: { name: string; role: Role; region: string; display?: string }) => {
    const password = await readPassword();
    await withWarehouse(async ({ pool }, actor) => {
      const user = await createUser(pool, { name: opts.name, role: opts.role, region: opts.region, display: opts.display, password });
      await appendAudit(pool, { actor, action: 'user_admin', target: `user:${user.name}`, detail: { op: 'add', role: user.role, region: user.region } });
      console.log(`已新增用户 ${user.name}（${user.display}，${ROLE_TITLES[user.role]}，${user.regionName ?? user.region}）`);
    });
  });

program
  .command('list')
  .description('列出全部用户')
  .option('--json', '以 JSON 输出', false)
  .action(async (opts: { json: boolean }) => {
    await withWarehouse(async ({ pool }) => {
      const users = await listUsers(pool);
      if (opts.json) return void console.log(JSON.stringify(users, null, 2));
      if (users.length === 0) return void console.log('还没有用户：npm run users -- add --name NAME --role admin --region CODE --password-stdin');
      for (const u of users) {
        const last = u.lastSignInAt ? u.lastSignInAt.toISOString().replace('T', ' ').slice(0, 19) : '从未登录';
        console.log(`${u.enabled ? '  ' : '停'} ${u.name.padEnd(20)} ${u.display.padEnd(10)} ${ROLE_TITLES[u.role].padEnd(6)} ${u.region} ${u.regionName ?? ''}  最近登录：${last}`);
      }
    });
  });

program
  .command('disable')
  .description('停用用户，并立即注销其全部登录')
  .requiredOption('--name <name>', '用户名')
  .action(async (opts: { name: string }) => {
    await withWarehouse(async ({ pool }, actor) => {
      await disableUser(pool, opts.name);
      await appendAudit(pool, { actor, action: 'user_admin', target: `user:${opts.name}`, detail: { op: 'disable' } });
      console.log(`已停用用户 ${opts.name}，其登录已全部失效`);
    });
  });

program
  .command('enable')
  .description('重新启用用户')
  .requiredOption('--name <name>', '用户名')
  .action(async (opts: { name: string }) => {
    await withWarehouse(async ({ pool }, actor) => {
      await enableUser(pool, opts.name);
      await appendAudit(pool, { actor, action: 'user_admin', target: `user:${opts.name}`, detail: { op: 'enable' } });
      console.log(`已启用用户 ${opts.name}`);
    });
  });

program
  .command('reset-password')
  .description('重置密码，并注销该用户现有的全部登录')
  .requiredOption('--name <name>', '用户名')
  .option('--password-stdin', '从标准输入读取新密码（第一行）', false)
  .action(async (opts: { name: string }) => {
    const password = await readPassword('请输入新密码（不回显）：');
    await withWarehouse(async ({ pool }, actor) => {
      await resetPassword(pool, opts.name, password);
      await appendAudit(pool, { actor, action: 'user_admin', target: `user:${opts.name}`, detail: { op: 'reset-password' } });
      console.log(`已重置用户 ${opts.name} 的密码，其现有登录已失效`);
    });
  });

program.parseAsync().catch((e: Error) => {
  console.error(`出错：${e.message}`);
  process.exit(1);
});
