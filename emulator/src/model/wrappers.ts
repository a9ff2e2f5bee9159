/**
 * Reads a google.protobuf wrapper (Int32Value, Int64Value, DoubleValue) as decoded. proto3 drops a
 * zero `value` on the wire, so a wrapper that is present without one means 0.
 */
export function wrapperNumber(raw: any): number | undefined {
  if (raw == null) return undefined;
  if (typeof raw === 'number' || typeof raw === 'string') return Number(raw);
  return Number(raw.value ?? 0);
}
