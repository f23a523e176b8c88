import { App } from 'cdktf';

/** Options of {@link GovStackApp}. */
export interface GovStackAppProps {
  /** Folder the stacks are written to, `<outdir>/stacks/<name>/cdk.tf.json`. @default 'cdktf.out' */
  readonly outdir?: string;
}

/**
 * The cdktf settings under which a stack's Terraform is byte-identical to `govstack synth`:
 * logical ids without the stack id (so renaming a stack does not replace resources), no
 * construct stack traces in the output (they hold absolute paths).
 */
export const deterministicAppContext: Readonly<Record<string, string>> = {
  excludeStackIdFromLogicalIds: 'true',
  allowSepCharsInLogicalIds: 'true',
};

/**
 * A cdktf `App` configured for reproducible output: the same blueprint gives the same bytes
 * from any folder on any machine, identical to `govstack synth`. Add one
 * {@link CountryDeployment} per deployment, then call `synth()`.
 */
export class GovStackApp extends App {
  /**
   * An app writing to `props.outdir`.
   * @param props - where to write; everything else is fixed for reproducible output
   */
  constructor(props: GovStackAppProps = {}) {
    super({ outdir: props.outdir ?? 'cdktf.out', stackTraces: false, context: { ...deterministicAppContext } });
  }
}
