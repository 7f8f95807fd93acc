/**
 * A small ONNX graph builder: inputs, outputs, initializers, nodes with attributes, unique
 * names. Opset 17 (LayerNormalization exists, ReduceMean/ReduceMax still take `axes` as an
 * attribute) with IR version 8: the newest pair both onnxruntime 1.30 and onnx 1.12's checker
 * accept.
 */
import {
  AttributeType,
  DataType,
  encodeModel,
  type AttributeMessage,
  type DataTypeCode,
  type DimensionMessage,
  type NodeMessage,
  type TensorMessage,
  type ValueInfoMessage,
} from './proto.ts';

const OPSET = 17;
const IR_VERSION = 8;

/** A dimension: a fixed size or a symbolic name such as 'batch'. */
export type Dim = number | string;
export type ElemType = 'float32' | 'int32' | 'int64';

const ELEM_CODE: Record<ElemType, DataTypeCode> = { float32: DataType.FLOAT, int32: DataType.INT32, int64: DataType.INT64 };

/** Attribute values: build them with `int`, `ints`, `float`. */
export type Attr = { kind: 'int'; value: number } | { kind: 'ints'; value: number[] } | { kind: 'float'; value: number };
export const int = (value: number): Attr => ({ kind: 'int', value });
export const ints = (value: number[]): Attr => ({ kind: 'ints', value });
export const float = (value: number): Attr => ({ kind: 'float', value });

function attribute(name: string, a: Attr): AttributeMessage {
  for (const v of a.kind === 'ints' ? a.value : [a.value]) {
    if (!Number.isFinite(v) || (a.kind !== 'float' && !Number.isInteger(v))) {
      throw new Error(`attribute ${name}: ${a.kind} value ${v} is not a finite ${a.kind === 'float' ? 'number' : 'integer'}`);
    }
  }
  if (a.kind === 'int') return { name, type: AttributeType.INT, i: a.value };
  if (a.kind === 'ints') return { name, type: AttributeType.INTS, ints: a.value };
  return { name, type: AttributeType.FLOAT, f: a.value };
}

function valueInfo(name: string, elem: ElemType, dims: Dim[]): ValueInfoMessage {
  const dim: DimensionMessage[] = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: ELEM_CODE[elem], shape: { dim } } } };
}

type TensorData = Float32Array | Int32Array | BigInt64Array;

function elemOf(data: TensorData): ElemType {
  return data instanceof Float32Array ? 'float32' : data instanceof Int32Array ? 'int32' : 'int64';
}

/** Collects a graph and writes it as a ModelProto. */
export class GraphBuilder {
  private readonly nodes: NodeMessage[] = [];
  private readonly initializers = new Map<string, TensorMessage>();
  private readonly inputs: ValueInfoMessage[] = [];
  private readonly outputs: ValueInfoMessage[] = [];
  private readonly names = new Set<string>();
  private readonly memos = new Map<string, string>();
  private scopes: string[] = [];

  /** Runs `body` with `scope/` prepended to the names of the values it creates. */
  scoped<T>(scope: string, body: () => T): T {
    this.scopes.push(scope);
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  private fresh(hint: string): string {
    const base = [...this.scopes, hint].join('/');
    let name = base;
    for (let k = 1; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX value name ${name} is used twice`);
    this.names.add(name);
    return name;
  }

  /** Declares a graph input. */
  input(name: string, elem: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), elem, dims));
    return name;
  }

  /** Declares a graph output `name` carrying `value` (through an Identity node). */
  output(name: string, value: string, dims: Dim[], elem: ElemType = 'float32'): void {
    this.nodes.push({ name: `${name}/Identity`, op_type: 'Identity', input: [value], output: [this.claim(name)], attribute: [] });
    this.outputs.push(valueInfo(name, elem, dims));
  }

  /**
   * A named initializer; adding the same name twice returns the first (the two towers of a
   * retrieval model share their weights) but refuses different contents under one name.
   */
  initializer(name: string, data: TensorData, dims: number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims.join(', ')}] (${count})`);
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(); // ONNX raw_data is little-endian, as every JS engine we target
    const existing = this.initializers.get(name);
    if (existing) {
      const same = existing.dims.join() === dims.join() && existing.raw_data.every((b, i) => b === raw[i]);
      if (!same) throw new Error(`initializer ${name} is declared twice with different contents`);
      return name;
    }
    this.claim(name);
    this.initializers.set(name, { name, dims, data_type: ELEM_CODE[elemOf(data)], raw_data: raw });
    return name;
  }

  /** A float32 constant (deduplicated by value and shape). */
  constFloat(values: ArrayLike<number>, dims: number[] = [values.length]): string {
    return this.memo(`const f32 [${dims}] ${Array.from(values).join(',')}`, () =>
      this.initializer(this.freshConst('f'), Float32Array.from(values), dims),
    );
  }

  /** An int64 constant, e.g. a Reshape target or ReduceSum axes (deduplicated). */
  constInt64(values: number[], dims: number[] = [values.length]): string {
    return this.memo(`const i64 [${dims}] ${values.join(',')}`, () =>
      this.initializer(this.freshConst('i'), BigInt64Array.from(values.map(BigInt)), dims),
    );
  }

  private freshConst(kind: string): string {
    let k = this.initializers.size;
    while (this.names.has(`const.${kind}${k}`)) k++;
    return `const.${kind}${k}`;
  }

  /** Returns the value cached under `key`, building it once (for nodes that only read initializers). */
  memo(key: string, build: () => string): string {
    const hit = this.memos.get(key);
    if (hit !== undefined) return hit;
    const value = build();
    this.memos.set(key, value);
    return value;
  }

  /** Adds a node with one output and returns the output's name. */
  node(op: string, inputs: string[], attrs: Record<string, Attr> = {}, hint: string = op): string {
    const out = this.fresh(hint);
    const list = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({ name: out, op_type: op, input: inputs, output: [out], attribute: list });
    return out;
  }

  /** Adds a node with several outputs (TopK's values and indices) and returns their names in order. */
  nodeOutputs(op: string, inputs: string[], attrs: Record<string, Attr>, count: number, hint: string = op): string[] {
    const outs = Array.from({ length: count }, (_, k) => this.fresh(`${hint}.${k}`));
    const list = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({ name: outs[0], op_type: op, input: inputs, output: outs, attribute: list });
    return outs;
  }

  /** The model's bytes. */
  encode(graphName: string, docString: string, metadata: Record<string, string> = {}): Uint8Array {
    if (this.outputs.length === 0) throw new Error('an ONNX graph needs at least one output');
    return encodeModel({
      ir_version: IR_VERSION,
      opset_import: [{ domain: '', version: OPSET }],
      producer_name: 'proxyformer-playground',
      producer_version: '0.1.0',
      doc_string: docString,
      metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: [...this.initializers.values()],
        input: this.inputs,
        output: this.outputs,
      },
    });
  }
}
