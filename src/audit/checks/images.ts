import { Check, Finding } from '../types';
import { TfRelease } from '../terraform';
import { finding, tf } from './util';

interface ImageUse {
  readonly where: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
}

/** Whether an image reference is pinned: a digest, or a tag carrying a version and not "latest". */
export function pinned(image: { tag?: string; digest?: string }): boolean {
  if (/^sha256:[0-9a-f]{64}$/.test(image.digest ?? '')) return true;
  const tag = image.tag ?? '';
  return tag !== '' && !/latest/i.test(tag) && /\d+\.\d+/.test(tag);
}

const semver = /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;

/** Every `{repository, tag}` object and `image: "repo:tag"` string in a values tree. */
function imagesIn(values: unknown, at: string, out: ImageUse[] = []): ImageUse[] {
  if (Array.isArray(values)) values.forEach((v, i) => imagesIn(v, `${at}[${i}]`, out));
  else if (values && typeof values === 'object') {
    const o = values as Record<string, unknown>;
    if (typeof o.repository === 'string' && ('tag' in o || 'digest' in o) && !/^(https?|oci):\/\//.test(o.repository)) {
      out.push({ where: at, repository: o.repository, tag: String(o.tag ?? ''), digest: String(o.digest ?? '') });
    }
    for (const [k, v] of Object.entries(o)) {
      if (k === 'image' && typeof v === 'string') {
        const m = /^(.+?)(?::([^:@/]+))?(?:@(sha256:[0-9a-f]{64}))?$/.exec(v);
        out.push({ where: `${at}.image`, repository: m?.[1] ?? v, tag: m?.[2] ?? '', digest: m?.[3] ?? '' });
      } else imagesIn(v, at ? `${at}.${k}` : k, out);
    }
  }
  return out;
}

function describe(i: ImageUse): string {
  return `${i.repository}${i.tag ? `:${i.tag}` : ''}${i.digest ? `@${i.digest}` : ''}`;
}

export const imagesPinned: Check = {
  id: 'images-pinned',
  title: 'Images pinned by version or digest, never "latest"',
  requirements: ['govstack-cfr-deployment#req-1'],
  scope:
    "Every image the project's charts run, from the release values merged over the chart's defaults (workloads, datastores, X-Road servers), and every image reference in upstream chart values. Upstream charts are pinned to an exact version, so their default images are those of that chart release.",
  run({ tf: view }) {
    const findings: Finding[] = [];
    const check = (release: TfRelease, images: ImageUse[]) => {
      for (const image of images) {
        const subject = `${release.name}: ${image.where}`;
        findings.push(
          pinned(image)
            ? finding('PASS', subject, `${describe(image)} is pinned`, [tf(release.address)])
            : finding('FAIL', subject, `${describe(image) || '(no image)'} is not pinned to a version or digest`, [tf(release.address)]),
        );
      }
    };
    for (const release of view.releases) {
      if (release.projectChart === 'govstack-building-block') {
        const values = view.effectiveValues(release);
        check(release, [
          {
            where: 'image',
            repository: String(values.image?.repository ?? ''),
            tag: String(values.image?.tag ?? ''),
            digest: String(values.image?.digest ?? ''),
          },
          ...(values.database?.enabled
            ? [
                {
                  where: 'database.image',
                  repository: String(values.database.image?.repository ?? ''),
                  tag: String(values.database.image?.tag ?? ''),
                  digest: String(values.database.image?.digest ?? ''),
                },
              ]
            : []),
        ]);
      } else if (release.projectChart === 'govstack-xroad') {
        const values = view.effectiveValues(release);
        const wanted = ['securityServer', 'postgres', ...(values.centralServer?.enabled ? ['centralServer'] : [])];
        check(
          release,
          wanted.map((k) => ({
            where: `images.${k}`,
            repository: String(values.images?.[k]?.repository ?? ''),
            tag: String(values.images?.[k]?.tag ?? ''),
            digest: String(values.images?.[k]?.digest ?? ''),
          })),
        );
      } else if (release.projectChart) {
        check(release, imagesIn(release.values, ''));
      } else {
        const subject = `${release.name}: chart ${release.chart}`;
        if (release.version === undefined) {
          findings.push(
            finding(
              'MANUAL',
              subject,
              `chart from the local folder ${release.chart}, no version recorded in Terraform`,
              [tf(release.address)],
              { askFor: [`the Chart.yaml version of ${release.chart} on the deploying machine`] },
            ),
          );
        } else {
          findings.push(
            semver.test(release.version)
              ? finding(
                  'PASS',
                  subject,
                  `chart pinned to ${release.version}${release.repository ? ` from ${release.repository}` : ''}; its images are that release's defaults`,
                  [tf(release.address)],
                )
              : finding('FAIL', subject, `chart version "${release.version}" is not an exact version`, [tf(release.address)]),
          );
        }
        check(release, imagesIn(release.values, ''));
      }
    }
    return findings;
  },
};
