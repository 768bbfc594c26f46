import { readFile } from 'node:fs/promises';
import { runCli } from './run.js';

// `rtnl`: the process around runCli(). Output is written in order and the process ends on its
// own once the connection is closed, so piped output is never cut short. No top-level await: the
// bundle (dist/rtnl.cjs) is CommonJS, to start from V8's code cache (bin/launch.js).
void runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  readFile: (path) => (path === '-' ? readStdin() : readFile(path, 'utf8')),
}).then((code) => {
  process.exitCode = code;
});

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
