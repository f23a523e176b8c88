/**
 * The results of `work` once every one of them has settled, in order; rejects with the first
 * failure, in order, but only then: nothing of `work` is still running when it settles.
 */
export async function allOrFirstFailure<T>(work: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
