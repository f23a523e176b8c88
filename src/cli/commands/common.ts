import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Argv } from 'yargs';
import { loadModels } from '../../model/load-models';
import { DeploymentModel } from '../../model/types';
import { EnvironmentError, formatProblem, InputError, Problem, sortProblems } from '../../blueprint/problems';
import { makeFolder } from '../../make-folder';

/** Options every command that reads blueprints shares. */
export interface LoadArgs {
  strict?: boolean;
  'extends-root'?: string[];
}

/** `--strict` and `--extends-root` for a command's builder. */
export function loadOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('strict', {
      type: 'boolean',
      default: false,
      describe: 'Treat warnings (what the audit will FAIL, or is risky in this environment) as errors: exit 2',
    })
    .option('extends-root', {
      type: 'string',
      array: true,
      describe:
        "Also allow extends: to read bases under this folder (default: only the blueprint's own folder tree, after following symlinks)",
    }) as Argv<T>;
}

/**
 * Load blueprints as `loadModels` does, print their warnings to standard error
 * (`warning: file:line  /pointer  message`; `validate` and `synth` do, the commands whose
 * output is a report or a picture keep quiet), and with `--strict` fail on them as on errors.
 */
export function loadChecked(
  files: readonly string[],
  args: LoadArgs,
  options: { uniqueNames?: boolean; quiet?: boolean } = {},
): { models: DeploymentModel[]; warnings: Problem[] } {
  const models = loadModels(files, { uniqueNames: options.uniqueNames, extendsRoots: args['extends-root'] });
  const warnings = sortProblems(models.flatMap((m) => m.warnings ?? []));
  if (args.strict && warnings.length > 0) throw new InputError(warnings.map((w) => ({ ...w, message: `${w.message} (--strict)` })));
  if (!options.quiet) for (const w of warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
  return { models, warnings };
}

/** Write a command's output file, creating its folder; an unusable path is an environment problem. */
export function writeOutput(file: string, text: string): void {
  const target = path.resolve(file);
  makeFolder(path.dirname(target));
  writeFileSync(target, text);
}

/**
 * The format an `--out` file's extension names (`formats`: extension → format), checked against
 * an explicit `--format`: a file named for another format is refused rather than written
 * silently in the wrong one. Unknown extensions keep the explicit or default format; the
 * extensions in `refused` (formats the command cannot write, such as .png) are refused.
 */
export function formatForOut<F extends string>(
  out: string | undefined,
  explicit: F | undefined,
  fallback: F,
  formats: Record<string, F>,
  refused: readonly string[] = [],
): F {
  const ext = out ? path.extname(out).toLowerCase().replace(/^\./, '') : '';
  const named = formats[ext];
  if (ext && refused.includes(ext)) {
    throw new EnvironmentError(
      `--out ${out}: this command does not write .${ext}; it writes ${[...new Set(Object.values(formats))].join(', ')} (use one of the extensions ${Object.keys(
        formats,
      )
        .map((e) => `.${e}`)
        .join(', ')})`,
    );
  }
  if (named && explicit && named !== explicit) {
    throw new EnvironmentError(
      `--out ${out} names a .${ext} file but --format is ${explicit}; drop --format, or name the file .${Object.keys(formats).find((e) => formats[e] === explicit) ?? explicit}`,
    );
  }
  return explicit ?? named ?? fallback;
}
