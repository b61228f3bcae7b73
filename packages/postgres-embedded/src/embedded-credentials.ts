import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The file in the data directory that records the superuser's password and the server's port. */
export const EMBEDDED_CREDENTIALS_FILE = 'authsvc-embedded.json';

/** What a data directory records about its server, so the API, worker and CLI all reach it. */
export interface EmbeddedCredentials {
  /** The superuser's password, made at initdb (or when an old cluster was locked down). */
  readonly password: string;
  /** The port it was last started on. */
  readonly port: number;
}

/** A new superuser password: 192 random bits, URL-safe so it goes into a connection URL as is. */
export const newSuperuserPassword = (): string => randomBytes(24).toString('base64url');

/** The data directory's recorded credentials; null when it records none (a new cluster, or one made by an older version). */
export async function readEmbeddedCredentials(dataDir: string): Promise<EmbeddedCredentials | null> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, EMBEDDED_CREDENTIALS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<EmbeddedCredentials>;
  if (typeof parsed.password !== 'string' || !Number.isInteger(parsed.port)) {
    throw new Error(`${path.join(dataDir, EMBEDDED_CREDENTIALS_FILE)} is damaged: it should hold {"password", "port"}`);
  }
  return { password: parsed.password, port: parsed.port! };
}

/** Records the credentials, readable by this user only (0600); written whole or not at all. */
export async function writeEmbeddedCredentials(dataDir: string, credentials: EmbeddedCredentials): Promise<void> {
  const file = path.join(dataDir, EMBEDDED_CREDENTIALS_FILE);
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
  await rename(partial, file);
}
