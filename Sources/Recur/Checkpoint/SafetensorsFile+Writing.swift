import Foundation

extension SafetensorsFile {
    /// The file's bytes, laid out as the official library lays them out: tensors ordered by
    /// dtype alignment (widest first) then by name, so each tensor's data starts on a multiple
    /// of its element size; compact JSON with `__metadata__` first (keys sorted); the header
    /// padded with spaces to a multiple of 8. The same contents always give the same bytes.
    public func serialized() -> Data {
        let ordered = tensors.sorted { left, right in
            left.dtype != right.dtype
                ? left.dtype > right.dtype
                : left.name.utf8.lexicographicallyPrecedes(right.name.utf8)
        }
        var header = SafetensorsHeaderText()
        if !metadata.isEmpty {
            let sorted = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            header.appendMetadata(sorted)
        }
        var offset = 0
        for tensor in ordered {
            header.appendTensor(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape,
                                begin: offset, end: offset + tensor.data.count)
            offset += tensor.data.count
        }
        let headerBytes = header.paddedBytes()

        var output = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { output.append(contentsOf: $0) }
        output.append(contentsOf: headerBytes)
        for tensor in ordered { output.append(tensor.data) }
        return output
    }

    /// Writes the file atomically: a reader (or a crash) sees the old file or the new one.
    /// - Throws: ``CheckpointError/writeFailed(path:operation:errno:)``, leaving any previous
    ///   file at `url` intact; see ``AtomicFileWriter/write(_:to:)``.
    public func write(to url: URL) throws {
        try write(to: url, using: AtomicFileWriter())
    }

    /// Writes the file with a given writer (tests inject failing file systems through it).
    public func write(to url: URL, using writer: AtomicFileWriter) throws {
        try writer.write(serialized(), to: url)
    }
}

/// Builds the header JSON exactly as serde_json's compact writer does, so a file Recur writes
/// matches the official library's byte for byte.
struct SafetensorsHeaderText {
    private var text = "{"
    private var isFirst = true

    mutating func appendMetadata(_ entries: [(key: String, value: String)]) {
        appendKey(SafetensorsFile.metadataKey)
        text += "{" + entries.map { JSONStringLiteral.quoted($0.key) + ":" + JSONStringLiteral.quoted($0.value) }.joined(separator: ",") + "}"
    }

    mutating func appendTensor(name: String, dtype: SafetensorsDType, shape: [Int], begin: Int, end: Int) {
        appendKey(name)
        let dimensions = shape.map(String.init).joined(separator: ",")
        text += "{\"dtype\":\"\(dtype.name)\",\"shape\":[\(dimensions)],\"data_offsets\":[\(begin),\(end)]}"
    }

    /// The closed JSON object as UTF-8, padded with spaces to a multiple of 8 bytes so the data
    /// that follows the 8-byte length starts 8-aligned.
    func paddedBytes() -> [UInt8] {
        var bytes = Array((text + "}").utf8)
        bytes += Array(repeating: UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8)
        return bytes
    }

    private mutating func appendKey(_ key: String) {
        if !isFirst { text += "," }
        isFirst = false
        text += JSONStringLiteral.quoted(key) + ":"
    }
}
