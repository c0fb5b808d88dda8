import { lookup } from 'node:dns';
import type { LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';

/**
 * Where alert webhooks may go. A channel URL is whatever a rule's author typed: without a guard,
 * `http://127.0.0.1:8080/api/v1/keys` or a cloud metadata address is reached from inside the
 * network Sightline runs in. Loopback, link-local, private and other non-public addresses are
 * refused unless an operator allows their network (SIGHTLINE_ALERT_ALLOWED_NETWORKS). The check
 * runs on the address actually connected to, after DNS, so a name that resolves inward is caught.
 */
export class DestinationRefused extends Error {
  override readonly name = 'DestinationRefused';
}

// ipaddr.js range names that are not the public internet.
const INWARD_RANGES: ReadonlySet<string> = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal',
  'loopback',
  'carrierGradeNat',
  'private',
  'reserved',
  'uniqueLocal',
  'ipv4Mapped',
  'rfc6145',
  'rfc6052',
  '6to4',
  'teredo',
]);

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** `10.0.0.0/8, 127.0.0.1` → CIDRs; a bad entry throws naming it. */
export function parseNetworks(list: readonly string[]): Cidr[] {
  return list.map((entry) => {
    const text = entry.trim();
    try {
      return text.includes('/')
        ? ipaddr.parseCIDR(text)
        : ([ipaddr.parse(text), ipaddr.parse(text).kind() === 'ipv4' ? 32 : 128] as Cidr);
    } catch {
      throw new Error(`'${text}' is not an IP address or CIDR network (e.g. 10.0.0.0/8)`);
    }
  });
}

/** Why an address may not be a webhook destination, or undefined when it may. */
export function refusal(address: string, allowed: readonly Cidr[]): string | undefined {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() turns ::ffff:127.0.0.1 into 127.0.0.1, so a mapped address is judged as itself.
    ip = ipaddr.process(address);
  } catch {
    return `'${address}' is not an IP address`;
  }
  const range = ip.range();
  if (!INWARD_RANGES.has(range)) return undefined;
  if (allowed.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits))) {
    return undefined;
  }
  return `${ip.toString()} is a ${range} address; alert channels reach only public addresses unless SIGHTLINE_ALERT_ALLOWED_NETWORKS allows it`;
}

export interface DestinationGuard {
  /** Passed to fetch: every connection it opens goes through the address check. */
  readonly dispatcher: Agent;
  /** A URL whose host is an IP literal never reaches DNS; check it before connecting. */
  check(url: string): void;
  close(): Promise<void>;
}

export function createDestinationGuard(allowedNetworks: readonly string[]): DestinationGuard {
  const allowed = parseNetworks(allowedNetworks);
  const guardedLookup = (
    hostname: string,
    options: object,
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const why = refusal(a.address, allowed);
        if (why) return callback(new DestinationRefused(`${hostname} resolves to ${why}`), []);
      }
      const wantsAll = (options as { all?: boolean }).all === true;
      const first = addresses[0];
      if (wantsAll || !first) return callback(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
  return {
    dispatcher: new Agent({ connect: { lookup: guardedLookup } }),
    check(url) {
      const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
      if (!ipaddr.isValid(host)) return;
      const why = refusal(host, allowed);
      if (why) throw new DestinationRefused(why);
    },
    close() {
      return this.dispatcher.close();
    },
  };
}
