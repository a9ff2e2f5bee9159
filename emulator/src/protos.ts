/**
 * Loads google.firestore.v1 from the .proto files @google-cloud/firestore ships, so the emulator
 * speaks exactly the API the SDKs were built against and no generated code is committed.
 */
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const protosDir = join(dirname(require.resolve('@google-cloud/firestore/package.json')), 'build', 'protos');

/** The decoding options the whole emulator assumes (see model/types.ts). */
export const PROTO_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: [protosDir],
};

let cached: grpc.ServiceDefinition | undefined;

/** The service definition of google.firestore.v1.Firestore, loaded once per process. */
export function firestoreServiceDefinition(): grpc.ServiceDefinition {
  if (!cached) {
    const definition = protoLoader.loadSync('google/firestore/v1/firestore.proto', PROTO_OPTIONS);
    const loaded = grpc.loadPackageDefinition(definition) as any;
    cached = loaded.google.firestore.v1.Firestore.service as grpc.ServiceDefinition;
  }
  return cached;
}
