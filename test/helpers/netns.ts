// What the tests that compare against a kernel in a throwaway network namespace need from the host.
import { spawnSync } from 'node:child_process';

/** Why a kernel comparison cannot run here (root, iproute2 with `ip netns`, python3), or null when it can. */
export function netnsSkipReason(): string | null {
  if (process.platform !== 'linux') return `platform is ${process.platform}, not linux`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root (needs `ip netns add`)';
  const ip = spawnSync('ip', ['-V'], { encoding: 'utf8' });
  if (ip.error !== undefined || ip.status !== 0) return '`ip` (iproute2) is not installed';
  const ns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (ns.error !== undefined || ns.status !== 0) return '`ip netns` is not available';
  const py = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (py.error !== undefined || py.status !== 0) return 'python3 is not available';
  return null;
}
