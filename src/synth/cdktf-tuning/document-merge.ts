/**
 * Adjustment 7, the stack's document merged without copies. `TerraformStack.toTerraform`
 * resolves each element's fragment (a fresh copy of it), deep-merges every fragment into the
 * document (`util.deepMerge`, which copies each object it meets into a new one) and then resolves
 * the whole document again (a third copy), though by then all of it but the `//` block (the stack
 * metadata and the outputs' ids) is resolved data: two of the passes over every value of a stack.
 * Inside `withTunedCdktf` the document is assembled as cdktf assembles it, except that an object of
 * a fragment is moved in where deepMerge would copy it into an empty one, and that the final
 * resolve covers only what was not resolved before: the `//` block and the top-level blocks the
 * stack's own overrides (`addOverride` on the stack) were merged into. The two give the same
 * document: an object is moved only where its copy would equal it (a Date in it, for one, would
 * become `{}`), resolved data holds no token and no `undefined`, all that a second resolve
 * changes, and a fragment's objects are its own (resolving copies).
 */
import { cdktfSourceHolds } from './cdktf-source';
import { tunedScope } from './scope';

type Data = Record<string, unknown>;

/** The parts of a stack the adjustment reads, as cdktf 0.21.0 has them. */
interface StackInternals {
  readonly rawOverrides: Data;
  readonly cdktfVersion: string;
  readonly node: { readonly id: string };
  toTerraform(): Data;
}

/** The parts of an element it reads. */
interface ElementInternals {
  readonly node: { readonly path: string; readonly children: readonly { node: unknown }[] };
  readonly friendlyUniqueId: string;
  toMetadata(): Data;
  toTerraform(): Data;
}

/** cdktf 0.21.0's `TerraformStack.prototype.toTerraform`, which the replacement reproduces but for the copies. */
const toTerraformSource = [
  'toTerraform() { const tf = {}; const metadata = { version: this.cdktfVersion, stackName: this.node.id, backend: "local", // overwritten by backend implementations if used',
  'cloud: undefined, // overwritten by cloud and remote backend implementations ...(Object.keys(this.rawOverrides).length > 0 ? { overrides: { stack: Object.keys(this.rawOverrides) } } : {}), };',
  'const elements = terraformElements(this); const metadatas = elements.map((e) => (0, _tokens_1.resolve)(this, e.toMetadata())); for (const meta of metadatas) { (0, util_1.deepMerge)(metadata, meta); }',
  'const outputs = elements.reduce((carry, item) => { if (!terraform_output_1.TerraformOutput.isTerraformOutput(item)) { return carry; } (0, util_1.deepMerge)(carry, item.node.path.split("/").reduceRight((innerCarry, part) => { if (Object.keys(innerCarry).length === 0) { return { [part]: item.friendlyUniqueId }; } return { [part]: innerCarry }; }, {})); return carry; }, {});',
  'tf["//"] = { metadata, outputs }; const fragments = elements.map((e) => (0, _tokens_1.resolve)(this, e.toTerraform())); for (const fragment of fragments) { (0, util_1.deepMerge)(tf, fragment); } (0, util_1.deepMerge)(tf, this.rawOverrides); return (0, _tokens_1.resolve)(this, tf); }',
  // The module-private walk that lists a stack's elements.
  "function terraformElements(node, into = []) { if (terraform_element_1.TerraformElement.isTerraformElement(node)) { into.push(node); } for (const child of node.node.children) { // Don't recurse into a substack if (TerraformStack.isStack(child)) { continue; } terraformElements(child, into); } return into; }",
];

/**
 * Whether deepMerge's copy of `value` equals `value`: it copies an object's own enumerable keys
 * into a new plain object, deeply, but for arrays and resolvables (set as they are) and
 * `undefined` (left out); so a Date, say, becomes `{}`. Resolved data holds plain objects, arrays
 * and Dates only.
 */
function copiesAsItself(value: Data, isResolvable: (x: unknown) => boolean): boolean {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined) return false;
    if (
      typeof item === 'object' &&
      item !== null &&
      !Array.isArray(item) &&
      !isResolvable(item) &&
      !copiesAsItself(item as Data, isResolvable)
    )
      return false;
  }
  return true;
}

/** cdktf's `util.deepMerge(target, source)`, but where it would copy an object of `source` into an empty one that equals its copy, the object is moved. */
function mergeMoving(
  target: Data,
  source: Data,
  deepMerge: (target: unknown, ...sources: unknown[]) => unknown,
  isResolvable: (x: unknown) => boolean,
): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    const into = target[key];
    if (typeof value !== 'object' || value === null || Array.isArray(value) || isResolvable(value) || into === null) {
      deepMerge(target, { [key]: value });
    } else if (typeof into === 'object') {
      mergeMoving(into as Data, value as Data, deepMerge, isResolvable);
    } else if (copiesAsItself(value as Data, isResolvable)) {
      target[key] = value;
    } else {
      deepMerge(target, { [key]: value });
    }
  }
}

/** Apply the adjustment; returns true, or why it was not applied. */
export function applyDocumentMergeWithoutCopies(): true | string {
  if (!cdktfSourceHolds('terraform-stack.js', ...toTerraformSource))
    return 'TerraformStack.toTerraform is not the one the adjustment was written for';
  const { TerraformStack, TerraformElement, TerraformOutput, Tokenization } = require('cdktf') as typeof import('cdktf');
  const { resolve } = require('cdktf/lib/_tokens') as { resolve: (scope: unknown, value: unknown) => unknown };
  const { deepMerge } = require('cdktf/lib/util') as { deepMerge: (target: unknown, ...sources: unknown[]) => unknown };
  const isResolvable = (x: unknown) => Tokenization.isResolvable(x);
  const elementsOf = (node: { node: { children: readonly { node: unknown }[] } }, into: ElementInternals[] = []): ElementInternals[] => {
    if (TerraformElement.isTerraformElement(node)) into.push(node as unknown as ElementInternals);
    for (const child of node.node.children) if (!TerraformStack.isStack(child)) elementsOf(child as never, into);
    return into;
  };
  const prototype = TerraformStack.prototype as unknown as StackInternals;
  const toTerraform = prototype.toTerraform;
  prototype.toTerraform = function toTerraformMergedWithoutCopies(this: StackInternals): Data {
    if (tunedScope.depth === 0) return toTerraform.call(this);
    const tf: Data = {};
    const overridden = Object.keys(this.rawOverrides);
    const metadata: Data = {
      version: this.cdktfVersion,
      stackName: this.node.id,
      backend: 'local',
      cloud: undefined,
      ...(overridden.length > 0 ? { overrides: { stack: overridden } } : {}),
    };
    const elements = elementsOf(this as never);
    for (const meta of elements.map((e) => resolve(this, e.toMetadata()))) deepMerge(metadata, meta);
    const outputs: Data = {};
    for (const item of elements) {
      if (!TerraformOutput.isTerraformOutput(item)) continue;
      deepMerge(
        outputs,
        item.node.path
          .split('/')
          .reduceRight<Data>(
            (inner, part) => (Object.keys(inner).length === 0 ? { [part]: item.friendlyUniqueId } : { [part]: inner }),
            {},
          ),
      );
    }
    tf['//'] = { metadata, outputs };
    for (const fragment of elements.map((e) => resolve(this, e.toTerraform()) as Data)) mergeMoving(tf, fragment, deepMerge, isResolvable);
    deepMerge(tf, this.rawOverrides);
    // What was not resolved before: the `//` block (its `cloud: undefined` goes) and the blocks
    // overrides went into. As in cdktf's resolve of the whole document: in the document's order
    // (the first error is the one reported), each under its key (an error names the same path),
    // and a block that resolves to nothing left out.
    const unresolved = new Set(['//', ...overridden]);
    for (const key of Object.keys(tf)) {
      if (!unresolved.has(key)) continue;
      const resolved = (resolve(this, { [key]: tf[key] }) as Data)[key];
      if (resolved === undefined) delete tf[key];
      else tf[key] = resolved;
    }
    return tf;
  };
  return true;
}
