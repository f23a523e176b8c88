import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { commands, figures, fill } from '../../scripts/readme-figures';
import { root, runCli } from './support';

/** Issue 13, item 11: the README's figures are what the code produces today. */
test('README figures match the code (run `npm run readme` to regenerate them)', async () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  expect(readme).toContain('<!-- figures:audit-example -->');
  expect(fill(readme, await figures())).toBe(readme);
});

test('the command table lists every command the CLI has', async () => {
  const help = await runCli(['--help']);
  const listed = [...help.stdout.matchAll(/^ {2}govstack (\S+)/gm)].map((m) => m[1]).sort();
  expect(listed.length).toBeGreaterThanOrEqual(9);
  expect(commands.map((c) => String(c.command).split(' ')[0]).sort()).toEqual(listed);
});
