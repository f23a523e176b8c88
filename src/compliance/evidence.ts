/**
 * Reading a `govstack compliance --json` file for `govstack audit --compliance`: a file that
 * cannot be read, is not JSON, is not such a file, or holds another deployment's results is an
 * InputError at the file (one problem, exit 2), never a report that silently ignores it.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../blueprint/problems';
import type { ComplianceEvidence } from './audit-check';

/** What the file must hold, said in every shape problem. */
const expected =
  'expected what govstack compliance --json writes: {"deployment": "<name>", "results": [{"buildingBlock", "status": "run" | "not-run" | "error", "scenarios", "passed", "failed", "knownFailing", …}]}';

/**
 * The evidence in `file` for the deployment named `deployment`.
 * @throws InputError - the file cannot be read, is not JSON, is not a compliance results file
 *   (the first JSON pointer that is not what the audit reads), or names another deployment
 */
export function readComplianceEvidence(file: string, deployment: string): ComplianceEvidence {
  const fail = (pointer: string, message: string, line = 0) => new InputError([{ file, line, pointer, message }]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : code;
    throw fail('', `cannot read ${file}: ${why ?? 'read error'}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw fail('', `${file} is not JSON: ${(e as Error).message}`);
  }
  const wrong = shapeProblem(doc);
  if (wrong) throw fail(wrong.pointer, `${file} is not a compliance results file: ${wrong.pointer || '/'} ${wrong.message}; ${expected}`);
  const evidence = doc as Omit<ComplianceEvidence, 'file'>;
  if (evidence.deployment !== deployment)
    throw fail(
      '/deployment',
      `${file} holds results for deployment ${JSON.stringify(evidence.deployment)}, not ${JSON.stringify(deployment)}: run govstack compliance --json on this deployment`,
    );
  return { file, ...evidence };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const statuses = ['run', 'not-run', 'error'];

/** The first place where `doc` differs from what the audit's api-compliance check reads, or undefined. */
function shapeProblem(doc: unknown): { pointer: string; message: string } | undefined {
  if (!isObject(doc)) return { pointer: '', message: 'must be an object' };
  if (typeof doc.deployment !== 'string') return { pointer: '/deployment', message: 'must be a string' };
  if (!Array.isArray(doc.results)) return { pointer: '/results', message: 'must be an array' };
  for (const [i, r] of doc.results.entries()) {
    const at = `/results/${i}`;
    if (!isObject(r)) return { pointer: at, message: 'must be an object' };
    for (const key of ['buildingBlock', 'product'])
      if (typeof r[key] !== 'string') return { pointer: `${at}/${key}`, message: 'must be a string' };
    if (!statuses.includes(r.status as string)) return { pointer: `${at}/status`, message: `must be one of ${statuses.join(', ')}` };
    for (const key of ['scenarios', 'passed'])
      if (!Number.isInteger(r[key]) || (r[key] as number) < 0) return { pointer: `${at}/${key}`, message: 'must be a whole number' };
    if (r.note !== undefined && typeof r.note !== 'string') return { pointer: `${at}/note`, message: 'must be a string' };
    if (!Array.isArray(r.failed)) return { pointer: `${at}/failed`, message: 'must be an array' };
    for (const [j, f] of r.failed.entries())
      if (!isObject(f) || typeof f.scenario !== 'string') return { pointer: `${at}/failed/${j}/scenario`, message: 'must be a string' };
    if (!Array.isArray(r.knownFailing)) return { pointer: `${at}/knownFailing`, message: 'must be an array' };
    for (const [j, k] of r.knownFailing.entries())
      if (!isObject(k) || !isObject(k.reason) || typeof k.reason.kind !== 'string')
        return { pointer: `${at}/knownFailing/${j}/reason/kind`, message: 'must be a string' };
  }
  return undefined;
}
