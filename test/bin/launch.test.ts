import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/processes.js';

// bin/launch.js in a scratch checkout: a built file, a source file, and their ages.

const ROOT = join(import.meta.dirname, '..', '..');

type Run = { code: number | null; stdout: string; stderr: string };

function checkout(withTsx = true): { dir: string; age(path: string, secondsAgo: number): void; run(env?: NodeJS.ProcessEnv, bin?: string): Run } {
  const dir = tempDir('rtnld-launch-');
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  copyFileSync(join(ROOT, 'bin', 'launch.js'), join(dir, 'bin', 'launch.js'));
  copyFileSync(join(ROOT, 'bin', 'package.json'), join(dir, 'bin', 'package.json'));
  writeFileSync(join(dir, 'bin', 'tool.js'), "require('./launch.js').launch('tool', 'dist/tool.js', 'src/tool.ts');\n");
  writeFileSync(join(dir, 'bin', 'bundled.js'), "require('./launch.js').launch('bundled', 'dist/bundled.cjs', 'src/tool.ts');\n");
  writeFileSync(join(dir, 'dist', 'tool.js'), "console.log('built');\n");
  writeFileSync(join(dir, 'src', 'tool.ts'), "const from: string = 'sources';\nconsole.log(from);\n");
  if (withTsx) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return {
    dir,
    age(path, secondsAgo) {
      const t = Date.now() / 1000 - secondsAgo;
      utimesSync(join(dir, path), t, t);
    },
    run(env = {}, bin = 'tool.js') {
      const r = spawnSync(process.execPath, [join(dir, 'bin', bin)], { encoding: 'utf8', env: { ...process.env, RTNLD_SOURCE_NOTICE: '1', ...env } });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
  };
}

describe('bin/launch.js', () => {
  it('runs dist/ when it is newer than every source file', () => {
    const c = checkout();
    c.age('src/tool.ts', 60);
    expect(c.run()).toEqual({ code: 0, stdout: 'built\n', stderr: '' });
  });

  it('runs the sources, saying why, when a source file changed after the build', () => {
    const c = checkout();
    c.age('dist/tool.js', 60);
    expect(c.run()).toEqual({
      code: 0, stdout: 'sources\n',
      stderr: 'tool: src/tool.ts changed after dist/tool.js was built: running the TypeScript sources (slower start); `npm run build` updates dist/\n',
    });
    expect(c.run({ RTNLD_SOURCE_NOTICE: '0' })).toEqual({ code: 0, stdout: 'sources\n', stderr: '' });
  });

  it('runs the sources when nothing is built', () => {
    const c = checkout();
    rmSync(join(c.dir, 'dist'), { recursive: true });
    const r = c.run();
    expect(r.stdout).toBe('sources\n');
    expect(r.stderr).toContain('tool: dist/tool.js is not built: running the TypeScript sources');
  });

  it('refuses a stale build when tsx is not installed to run the sources', () => {
    const c = checkout(false);
    c.age('dist/tool.js', 60);
    const r = c.run();
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('tool: src/tool.ts changed after dist/tool.js was built, and tsx (a dev dependency) is not installed to run the sources instead: run `npm ci && npm run build`\n');
  });

  it('runs a built .cjs bundle as CommonJS, from a code cache written by the first call', () => {
    const c = checkout();
    c.age('src/tool.ts', 60);
    writeFileSync(join(c.dir, 'dist', 'bundled.cjs'), "const { basename } = require('node:path');\nconsole.log(basename(__filename), typeof module.exports);\n");
    c.age('dist/bundled.cjs', 30);
    const cache = join(c.dir, 'dist', 'bundled.cjs.v8cache');
    expect(existsSync(cache)).toBe(false);
    expect(c.run({}, 'bundled.js')).toEqual({ code: 0, stdout: 'bundled.cjs object\n', stderr: '' });
    const written = readFileSync(cache);
    expect(written.length).toBeGreaterThan(100);
    expect(c.run({}, 'bundled.js')).toEqual({ code: 0, stdout: 'bundled.cjs object\n', stderr: '' });
    expect(readFileSync(cache).equals(written)).toBe(true); // accepted, so not rewritten
  });

  it('never runs a rebuilt bundle from the code cache of the one before, even of the same length', () => {
    const c = checkout();
    c.age('src/tool.ts', 60);
    writeFileSync(join(c.dir, 'dist', 'bundled.cjs'), "console.log('first');\n");
    c.age('dist/bundled.cjs', 30);
    expect(c.run({}, 'bundled.js').stdout).toBe('first\n');
    writeFileSync(join(c.dir, 'dist', 'bundled.cjs'), "console.log('again');\n");
    c.age('dist/bundled.cjs', 20);
    expect(c.run({}, 'bundled.js')).toEqual({ code: 0, stdout: 'again\n', stderr: '' });
  });

  it('runs dist/ where no sources are shipped (the runtime image)', () => {
    const c = checkout(false);
    rmSync(join(c.dir, 'src'), { recursive: true });
    expect(c.run()).toEqual({ code: 0, stdout: 'built\n', stderr: '' });
  });
});
