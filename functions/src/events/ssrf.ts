/**
 * Server-side request forgery: a staff member (or a stolen staff token) must not be able to point
 * the functions at the project's own network, the metadata server (169.254.169.254) or loopback.
 * Every address the host resolves to is checked, at subscription and again before each delivery
 * (a name can be re-pointed after it was accepted). Node's own BlockList does the range checks.
 * Limit: the check and fetch's own lookup are two resolutions, so a name that answers differently
 * within milliseconds (DNS rebinding) is not fully excluded; an egress proxy is the complete answer.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DomainError } from '../platform/callable';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** Whether `address` (v4 or v6, v4-mapped v6 included) is private, loopback, link-local or reserved. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]!);
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export interface UrlPolicy {
  /** The local stack and tests: loopback and private addresses, and plain http, are allowed. */
  allowPrivate: boolean;
  resolve?: (host: string) => Promise<string[]>;
}

const defaultResolve = async (host: string) => (await lookup(host, { all: true })).map((a) => a.address);

const refused = (why: string) => new DomainError('invalid-argument', `url: ${why}`, { field: 'url' });

/** Refuses (invalid-argument on `url`) a URL the functions must not call under `policy`. */
export async function checkWebhookUrl(url: string, policy: UrlPolicy): Promise<void> {
  const u = new URL(url);
  if (u.username || u.password) throw refused('must not carry a user name or password');
  if (policy.allowPrivate) return;
  if (u.protocol !== 'https:') throw refused('must be https');
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await (policy.resolve ?? defaultResolve)(host);
  } catch {
    throw refused(`${host} does not resolve`);
  }
  if (addresses.length === 0) throw refused(`${host} does not resolve`);
  const bad = addresses.find(isPrivateAddress);
  if (bad !== undefined)
    throw refused(
      `${host} resolves to ${bad}, a private, loopback or reserved address, which webhooks may not call`,
    );
}
