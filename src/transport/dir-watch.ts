import { watch, type FSWatcher } from 'node:fs';

/**
 * One inotify watch per directory, shared by every socket file in it: each event reaches only the
 * callback of the file it names (or every callback when the kernel names none). A watch per
 * socket would call all N callbacks for every event in the directory, N² work when a
 * --netns-dir of 10,000 namespaces creates its sockets.
 */
const dirs = new Map<string, { watcher: FSWatcher; files: Map<string, () => void> }>();

/** Calls `changed` when something happens to `name` in `dir`; returns the function that stops watching. */
export function watchFileIn(dir: string, name: string, changed: () => void): () => void {
  let entry = dirs.get(dir);
  if (!entry) {
    const files = new Map<string, () => void>();
    const watcher = watch(dir, { persistent: false }, (_event, file) => {
      if (file !== null) files.get(file)?.();
      else for (const cb of [...files.values()]) cb();
    });
    entry = { watcher, files };
    dirs.set(dir, entry);
    watcher.on('error', () => {
      watcher.close();
      if (dirs.get(dir)?.watcher === watcher) dirs.delete(dir);
    });
  }
  const { files, watcher } = entry;
  files.set(name, changed);
  return () => {
    if (files.get(name) !== changed) return;
    files.delete(name);
    if (files.size === 0 && dirs.get(dir)?.watcher === watcher) {
      watcher.close();
      dirs.delete(dir);
    }
  };
}
