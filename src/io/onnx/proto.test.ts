/**
 * The hand-declared ONNX messages against the real onnx.proto: every declared field's number,
 * label, type and packing is compared with the descriptors of Debian's python3-onnx, so a typo
 * in a field number fails here rather than as an unreadable file.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ONNX_DESCRIPTOR, modelProtoType } from './proto.ts';

const DESCRIBE_ONNX = `
import json, onnx
from google.protobuf.descriptor import FieldDescriptor as F
names = {v: k[5:].lower() for k, v in vars(F).items() if k.startswith('TYPE_')}
def walk(desc, out):
    out[desc.name] = {f.name: {'id': f.number, 'repeated': f.label == F.LABEL_REPEATED,
        'type': f.message_type.name if f.message_type else ('int32' if f.type == F.TYPE_ENUM else names[f.type]),
        'packed': bool(f.GetOptions().packed)} for f in desc.fields}
    for nested in desc.nested_types: walk(nested, out)
out = {}
for name in onnx.ModelProto.DESCRIPTOR.file.message_types_by_name:
    walk(onnx.ModelProto.DESCRIPTOR.file.message_types_by_name[name], out)
print(json.dumps(out))
`;

type Described = Record<string, Record<string, { id: number; repeated: boolean; type: string; packed: boolean }>>;

describe('ONNX protobuf declarations', () => {
  // Fails loudly (no skip) when /usr/bin/python3 lacks the onnx package: the checker is part of the test suite.
  const real = JSON.parse(execFileSync('/usr/bin/python3', ['-c', DESCRIBE_ONNX], { encoding: 'utf8' })) as Described;

  const declared: [string, string, { id: number; type: string; rule?: string; options?: { packed: boolean } }][] = [];
  const collect = (messages: Record<string, unknown>) => {
    for (const [name, msg] of Object.entries(messages) as [string, { fields: Record<string, never>; nested?: Record<string, unknown> }][]) {
      for (const [field, spec] of Object.entries(msg.fields)) declared.push([name, field, spec]);
      if (msg.nested) collect(msg.nested);
    }
  };
  collect(ONNX_DESCRIPTOR);

  it('declares the ten messages the exporter writes', () => {
    const names = new Set(declared.map(([m]) => m));
    for (const m of [
      'ModelProto',
      'GraphProto',
      'NodeProto',
      'AttributeProto',
      'TensorProto',
      'ValueInfoProto',
      'TypeProto',
      'TensorShapeProto',
      'OperatorSetIdProto',
      'StringStringEntryProto',
    ])
      expect(names.has(m), m).toBe(true);
  });

  it('matches onnx.proto field by field (number, label, type, packing)', () => {
    for (const [message, field, spec] of declared) {
      const want = real[message]?.[field];
      expect(want, `${message}.${field} exists in onnx.proto`).toBeDefined();
      expect(
        { id: spec.id, repeated: spec.rule === 'repeated', type: spec.type, packed: spec.options?.packed ?? false },
        `${message}.${field}`,
      ).toEqual({ id: want.id, repeated: want.repeated, type: want.type, packed: want.repeated && want.packed });
    }
  });

  it('refuses a malformed model object with the reason', () => {
    const type = modelProtoType();
    expect(type.verify({ ir_version: 'eight' })).toMatch(/ir_version/);
  });
});
