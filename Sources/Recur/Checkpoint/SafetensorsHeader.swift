import Foundation

/// The parsed and checked JSON header of a safetensors file: where each tensor's bytes are and
/// what they mean. Every number is checked before it is used to index the data, so a damaged or
/// hostile file is an error, never an out-of-bounds read or an arithmetic trap.
struct SafetensorsHeader {
    struct Entry {
        let name: String
        let dtype: SafetensorsDType
        let shape: [Int]
        /// Byte range within the data buffer that follows the header.
        let begin: Int
        let end: Int
    }

    /// Sorted by position in the data buffer.
    let entries: [Entry]
    let metadata: [String: String]

    /// Parses the header JSON and checks each entry on its own (dtype, shape, offsets, size).
    init(json bytes: Data, source: String) throws {
        guard String(data: bytes, encoding: .utf8) != nil else {
            throw CheckpointError.headerNotUTF8(source: source)
        }
        let root: HeaderJSONValue
        do {
            root = try JSONDecoder().decode(HeaderJSONValue.self, from: bytes)
        } catch {
            throw CheckpointError.headerNotJSON(source: source, detail: Self.describe(error))
        }
        guard case let .object(fields) = root else {
            throw CheckpointError.headerNotObject(source: source, found: root.kind)
        }
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (key, value) in fields {
            if key == SafetensorsFile.metadataKey {
                metadata = try Self.metadata(from: value, source: source)
            } else {
                entries.append(try Self.entry(named: key, from: value, source: source))
            }
        }
        self.metadata = metadata
        self.entries = entries.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    }

    /// Checks that the tensors tile the data buffer exactly: no overlap, no gap, nothing past
    /// the end of the file and nothing left over after the last tensor.
    func validateLayout(dataByteCount available: Int, source: String) throws {
        var cursor = 0
        var previous: String?
        for entry in entries {
            if entry.begin < cursor, let previous {
                throw CheckpointError.tensorsOverlap(source: source, tensor: entry.name, begin: entry.begin,
                                                     previous: previous, previousEnd: cursor)
            }
            if entry.begin > cursor {
                throw CheckpointError.gapBeforeTensor(source: source, tensor: entry.name,
                                                      begin: entry.begin, previousEnd: cursor)
            }
            if entry.end > available {
                throw CheckpointError.truncatedData(source: source, tensor: entry.name,
                                                   end: entry.end, available: available)
            }
            cursor = entry.end
            previous = entry.name
        }
        if cursor != available {
            throw CheckpointError.trailingBytes(source: source, covered: cursor, available: available)
        }
    }

    private static func metadata(from value: HeaderJSONValue, source: String) throws -> [String: String] {
        switch value {
        case .null:
            return [:]
        case let .object(fields):
            var metadata: [String: String] = [:]
            for (key, value) in fields {
                guard case let .string(text) = value else {
                    throw CheckpointError.metadataValueNotString(source: source, key: key, found: value.kind)
                }
                metadata[key] = text
            }
            return metadata
        default:
            throw CheckpointError.metadataNotObject(source: source, found: value.kind)
        }
    }

    private static func entry(named name: String, from value: HeaderJSONValue, source: String) throws -> Entry {
        func malformed(_ problem: String) -> CheckpointError {
            .malformedTensorEntry(source: source, tensor: name, problem: problem)
        }
        guard case let .object(fields) = value else {
            throw malformed("expected an object with dtype, shape and data_offsets, found a JSON \(value.kind)")
        }
        guard case let .string(dtypeName)? = fields["dtype"] else {
            throw malformed("\"dtype\" is \(fields["dtype"].map { "a JSON \($0.kind)" } ?? "missing"); "
                + "expected a string such as \"F32\"")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw CheckpointError.unknownDType(source: source, tensor: name, dtype: dtypeName)
        }
        let shapeValues: [HeaderJSONValue]
        if case let .array(values)? = fields["shape"] { shapeValues = values } else { shapeValues = [.null] }
        let shape = shapeValues.compactMap(\.nonNegativeInteger)
        guard shape.count == shapeValues.count else {
            throw malformed("\"shape\" must be an array of non-negative integers")
        }
        guard case let .array(offsetValues)? = fields["data_offsets"], offsetValues.count == 2,
              let begin = offsetValues[0].nonNegativeInteger, let end = offsetValues[1].nonNegativeInteger
        else {
            throw malformed("\"data_offsets\" must be an array of two non-negative integers [begin, end]")
        }
        guard begin <= end else {
            throw CheckpointError.offsetsReversed(source: source, tensor: name, begin: begin, end: end)
        }
        guard let expected = SafetensorsTensor.byteCount(dtype: dtype, shape: shape) else {
            throw malformed("shape \(shape) has more elements than can be addressed")
        }
        guard expected == end - begin else {
            throw CheckpointError.sizeDoesNotMatchOffsets(source: source, tensor: name, dtype: dtype, shape: shape,
                                                          expectedBytes: expected, spanBytes: end - begin)
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.dataCorrupted(context):
            let underlying = (context.underlyingError as NSError?).map { ": \($0.localizedDescription)" } ?? ""
            return context.debugDescription + underlying
        default:
            return "\(error)"
        }
    }
}
