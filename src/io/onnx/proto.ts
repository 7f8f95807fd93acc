/**
 * The ONNX protobuf messages the exporter writes, declared with protobufjs reflection.
 *
 * Field names, numbers, labels and types are copied from onnx.proto (IR version 8, the one
 * onnx 1.12 ships); `proto.test.ts` compares every declared field with the descriptors of the
 * installed Python `onnx` package. Only the messages and fields a plain inference graph needs
 * are declared (no sparse tensors, functions, training info): protobuf readers skip nothing
 * they need, and unknown-to-us fields are simply never written. onnx.proto is proto2, so
 * repeated scalars are unpacked unless the .proto says `[packed = true]`.
 */
import protobuf from 'protobufjs/light.js';

type FieldJson = { type: string; id: number; rule?: 'repeated'; options?: { packed: boolean } };
type MessageJson = { fields: Record<string, FieldJson>; nested?: Record<string, MessageJson | EnumJson> };
type EnumJson = { values: Record<string, number> };

const opt = (type: string, id: number): FieldJson => ({ type, id });
const rep = (type: string, id: number, packed = false): FieldJson => ({ type, id, rule: 'repeated', options: { packed } });

/** The declared subset of onnx.proto, as a protobufjs JSON descriptor (exported for the field-number test). */
export const ONNX_DESCRIPTOR: Record<string, MessageJson> = {
  AttributeProto: {
    fields: {
      name: opt('string', 1),
      ref_attr_name: opt('string', 21),
      doc_string: opt('string', 13),
      type: opt('int32', 20),
      f: opt('float', 2),
      i: opt('int64', 3),
      s: opt('bytes', 4),
      t: opt('TensorProto', 5),
      g: opt('GraphProto', 6),
      tp: opt('TypeProto', 14),
      floats: rep('float', 7),
      ints: rep('int64', 8),
      strings: rep('bytes', 9),
      tensors: rep('TensorProto', 10),
      graphs: rep('GraphProto', 11),
      type_protos: rep('TypeProto', 15),
    },
  },
  ValueInfoProto: { fields: { name: opt('string', 1), type: opt('TypeProto', 2), doc_string: opt('string', 3) } },
  NodeProto: {
    fields: {
      input: rep('string', 1),
      output: rep('string', 2),
      name: opt('string', 3),
      op_type: opt('string', 4),
      domain: opt('string', 7),
      attribute: rep('AttributeProto', 5),
      doc_string: opt('string', 6),
    },
  },
  ModelProto: {
    fields: {
      ir_version: opt('int64', 1),
      opset_import: rep('OperatorSetIdProto', 8),
      producer_name: opt('string', 2),
      producer_version: opt('string', 3),
      domain: opt('string', 4),
      model_version: opt('int64', 5),
      doc_string: opt('string', 6),
      graph: opt('GraphProto', 7),
      metadata_props: rep('StringStringEntryProto', 14),
    },
  },
  StringStringEntryProto: { fields: { key: opt('string', 1), value: opt('string', 2) } },
  GraphProto: {
    fields: {
      node: rep('NodeProto', 1),
      name: opt('string', 2),
      initializer: rep('TensorProto', 5),
      doc_string: opt('string', 10),
      input: rep('ValueInfoProto', 11),
      output: rep('ValueInfoProto', 12),
      value_info: rep('ValueInfoProto', 13),
    },
  },
  TensorProto: {
    fields: {
      dims: rep('int64', 1),
      data_type: opt('int32', 2),
      float_data: rep('float', 4, true),
      int32_data: rep('int32', 5, true),
      string_data: rep('bytes', 6),
      int64_data: rep('int64', 7, true),
      name: opt('string', 8),
      doc_string: opt('string', 12),
      raw_data: opt('bytes', 9),
      external_data: rep('StringStringEntryProto', 13),
      data_location: opt('int32', 14),
      double_data: rep('double', 10, true),
      uint64_data: rep('uint64', 11, true),
    },
  },
  TensorShapeProto: {
    fields: { dim: rep('Dimension', 1) },
    nested: {
      Dimension: { fields: { dim_value: opt('int64', 1), dim_param: opt('string', 2), denotation: opt('string', 3) } },
    },
  },
  TypeProto: {
    fields: { tensor_type: opt('Tensor', 1), denotation: opt('string', 6) },
    nested: { Tensor: { fields: { elem_type: opt('int32', 1), shape: opt('TensorShapeProto', 2) } } },
  },
  OperatorSetIdProto: { fields: { domain: opt('string', 1), version: opt('int64', 2) } },
};

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

// Plain-object shapes of the messages (snake_case as in onnx.proto; protobufjs reads them by name).
export interface TensorMessage {
  name: string;
  dims: number[];
  data_type: DataTypeCode;
  raw_data: Uint8Array;
}
export interface AttributeMessage {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorMessage;
  floats?: number[];
  ints?: number[];
}
export interface NodeMessage {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeMessage[];
}
export interface DimensionMessage {
  dim_value?: number;
  dim_param?: string;
}
export interface ValueInfoMessage {
  name: string;
  type: { tensor_type: { elem_type: DataTypeCode; shape: { dim: DimensionMessage[] } } };
}
export interface GraphMessage {
  name: string;
  node: NodeMessage[];
  initializer: TensorMessage[];
  input: ValueInfoMessage[];
  output: ValueInfoMessage[];
  doc_string?: string;
}
export interface ModelMessage {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  graph: GraphMessage;
  doc_string?: string;
  metadata_props?: { key: string; value: string }[];
}

let modelType: protobuf.Type | undefined;

/** The reflected ModelProto type (built once from ONNX_DESCRIPTOR). */
export function modelProtoType(): protobuf.Type {
  if (!modelType) {
    const root = protobuf.Root.fromJSON({ nested: { onnx: { nested: ONNX_DESCRIPTOR } } });
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/** Serialises a ModelProto object to the bytes of an .onnx file. */
export function encodeModel(model: ModelMessage): Uint8Array {
  const type = modelProtoType();
  const problem = type.verify(model);
  if (problem) throw new Error(`ONNX ModelProto is malformed: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}
