import { ClipError } from './errors.ts';
/**
 * Test helper: turns a Hugging Face text model into one without the `attention_mask` input (as
 * OpenAI-style exports are) by editing the ONNX protobuf directly: the graph input is dropped and
 * `attention_mask` becomes `ConstantOfShape(Shape(input_ids), 1)`, so the outputs stay the same.
 * Only the few protobuf rules needed here: varints and length-delimited fields (onnx.proto3).
 */

interface Field {
  number: number;
  wire: number;
  /** The whole field, tag included, as it was read. */
  bytes: Uint8Array;
  /** For length-delimited fields: the payload. */
  payload?: Uint8Array;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, pos];
    shift += 7;
  }
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, afterTag] = readVarint(buf, pos);
    const wire = tag % 8;
    pos = afterTag;
    let payload: Uint8Array | undefined;
    if (wire === 0) [, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [length, afterLength] = readVarint(buf, pos);
      payload = buf.subarray(afterLength, afterLength + length);
      pos = afterLength + length;
    } else throw new ClipError('CLIP_INTERNAL', `onnx edit: wire type ${wire} not handled`);
    out.push({ number: Math.floor(tag / 8), wire, bytes: buf.subarray(start, pos), ...(payload ? { payload } : {}) });
  }
  return out;
}

function bytesField(number: number, payload: number[]): number[] {
  return [...varint(number * 8 + 2), ...varint(payload.length), ...payload];
}

/** A length-delimited field around large parts, without copying them into number arrays. */
function bigField(number: number, parts: Uint8Array[]): Uint8Array[] {
  const length = parts.reduce((n, p) => n + p.length, 0);
  return [Uint8Array.from([...varint(number * 8 + 2), ...varint(length)]), ...parts];
}

function stringField(number: number, value: string): number[] {
  return bytesField(number, [...new TextEncoder().encode(value)]);
}

function intField(number: number, value: number): number[] {
  return [...varint(number * 8), ...varint(value)];
}

function node(inputs: string[], output: string, opType: string, attributes: number[][] = []): number[] {
  return [
    ...inputs.flatMap((name) => stringField(1, name)),
    ...stringField(2, output),
    ...stringField(3, `${output}__node`),
    ...stringField(4, opType),
    ...attributes.flatMap((attribute) => bytesField(5, attribute)),
  ];
}

function stringOf(message: Uint8Array, number: number): string | undefined {
  const field = fields(message).find((f) => f.number === number && f.payload);
  return field?.payload ? new TextDecoder().decode(field.payload) : undefined;
}

export function withoutAttentionMask(model: Uint8Array): Uint8Array {
  const MODEL_GRAPH = 7;
  const GRAPH_NODE = 1;
  const GRAPH_INPUT = 11;
  const out: Uint8Array[] = [];
  for (const field of fields(model)) {
    if (field.number !== MODEL_GRAPH || !field.payload) {
      out.push(field.bytes);
      continue;
    }
    const graph: Uint8Array[] = [];
    for (const g of fields(field.payload)) {
      if (g.number === GRAPH_INPUT && g.payload && stringOf(g.payload, 1) === 'attention_mask') continue;
      graph.push(g.bytes);
    }
    // TensorProto { dims: [1], data_type: INT64 (7), int64_data: [1] }; AttributeProto { name, t, type: TENSOR (4) }.
    const one = [...intField(1, 1), ...intField(2, 7), ...bytesField(7, varint(1))];
    const value = [...stringField(1, 'value'), ...bytesField(5, one), ...intField(20, 4)];
    graph.push(Uint8Array.from(bytesField(GRAPH_NODE, node(['input_ids'], 'attention_mask__shape', 'Shape'))));
    graph.push(Uint8Array.from(bytesField(GRAPH_NODE, node(['attention_mask__shape'], 'attention_mask', 'ConstantOfShape', [value]))));
    out.push(...bigField(MODEL_GRAPH, graph));
  }
  return Buffer.concat(out);
}
