import { isIP } from 'node:net';
import { RivuletError } from '../shared/errors.js';

export interface HostPort {
  host: string;
  port: number;
}

/** Parses `HOST:PORT` (`[v6]:PORT` for IPv6); `what` names the flag in errors. */
export function parseHostPort(text: string, what: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text.trim());
  if (m === null) {
    throw new RivuletError('RIV_ERR_INVALID_ADDRESS', `${what}: expected HOST:PORT, got '${text}'`);
  }
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (host === '') throw new RivuletError('RIV_ERR_INVALID_ADDRESS', `${what}: host is empty in '${text}'`);
  if (port > 65535) {
    throw new RivuletError('RIV_ERR_INVALID_ADDRESS', `${what}: port ${port} is not in [0, 65535]`);
  }
  return { host, port };
}

/** True for addresses that listen on every interface, which clients cannot connect back to. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

export function formatHostPort({ host, port }: HostPort): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
