// dbt's partial parsing, for the two costs of loading a project that do not depend on the run:
// parsing its YAML (the `yaml` package: ~0.4 s of CPU for the project's 68 KB of property files in a
// fresh process, each load being one) and compiling its Jinja templates to JavaScript (nunjucks:
// ~0.2 s). Each result is kept in a file of the cache folder (by default the project's
// `target/runner_cache`, as dbt keeps target/partial_parse.msgpack) named by the SHA-256 of its
// input and the parser's version, so a changed input is a new name and a stale entry is never read.
// A folder that cannot be read or written only means parsing as before.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import nunjucks from 'nunjucks';

const require = createRequire(import.meta.url);
// `yaml` is loaded only when a file is not in the cache (loading it costs ~0.1 s of CPU)
let yamlParse: ((text: string) => unknown) | undefined;
const parseYamlText = (text: string): unknown => (yamlParse ??= (require('yaml') as typeof import('yaml')).parse)(text);
const versions = {
  yaml: (require('yaml/package.json') as { version: string }).version,
  nunjucks: (require('nunjucks/package.json') as { version: string }).version,
};

/** The default cache folder of a project. */
export function defaultCacheDir(projectDir: string): string {
  return path.join(projectDir, 'target', 'runner_cache');
}

function key(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function read(dir: string, name: string): string | undefined {
  try {
    return readFileSync(path.join(dir, name), 'utf8');
  } catch {
    return undefined;
  }
}

/** Written under a temporary name and renamed, so a concurrent reader never sees half a file. */
function write(dir: string, name: string, text: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `.${name}.${randomBytes(4).toString('hex')}`);
    writeFileSync(tmp, text);
    renameSync(tmp, path.join(dir, name));
  } catch {
    // a read-only project: nothing kept
  }
}

/** YAML text parsed (`yaml`'s parse), through the cache when `dir` is given. Parse errors throw as yaml's do. */
export function parseYaml(text: string, dir: string | undefined): unknown {
  if (dir === undefined) return parseYamlText(text);
  const name = `${key('yaml', versions.yaml, text)}.json`;
  const cached = read(dir, name);
  if (cached !== undefined) {
    try {
      return (JSON.parse(cached) as { doc: unknown }).doc;
    } catch {
      // unreadable entry: parsed again and rewritten below
    }
  }
  const doc: unknown = parseYamlText(text);
  // JSON keeps what property files hold (maps, lists, strings, numbers, booleans, null); a document
  // with anything else (.nan, .inf) is not cached
  if (!hasNonJson(doc)) write(dir, name, JSON.stringify({ doc }));
  return doc;
}

function hasNonJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return false;
  if (typeof value === 'number') return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(hasNonJson);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value as object).some(hasNonJson);
  return true;
}

interface CompilerOptions {
  throwOnUndefined?: boolean;
}

type EnvironmentInternals = nunjucks.Environment & { asyncFilters: string[]; extensionsList: unknown[]; opts: CompilerOptions };

/**
 * A nunjucks template compiled eagerly, as `new nunjucks.Template(source, env, name, true)`, with
 * its compiled JavaScript taken from the cache when `dir` is given. The environment must have no
 * extensions or async filters (the runner's has none). A template that does not compile is
 * compiled again the ordinary way, so it throws nunjucks' own error.
 */
export function compileTemplate(source: string, env: nunjucks.Environment, name: string, dir: string | undefined): nunjucks.Template {
  const internals = env as EnvironmentInternals;
  if (dir === undefined || internals.asyncFilters.length > 0 || internals.extensionsList.length > 0) return new nunjucks.Template(source, env, name, true);
  const file = `${key('nunjucks', versions.nunjucks, name, internals.opts.throwOnUndefined === true, source)}.js`;
  let code = read(dir, file);
  if (code === undefined) {
    try {
      code = (nunjucks as unknown as { compiler: { compile(src: string, asyncFilters: string[], extensions: unknown[], name: string, opts: CompilerOptions): string } })
        .compiler.compile(source, internals.asyncFilters, internals.extensionsList, name, internals.opts);
    } catch {
      return new nunjucks.Template(source, env, name, true);
    }
    write(dir, file, code);
  }
  // the same steps as nunjucks' Template._compile, which runs the compiled source with new Function
  let props: object;
  try {
    props = new Function(code)() as object;
  } catch {
    return new nunjucks.Template(source, env, name, true);
  }
  return new nunjucks.Template({ type: 'code', obj: props } as unknown as string, env, name, true);
}
