import Foundation

extension SafetensorsFile {
    /// The reference implementation's cap on the header, which also stops a garbage length
    /// from asking for gigabytes.
    static let maximumHeaderByteCount = 100_000_000

    /// Reads and validates a safetensors file.
    /// - Throws: ``CheckpointError`` naming the file: ``CheckpointError/fileNotFound(path:)``,
    ///   ``CheckpointError/unreadable(path:reason:)``, or any of the format errors of
    ///   ``init(data:source:)``.
    public static func read(from url: URL) throws -> SafetensorsFile {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            if !FileManager.default.fileExists(atPath: url.path) {
                throw CheckpointError.fileNotFound(path: url.path)
            }
            throw CheckpointError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try SafetensorsFile(data: data, source: url.path)
    }

    /// Parses and validates the bytes of a safetensors file.
    ///
    /// Readers must not depend on the order of entries in the header, and this one does not.
    /// - Parameter source: names the bytes in error messages (a path, a URL, "download").
    /// - Throws: a ``CheckpointError`` for anything that is not a well-formed file; never traps.
    public init(data: Data, source: String = "safetensors data") throws {
        let base = data.startIndex
        guard data.count >= 8 else {
            throw CheckpointError.fileTooShort(source: source, byteCount: data.count)
        }
        let declared = data[base..<base + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard declared <= UInt64(Self.maximumHeaderByteCount) else {
            throw CheckpointError.headerTooLarge(source: source, declared: declared,
                                                 limit: Self.maximumHeaderByteCount)
        }
        guard declared <= UInt64(data.count - 8) else {
            throw CheckpointError.headerLengthExceedsFile(source: source, declared: declared,
                                                          available: data.count - 8)
        }
        let headerEnd = base + 8 + Int(declared)
        let header = try SafetensorsHeader(json: Data(data[base + 8..<headerEnd]), source: source)
        try header.validateLayout(dataByteCount: data.endIndex - headerEnd, source: source)

        var tensors: [SafetensorsTensor] = []
        tensors.reserveCapacity(header.entries.count)
        for entry in header.entries {
            let bytes = data[headerEnd + entry.begin..<headerEnd + entry.end]
            tensors.append(try SafetensorsTensor(name: entry.name, dtype: entry.dtype, shape: entry.shape, data: bytes))
        }
        try self.init(tensors: tensors, metadata: header.metadata)
    }
}
