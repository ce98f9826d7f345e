import Foundation

/// Everything that can go wrong reading, building or writing a safetensors checkpoint.
///
/// `source` is the file path (or the name given to ``SafetensorsFile/init(data:source:)``), so
/// every message says which file is at fault, what was found, and what was expected.
public enum CheckpointError: Error, Equatable, Sendable {
    // Reading: the file itself.
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case fileTooShort(source: String, byteCount: Int)
    case headerTooLarge(source: String, declared: UInt64, limit: Int)
    case headerLengthExceedsFile(source: String, declared: UInt64, available: Int)
    case headerNotUTF8(source: String)
    case headerNotJSON(source: String, detail: String)
    case headerNotObject(source: String, found: String)
    // Reading: the header's contents.
    case metadataNotObject(source: String, found: String)
    case metadataValueNotString(source: String, key: String, found: String)
    case malformedTensorEntry(source: String, tensor: String, problem: String)
    case unknownDType(source: String, tensor: String, dtype: String)
    case sizeDoesNotMatchOffsets(source: String, tensor: String, dtype: SafetensorsDType,
                                 shape: [Int], expectedBytes: Int, spanBytes: Int)
    case offsetsReversed(source: String, tensor: String, begin: Int, end: Int)
    case truncatedData(source: String, tensor: String, end: Int, available: Int)
    case tensorsOverlap(source: String, tensor: String, begin: Int, previous: String, previousEnd: Int)
    case gapBeforeTensor(source: String, tensor: String, begin: Int, previousEnd: Int)
    case trailingBytes(source: String, covered: Int, available: Int)
    // Building a file in memory and looking things up in it.
    case reservedTensorName(String)
    case invalidShape(tensor: String, shape: [Int])
    case byteCountMismatch(tensor: String, dtype: SafetensorsDType, shape: [Int], expected: Int, found: Int)
    case duplicateTensorName(String)
    case tensorNotFound(tensor: String, available: [String])
    case shapeMismatch(tensor: String, expected: [Int], found: [Int])
    case notConvertible(tensor: String, dtype: SafetensorsDType, requested: String)
    case metadataMissing(key: String)
    case metadataNotDecodable(key: String, detail: String)
    case metadataNotEncodable(key: String, detail: String)
    // Writing.
    case writeFailed(path: String, operation: String, errno: Int32)
    case writeNotDurable(path: String, errno: Int32)
}

extension CheckpointError: CustomStringConvertible, LocalizedError {
    public var errorDescription: String? { description }

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            return "no checkpoint at \(path) (check the path, or start without resuming)"
        case let .unreadable(path, reason):
            return "cannot read checkpoint \(path): \(reason)"
        case let .fileTooShort(source, byteCount):
            return "\(source): not a safetensors file: it has \(byteCount) bytes, "
                + "expected at least 8 (the header length); the file is empty or was cut off"
        case let .headerTooLarge(source, declared, limit):
            return "\(source): not a safetensors file: header length \(declared) bytes is over "
                + "the \(limit)-byte limit; the first 8 bytes should be a little-endian header length"
        case let .headerLengthExceedsFile(source, declared, available):
            return "\(source): header length \(declared) bytes is more than the \(available) bytes "
                + "that follow it; the file was cut off or is not a safetensors file"
        case let .headerNotUTF8(source):
            return "\(source): header is not valid UTF-8; expected a UTF-8 JSON object"
        case let .headerNotJSON(source, detail):
            return "\(source): header is not valid JSON (\(detail)); expected a JSON object"
        case let .headerNotObject(source, found):
            return "\(source): header is a JSON \(found); expected a JSON object of tensor entries"
        case let .metadataNotObject(source, found):
            return "\(source): \"__metadata__\" is a JSON \(found); expected an object of strings"
        case let .metadataValueNotString(source, key, found):
            return "\(source): metadata value for \"\(key)\" is a JSON \(found); "
                + "safetensors metadata values must be strings (encode structured values as JSON text)"
        case let .malformedTensorEntry(source, tensor, problem):
            return "\(source): tensor \"\(tensor)\": \(problem)"
        case let .unknownDType(source, tensor, dtype):
            let known = SafetensorsDType.allCases.map(\.name).joined(separator: ", ")
            return "\(source): tensor \"\(tensor)\" has unknown dtype \"\(dtype)\"; expected one of \(known)"
        case let .sizeDoesNotMatchOffsets(source, tensor, dtype, shape, expectedBytes, spanBytes):
            return "\(source): tensor \"\(tensor)\" (\(dtype.name) \(shape)) needs \(expectedBytes) bytes, "
                + "but its data_offsets span \(spanBytes) bytes"
        case let .offsetsReversed(source, tensor, begin, end):
            return "\(source): tensor \"\(tensor)\" has data_offsets [\(begin), \(end)]; expected begin ≤ end"
        case let .truncatedData(source, tensor, end, available):
            return "\(source): tensor \"\(tensor)\" ends at data byte \(end), but the file has only "
                + "\(available) data bytes; the file was cut off (an interrupted copy or download?)"
        case let .tensorsOverlap(source, tensor, begin, previous, previousEnd):
            return "\(source): tensor \"\(tensor)\" begins at data byte \(begin), inside tensor "
                + "\"\(previous)\" which ends at \(previousEnd); expected non-overlapping tensors"
        case let .gapBeforeTensor(source, tensor, begin, previousEnd):
            return "\(source): tensor \"\(tensor)\" begins at data byte \(begin), but the tensor "
                + "before it ends at \(previousEnd); expected tensors packed without gaps"
        case let .trailingBytes(source, covered, available):
            return "\(source): tensors cover \(covered) data bytes, but the file has \(available); "
                + "expected the tensors to cover the data exactly (extra bytes at the end)"
        case let .reservedTensorName(name):
            return "a tensor cannot be named \"\(name)\": that key holds the file's metadata"
        case let .invalidShape(tensor, shape):
            return "tensor \"\(tensor)\" has shape \(shape); expected non-negative dimensions "
                + "whose product fits in memory"
        case let .byteCountMismatch(tensor, dtype, shape, expected, found):
            return "tensor \"\(tensor)\" (\(dtype.name) \(shape)) needs \(expected) bytes of data, "
                + "got \(found)"
        case let .duplicateTensorName(name):
            return "two tensors are named \"\(name)\"; names in a safetensors file must be unique"
        case let .tensorNotFound(tensor, available):
            return "no tensor named \"\(tensor)\" in the checkpoint; it has: "
                + (available.isEmpty ? "no tensors" : available.joined(separator: ", "))
        case let .shapeMismatch(tensor, expected, found):
            return "tensor \"\(tensor)\" has shape \(found); expected \(expected) "
                + "(was the checkpoint written by a model with a different configuration?)"
        case let .notConvertible(tensor, dtype, requested):
            return "tensor \"\(tensor)\" is \(dtype.name); it cannot be read as \(requested)"
        case let .metadataMissing(key):
            return "the checkpoint has no \"\(key)\" metadata; it was not written by Recur, "
                + "or by a version that did not record it"
        case let .metadataNotDecodable(key, detail):
            return "metadata \"\(key)\" is not the JSON expected: \(detail)"
        case let .metadataNotEncodable(key, detail):
            return "cannot encode metadata \"\(key)\" as JSON: \(detail)"
        case let .writeFailed(path, operation, code):
            return "could not write checkpoint \(path): \(operation) failed: \(Self.reason(errno: code)); "
                + "any previous file at that path is unchanged. \(Self.advice(errno: code))"
        case let .writeNotDurable(path, code):
            return "checkpoint \(path) was written, but syncing its directory failed: "
                + "\(Self.reason(errno: code)); it may not survive a crash or power loss. "
                + "Check the disk, or copy the file elsewhere."
        }
    }

    static func reason(errno code: Int32) -> String {
        String(cString: strerror(code))
    }

    private static func advice(errno code: Int32) -> String {
        switch code {
        case ENOSPC, EDQUOT: return "Free disk space, or write checkpoints to another directory."
        case EACCES, EPERM, EROFS: return "Make the directory writable, or choose another one."
        case ENOENT, ENOTDIR: return "Check that the directory path exists and is a directory."
        case EISDIR: return "The path names a directory; give a file name ending in .safetensors."
        default: return "Check the directory and the disk, then retry."
        }
    }
}
