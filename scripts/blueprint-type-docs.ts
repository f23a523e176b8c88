/**
 * Copies the blueprint JSON Schema's property descriptions into the TSDoc of the hand-written
 * blueprint types (src/blueprint/types.ts), so a TypeScript user reads in the editor exactly
 * what a YAML user reads from `blueprints/blueprint.schema.json`, written once, in the schema.
 *
 * Why not generate the types themselves (json-schema-to-typescript): the schema expresses the
 * target and state variants as `allOf` of `if`/`then` branches and the building blocks as one
 * property per catalog entry; generated types would lose the tagged unions (`Target`,
 * `StateBackend`) and replace `BuildingBlockDecl` by one interface per catalog entry, a shape
 * change that ripples through the model and every consumer. The types stay hand-written; only
 * their property comments are derived, and a unit test fails when they differ from the schema.
 *
 * `npm run types:docs` rewrites the comments; every property must find a described schema
 * property, else this exits 1 naming it (add the description to the schema).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { blueprintSchema } from '../src/blueprint/schema';
import { buildingBlocks } from '../src/catalog';
import { packageRoot } from '../src/paths';

type Schema = { description?: string; properties?: Record<string, Schema>; allOf?: { then?: Schema }[]; items?: Schema; const?: unknown };

/** The file whose property comments are derived. */
export const blueprintTypesPath = path.join(packageRoot, 'src', 'blueprint', 'types.ts');

/** Each named type of types.ts and the schema node that describes its properties. */
function anchors(): Record<string, Schema> {
  const root = blueprintSchema(buildingBlocks) as Schema;
  const p = (s: Schema | undefined, ...names: string[]): Schema => {
    let node = s as Schema;
    for (const name of names) node = lookup(node, name, undefined) ?? fail(`schema has no ${names.join('.')}`);
    return node;
  };
  const target = p(root, 'target');
  const state = p(root, 'state');
  const decl = p(root, 'buildingBlocks', buildingBlocks[0].id);
  return {
    Blueprint: root,
    Target: target,
    TargetNetwork: p(target, 'network'),
    StateBackend: state,
    StateEncryption: p(state, 'encryption'),
    Organisation: p(root, 'mediator', 'organisations').items as Schema,
    BuildingBlockDecl: decl,
    FlowDecl: p(decl, 'consumes').items as Schema,
    Resources: p(decl, 'resources'),
    SecurityOverride: p(root, 'security', 'overrides').items as Schema,
    NoWait: p(root, 'deployment', 'noWaitFor').items as Schema,
    DocumentSources: p(root, 'deployment', 'documents'),
    ChartSources: p(root, 'deployment', 'charts'),
  };
}

function fail(message: string): never {
  throw new Error(message);
}

/** The schema of property `name`: the branch whose tag matches the literal's tag first, then any described one. */
function lookup(schema: Schema, name: string, literal: ts.TypeLiteralNode | undefined): Schema | undefined {
  const branches = (schema.allOf ?? []).map((b) => b.then).filter((t): t is Schema => !!t?.properties?.[name]);
  const tagOf = (branch: Schema): boolean =>
    !!literal &&
    literal.members.some(
      (m) =>
        ts.isPropertySignature(m) &&
        m.type !== undefined &&
        ts.isLiteralTypeNode(m.type) &&
        ts.isStringLiteral(m.type.literal) &&
        branch.properties?.[m.name.getText()]?.const === m.type.literal.text,
    );
  const inBranch = (b: Schema) => b.properties?.[name];
  const candidates = [...branches.filter(tagOf).map(inBranch), schema.properties?.[name], ...branches.map(inBranch)];
  return candidates.find((c) => c?.description) ?? candidates.find((c) => c);
}

/** `/** text *\/` on one line when it fits in 140 columns, else wrapped at word boundaries. */
function comment(text: string, indent: string): string {
  const one = `${indent}/** ${text} */`;
  if (one.length <= 140) return one.trimStart();
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + 3 + line.length + 1 + word.length > 140) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return ['/**', ...lines.map((l) => `${indent} * ${l}`), `${indent} */`].join('\n');
}

/** types.ts with every blueprint property's comment taken from the schema. */
export function documentedBlueprintTypes(source: string): string {
  const file = ts.createSourceFile(blueprintTypesPath, source, ts.ScriptTarget.ES2022, true);
  const edits: { start: number; end: number; text: string }[] = [];
  const missing: string[] = [];
  const members = (owner: string, list: ts.NodeArray<ts.TypeElement>, schema: Schema, literal?: ts.TypeLiteralNode) => {
    for (const m of list) {
      if (!ts.isPropertySignature(m)) continue;
      const name = m.name.getText();
      const prop = lookup(schema, name, literal);
      if (!prop?.description) {
        missing.push(`${owner}.${name}`);
        continue;
      }
      const start = m.getStart(file);
      const lineStart = source.lastIndexOf('\n', start) + 1;
      const indent = source.slice(lineStart, start);
      if (indent.trim()) {
        missing.push(`${owner}.${name} (not on a line of its own, where a comment can go)`);
        continue;
      }
      const docs = ts.getJSDocCommentsAndTags(m).filter(ts.isJSDoc);
      const from = docs.length ? docs[0].getStart(file) : start;
      edits.push({ start: from, end: start, text: comment(prop.description, indent) + '\n' + indent });
      if (m.type) walk(`${owner}.${name}`, m.type, prop);
    }
  };
  const walk = (owner: string, type: ts.TypeNode, schema: Schema): void => {
    if (ts.isTypeLiteralNode(type)) members(owner, type.members, schema, type);
    else if (ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type)) type.types.forEach((t) => walk(owner, t, schema));
    else if (ts.isParenthesizedTypeNode(type) || ts.isTypeOperatorNode(type)) walk(owner, type.type, schema);
    else if (ts.isArrayTypeNode(type)) walk(owner, type.elementType, schema.items ?? {});
  };
  const anchored = anchors();
  for (const statement of file.statements) {
    if (!(ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement))) continue;
    const schema = anchored[statement.name.text];
    if (!schema) continue;
    if (ts.isInterfaceDeclaration(statement)) members(statement.name.text, statement.members, schema);
    else walk(statement.name.text, statement.type, schema);
  }
  if (missing.length) fail(`no schema description for ${missing.join(', ')}`);
  let out = source;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

if (require.main === module) {
  try {
    writeFileSync(blueprintTypesPath, documentedBlueprintTypes(readFileSync(blueprintTypesPath, 'utf8')));
    process.stdout.write(`wrote ${path.relative(process.cwd(), blueprintTypesPath)}\n`);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
}
