/**
 * The import rules hold by the linter (issue 11): `npm run lint` runs dependency-cruiser over src/ with
 * .dependency-cruiser.cjs. Shown here on a scratch tree with the project's own config: a forbidden arrow
 * (emit/ importing api/) and an import cycle fail, an allowed arrow (emit/ importing plan/) passes.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const depcruise = join(root, 'node_modules/.bin/depcruise');
const scratch = mkdtempSync(join(tmpdir(), 'kpi-lint-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function treeWith(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  copyFileSync(join(root, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  return dir;
}

const lint = (cwd: string) => {
  const r = spawnSync(depcruise, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
};

describe('npm run lint holds the import rules', () => {
  it('fails on an arrow a folder README forbids (emit/ → api/)', () => {
    const dir = treeWith('forbidden', {
      'src/api/app.ts': 'export const app = 1;\n',
      'src/emit/probe.ts': "import { app } from '../api/app.ts';\nexport const probe = app;\n",
    });
    const r = lint(dir);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/not-in-allowed: src\/emit\/probe\.ts → src\/api\/app\.ts/);
  });

  it('fails on an import cycle, even inside one folder', () => {
    const dir = treeWith('cycle', {
      'src/plan/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'src/plan/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
    });
    const r = lint(dir);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/no-circular/);
  });

  it('passes an arrow the rules allow (emit/ → plan/, anything → shared/)', () => {
    const dir = treeWith('allowed', {
      'src/plan/nodes.ts': 'export const node = 1;\n',
      'src/shared/time.ts': 'export const now = 2;\n',
      'src/emit/probe.ts':
        "import { node } from '../plan/nodes.ts';\nimport { now } from '../shared/time.ts';\nexport const probe = node + now;\n",
    });
    const r = lint(dir);
    expect(r.output).not.toMatch(/error/);
    expect(r.status).toBe(0);
  });
});

describe('npm run lint keeps process.env inside src/config', () => {
  const biome = join(root, 'node_modules/.bin/biome');
  const check = (path: string) => {
    const dir = join(scratch, 'env', dirname(path));
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(root, 'biome.json'), join(scratch, 'env', 'biome.json'));
    writeFileSync(join(scratch, 'env', path), 'export const port = process.env.PORT;\n');
    const r = spawnSync(biome, ['lint', path], {
      cwd: join(scratch, 'env'),
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };

  it('fails on a read of process.env outside src/config', () => {
    const r = check('src/exec/probe.ts');
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/noProcessEnv/);
  });

  it('allows it in src/config', () => {
    const r = check('src/config/probe.ts');
    expect(r.output).not.toMatch(/noProcessEnv/);
    expect(r.status).toBe(0);
  });
});
