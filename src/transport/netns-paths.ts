import { join } from 'node:path';

/**
 * Where --netns-dir DIR serves namespace NAME:
 * - `flat` (the default): DIR/NAME.sock and DIR/NAME.ro.sock, one directory for thousands of namespaces;
 * - `dir`: DIR/NAME/rtnl.sock and DIR/NAME/rtnl.ro.sock, so a container that mounts only DIR/NAME
 *   (a volume, a bind) reaches only that namespace, at the same path as a lone daemon's socket.
 */
export type NetnsLayout = 'flat' | 'dir';

export const NETNS_LAYOUTS: readonly NetnsLayout[] = ['flat', 'dir'];

export interface NetnsSocketPaths {
  /** The per-namespace directory (layout `dir` only), made if missing. */
  dir?: string | undefined;
  rw: string;
  ro: string;
}

export function netnsSocketPaths(dir: string, layout: NetnsLayout, name: string): NetnsSocketPaths {
  if (layout === 'flat') return { rw: join(dir, `${name}.sock`), ro: join(dir, `${name}.ro.sock`) };
  const own = join(dir, name);
  return { dir: own, rw: join(own, 'rtnl.sock'), ro: join(own, 'rtnl.ro.sock') };
}
