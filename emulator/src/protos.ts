/**
 * Loads google.firestore.v1 from the .proto files @google-cloud/firestore ships, so the emulator
 * speaks exactly the API the SDKs were built against and no generated code is committed.
 */
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';

const protosDir = join(dirname(require.resolve('@google-cloud/firestore/package.json')), 'build', 'protos');

/** The decoding options the whole emulator assumes (see model/types.ts). */
export const PROTO_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
};

let cached: grpc.ServiceDefinition | undefined;

/**
 * The server SDK's copy of write.proto lacks `Write.verify` (field 5 of the `operation` oneof),
 * which only the web SDK sends: one per document a transaction read but did not write. Without it
 * protobufjs drops the field and the write arrives with no operation at all, so we add it back
 * before building the service definition.
 */
function withVerifyWrite(root: protobuf.Root): protobuf.Root {
  const write = root.lookupType('google.firestore.v1.Write');
  if (!write.fields['verify']) {
    const verify = new protobuf.Field('verify', 5, 'string');
    write.add(verify);
    write.oneofs['operation']?.add(verify);
  }
  return root;
}

/** The service definition of google.firestore.v1.Firestore, loaded once per process. */
export function firestoreServiceDefinition(): grpc.ServiceDefinition {
  if (!cached) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(protosDir, target);
    root.loadSync('google/firestore/v1/firestore.proto');
    const definition = protoLoader.fromJSON(withVerifyWrite(root).toJSON(), PROTO_OPTIONS);
    const loaded = grpc.loadPackageDefinition(definition) as any;
    cached = loaded.google.firestore.v1.Firestore.service as grpc.ServiceDefinition;
  }
  return cached;
}
