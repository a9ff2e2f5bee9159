/**
 * Loads google.firestore.v1 from the .proto files @google-cloud/firestore ships, so the emulator
 * speaks exactly the API the SDKs were built against and no generated code is committed. Every
 * transport (gRPC, REST, WebChannel) reads its message types from this one root.
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

let root: protobuf.Root | undefined;
let definition: grpc.ServiceDefinition | undefined;

/** The protobuf root holding google.firestore.v1 and its dependencies, loaded once per process. */
export function firestoreRoot(): protobuf.Root {
  if (!root) {
    const loaded = new protobuf.Root();
    loaded.resolvePath = (_origin, target) => join(protosDir, target);
    loaded.loadSync('google/firestore/v1/firestore.proto');
    root = withVerifyWrite(loaded);
    root.resolveAll();
  }
  return root;
}

/** The google.firestore.v1.Firestore service: its methods, their types and HTTP bindings. */
export function firestoreServiceType(): protobuf.Service {
  return firestoreRoot().lookupService('google.firestore.v1.Firestore');
}

/** The gRPC service definition of google.firestore.v1.Firestore, built once per process. */
export function firestoreServiceDefinition(): grpc.ServiceDefinition {
  if (!definition) {
    const packaged = protoLoader.fromJSON(firestoreRoot().toJSON(), PROTO_OPTIONS);
    const loaded = grpc.loadPackageDefinition(packaged) as any;
    definition = loaded.google.firestore.v1.Firestore.service as grpc.ServiceDefinition;
  }
  return definition;
}
