const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (public ids of persons, households and API clients). */
export const isUuid = (s: string) => UUID_RE.test(s);
