import protobuf from 'protobufjs'

/**
 * The TensorFlow protos this library reads and writes, as protobufjs descriptors with TensorFlow's
 * own field numbers (tensorflow/core/example/{example,feature}.proto, core/util/event.proto,
 * core/framework/{summary,tensor,tensor_shape}.proto): only the fields used here.
 */
const descriptor = {
  nested: {
    tensorflow: {
      nested: {
        BytesList: { fields: { value: { rule: 'repeated', type: 'bytes', id: 1 } } },
        FloatList: { fields: { value: { rule: 'repeated', type: 'float', id: 1, options: { packed: true } } } },
        Int64List: { fields: { value: { rule: 'repeated', type: 'int64', id: 1, options: { packed: true } } } },
        Feature: {
          oneofs: { kind: { oneof: ['bytesList', 'floatList', 'int64List'] } },
          fields: {
            bytesList: { type: 'BytesList', id: 1 },
            floatList: { type: 'FloatList', id: 2 },
            int64List: { type: 'Int64List', id: 3 },
          },
        },
        Features: { fields: { feature: { keyType: 'string', type: 'Feature', id: 1 } } },
        Example: { fields: { features: { type: 'Features', id: 1 } } },

        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dim', id: 2 } },
          nested: { Dim: { fields: { size: { type: 'int64', id: 1 }, name: { type: 'string', id: 2 } } } },
        },
        TensorProto: {
          fields: {
            dtype: { type: 'int32', id: 1 },
            tensorShape: { type: 'TensorShapeProto', id: 2 },
            tensorContent: { type: 'bytes', id: 4 },
            floatVal: { rule: 'repeated', type: 'float', id: 5, options: { packed: true } },
            doubleVal: { rule: 'repeated', type: 'double', id: 6, options: { packed: true } },
            stringVal: { rule: 'repeated', type: 'bytes', id: 8 },
          },
        },
        HistogramProto: {
          fields: {
            min: { type: 'double', id: 1 },
            max: { type: 'double', id: 2 },
            num: { type: 'double', id: 3 },
            sum: { type: 'double', id: 4 },
            sumSquares: { type: 'double', id: 5 },
            bucketLimit: { rule: 'repeated', type: 'double', id: 6, options: { packed: true } },
            bucket: { rule: 'repeated', type: 'double', id: 7, options: { packed: true } },
          },
        },
        SummaryMetadata: {
          fields: { pluginData: { type: 'PluginData', id: 1 }, displayName: { type: 'string', id: 2 }, summaryDescription: { type: 'string', id: 3 } },
          nested: { PluginData: { fields: { pluginName: { type: 'string', id: 1 }, content: { type: 'bytes', id: 2 } } } },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Value: {
              fields: {
                tag: { type: 'string', id: 1 },
                simpleValue: { type: 'float', id: 2 },
                histo: { type: 'HistogramProto', id: 5 },
                tensor: { type: 'TensorProto', id: 8 },
                metadata: { type: 'SummaryMetadata', id: 9 },
              },
            },
          },
        },
        Event: {
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            fileVersion: { type: 'string', id: 3 },
            summary: { type: 'Summary', id: 5 },
          },
        },
      },
    },
  },
}

// protobufjs's IField type does not describe map fields (keyType), which its JSON format has.
const root = protobuf.Root.fromJSON(descriptor as unknown as protobuf.INamespace)

export const ExampleProto = root.lookupType('tensorflow.Example')
export const EventProto = root.lookupType('tensorflow.Event')

export const DT_FLOAT = 1
export const DT_DOUBLE = 2
export const DT_STRING = 7
