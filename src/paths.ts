import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The package's root folder (holding package.json), from source or compiled code alike. */
export const packageRoot: string = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'charts'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the govstack-blueprint package root above ${__dirname}`);
  }
})();

export const chartsDir = path.join(packageRoot, 'charts');
export const blueprintsDir = path.join(packageRoot, 'blueprints');
