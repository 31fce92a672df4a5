import { FileFormatError } from '../connectors/types';
import { AppError } from '../src/kernel';

/** Failures caused by the data itself: retrying cannot help, so the run fails at once with its reason. */
export function isPermanentFailure(e: unknown): boolean {
  if (e instanceof FileFormatError) return true;
  if (e instanceof AppError) return !e.retriable && e.code !== 'SERVICE_UNAVAILABLE';
  return false;
}
