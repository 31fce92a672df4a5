import { AppError } from '../../kernel';

export const timeoutError = () => new AppError('TIMEOUT', 'The request exceeded its time limit.', {}, true);

/** Throws TIMEOUT when the request's deadline has passed (checked before a resolver starts work). */
export function checkDeadline(deadline: number): void {
  if (Date.now() > deadline) throw timeoutError();
}

/** Settles with `work`, or rejects with TIMEOUT at the deadline, whichever comes first. */
export function withDeadline<T>(work: T | Promise<T>, deadline: number): T | Promise<T> {
  if (!(work instanceof Promise)) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), Math.max(0, deadline - Date.now()));
  });
  // A late failure of the abandoned work must not become an unhandled rejection.
  work.catch(() => {});
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
