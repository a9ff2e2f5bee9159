/**
 * The environment the dev stack's functions runtimes run in: what the firebase-tools Functions
 * emulator gives its own runtimes (so the functions behave as they do there), plus the params from
 * functions/.env files, read in firebase-tools' order (`.env`, `.env.<project>`, `.env.local`; a
 * later file wins).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

export function paramsFromEnvFiles(functionsDir: string, projectId: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const file of ['.env', `.env.${projectId}`, '.env.local']) {
    const path = join(functionsDir, file);
    if (existsSync(path)) Object.assign(values, parseEnv(readFileSync(path, 'utf8')));
  }
  return values;
}

export function runtimeEnv(functionsDir: string, projectId: string): Record<string, string> {
  return {
    ...paramsFromEnvFiles(functionsDir, projectId),
    GCLOUD_PROJECT: projectId,
    GOOGLE_CLOUD_QUOTA_PROJECT: projectId,
    FIREBASE_CONFIG: JSON.stringify({ projectId }),
    K_REVISION: '1',
    TZ: 'UTC',
    METADATA_SERVER_DETECTION: 'none',
    // As firebase-tools sets them: the SDK decodes the Auth emulator's unsigned ID tokens instead of
    // verifying them against Google's keys, and answers CORS for any origin.
    FUNCTIONS_EMULATOR: 'true',
    FIREBASE_DEBUG_MODE: 'true',
    FIREBASE_DEBUG_FEATURES: JSON.stringify({ skipTokenVerification: true, enableCors: true }),
  };
}
