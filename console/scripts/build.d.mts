export function inputsDigest(): string;
export function buildState(): { fresh: boolean; reason: string };
export function ensureConsoleBuild(opts?: { force?: boolean; say?: (message: string) => void }): Promise<{ built: boolean; reason: string }>;
