// dbt macros: every `{% macro %}` in the project's macro-paths, callable from models and tests.
// All macro files form one template, so macros call each other as in dbt (names are unique).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { ModelProjectError } from './errors.ts';
import { compileTemplate } from './parse-cache.ts';

export interface MacroFile {
  /** Path relative to the project directory, with `/` separators. */
  file: string;
  source: string;
}

async function sqlFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const entry of entries) {
    if (/^[.#~]/.test(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sqlFiles(full)));
    else if (entry.isFile() && entry.name.endsWith('.sql')) out.push(full);
  }
  return out;
}

/** The `.sql` files under each of `paths` (relative to `projectDir`). */
export async function readMacroFiles(projectDir: string, paths: string[]): Promise<MacroFile[]> {
  const out: MacroFile[] = [];
  for (const p of paths) {
    for (const abs of await sqlFiles(path.join(projectDir, p))) {
      out.push({ file: path.relative(projectDir, abs).split(path.sep).join('/'), source: await readFile(abs, 'utf8') });
    }
  }
  return out;
}

/**
 * The generic tests of the test-paths' `generic/` folders (and any `{% test %}` block there), as
 * dbt compiles them: `{% test name(model, ...) %}` is the macro `test_name`.
 */
export async function readGenericTests(projectDir: string, testPaths: string[]): Promise<MacroFile[]> {
  const files = await readMacroFiles(projectDir, testPaths);
  return files
    .filter((f) => /\{%-?\s*test\s/.test(f.source))
    .map((f) => ({
      file: f.file,
      source: f.source
        .replace(/\{%(-?)\s*test\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g, '{%$1 macro test_$2(')
        .replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}'),
    }));
}

/**
 * Returns a function giving the macros bound to one render's context (so `ref()` inside a macro
 * records the calling model's dependency, and `this` is the caller's relation).
 */
export function macroBinder(env: nunjucks.Environment, files: MacroFile[], cacheDir?: string): (context: Record<string, unknown>) => Record<string, unknown> {
  if (files.length === 0) return () => ({});
  const source = files.map((f) => f.source).join('\n');
  let template: nunjucks.Template;
  try {
    template = compileTemplate(source, env, 'macros', cacheDir);
  } catch (err) {
    throw new ModelProjectError(`宏文件（${files.map((f) => f.file).join('、')}）编译失败：${(err as Error).message}`, files[0]!.file);
  }
  return (context) => {
    let exported: Record<string, unknown> = {};
    let failure: Error | null = null;
    // Synchronous for templates without async filters: the callback runs before getExported returns.
    (template as unknown as { getExported(ctx: object, frame: null, cb: (err: Error | null, out: Record<string, unknown>) => void): void })
      .getExported(context, null, (err, out) => {
        failure = err;
        exported = out ?? {};
      });
    if (failure) throw failure;
    return exported;
  };
}
