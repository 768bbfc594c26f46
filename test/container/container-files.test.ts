import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runNode, tempDir } from '../helpers/processes.js';

// The Dockerfile and docker-compose.yml, checked without a container engine: they parse, refer
// to stages, files and volumes that exist, and the image's start command works when run
// directly (with the container paths mapped to temporary ones).

const ROOT = join(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

interface Service {
  build?: { context: string; target: string };
  image?: string;
  user?: string;
  group_add?: string[];
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
}

/** Dockerfile instructions (continuation lines joined, comments dropped). */
const instructions = dockerfile.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const stages = instructions.filter((l) => l.startsWith('FROM ')).map((l) => /\sAS\s+(\S+)/i.exec(l)?.[1]);
const jsonArg = (keyword: string) => JSON.parse(instructions.find((l) => l.startsWith(`${keyword} `))!.slice(keyword.length + 1)) as string[];
const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

describe('Dockerfile', () => {
  it('needs no image registry beyond its base images (no `# syntax=` frontend)', () => {
    expect(dockerfile).not.toMatch(/^#\s*syntax\s*=/im);
  });

  it('builds in one stage and runs from another, as a non-root user with a socket volume and a health check', () => {
    expect(stages).toEqual(['build', 'runtime']);
    const runtimeAt = instructions.findIndex((l) => / AS runtime$/.test(l));
    const build = instructions.slice(0, runtimeAt);
    const runtime = instructions.slice(runtimeAt);
    // The adaptor is built without --if-possible (a missing compiler fails the build), and the
    // build stage's node_modules, pruned of dev dependencies, is all the runtime stage gets.
    expect(build.filter((l) => l.startsWith('RUN ')).join('\n')).toMatch(/rtnld-preload-path\.js(?![^\n&]*--if-possible)/);
    expect(build.at(-1)).toMatch(/npm prune --omit=dev/);
    expect(runtime.filter((l) => /\bnpm (ci|install)\b/.test(l))).toEqual([]);
    expect(runtime).toContain('COPY --from=build /app/node_modules ./node_modules');
    expect(runtime.find((l) => l.startsWith('USER '))).toBe('USER node');
    expect(runtime).toContain('VOLUME ["/run/rtnld"]');
    const healthcheck = runtime.find((l) => l.startsWith('HEALTHCHECK '))!;
    expect(healthcheck).toContain('docker/healthcheck.mjs');
    // healthy soon after the daemon listens (well under a second): probes every 2 s at most
    expect(Number(/--interval=(\d+)s/.exec(healthcheck)?.[1])).toBeLessThanOrEqual(2);
    // node itself is PID 1 (exec form), so SIGTERM reaches the daemon's handler.
    expect(jsonArg('ENTRYPOINT')).toEqual(['node', 'bin/rtnld.js']);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const copies = instructions.filter((l) => l.startsWith('COPY '));
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) {
      const parts = c.split(/\s+/).slice(1);
      const from = parts.find((p) => p.startsWith('--from='));
      const paths = parts.filter((p) => !p.startsWith('--')).slice(0, -1);
      if (from) {
        expect(stages, c).toContain(from.slice('--from='.length));
        continue;
      }
      for (const p of paths) {
        expect(existsSync(join(ROOT, p)), `${c}: ${p}`).toBe(true);
        expect(ignored.some((i) => p === i || p.startsWith(`${i}/`)), `${c}: ${p} is in .dockerignore`).toBe(false);
      }
    }
  });
});

describe('docker-compose.yml', () => {
  const services = compose.services;

  it('builds every service from a stage of the Dockerfile, with one image', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.build?.context, name).toBe('.');
      expect(stages, name).toContain(s.build!.target);
      expect(s.image, name).toBe('${RTNLD_IMAGE:-rtnld:dev}');
    }
  });

  it('runs one daemon serving two hosts (namespaces), and an agent per host that mounts only its host\'s socket directory', () => {
    const daemons = Object.entries(services).filter(([, s]) => !s.entrypoint);
    expect(daemons.map(([n]) => n)).toEqual(['rtnld']);
    const rtnld = services.rtnld!;
    expect(rtnld.healthcheck?.test?.slice(0, 3)).toEqual(['CMD', 'node', 'docker/healthcheck.mjs']);
    const arg = (flag: string) => rtnld.command![rtnld.command!.indexOf(flag) + 1]!;
    expect(arg('--socket')).toBe('/run/rtnld/rtnl.sock');
    expect(arg('--netns-layout')).toBe('dir');
    const netnsDir = arg('--netns-dir');
    // the seed declares exactly the hosts that have a volume
    const seed = parse(readFileSync(join(ROOT, 'docker', 'seeds', arg('--seed').slice('/etc/rtnld/'.length)), 'utf8')) as { netns: Record<string, unknown> };
    const hosts = Object.keys(seed.netns);
    expect(hosts).toEqual(['host-a', 'host-b']);
    const mounts = new Map(rtnld.volumes!.map((v) => [v.split(':')[1]!, v.split(':')[0]!]));
    const group = arg('--socket-group');
    expect(group).toMatch(/^\d+$/);
    expect(rtnld.group_add).toContain(group);

    const agents = Object.entries(services).filter(([, s]) => s.entrypoint);
    expect(agents.map(([n]) => n)).toEqual(['agent-a', 'agent-b']);
    agents.forEach(([name, agent], i) => {
      const volume = mounts.get(join(netnsDir, hosts[i]!));
      expect(volume, name).toBeDefined();
      expect(compose.volumes, name).toHaveProperty([volume!]);
      // the agent's only volume is its host's directory, where a lone daemon's socket would be
      expect(agent.volumes, name).toEqual([`${volume}:/run/rtnld`]);
      expect(agent.environment?.RTNL_SOCKET, name).toBe('/run/rtnld/rtnl.sock');
      expect(agent.entrypoint).toEqual(['node', 'bin/rtnl.js']);
      expect(agent.command).toEqual(['link', 'show']);
      expect(agent.depends_on).toEqual({ rtnld: { condition: 'service_healthy' } });
      // another user than the daemon's, in the group the daemon gives its sockets to
      expect(agent.group_add).toContain(group);
      expect(agent.user).toMatch(/^\d+:\d+$/);
      expect(agent.user!.split(':')[0]).not.toBe('1000');
    });
    expect(new Set(agents.map(([, a]) => a.volumes![0]!)).size).toBe(agents.length);
    for (const s of Object.values(services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (source.startsWith('.')) expect(existsSync(join(ROOT, source)), v).toBe(true);
        else expect(compose.volumes, v).toHaveProperty([source]);
      }
    }
  });

  it('gives every daemon reachable from the network a token (from the environment or .env, never mandatory for other services), and only its seeds from the mounted directory', () => {
    expect(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')).not.toContain(':?');
    for (const [name, s] of Object.entries(services)) {
      const http = s.environment?.RTNLD_HTTP;
      if (http && !http.startsWith('unix:') && !http.startsWith('127.')) expect(s.environment?.RTNLD_HTTP_TOKEN, name).toBeDefined();
      const seed = s.command?.[s.command.indexOf('--seed') + 1];
      if (s.command?.includes('--seed')) {
        expect(seed!.startsWith('/etc/rtnld/'), name).toBe(true);
        expect(existsSync(join(ROOT, 'docker', 'seeds', seed!.slice('/etc/rtnld/'.length))), name).toBe(true);
      }
    }
  });

  it('is accepted by docker compose, where a compose client is installed', () => {
    const tools: Array<[string, string[]]> = [['docker', ['compose', 'config', '-q']], ['docker-compose', ['config', '-q']]];
    const env = { ...process.env };
    delete env.RTNLD_HTTP_TOKEN; // every compose command works without the token (only rtnld needs it, to start)
    for (const [cmd, args] of tools) {
      const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8' });
      if (r.error || (r.status !== 0 && /unknown (command|shorthand flag)|is not a docker command/.test(r.stderr))) continue;
      expect(r.status, `${cmd} ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return;
    }
    console.warn('no compose client here: docker-compose.yml was checked by the other tests only');
  });
});

describe('the image\'s start command, run directly', () => {
  const run = (args: string[], env: Record<string, string>) => runNode(args, { cwd: ROOT, env: { ...process.env, ...env } });

  it('rtnld starts with the rig\'s seed, passes its health check, serves each host to its agent, and stops on SIGTERM', async () => {
    const dir = tempDir('rtnld-container-');
    const s = compose.services.rtnld!;
    // Container paths -> this machine: /run/rtnld -> a temp dir, /etc/rtnld -> docker/seeds;
    // the rig's socket group -> ours (a process may only give a file a group it is in). The
    // host volumes are directories that exist before the daemon starts, as mounted volumes do.
    const local = (a: string) => a.replace('/run/rtnld', dir).replace('/etc/rtnld', join(ROOT, 'docker', 'seeds'));
    for (const v of s.volumes!) if (v.split(':')[1]!.startsWith('/run/rtnld/')) mkdirSync(local(v.split(':')[1]!));
    const entrypoint = jsonArg('ENTRYPOINT');
    const command = (s.command ?? jsonArg('CMD')).map(local)
      .map((a, i, all) => (all[i - 1] === '--socket-group' ? String(process.getgid!()) : a));
    const httpEnv = { RTNLD_HTTP: local(s.environment!.RTNLD_HTTP!).replace(/:9180$/, ':0'), RTNLD_HTTP_TOKEN: 'test-token-0123456789' };
    const d = run([...entrypoint.slice(1), ...command], httpEnv);
    const deadline = Date.now() + 20_000;
    while (!d.output().includes('"model loaded"')) {
      if (Date.now() > deadline || d.child.exitCode !== null) throw new Error(`daemon did not start: ${d.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const http = JSON.parse(d.output().split('\n').find((l) => l.includes('"admin API listening"'))!).http as string;

    const health = spawnSync(process.execPath, ['docker/healthcheck.mjs', '/readyz'], { cwd: ROOT, env: { ...process.env, RTNLD_HTTP: http }, encoding: 'utf8' });
    expect(health.status, health.stderr).toBe(0);
    const expected: Record<string, string[]> = { 'agent-a': ['veth0@veth1', 'eth1@if2'], 'agent-b': ['eth0.100@eth0', 'eth1@if6'] };
    for (const [name, links] of Object.entries(expected)) {
      const agent = compose.services[name]!;
      // the agent's /run/rtnld is its host's volume: the directory rtnld mounts that volume on
      const hostDir = local(s.volumes!.find((v) => v.startsWith(`${agent.volumes![0]!.split(':')[0]}:`))!.split(':')[1]!);
      expect(readdirSync(hostDir), name).toEqual(['rtnl.sock']);
      const show = spawnSync(process.execPath, [...agent.entrypoint!.slice(1), ...agent.command!], {
        cwd: ROOT, env: { ...process.env, RTNL_SOCKET: agent.environment!.RTNL_SOCKET!.replace('/run/rtnld', hostDir) }, encoding: 'utf8', timeout: 20_000,
      });
      expect(show.status, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/^1: lo: /m);
      for (const l of links) expect(show.stdout, name).toContain(l);
    }

    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(existsSync(join(dir, 'rtnl.sock'))).toBe(false);
    // the mounted host directories stay (they are volumes), emptied of their sockets
    expect(readdirSync(dir).sort()).toEqual(['host-a', 'host-b']);
    for (const h of readdirSync(dir)) expect(readdirSync(join(dir, h))).toEqual([]);
    const down = spawnSync(process.execPath, ['docker/healthcheck.mjs'], { cwd: ROOT, env: { ...process.env, RTNLD_HTTP: http }, encoding: 'utf8' });
    expect(down.status).toBe(1);
  });
});
