// Compiles the YAML data model in cube/model with Cube's own schema compiler,
// in pure JavaScript (no @cubejs-backend/native: see README, "Cube without the
// native binary").
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareCompiler } from '@cubejs-backend/schema-compiler';

export const MODEL_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'model');

type PreparedCompiler = ReturnType<typeof prepareCompiler>;
/** The Cube data model (cube/model) as Cube's schema compiler prepared it; not the SQL runner's compiled dbt model. */
export type CompiledCubeModel = Pick<PreparedCompiler, 'compiler' | 'cubeEvaluator' | 'joinGraph' | 'metaTransformer'>;

async function listModelFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return listModelFiles(full);
      return /\.ya?ml$/.test(e.name) ? [full] : [];
    }),
  );
  return nested.flat().sort();
}

// The compiler only calls these for Jinja models and globals.py, which this
// project does not use; fail loudly if a model ever needs them.
const pureJsNativeInstance = {
  newJinjaEngine() {
    return {
      loadTemplate() {
        throw new Error('本项目的 Cube 模型不支持 Jinja 模板（.jinja / {% %}）：请改用 YAML 引用 {CUBE}、{member}');
      },
      renderTemplate() {
        throw new Error('本项目的 Cube 模型不支持 Jinja 模板');
      },
    };
  },
  loadPythonContext() {
    throw new Error('本项目的 Cube 模型不支持 globals.py');
  },
};

export async function compileModel(modelDir: string = MODEL_DIR): Promise<CompiledCubeModel> {
  const files = await listModelFiles(modelDir);
  const repo = {
    localPath: () => modelDir,
    dataSchemaFiles: async () =>
      Promise.all(
        files.map(async (file) => ({
          fileName: path.relative(modelDir, file),
          content: await readFile(file, 'utf8'),
        })),
      ),
  };
  // nativeInstance is typed against the Rust binding we deliberately do not load.
  const prepared = prepareCompiler(repo, { nativeInstance: pureJsNativeInstance as never, standalone: true });
  await prepared.compiler.compile();
  return prepared;
}
