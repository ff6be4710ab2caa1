// The runner's parse cache (models/runner/parse-cache.ts): parsed YAML and compiled templates kept
// by the SHA-256 of their input, so a changed input is never answered from an old entry.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileTemplate, parseYaml } from '../models/runner/parse-cache.ts';
import { loadProject } from '../models/runner/project.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'runner-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = (): nunjucks.Environment => new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
const entries = async (suffix: string): Promise<string[]> => (await readdir(dir)).filter((f) => f.endsWith(suffix));

describe('parsed YAML', () => {
  it('is kept per content and read back equal; a changed text is parsed anew', async () => {
    const text = 'models:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique, not_null]\n';
    const first = parseYaml(text, dir);
    expect(await entries('.json')).toHaveLength(1);
    expect(parseYaml(text, dir)).toEqual(first);
    // the entry is what is read: planted content comes back (the file is named by the text's hash)
    const [name] = await entries('.json');
    await writeFile(path.join(dir, name!), JSON.stringify({ doc: { planted: true } }));
    expect(parseYaml(text, dir)).toEqual({ planted: true });
    expect(parseYaml(`${text}    description: x\n`, dir)).not.toEqual({ planted: true });
    expect(await entries('.json')).toHaveLength(2);
  });

  it('a broken entry is parsed again; a document JSON cannot hold is not kept', async () => {
    const text = 'a: [1, 2]\n';
    parseYaml(text, dir);
    const [name] = await entries('.json');
    await writeFile(path.join(dir, name!), '{"doc": [1, 2');
    expect(parseYaml(text, dir)).toEqual({ a: [1, 2] });
    expect(parseYaml('x: .nan\n', dir)).toEqual({ x: NaN });
    expect(await entries('.json')).toHaveLength(1);
  });

  it('invalid YAML throws as without the cache', () => {
    expect(() => parseYaml('a: [1, 2\n', dir)).toThrow();
    expect(() => parseYaml('a: [1, 2\n', undefined)).toThrow();
  });
});

describe('compiled templates', () => {
  const source = "{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}select {{ twice(n) }} as v{% if flag %}, 1{% endif %}";

  it('render as nunjucks renders them, from the kept JavaScript the second time', async () => {
    const plain = new nunjucks.Template(source, env(), 'm.sql', true).render({ n: 4, flag: true });
    expect(compileTemplate(source, env(), 'm.sql', dir).render({ n: 4, flag: true })).toBe(plain);
    expect(await entries('.js')).toHaveLength(1);
    expect(compileTemplate(source, env(), 'm.sql', dir).render({ n: 4, flag: true })).toBe(plain);
    // the entry is what runs: a planted one is used for the same source, not for another
    const [name] = await entries('.js');
    const code = await readFile(path.join(dir, name!), 'utf8');
    await writeFile(path.join(dir, name!), code.replace('select ', 'select planted, '));
    expect(compileTemplate(source, env(), 'm.sql', dir).render({ n: 4, flag: false })).toBe('select planted, 44 as v');
    expect(compileTemplate(`${source} `, env(), 'm.sql', dir).render({ n: 4, flag: false })).toBe('select 44 as v ');
  });

  it('throwOnUndefined is part of the key; an undefined variable still throws', () => {
    expect(() => compileTemplate('{{ missing }}', env(), 'm.sql', dir).render({})).toThrow(/undefined/);
    const lenient = new nunjucks.Environment(null, { autoescape: false });
    expect(compileTemplate('{{ missing }}', lenient, 'm.sql', dir).render({})).toBe('');
  });

  it('a template that does not compile throws nunjucks\' own error, and nothing is kept', async () => {
    const broken = 'select {% if x %}1';
    const expected = (() => {
      try {
        new nunjucks.Template(broken, env(), 'b.sql', true);
      } catch (err) {
        return (err as Error).message;
      }
      return 'compiled';
    })();
    expect(() => compileTemplate(broken, env(), 'b.sql', dir)).toThrow(expected);
    expect(await entries('.js')).toHaveLength(0);
  });
});

describe('loadProject', () => {
  it('keeps its cache in target/runner_cache by default, nowhere with cacheDir: false', async () => {
    await writeFile(path.join(dir, 'dbt_project.yml'), 'name: p\nmodel-paths: ["m"]\n');
    await loadProject(dir, { cacheDir: false });
    expect(await readdir(dir)).toEqual(['dbt_project.yml']);
    const project = await loadProject(dir);
    expect(project.cacheDir).toBe(path.join(dir, 'target', 'runner_cache'));
    expect((await readdir(project.cacheDir!)).length).toBeGreaterThan(0);
  });
});
