import { existsSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Create folder `dir` and any missing parents (`mkdir -p`); throws the first failure (a Node.js
 * `ErrnoException`: ENOTDIR, EACCES, ENOENT, …) and returns normally when `dir` already exists.
 *
 * Node.js 20's own `mkdirSync(dir, { recursive: true })` never returns when making a folder
 * fails with ENOENT although its parent exists, as under `/proc`: it makes the parent again
 * (EEXIST) and retries the child, forever. Here each missing folder below the nearest existing
 * path is made once, in order.
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); !existsSync(at); at = path.dirname(at)) {
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (err) {
      // Made meanwhile by another process: fine if it is a folder.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(folder).isDirectory()) throw err;
    }
  }
}
