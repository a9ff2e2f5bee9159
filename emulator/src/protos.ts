/**
 * Loads google.firestore.v1 from the .proto files @google-cloud/firestore ships, so the emulator
 * speaks exactly the API the SDKs were built against and no generated code is committed. Every
 * transport (gRPC, REST, WebChannel) reads its message types from this one root.
 */
import { dirname, join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

// `require` is CommonJS's under tsx; the ESM build defines it from import.meta.url
// (scripts/src/build/esm-package.ts), so this finds the package wherever it is installed.
const protosDir = join(dirname(require.resolve('@google-cloud/firestore/package.json')), 'build', 'protos');

/**
 * The decoding options the whole emulator assumes (see model/types.ts): camelCase field names (as
 * protobufjs parses the .proto files), int64 as strings, enums by name, no defaults, oneof names.
 */
export const PROTO_OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
} as const satisfies protobuf.IConversionOptions & { keepCase: boolean };

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

/**
 * The gRPC service definition of google.firestore.v1.Firestore, built once per process from the
 * root above, exactly as @grpc/proto-loader builds one (messages in with `toObject(decode(bytes),
 * PROTO_OPTIONS)`, out with `encode(fromObject(value))`, handlers found by method name or its
 * camelCase). Built here rather than by proto-loader's `fromJSON`, which would load a second copy
 * of every type and a descriptor of each: about half of the emulator's start-up time.
 */
export function firestoreServiceDefinition(): grpc.ServiceDefinition {
  if (!definition) {
    const service = firestoreServiceType();
    const serviceName = service.fullName.replace(/^\./, '');
    const serialize = (type: protobuf.Type) => (value: object) => {
      if (Array.isArray(value))
        throw new Error(
          `Failed to serialize message: expected object with ${type.name} structure, got array instead`,
        );
      // In Node, protobufjs writes into a Buffer.
      return type.encode(type.fromObject(value)).finish() as Buffer;
    };
    const deserialize = (type: protobuf.Type) => (bytes: Buffer) =>
      type.toObject(type.decode(bytes), PROTO_OPTIONS);
    const methods: Record<string, grpc.MethodDefinition<object, object>> = {};
    for (const method of service.methodsArray) {
      const request = method.resolvedRequestType!;
      const response = method.resolvedResponseType!;
      methods[method.name] = {
        path: `/${serviceName}/${method.name}`,
        requestStream: !!method.requestStream,
        responseStream: !!method.responseStream,
        requestSerialize: serialize(request),
        requestDeserialize: deserialize(request),
        responseSerialize: serialize(response),
        responseDeserialize: deserialize(response),
        originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
      };
    }
    definition = methods;
  }
  return definition;
}
