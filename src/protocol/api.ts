// TEMPORARY on the broker branch: the contract the generator implements (replaced on merge).
import type { Reader } from './primitives/reader.js';
import type { Writer } from './primitives/writer.js';

export interface ApiSpec<Req, Res> {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly flexibleMinVersion: number | null;
  requestHeaderVersion(version: number): number;
  responseHeaderVersion(version: number): number;
  encodeRequest(w: Writer, msg: Req, version: number): void;
  decodeRequest(r: Reader, version: number): Req;
  encodeResponse(w: Writer, msg: Res, version: number): void;
  decodeResponse(r: Reader, version: number): Res;
  createRequest(partial?: Partial<Req>): Req;
  createResponse(partial?: Partial<Res>): Res;
}
