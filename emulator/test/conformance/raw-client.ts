/**
 * The low-level google.firestore.v1 client that @google-cloud/firestore exports publicly (`v1`),
 * for what the high-level SDKs cannot express: maximum/minimum transforms, int64 extremes,
 * deliberately malformed requests.
 */
import { v1 } from '@google-cloud/firestore';
import { grpc } from 'google-gax';

export type RawClient = InstanceType<typeof v1.FirestoreClient>;

export function rawClient(host: string): RawClient {
  const i = host.lastIndexOf(':');
  return new v1.FirestoreClient({
    servicePath: host.slice(0, i),
    port: Number(host.slice(i + 1)),
    sslCreds: grpc.credentials.createInsecure(),
    // Known up front, so the client never asks a GCP metadata server for it.
    projectId: 'emulator',
  });
}

export function databaseName(projectId: string): string {
  return `projects/${projectId}/databases/(default)`;
}

export function documentName(projectId: string, path: string): string {
  return `${databaseName(projectId)}/documents/${path}`;
}
