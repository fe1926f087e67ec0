import type { Client, ConnectPacket } from 'aedes';
import bl from 'bl';

/**
 * Bytes a connection keeps for its whole life, in a buffer of their own.
 *
 * A payload the parser hands over is a view of the buffer the connection read it from, and a small
 * `Buffer.from` is a view of Node's shared 8 KB pool. Either keeps the whole of that buffer alive
 * for as long as the view lives. For a report that is a moment; for a last will, a retained
 * message or a connection's own topic it is the connection's life. At 20,000 gateways such views
 * kept 27 MB of read buffers and pool slabs for about 3 MB of their own bytes (a heap snapshot,
 * docs/BENCHMARKS.md item 43).
 */
export function keptBytes(source: Buffer | string): Buffer {
  const length = typeof source === 'string' ? Buffer.byteLength(source) : source.length;
  const own = Buffer.allocUnsafeSlow(length);
  if (typeof source === 'string') own.write(source, 'utf8');
  else source.copy(own);
  return own;
}

/** `preConnect`: the last will's payload in a buffer of its own (Aedes keeps the will until the connection ends). */
export function keepWillPayload(packet: ConnectPacket): void {
  const will = packet.will as { payload?: Buffer | string } | undefined;
  if (will && Buffer.isBuffer(will.payload)) will.payload = keptBytes(will.payload);
}

interface ParserInternals {
  _list: { length: number };
}

/**
 * The client's MQTT parser on a plain buffer list. mqtt-packet gives each parser a `bl()`, which is
 * a whole duplex stream (two stream states, listeners, a buffer list of its own) of which the
 * parser only uses the buffer-list methods: about 1 KB per connection more than a `BufferList`.
 * Call it as the client is made, before anything is read. (A parser that resets after an error
 * makes a `bl()` again; its client is closed by then.)
 */
export function leanParser(client: Client): Client {
  const parser = (client as unknown as { _parser: ParserInternals })._parser;
  if (parser._list.length === 0) parser._list = new bl.BufferList();
  return client;
}
