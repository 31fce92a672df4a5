/**
 * Expected failures carry a stable code that reaches clients as `extensions.code`. Anything else is
 * unexpected and gets masked (INTERNAL_SERVER_ERROR + correlation id) before it leaves the process.
 * Messages never contain personal data.
 */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'AMBIGUOUS_DOCUMENT',
  'INVALID_FILE',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
  'TIMEOUT',
  /** A record's raw line lives in an archived file that is gone (restore the archive from its backup). */
  'ARCHIVE_MISSING',
  /** An archived file no longer hashes to the SHA-256 it was received with. */
  'ARCHIVE_CORRUPT',
  /** A record's values re-derived from its archived line no longer match its stored content digest (the connector or reference data changed). */
  'RECORD_VALUES_CHANGED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Whether retrying the same request later may succeed (e.g. Redis briefly down). */
    readonly retriable = false,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
