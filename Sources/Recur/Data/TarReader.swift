/// Reads the entries of a tar stream (POSIX ustar and GNU long names) from any source of byte
/// chunks — here a ``GzipReader`` — one entry at a time, holding only that entry in memory.
public final class TarReader {
    public struct Entry {
        public let path: String
        public let isFile: Bool
        public let contents: [UInt8]
    }

    let archive: String
    private let nextChunk: () throws -> [UInt8]?
    private var buffer: [UInt8] = []
    private var position = 0
    private var ended = false

    /// - Parameters:
    ///   - archive: the file name, for error messages.
    ///   - chunks: returns the next decompressed bytes, nil at the end.
    public init(archive: String, chunks: @escaping () throws -> [UInt8]?) {
        self.archive = archive
        self.nextChunk = chunks
    }

    /// Makes `count` bytes available at `position`; false when the stream ends first.
    private func fill(_ count: Int) throws -> Bool {
        if position > 1 << 22 { buffer.removeFirst(position); position = 0 }
        while buffer.count - position < count {
            guard let chunk = try nextChunk() else { return false }
            buffer.append(contentsOf: chunk)
        }
        return true
    }

    private func take(_ count: Int, what: String) throws -> ArraySlice<UInt8> {
        guard try fill(count) else {
            throw DataError.truncatedArchive(path: archive, detail: "the tar stream ends inside \(what)")
        }
        defer { position += count }
        return buffer[position..<(position + count)]
    }

    /// The next entry, or nil after the end-of-archive marker.
    public func next() throws -> Entry? {
        var longName: String?
        while !ended {
            guard try fill(512) else {
                throw DataError.truncatedArchive(path: archive, detail: "the tar stream ends without its end-of-archive blocks")
            }
            let header = Array(buffer[position..<(position + 512)])
            position += 512
            if header.allSatisfy({ $0 == 0 }) { ended = true; return nil }
            try verifyChecksum(header)
            let name = Self.string(header[0..<100])
            let prefix = Self.string(header[345..<500])
            let type = header[156]
            guard let size = Self.octal(header[124..<136]) else {
                throw DataError.corruptArchive(path: archive, detail: "entry '\(name)' has an unreadable size field")
            }
            let padded = (size + 511) / 512 * 512
            let data = Array(try take(padded, what: "entry '\(name)'").prefix(size))
            switch type {
            case UInt8(ascii: "L"):
                // GNU long name: the data is the next entry's path.
                longName = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
                continue
            case UInt8(ascii: "x"), UInt8(ascii: "g"):
                continue  // PAX extended headers: nothing we need.
            default:
                let path = longName ?? (prefix.isEmpty ? name : prefix + "/" + name)
                return Entry(path: path, isFile: type == 0 || type == UInt8(ascii: "0"), contents: data)
            }
        }
        return nil
    }

    private func verifyChecksum(_ header: [UInt8]) throws {
        guard let stored = Self.octal(header[148..<156]) else {
            throw DataError.corruptArchive(path: archive, detail: "a header has an unreadable checksum (not a tar stream?)")
        }
        var sum = 0
        for (i, byte) in header.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(byte) }
        guard sum == stored else {
            throw DataError.corruptArchive(path: archive, detail: "header checksum \(stored) does not match its bytes (\(sum))")
        }
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func octal(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        var digits = 0
        for byte in bytes {
            if byte == 0 || byte == UInt8(ascii: " ") { if digits > 0 { break } else { continue } }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}
