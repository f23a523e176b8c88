/**
 * The mistakes a blueprint file is refused for, made in code: each is reported, all at once,
 * in one thrown InputError whose message has one `label  /json/pointer  message` line each.
 *
 *   node dist/bad-inputs.js     # prints the problems, exits 2
 */
import { Blueprint, InputError, resolveBlueprint } from 'govstack-blueprint';
import { sandbox } from './sandbox';

// Typed as a Blueprint, so TypeScript refuses most of these at compile time already; a value
// built at run time (from a form, a database, another file format) gets no such help, so the
// casts stand in for it and the run-time validation must catch every one.
const bad = {
  ...sandbox,
  metadata: { ...sandbox.metadata, name: 'KE_Test', country: 'Kenya' },
  mediator: {
    ...sandbox.mediator,
    organisations: sandbox.mediator.organisations.map((o) =>
      o.name === 'ministry-of-interior' ? { ...o, title: 'Interior ${file("/etc/passwd")}' } : o,
    ),
  },
  buildingBlocks: {
    ...sandbox.buildingBlocks,
    identity: { ...sandbox.buildingBlocks.identity, replicas: 0 },
    registraton: { owner: 'ministry-of-social-protection' },
  },
} as unknown as Blueprint;

try {
  resolveBlueprint(bad, { label: 'bad-inputs.ts' });
  process.stderr.write('bad-inputs.ts: expected an InputError, got a model\n');
  process.exitCode = 1;
} catch (err) {
  if (!(err instanceof InputError)) throw err;
  process.stdout.write(`${err.problems.length} problems, one error:\n${err.message}\n`);
  process.exitCode = 2;
}
