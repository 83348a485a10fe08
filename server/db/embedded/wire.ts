// The few pieces of the PostgreSQL frontend/backend protocol (v3) that the embedded database's
// socket needs: framing, the start-up handshake and ReadyForQuery's transaction status.
// https://www.postgresql.org/docs/current/protocol-message-formats.html

export const PROTOCOL_V3 = 196608;
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;

/** A message with its type byte and int32 length; `bytes` is the whole message. */
export interface Message {
  type: string;
  bytes: Buffer;
}

/** Split complete typed messages off the front of `buf`; returns them and the rest. */
export function splitMessages(buf: Buffer): { messages: Message[]; rest: Buffer } {
  const messages: Message[] = [];
  let off = 0;
  while (buf.length - off >= 5) {
    const len = buf.readInt32BE(off + 1);
    if (len < 4) throw new Error(`bad message length ${len}`);
    if (buf.length - off < 1 + len) break;
    messages.push({ type: String.fromCharCode(buf[off]), bytes: buf.subarray(off, off + 1 + len) });
    off += 1 + len;
  }
  return { messages, rest: buf.subarray(off) };
}

/** A message without a type byte (start-up, SSL or cancel request) at the front of `buf`, if whole. */
export function untypedMessage(buf: Buffer): { code: number; bytes: Buffer } | undefined {
  if (buf.length < 8) return undefined;
  const len = buf.readInt32BE(0);
  if (len < 8 || len > 10_000) throw new Error(`bad start-up message length ${len}`);
  if (buf.length < len) return undefined;
  return { code: buf.readInt32BE(4), bytes: buf.subarray(0, len) };
}

function typed(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** AuthenticationCleartextPassword: ask the client for its password. */
export function askPassword(): Buffer {
  const body = Buffer.alloc(4);
  body.writeInt32BE(3);
  return typed("R", body);
}

/** The password of a PasswordMessage ('p'). */
export function passwordOf(msg: Message): string {
  return msg.bytes.subarray(5, msg.bytes.length - 1).toString("utf8");
}

/** An ErrorResponse with severity FATAL, an SQLSTATE code and a message. */
export function fatalError(code: string, message: string): Buffer {
  const field = (t: string, v: string) => Buffer.concat([Buffer.from(t, "latin1"), Buffer.from(v, "utf8"), Buffer.from([0])]);
  return typed("E", Buffer.concat([field("S", "FATAL"), field("V", "FATAL"), field("C", code), field("M", message), Buffer.from([0])]));
}

/** The transaction status of the last ReadyForQuery in a backend reply ('I', 'T' or 'E'), if any. */
export function lastReadyStatus(reply: Uint8Array): string | undefined {
  let status: string | undefined;
  let off = 0;
  while (reply.length - off >= 5) {
    const len = ((reply[off + 1] << 24) | (reply[off + 2] << 16) | (reply[off + 3] << 8) | reply[off + 4]) >>> 0;
    if (reply[off] === 0x5a /* Z */ && len === 5) status = String.fromCharCode(reply[off + 5]);
    off += 1 + len;
  }
  return status;
}

/** The first column of the first DataRow in a backend reply, as text (simple-query replies are text). */
export function firstDataValue(reply: Uint8Array): string | undefined {
  const b = Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength);
  let off = 0;
  while (b.length - off >= 5) {
    const len = b.readUInt32BE(off + 1);
    if (b[off] === 0x44 /* D */ && b.readInt16BE(off + 5) >= 1) {
      const n = b.readInt32BE(off + 7);
      return n < 0 ? undefined : b.toString("utf8", off + 11, off + 11 + n);
    }
    off += 1 + len;
  }
  return undefined;
}

/** A simple Query message. */
export function simpleQuery(sql: string): Buffer {
  const body = Buffer.from(`${sql}\0`, "utf8");
  const head = Buffer.alloc(5);
  head.write("Q", 0, "latin1");
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** ReadyForQuery with a transaction status ('I' idle, 'T' in a transaction, 'E' failed one). */
export function readyForQuery(status: "I" | "T" | "E"): Buffer {
  return typed("Z", Buffer.from(status, "latin1"));
}

/** CommandComplete with a command tag, e.g. "ROLLBACK". */
export function commandComplete(tag: string): Buffer {
  return typed("C", Buffer.from(`${tag}\0`, "utf8"));
}

/** An ErrorResponse with severity ERROR (the session goes on). */
export function errorResponse(code: string, message: string): Buffer {
  const field = (t: string, v: string) => Buffer.concat([Buffer.from(t, "latin1"), Buffer.from(v, "utf8"), Buffer.from([0])]);
  return typed("E", Buffer.concat([field("S", "ERROR"), field("V", "ERROR"), field("C", code), field("M", message), Buffer.from([0])]));
}

/** The messages of every NoticeResponse in a backend reply (severity WARNING and code 01000 only). */
export function warningMessages(reply: Uint8Array): string[] {
  const b = Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength);
  const out: string[] = [];
  let off = 0;
  while (b.length - off >= 5) {
    const len = b.readUInt32BE(off + 1);
    if (b[off] === 0x4e /* N */) {
      const fields = new Map<string, string>();
      for (const f of b.toString("utf8", off + 5, off + 1 + len).split("\0")) if (f) fields.set(f[0], f.slice(1));
      if (fields.get("V") === "WARNING" && fields.get("C") === "01000") out.push(fields.get("M") ?? "");
    }
    off += 1 + len;
  }
  return out;
}

/** The SQL of a simple Query message. */
export function queryText(msg: Buffer): string {
  return msg.toString("utf8", 5, msg.length - 1);
}
